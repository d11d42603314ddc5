#!/bin/busybox sh
# /init of the raftlog test guest.  Mounts the basics, runs the one script
# named on the kernel command line (rlscript=NAME rlargs=A,B,...), scans
# kmemleak, writes "RAFTLOG-RESULT <rc>" to the second serial port (a host
# file) and powers off with reboot -f (QEMU runs with -no-reboot), so a
# clean exit needs no ACPI.  Anything else (panic, hang) leaves no result
# line and the host reports a failure.
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
# loud oopses; every warning is a failure the host will see on the console
echo 1 >/proc/sys/kernel/panic_on_oops 2>/dev/null

arg() {
	for w in $(cat /proc/cmdline); do
		case $w in "$1="*) echo "${w#*=}" ;; esac
	done
}
script=$(arg rlscript)
args=$(arg rlargs | tr ',' ' ')

# Forget what the kernel leaked while booting: only our leaks count.
kml=/sys/kernel/debug/kmemleak
[ -w $kml ] && echo clear >$kml

echo "raftlog-guest: kernel $(uname -r), $(nproc) cpu(s), running $script $args"
rc=127
if [ -f "/tests/$script" ]; then
	# shellcheck disable=SC2086
	(cd /tests && sh "./$script" $args)
	rc=$?
else
	echo "raftlog-guest: no such script: $script"
fi
echo "raftlog-guest: $script exited with $rc"

if [ -w $kml ]; then
	# objects younger than 5 s are never reported; give them time
	sleep 6
	echo scan >$kml
	echo scan >$kml
	# debugfs files report size 0: copy before testing for content
	cat $kml >/tmp/kmemleak.txt
	if [ -s /tmp/kmemleak.txt ]; then
		echo "raftlog-guest: kmemleak reports:"
		cat /tmp/kmemleak.txt
		[ "$rc" -eq 0 ] && rc=1
	fi
fi
echo "RAFTLOG-RESULT $rc" >/dev/ttyS1
sync
reboot -f
sleep 10
echo o >/proc/sysrq-trigger
