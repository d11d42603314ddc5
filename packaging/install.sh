#!/bin/sh
# Install raftlog's userspace, units, rules, man pages, completion and
# (with "dkms") the DKMS source tree.  `make install` and `make
# install-dkms` run this; debian/rules too.
#
#   install.sh [all|dkms]
#
# Where, from the environment (as make passes them):
#   DESTDIR     staging root (default empty)
#   PREFIX      /usr/local;  SBINDIR $PREFIX/sbin, BINDIR $PREFIX/bin,
#               LIBDIR $PREFIX/lib, INCLUDEDIR $PREFIX/include,
#               MANDIR $PREFIX/share/man
#   SYSCONFDIR  /etc  (the configs: $SYSCONFDIR/raftlog)
#   UNITDIR     $PREFIX/lib/systemd/system (and system-generators beside it)
#   UDEVDIR     $PREFIX/lib/udev   (rules.d/60-raftlog.rules)
#   COMPLETIONDIR $PREFIX/share/bash-completion/completions
#   DKMSDIR     /usr/src
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-all}
D=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
SBINDIR=${SBINDIR:-$PREFIX/sbin}
BINDIR=${BINDIR:-$PREFIX/bin}
LIBDIR=${LIBDIR:-$PREFIX/lib}
INCLUDEDIR=${INCLUDEDIR:-$PREFIX/include}
MANDIR=${MANDIR:-$PREFIX/share/man}
SYSCONFDIR=${SYSCONFDIR:-/etc}
UNITDIR=${UNITDIR:-$PREFIX/lib/systemd/system}
UDEVDIR=${UDEVDIR:-$PREFIX/lib/udev}
COMPLETIONDIR=${COMPLETIONDIR:-$PREFIX/share/bash-completion/completions}
DKMSDIR=${DKMSDIR:-/usr/src}
VERSION=$(cat "$here/packaging/VERSION")

# subst SRC DST MODE: install SRC with the @NAME@ paths filled in
subst() {
	mkdir -p "$(dirname "$2")"
	sed -e "s|@SBINDIR@|$SBINDIR|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" \
	    -e "s|@PREFIX@|$PREFIX|g" -e "s|@LIBDIR@|$LIBDIR|g" \
	    -e "s|@INCLUDEDIR@|$INCLUDEDIR|g" -e "s|@VERSION@|$VERSION|g" \
	    "$1" >"$2"
	chmod "$3" "$2"
}

if [ "$what" = dkms ]; then
	src=$D$DKMSDIR/raftlog-$VERSION
	rm -rf "$src"
	mkdir -p "$src"
	# what Kbuild builds: the module, and on a kernel with KUnit the test
	# modules (tests/kunit and the shared unit tests)
	(cd "$here" && find Kbuild kernel uapi tests/rltest.h tests/kunit \
		tests/unit/port tests/unit/disk tests/unit/raft tests/unit/wire \
		-type f \( -name Kbuild -o -name '*.c' -o -name '*.h' \) -print) |
	while read -r f; do
		mkdir -p "$src/$(dirname "$f")"
		install -m 0644 "$here/$f" "$src/$f"
	done
	subst "$here/packaging/dkms/dkms.conf" "$src/dkms.conf" 0644
	exit 0
fi

ins() { mkdir -p "$D$2"; install -m "$3" "$1" "$D$2/${4:-$(basename "$1")}"; }
ins "$here/userspace/raftctl/raftctl" "$SBINDIR" 0755
ins "$here/userspace/bench/raftlog-bench" "$BINDIR" 0755
ins "$here/userspace/lib/libraftlog.a" "$LIBDIR" 0644
ins "$here/userspace/lib/libraftlog.h" "$INCLUDEDIR" 0644
for h in raftlog.h raftlog_disk.h raftlog_wire.h; do
	ins "$here/uapi/linux/$h" "$INCLUDEDIR/linux" 0644
done
subst "$here/packaging/libraftlog.pc.in" "$D$LIBDIR/pkgconfig/libraftlog.pc" 0644
ins "$here/userspace/raftctl/raftctl.8" "$MANDIR/man8" 0644
ins "$here/userspace/raftctl/raftlog.conf.5" "$MANDIR/man5" 0644
ins "$here/userspace/bench/raftlog-bench.1" "$MANDIR/man1" 0644
subst "$here/packaging/systemd/raftlog@.service" "$D$UNITDIR/raftlog@.service" 0644
subst "$here/packaging/systemd/raftlog.target" "$D$UNITDIR/raftlog.target" 0644
subst "$here/packaging/systemd/raftlog-metrics.service" "$D$UNITDIR/raftlog-metrics.service" 0644
ins "$here/packaging/systemd/raftlog-metrics.timer" "$UNITDIR" 0644
subst "$here/packaging/systemd/raftlog-generator" \
	"$D$(dirname "$UNITDIR")/system-generators/raftlog-generator" 0755
subst "$here/packaging/udev/60-raftlog.rules" "$D$UDEVDIR/rules.d/60-raftlog.rules" 0644
ins "$here/packaging/bash-completion/raftctl" "$COMPLETIONDIR" 0644
mkdir -p "$D$SYSCONFDIR/raftlog"
chmod 0755 "$D$SYSCONFDIR/raftlog"
