#!/bin/sh
# rl-test: kernels=debug,stock timeout=420 group=single
# raftlog-bench and libraftlog on single-node groups: io_uring proposals
# and blocking write()s, 1 and 64 in flight (also io_uring completions
# through libraftlog's callbacks, and RAFTLOG_IOC_PROPOSE), each run printing well-formed JSON with sane figures (every proposal
# acknowledged, p50 <= p99 <= p999 <= max) and verified afterwards by
# reading the log back through libraftlog's reader: every acknowledged
# entry is there once, with its payload, at the index and term its
# completion reported.  A group whose proposal queue holds 8 takes 64
# io_uring proposals in flight: the queue fills (backpressure) and all
# of them still complete.  --groups 2 drives groups 1 and 2 from one ring:
# both commit, and the JSON has the per-group figures.  A group without a
# leader makes every proposal fail: the bench counts them by errno and
# exits non-zero.
set -eu
. ./lib.sh

D1=/dev/raftlog1
D2=/dev/raftlog2
D3=/dev/raftlog3
S1=id=1,node=1,cluster=7,dev=/dev/ram0,tick_ms=20
S2=id=2,node=1,cluster=7,dev=/dev/ram1,tick_ms=20,max_pending=8
S3=id=3,node=1,cluster=7,dev=/dev/ram2,listen=127.0.0.1:7301,peer=2@127.0.0.1:7302,peer=3@127.0.0.1:7303,tick_ms=20
SECS=3
# at most this many per timed run: the group never compacts, and /dev/ram0
# (64 MiB) must hold every run's entries even on a fast kernel
CAP=2000

wait_leader() {
	i=0
	while [ $i -lt 150 ]; do
		rlprobe status "$1" 2>/dev/null | grep -qx role=3 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	rlprobe status "$1"
	return 1
}

# bench NAME ARGS...: raftlog-bench --json ARGS into /tmp/NAME.json
bench() {
	name=$1
	shift
	raftlog-bench --json "$@" >"/tmp/$name.json"
}

# sane NAME: the JSON parses; proposals were made and every one was
# acknowledged; the figures are positive and ordered; the read-back
# verification passed and found every acknowledged entry
sane() {
	cat "/tmp/$1.json"
	vals=$(rljson "/tmp/$1.json" submitted completed acked failed ops_per_s \
		mb_per_s latency_us.min latency_us.p50 latency_us.p99 \
		latency_us.p999 latency_us.max verify.ok verify.ours \
		verify.missing verify.duplicates verify.corrupt \
		verify.misplaced) || return 1
	# shellcheck disable=SC2086
	set -- $vals
	echo "$@" | awk '{
		ok = $1 > 0 && $1 == $2 && $2 == $3 && $4 == 0 && $5 > 0 &&
		     $6 > 0 && $7 > 0 && $7 <= $8 && $8 <= $9 &&
		     $9 <= $10 && $10 <= $11 && $12 == "true" && $13 >= $3 &&
		     $14 == 0 && $15 == 0 && $16 == 0 && $17 == 0
		exit !ok
	}'
}

groups_up() {
	wait_leader $D1 && wait_leader $D2 && test -c $D3
}

# backpressured NAME: sane, the sampled queue peak reached its size, and
# the kernel refused proposals for a full queue (libraftlog sent them again)
backpressured() {
	sane "$1" || return 1
	[ "$(rljson "/tmp/$1.json" pending_peak max_pending | tr '\n' ' ')" = \
		"8 8 " ] || return 1
	[ "$(rljson "/tmp/$1.json" queue_full_retries)" -gt 0 ]
}

# figures NAME: the run's numbers as TAP comments
figures() {
	# shellcheck disable=SC2046
	set -- $(rljson "/tmp/$1.json" mode depth size acked seconds ops_per_s \
		mb_per_s latency_us.p50 latency_us.p99 latency_us.p999 \
		latency_us.max pending_peak max_pending queue_full_retries)
	echo "# $1 q=$2 s=$3: $4 ops in $5 s: $6 ops/s, $7 MB/s;" \
		"latency us p50 $8 p99 $9 p999 ${10} max ${11};" \
		"queue peak ${12}/${13}, sent again after a full queue ${14}"
}

