#!/bin/busybox sh
# /init of the raftlog test guest.  Mounts the basics, runs the scripts
# named on the kernel command line one after the other, scans kmemleak after
# the last, reports each one's result to the second serial port (a host file)
# and powers off with reboot -f (QEMU runs with -no-reboot), so a clean exit
# needs no ACPI.  Anything else (panic, hang) leaves results missing and
# the host reports a failure.
#
# Command line: rlrun=ITEM[;ITEM]...  with ITEM = SCRIPT[,ARG]...[@SECONDS]
# (or the single-script form rlscript=NAME rlargs=A,B,...).  A script
# still running SECONDS after its start is killed here (status 124), and
# the next one runs: one that hangs costs its own result only.  (The host
# keeps a watchdog of its own, a little later, for a guest that hangs.)
#
# Lines written to the second serial port, read by scripts/run-vm.sh:
#   RAFTLOG-BOOT <uptime>                    init started
#   RAFTLOG-START <i> <script>               script i starts
#   RAFTLOG-TAP <i> <plan> <ran> <failed>    its TAP counts (lib.sh scripts)
#   RAFTLOG-KILLED <i> <seconds>             killed at its limit
#   RAFTLOG-END <i> <rc> <seconds>           it ended, the guest was reset
#   RAFTLOG-TIMES <i> run=S reset=S          where its time went
#   RAFTLOG-TIMES scan S                     the leak scan after the last
#   RAFTLOG-LEAK <i> <line>                  kmemleak report of an object
#                                            allocated while script i ran
#   RAFTLOG-RESULT <i> <rc> <seconds>        its result, after the leak scan
#   RAFTLOG-DONE                             all ran; powering off
#
# Between two scripts the guest is put back as a fresh boot leaves it, so
# each runs as if alone: leftover processes of the script are killed,
# network namespaces, device-mapper devices, nftables rules, the
# lo qdisc, /tmp and the kernel log buffer (scripts grep dmesg) cleared,
# KUnit's filter_glob set back to every suite,
# and the RAM disks discarded (zeroed, or brd unloaded where it is a
# module).  A script that passes but leaves a raftlog module loaded fails
# (its rmmod was not checked); the module is unloaded.  kmemleak is
# scanned once, 6 s after the last script (a scan takes ~10-30 s under
# TCG); each object it reports is blamed on the script during which (or
# during whose reset) it was allocated, by its jiffies.
/bin/busybox --install -s /bin
export PATH=/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin
mkdir -p /proc /sys /dev /tmp /run /mnt /var/tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ip link set lo up 2>/dev/null
hostname raftlog-guest
# a distribution kernel loads modules on demand (a qdisc, a dm target, a
# link type) through this path; busybox's modprobe reads the modules.*
# that scripts/mkinitramfs.sh copied
[ -d "/lib/modules/$(uname -r)" ] && echo /bin/modprobe >/proc/sys/kernel/modprobe
# loud oopses; every warning is a failure the host will see on the console
echo 1 >/proc/sys/kernel/panic_on_oops 2>/dev/null

res=/dev/ttyS1
up() { cut -d' ' -f1 /proc/uptime; }
echo "RAFTLOG-BOOT $(up)" >$res

arg() {
	for w in $(cat /proc/cmdline); do
		case $w in "$1="*) echo "${w#*=}" ;; esac
	done
}
items=$(arg rlrun | tr ';' ' ')
if [ -z "$items" ]; then
	items=$(arg rlscript)
	a=$(arg rlargs)
	[ -n "$a" ] && items="$items,$a"
fi
count=$(echo $items | wc -w)

# Forget what the kernel leaked while booting: only our leaks count.  The
# automatic scan thread is stopped: it would report, every 10 minutes and
# in the middle of some script, what an earlier one leaked (and a scan
# costs half a minute under TCG); we scan once, after the last script.
kml=/sys/kernel/debug/kmemleak
if [ -w $kml ]; then
	echo scan=off >$kml
	echo clear >$kml
fi
mkdir -p /run/rl
jiffies() { sed -n 's/^jiffies: \([0-9]*\).*/\1/p' /proc/timer_list 2>/dev/null | head -1; }

# leak_scan: after the last script, scan kmemleak and blame each object
# it reports on the script that was running (or being reset after) when
# the object was allocated (its jiffies against each script's start in
# /run/rl/start); the reports go to the host as "RAFTLOG-LEAK <i> <line>",
# which puts them in that script's console part, and the count per
# script into /run/rl/leaks.<i>
leak_scan() {
	[ -w $kml ] || return 0
	# objects younger than 5 s are never reported; give them time
	sleep 6
	# twice: an object is reported once its checksum held still for a scan
	echo scan >$kml
	echo scan >$kml
	# debugfs files report size 0: copy before testing for content
	cat $kml >/run/rl/kmemleak.txt
	[ -s /run/rl/kmemleak.txt ] || return 0
	awk -v res=$res -v dir=/run/rl '
		NR == FNR { start[NR] = $1; n = NR; next }
		function flush(   c, k, l) {
			if (blk == "") return
			c = split(blk, l, "\n")
			for (k = 1; k < c; k++) print "RAFTLOG-LEAK " who " " l[k] >res
			leaks[who]++
			blk = ""
		}
		/^unreferenced object/ { flush(); who = 1 }
		/jiffies [0-9]+/ {
			j = $0; sub(/.*jiffies /, "", j); j = j + 0
			for (i = 1; i <= n; i++) if (start[i] != "" && start[i] + 0 <= j) who = i
		}
		blk != "" || /^unreferenced object/ { blk = blk $0 "\n" }
		END { flush(); for (w in leaks) print leaks[w] >(dir "/leaks." w) }
	' /run/rl/start /run/rl/kmemleak.txt
}

