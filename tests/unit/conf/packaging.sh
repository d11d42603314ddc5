#!/bin/sh
# Host checks of the packaging files that need no root and no kernel:
# systemd-analyze verify on the units (where systemd is present), the
# generator's drop-ins from a config directory, the bash completion, and
# the man pages through groff's warnings.  TAP output.
#	packaging.sh TOP
set -u
top=$(cd "$1" && pwd)
rc=$top/userspace/raftctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0 sk=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$tmp/out"; }
check() { d=$1; shift; if "$@" >"$tmp/out" 2>&1; then ok "$d"; else nok "$d"; fi; }
# skip WHAT TOOL: a check that cannot run without TOOL is a skip, not a pass;
# and a failure with RAFTLOG_STRICT=1 (make check: install-deps.sh installs
# systemd and groff-base)
skip() {
	if [ "${RAFTLOG_STRICT:-0}" = 1 ]; then
		echo "$2 not found (RAFTLOG_STRICT=1)" >"$tmp/out"
		nok "$1: $2 missing"
	else
		ok "$1 # SKIP no $2 here"
		sk=$((sk + 1))
	fi
}
# the @PATHS@ filled in as make install does, raftctl from the build tree
subst() { sed -e "s|@SBINDIR@|$rc|g" -e "s|@SYSCONFDIR@|$tmp/etc|g" "$1" >"$2"; }

mkdir -p "$tmp/units" "$tmp/etc/raftlog" "$tmp/gen"
subst "$top/packaging/systemd/raftlog@.service" "$tmp/units/raftlog@.service"
subst "$top/packaging/systemd/raftlog.target" "$tmp/units/raftlog.target"
cp "$tmp/units/raftlog@.service" "$tmp/units/raftlog@orders.service"
subst "$top/packaging/systemd/raftlog-metrics.service" "$tmp/units/raftlog-metrics.service"
cp "$top/packaging/systemd/raftlog-metrics.timer" "$tmp/units/"
verify() {
	(cd "$tmp/units" && systemd-analyze verify --man=no ./raftlog.target \
		./raftlog@orders.service ./raftlog-metrics.timer \
		./raftlog-metrics.service) >"$tmp/verify" 2>&1 || { cat "$tmp/verify"; return 1; }
	cat "$tmp/verify"
	# it exits 0 on unknown keys and the like: any word from it is a finding
	[ ! -s "$tmp/verify" ]
}
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify: raftlog@.service, raftlog.target and the metrics timer are clean" verify
else
	skip "systemd-analyze verify" systemd-analyze
fi

cat >"$tmp/etc/raftlog/orders.conf" <<'CONF'
[group]
id = 1
[node]
id = 1
device = /dev/disk/by-partlabel/raftlog-orders
CONF
printf '[group]\nid = 2\n' >"$tmp/etc/raftlog/broken.conf"
subst "$top/packaging/systemd/raftlog-generator" "$tmp/generator"
generator() {
	RAFTLOG_CONFDIR=$tmp/etc/raftlog sh "$tmp/generator" "$tmp/gen" || return 1
	f=$tmp/gen/raftlog@orders.service.d/50-device.conf
	cat "$f" || return 1
	grep -qx 'BindsTo=dev-disk-by\\x2dpartlabel-raftlog\\x2dorders.device' "$f" &&
		grep -qx 'After=dev-disk-by\\x2dpartlabel-raftlog\\x2dorders.device' "$f" &&
		[ ! -e "$tmp/gen/raftlog@broken.service.d" ]
}
if command -v systemd-escape >/dev/null; then
	check "the generator binds raftlog@NAME to its device (and skips a broken file)" generator
else
	skip "generator" systemd-escape
fi

# bash completion, with the two bash-completion helpers it uses stubbed
complete_words() {
	bash -c '
		_init_completion() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
		_filedir() { COMPREPLY=(FILES); }
		raftctl() { :; }
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_raftctl
		echo "${COMPREPLY[*]}"' _ "$top/packaging/bash-completion/raftctl" "$@"
}
completion() {
	[ "$(complete_words raftctl u)" = "up udev-name" ] || return 1
	[ "$(RAFTLOG_CONFDIR=$tmp/etc/raftlog complete_words raftctl up '')" = "broken orders" ] || return 1
	[ "$(complete_words raftctl -c "$tmp/etc/raftlog" adjust o)" = "orders" ] || return 1
	[ "$(complete_words raftctl group '')" = "add del show set" ] || return 1
	[ "$(complete_words raftctl stats --p)" = "--prometheus" ] || return 1
	[ "$(complete_words raftctl status -)" = "-j" ] || return 1
	[ "$(complete_words raftctl group add 1 tick)" = "tick-ms" ] || return 1
	[ "$(complete_words raftctl leader transfer 1 '')" = "to" ] || return 1
	[ "$(complete_words raftctl format /dev/x --f)" = "--force" ] || return 1
}
check "bash completion: commands, config names (-c too), subcommands, keys" completion

# raftctl itself: -c and RAFTLOG_CONFDIR, and a bad file stops up/down/
# adjust before anything reaches the kernel (exit 2 whether or not the
# module is loaded)
cli() {
	printf '[group]\nid = 1\n[node]\nid = 1\ndevice = /dev/x\nlisten = nowhere\n[peer 2]\naddress = 10.0.0.2:1\n' \
		>"$tmp/etc/raftlog/bad.conf"
	"$rc/raftctl" -c "$tmp/etc/raftlog" checkconf orders | grep -qx 'device = /dev/disk/by-partlabel/raftlog-orders' || return 1
	RAFTLOG_CONFDIR=$tmp/etc/raftlog "$rc/raftctl" checkconf -q orders || return 1
	for c in checkconf up down adjust showconf; do
		"$rc/raftctl" -c "$tmp/etc/raftlog" $c bad 2>"$tmp/err"
		r=$?
		cat "$tmp/err"
		[ $r = 2 ] && grep -q 'bad.conf:6: listen: "nowhere" is not' "$tmp/err" || return 1
	done
	grep -q 'up bad: the configuration has errors; nothing done' "$tmp/err" ||
		"$rc/raftctl" -c "$tmp/etc/raftlog" up bad 2>&1 | grep -q 'nothing done' || return 1
	"$rc/raftctl" -c "$tmp/etc/raftlog" up .hidden 2>&1 | grep -q 'is not a group name' || return 1
	"$rc/raftctl" -c "$tmp/etc/raftlog" up missing 2>&1 | grep -q 'missing.conf: No such file' || return 1
	"$rc/raftctl" -c "$tmp/etc/raftlog" udev-name raftlog1 | grep -qx RAFTLOG_NAME=orders
}
check "raftctl -c/RAFTLOG_CONFDIR; a bad file stops up, down, adjust, showconf (exit 2, line named)" cli

man_clean() {
	for m in "$top/userspace/raftctl/raftctl.8" "$top/userspace/raftctl/raftlog.conf.5" \
		"$top/userspace/bench/raftlog-bench.1"; do
		LC_ALL=C.UTF-8 groff -man -ww -z "$m" 2>&1 | grep . && return 1
	done
	return 0
}
if command -v groff >/dev/null; then
	check "man pages: no groff warnings" man_clean
else
	skip "man pages" groff
fi

r="$((n - failed - sk)) passed, $failed failed"
[ $sk -eq 0 ] || r="$r, $sk skipped"
echo "$r"
[ $failed -eq 0 ]