tap_plan 20
modprobe -q crc32c_generic 2>/dev/null || true
modprobe_deps
[ -b /dev/ram2 ] || modprobe brd rd_nr=3 rd_size=65536
for g in 1 2 3; do
	raftctl format /dev/ram$((g - 1)) --cluster-id 7 --group $g --node 1 \
		>/dev/null
done
insmod /lib/raftlog/raftlog.ko groups="$S1;$S2;$S3"
tap_ok "three groups; the single-voter groups 1 and 2 elect themselves" \
	groups_up

for run in "uring 1" "uring 64" "write 1" "write 64"; do
	# shellcheck disable=SC2086
	set -- $run
	tap_ok "$1, $2 in flight, ${SECS}s: all acknowledged, read back at their index/term" \
		bench "$1-$2" -d $D1 -m "$1" -q "$2" -s 100 -t $SECS -n $CAP --verify
	tap_ok "$1, $2 in flight: sane JSON figures" sane "$1-$2"
	figures "$1-$2"
done

tap_ok "io_uring with callbacks, 16 in flight, 300 entries" \
	bench cb-16 -d $D1 -m uring --cb -q 16 -s 200 -n 300 --verify
tap_ok "callbacks: sane JSON figures, index/term checked" sane cb-16
figures cb-16

tap_ok "RAFTLOG_IOC_PROPOSE, 8 threads, 400 entries of 4000 bytes" \
	bench ioctl-8 -d $D1 -m ioctl -q 8 -s 4000 -n 400 --verify
tap_ok "ioctl: sane JSON figures, index/term checked" sane ioctl-8
figures ioctl-8

# entries of max_entry (64 KiB): each read() record is larger than the
# reader's first buffer, which must grow (ENOBUFS) to return it
tap_ok "RAFTLOG_IOC_PROPOSE, 2 threads, 20 entries of 65536 bytes (max_entry)" \
	bench max-2 -d $D1 -m ioctl -q 2 -s 65536 -n 20 --verify
tap_ok "max_entry: sane JSON figures, read back whole" sane max-2
figures max-2

# backpressure: 64 in flight against a queue of 8
tap_ok "io_uring, 64 in flight on a queue of 8: all 1000 complete" \
	bench bp -d $D2 -m uring -q 64 -s 64 -n 1000 --verify
tap_ok "the queue filled (peak pending = max_pending = 8, proposals refused and sent again), nothing failed" \
	backpressured bp
figures bp

# --groups: groups 1 and 2 at once from one ring, 16 in flight each
st_applied() { rlprobe status "$1" | sed -n 's/^applied=//p'; }
two_groups() {
	a1=$(st_applied $D1) a2=$(st_applied $D2)
	bench groups -g 1 --groups 2 -m uring -q 16 -s 64 -n 600 || return 1
	cat /tmp/groups.json
	d1=$(($(st_applied $D1) - a1)) d2=$(($(st_applied $D2) - a2))
	echo "# group 1 committed $d1, group 2 $d2"
	[ "$(rljson /tmp/groups.json groups acked failed | tr '\n' ' ')" = \
		"2 600 0 " ] &&
		awk -v m="$(rljson /tmp/groups.json group_ops_min)" \
			-v t="$(rljson /tmp/groups.json ops_per_s)" \
			'BEGIN { exit !(m > 0 && m <= t) }' &&
		[ "$d1" -ge 100 ] && [ "$d2" -ge 100 ] && [ $((d1 + d2)) -ge 600 ]
}
tap_ok "--groups 2: 600 proposals over groups 1 and 2 from one ring, both commit, per-group figures" \
	two_groups

# no leader: every proposal fails with EAGAIN, counted, exit status 1
rc=0
raftlog-bench --json -d $D3 -m uring -q 4 -n 20 >/tmp/nl.json 2>/tmp/nl.err || rc=$?
tap_ok "no leader: exit 1, 20 proposals failed with EAGAIN, none acknowledged" \
	sh -c "cat /tmp/nl.json; [ $rc -eq 1 ] &&
	[ \"\$(rljson /tmp/nl.json failed errors.EAGAIN acked | tr '\n' ' ')\" = '20 20 0 ' ]"
rmmod raftlog
tap_ok "rmmod with the groups running" sh -c "! test -d /sys/module/raftlog"
tap_done