# unload NAME: unload the raftlog modules NAME left loaded (status 1 if any)
unload() {
	r=0
	for m in raftlog_test raftlog_tpctl raftlog; do
		[ -d /sys/module/$m ] || continue
		echo "raftlog-guest: $1 left module $m loaded; unloading it"
		r=1
		rmmod $m || echo "raftlog-guest: rmmod $m failed"
	done
	return $r
}

# reset: put the guest back as a fresh boot leaves it (see above)
reset() {
	for ns in $(/usr/sbin/ip netns list 2>/dev/null | cut -d' ' -f1); do
		/usr/sbin/ip netns delete "$ns"
	done
	command -v dmsetup >/dev/null && DM_DISABLE_UDEV=1 dmsetup remove_all 2>/dev/null
	command -v nft >/dev/null && nft flush ruleset 2>/dev/null
	command -v tc >/dev/null && tc qdisc del dev lo root 2>/dev/null
	if [ -f /sys/module/brd/initstate ]; then
		# brd is a module (a distribution kernel): the next script loads
		# it afresh with the number of disks it wants
		rmmod brd 2>/dev/null
	fi
	# storage-eio.sh makes a RAM disk fail its I/O
	for f in /sys/block/*/make-it-fail; do
		[ -w "$f" ] && echo 0 >"$f"
	done
	f=/sys/kernel/debug/fail_make_request/probability
	[ -w $f ] && echo 0 >$f
	for d in /dev/ram*; do
		[ -b "$d" ] || continue
		blkdiscard "$d" 2>/dev/null ||
			dd if=/dev/zero of="$d" bs=1M 2>/dev/null
	done
	# storage.sh and others narrow KUnit's filter: back to every suite
	g=/sys/module/kunit/parameters/filter_glob
	[ -w $g ] && [ "$(cat $g)" != "(null)" ] && printf '*' >$g
	grep ' /tmp/' /proc/mounts | cut -d' ' -f2 | sort -r | while read -r mnt; do
		umount -l "$mnt"
	done
	rm -rf /tmp/* 2>/dev/null
	dmesg -c >/dev/null
}

i=0
: >/run/rl/start
for item in $items; do
	i=$((i + 1))
	lim=""
	case $item in *@*) lim=${item##*@} item=${item%@*} ;; esac
	script=${item%%,*}
	args=""
	case $item in *,*) args=$(echo "${item#*,}" | tr ',' ' ') ;; esac
	rm -f /tmp/rl-tap-state
	echo "RAFTLOG-START $i $script" >$res
	t0=$(up)
	echo "$(jiffies)" >>/run/rl/start
	# the banner: the host's console scan of this script starts here
	echo "raftlog-guest: kernel $(uname -r), $(nproc) cpu(s), running $script $args"
	rc=127
	if [ -f "/tests/$script" ]; then
		# a session of its own, so that what it leaves running can be killed
		# shellcheck disable=SC2086
		(cd /tests && RL_TAP_STATE=/tmp/rl-tap-state exec setsid sh "./$script" $args) &
		pid=$!
		killer=""
		if [ -n "$lim" ]; then
			(
				sleep "$lim"
				: >/run/rl/killed.$i
				echo "RAFTLOG-KILLED $i $lim" >$res
				echo "raftlog-guest: $script still running after its limit of ${lim}s; killed"
				kill -9 "-$pid" "$pid" 2>/dev/null
			) &
			killer=$!
		fi
		wait $pid
		rc=$?
		[ -z "$killer" ] || kill "$killer" 2>/dev/null
		[ -f /run/rl/killed.$i ] && rc=124
		kill -9 "-$pid" 2>/dev/null
	else
		echo "raftlog-guest: no such script: $script"
	fi
	echo "raftlog-guest: $script exited with $rc"
	[ -f /tmp/rl-tap-state ] &&
		echo "RAFTLOG-TAP $i $(cat /tmp/rl-tap-state)" >$res
	t1=$(up)
	unload "$script" || { [ "$rc" -eq 0 ] && rc=1; }
	[ $i -lt $count ] && reset
	t2=$(up)
	echo "$rc $(awk -v a="$t0" -v b="$t2" 'BEGIN { printf "%d", b - a + 0.5 }')" >/run/rl/rc.$i
	echo "RAFTLOG-END $i $(cat /run/rl/rc.$i)" >$res
	echo "RAFTLOG-TIMES $i $(awk -v a="$t0" -v b="$t1" -v c="$t2" \
		'BEGIN { printf "run=%.1f reset=%.1f", b - a, c - b }')" >$res
done
t0=$(up)
echo "raftlog-guest: leak scan after the last script"
leak_scan
echo "RAFTLOG-TIMES scan $(awk -v a="$t0" -v b="$(up)" 'BEGIN { printf "%.1f", b - a }')" >$res
i=0
for item in $items; do
	i=$((i + 1))
	read -r rc secs </run/rl/rc.$i
	if [ -f /run/rl/leaks.$i ]; then
		echo "raftlog-guest: leak scan: $(cat /run/rl/leaks.$i) leaked object(s) allocated while ${item%%[,@]*} ran (report in its console part)"
		[ "$rc" -eq 0 ] && rc=1
	fi
	echo "RAFTLOG-RESULT $i $rc $secs" >$res
done
echo "RAFTLOG-DONE" >$res
sync
reboot -f
sleep 10
echo o >/proc/sysrq-trigger
