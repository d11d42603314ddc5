#!/bin/sh
# rl-test: kernels=debug timeout=600 group=cluster
# Groups from configuration files (issue 17): three nodes in three network
# namespaces, each with its own config directory holding log.conf, are
# brought up with `raftctl up log` alone.  A file with errors is refused
# with line numbers and starts nothing; `status` prints one line per group;
# [access] gives the device node its mode; `adjust` applies a changed
# max-pending and refuses a changed tick-ms (needs a restart) without
# changing anything; `showconf` round-trips (checkconf of its output is
# the file's canonical form); `down` on every node removes the group, and
# `up` brings it back from the devices with the log intact.
set -u
. ./lib.sh

PORT=7300
addr() { echo "10.79.0.$1:$PORT"; }
dev() { echo "/dev/raftlog1.$1"; }
in_ns() { n=$1; shift; ip netns exec "n$n" "$@"; }
# rc NODE ARGS...: raftctl in node's namespace with node's config directory
rc() { n=$1; shift; in_ns "$n" raftctl -c "/tmp/conf$n" "$@"; }
js() { in_ns "$1" raftctl group show 1 -j | jget "0.$2"; }
agreed_leader() {
	l=$(js 1 leader)
	[ "${l:-0}" != 0 ] || return 1
	for n in 1 2 3; do
		[ "$(js "$n" leader)" = "$l" ] || return 1
	done
	echo "$l"
}

tap_plan 18
modprobe_deps
insmod /lib/raftlog/raftlog.ko || exit 1
ip link add rlbr1 type bridge
ip link set rlbr1 up
for n in 1 2 3; do
	ip netns add n$n
	ip link add v$n type veth peer name e$n
	ip link set e$n netns n$n
	ip link set v$n master rlbr1 up
	ip -n n$n addr add 10.79.0.$n/24 dev e$n
	ip -n n$n link set e$n up
	ip -n n$n link set lo up
	raftctl format /dev/ram$((n - 1)) --cluster-id 9 --group 1 --node $n \
		--force >/dev/null || exit 1
done
head -c 32 /dev/urandom >/tmp/secret

# conf NODE: node's log.conf (tick-ms 50 as the other cluster tests)
conf() {
	n=$1
	mkdir -p /tmp/conf$n
	{
		echo "# log: the test group, node $n"
		echo "[group]"
		echo "id = 1"
		echo "cluster-id = 9"
		echo "secret-file = /tmp/secret"
		echo "tick-ms = 50"
		echo
		echo "[node]"
		echo "id = $n"
		echo "device = /dev/ram$((n - 1))"
		echo "listen = $(addr "$n")"
		for p in 1 2 3; do
			[ "$p" = "$n" ] && continue
			printf '\n[peer %s]\naddress = %s\n' "$p" "$(addr "$p")"
		done
		printf '\n[limits]\nmax-pending = 1024\n'
		printf '\n[access]\nmode = 0640\n'
	} >/tmp/conf$n/log.conf
}
for n in 1 2 3; do conf $n; done

bad_refused() {
	mkdir -p /tmp/confbad
	sed 's/^listen = .*/listen = 10.79.0.1/; s/^max-pending = .*/max-pending = lots/' \
		/tmp/conf1/log.conf >/tmp/confbad/log.conf
	in_ns 1 raftctl -c /tmp/confbad up log >/tmp/bad.out 2>&1
	r=$?
	cat /tmp/bad.out
	[ $r = 2 ] && grep -q 'log.conf:11: listen' /tmp/bad.out &&
		grep -q 'log.conf:2[0-9]: max-pending' /tmp/bad.out &&
		[ -z "$(in_ns 1 raftctl status)" ]
}
tap_ok "up refuses a file with errors, each with its line; no group made" bad_refused

tap_ok "raftctl up log on the three nodes" eval "rc 1 up log && rc 2 up log && rc 3 up log"
tap_ok "the three agree on a leader" wait_for 60 agreed_leader
L=$(agreed_leader)
echo "# leader $L"
status_line() {
	rc 1 status >/tmp/st.out || return 1
	cat /tmp/st.out
	[ "$(wc -l </tmp/st.out)" = 1 ] &&
		grep -q "^log group 1 node 1 .* voters 3 learners 0 /dev/raftlog1.1 ok$" /tmp/st.out
}
tap_ok "status: one line, named after the file" status_line
tap_ok "[access] mode 0640 on the device node" \
	sh -c "[ \"\$(stat -c %a $(dev 1))\" = 640 ]"
