#!/bin/sh
# Packaging tier: the Debian packages and DKMS, built from a clean copy of
# the tree in build/pkg.  TAP, then "N passed, N failed".
#
#   1. dpkg-buildpackage -us -uc builds raftlog-dkms and raftlog-utils
#   2. lintian reports no error on them
#   3. the packages hold what they should (raftctl, units, rule, man pages,
#      completion, libraftlog, dkms.conf and the module's source)
#   4. dkms build of that source against each installed kernel's headers
#      (Debian 12's 6.1: linux-headers-amd64), in a private DKMS tree
#   5. dkms build against the project's 6.12 test kernel tree, when it is
#      built (~/.cache/raftlog; RAFTLOG_PKG_612=0 skips it)
#   6. make install DESTDIR=... PREFIX=/usr puts everything in place with
#      the paths filled in
#
#   tier-package.sh
# Needs: dpkg-dev debhelper dh-dkms dkms lintian (scripts/install-deps.sh,
# which make package runs first).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/build/pkg
n=0 failed=0 skipped=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ -f "$out/last.log" ] && tail -25 "$out/last.log" | sed 's/^/#   /'
}
# step DESC CMD...: run CMD with its output in last.log
step() {
	d=$1
	shift
	if "$@" >"$out/last.log" 2>&1; then ok "$d"; else nok "$d"; fi
}

for t in dpkg-buildpackage dh dh_dkms dkms lintian; do
	command -v $t >/dev/null || { echo "tier-package: $t missing (apt install dpkg-dev debhelper dh-dkms dkms lintian)" >&2; echo "0 passed, 1 failed"; exit 1; }