tap_ok "udev-name names the device after its file" \
	sh -c "raftctl -c /tmp/conf1 udev-name raftlog1.1 | grep -qx RAFTLOG_NAME=log"
tap_ok "proposals commit" in_ns "$L" rlprobe propose "$(dev "$L")" 20 a 64
# the machine-readable views: status -j names the group after its file,
# stats -j carries the commit latency histogram of the 20 proposals
json_views() {
	rc "$L" status -j >/tmp/stj.out || return 1
	in_ns "$L" raftctl stats -j >/tmp/sts.out || return 1
	cat /tmp/stj.out /tmp/sts.out
	[ "$(jget 0.name </tmp/stj.out)" = log ] &&
		[ "$(jget 0.leader </tmp/stj.out)" = "$L" ] &&
		[ "$(jget 0.group </tmp/sts.out)" = 1 ] &&
		[ "$(jget 0.commit_latency.count </tmp/sts.out)" -ge 20 ] &&
		in_ns "$L" raftctl stats | grep -q "commit latency"
}
tap_ok "status -j and stats -j (20 commit latencies)" json_views

roundtrip() {
	n=$1
	rc "$n" showconf log >/tmp/sc$n || return 1
	rc "$n" checkconf /tmp/sc$n >/tmp/sc$n.canon || return 1
	rc "$n" checkconf log >/tmp/file$n.canon || return 1
	cat /tmp/sc$n
	cmp /tmp/sc$n.canon /tmp/file$n.canon &&
		[ "$(grep -v '^#' /tmp/sc$n)" = "$(cat /tmp/sc$n.canon)" ]
}
tap_ok "showconf round-trips (node 1)" roundtrip 1

sed -i 's/^max-pending = .*/max-pending = 2048/' /tmp/conf2/log.conf
adjust_ok() {
	rc 2 adjust log >/tmp/adj.out 2>&1 || { cat /tmp/adj.out; return 1; }
	cat /tmp/adj.out
	grep -q "max-pending 1024 -> 2048" /tmp/adj.out &&
		[ "$(js 2 max_pending)" = 2048 ] && [ "$(js 1 max_pending)" = 1024 ]
}
tap_ok "adjust applies a changed max-pending" adjust_ok
tap_ok "showconf round-trips after adjust (node 2)" roundtrip 2

sed -i 's/^tick-ms = .*/tick-ms = 40/; s/^max-pending = .*/max-pending = 512/' /tmp/conf2/log.conf
adjust_refuses() {
	rc 2 adjust log >/tmp/adj.out 2>&1
	r=$?
	cat /tmp/adj.out
	[ $r = 6 ] && grep -q 'log.conf:6: tick-ms: running 50, file 40: needs a restart' /tmp/adj.out &&
		[ "$(js 2 tick_ms)" = 50 ] && [ "$(js 2 max_pending)" = 2048 ]
}
tap_ok "adjust refuses a changed tick-ms (restart) and changes nothing" adjust_refuses
sed -i 's/^tick-ms = .*/tick-ms = 50/; s/^max-pending = .*/max-pending = 2048/' /tmp/conf2/log.conf

C=$(js "$L" commit)
tap_ok "raftctl down log on the three nodes" eval "rc 1 down log && rc 2 down log && rc 3 down log"
gone() { [ -z "$(rc 1 status)" ] && [ ! -e "$(dev 1)" ]; }
tap_ok "no group and no device left" gone
down_again() { rc 1 down log; [ $? = 3 ]; }
tap_ok "down again: not up (exit 3)" down_again

tap_ok "raftctl up log again on the three nodes" eval "rc 1 up log && rc 2 up log && rc 3 up log"
tap_ok "a leader again" wait_for 60 agreed_leader
L=$(agreed_leader)
back() {
	in_ns "$L" rlprobe propose "$(dev "$L")" 5 b 64 || return 1
	for n in 1 2 3; do
		[ "$(js $n applied)" -gt "$C" ] || return 1
		in_ns $n rlprobe check "$(dev $n)" a 20 64 || return 1
	done
}
tap_ok "the log is intact (every entry of before once) and grows" wait_for 60 back

for n in 1 2 3; do rc $n down log; done
rmmod raftlog
tap_done