done
version=$(cat "$here/packaging/VERSION")
rm -rf "$out"
mkdir -p "$out/src"
src=$out/src/raftlog-$version
# a clean copy: what git tracks (the work tree's version of each file)
mkdir -p "$src"
(cd "$here" && git ls-files -z --cached --others --exclude-standard) |
	(cd "$here" && xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' _) |
	(cd "$here" && cpio -p0dm --quiet "$src")

build_deb() {
	cd "$src" && dpkg-buildpackage -us -uc
}
step "dpkg-buildpackage -us -uc builds raftlog-dkms and raftlog-utils" build_deb
dkms_deb=$(ls "$out"/src/raftlog-dkms_*.deb 2>/dev/null | head -1)
utils_deb=$(ls "$out"/src/raftlog-utils_*.deb 2>/dev/null | head -1)

lint() {
	[ -n "$dkms_deb" ] && [ -n "$utils_deb" ] || return 1
	lintian --no-tag-display-limit "$out"/src/raftlog_*.changes >"$out/lintian.txt" 2>&1
	cat "$out/lintian.txt"
	! grep -q '^E: ' "$out/lintian.txt"
}
step "lintian: no errors (warnings in build/pkg/lintian.txt)" lint
[ -f "$out/lintian.txt" ] && echo "# lintian: $(grep -c '^E: ' "$out/lintian.txt") errors, $(grep -c '^W: ' "$out/lintian.txt") warnings"

contents() {
	dpkg-deb -c "$utils_deb" >"$out/utils.list" && dpkg-deb -c "$dkms_deb" >"$out/dkms.list" || return 1
	for f in ./usr/sbin/raftctl ./usr/bin/raftlog-bench ./usr/include/libraftlog.h \
		 ./usr/include/linux/raftlog.h /libraftlog.a /pkgconfig/libraftlog.pc \
		 ./lib/systemd/system/raftlog@.service ./lib/systemd/system/raftlog.target \
		 ./lib/systemd/system-generators/raftlog-generator \
		 ./lib/udev/rules.d/60-raftlog.rules ./usr/share/man/man8/raftctl.8.gz \
		 ./usr/share/man/man5/raftlog.conf.5.gz \
		 ./usr/share/bash-completion/completions/raftctl ./etc/raftlog/; do
		grep -q -- "$f\$" "$out/utils.list" || { echo "raftlog-utils lacks $f"; return 1; }
	done
	for f in "./usr/src/raftlog-$version/dkms.conf" "./usr/src/raftlog-$version/Kbuild" \
		 "./usr/src/raftlog-$version/kernel/main.c" "./usr/src/raftlog-$version/uapi/linux/raftlog.h"; do
		grep -q -- "$f\$" "$out/dkms.list" || { echo "raftlog-dkms lacks $f"; return 1; }
	done
	dpkg-deb -I "$dkms_deb" postinst | grep -q dkms || { echo "raftlog-dkms: no dkms postinst"; return 1; }
}
step "the packages hold the tools, units, rule, man pages, completion, library and module source" contents

# dkms build KREL [KDIR]: in a private tree, from the package's source
dkms_build() {
	rm -rf "$out/dkms"
	mkdir -p "$out/dkms/tree" "$out/dkms/src"
	dpkg-deb -x "$dkms_deb" "$out/dkms/root" || return 1
	cp -r "$out/dkms/root/usr/src/raftlog-$version" "$out/dkms/src/" || return 1
	if [ -n "${2:-}" ]; then
		dkms build -m raftlog -v "$version" -k "$1" --kernelsourcedir "$2" \
			--dkmstree "$out/dkms/tree" --sourcetree "$out/dkms/src" || return 1
	else
		dkms build -m raftlog -v "$version" -k "$1" \
			--dkmstree "$out/dkms/tree" --sourcetree "$out/dkms/src" || return 1
	fi
	ls "$out/dkms/tree/raftlog/$version/$1/"*/module/raftlog.ko*
}
found=0
for b in /lib/modules/*/build; do
	[ -e "$b/Makefile" ] || continue
	krel=$(basename "$(dirname "$b")")
	found=1
	step "dkms build against $krel's headers" dkms_build "$krel"
done
[ $found = 1 ] || { nok "dkms build: no kernel headers installed (linux-headers-amd64)"; }

# the project's 6.12 test kernel tree, if built
cache=${RAFTLOG_CACHE:-$HOME/.cache/raftlog}
if [ "${RAFTLOG_PKG_612:-1}" != 0 ]; then
	kdir=$(ls -d "$cache"/kernel/*-debug-* 2>/dev/null | while read -r d; do
		[ -f "$d/Module.symvers" ] && echo "$d"; done | head -1)
	if [ -n "$kdir" ]; then
		krel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null)
		step "dkms build against the 6.12 test kernel ($krel)" dkms_build "$krel" "$kdir"
	elif [ "${RAFTLOG_STRICT:-0}" = 1 ]; then
		# make check builds that kernel first: its absence is a failure
		nok "dkms build against the 6.12 test kernel: none built in $cache"
	else
		skipped=$((skipped + 1))
		echo "ok $((n + 1)) - dkms build against the 6.12 test kernel # SKIP none built in $cache"
		n=$((n + 1))
	fi
fi

inst() {
	rm -rf "$out/root"
	make -s -C "$here" install install-dkms DESTDIR="$out/root" PREFIX=/usr || return 1
	for f in usr/sbin/raftctl usr/bin/raftlog-bench usr/lib/libraftlog.a \
		 usr/lib/pkgconfig/libraftlog.pc usr/include/libraftlog.h \
		 usr/lib/systemd/system/raftlog@.service usr/lib/udev/rules.d/60-raftlog.rules \
		 usr/share/man/man5/raftlog.conf.5 "usr/src/raftlog-$version/dkms.conf"; do
		[ -f "$out/root/$f" ] || { echo "missing $f"; return 1; }
	done
	! grep -rl '@[A-Z]*@' "$out/root/usr/lib" "$out/root/usr/src/raftlog-$version/dkms.conf" |
		grep -v '\.a$'
}
step "make install DESTDIR PREFIX=/usr (and install-dkms)" inst

res="$((n - failed - skipped)) passed, $failed failed"
[ "$skipped" -gt 0 ] && res="$res, $skipped skipped"
echo "$res"
[ $failed -eq 0 ]
