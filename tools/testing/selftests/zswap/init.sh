#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the zswap selftest initramfs.  Kernel command line:
#   zswaptest.run=PROG[,PROG...]  programs in /bin to run in order; a '+' in
#                                 PROG stands for a space (arguments)
#   zswaptest.swap=0              do not turn on the swap disk
#   zswaptest.swapdev=DEV         the swap disk (default /dev/vda)
#   zswaptest.calibrate=0         skip the speed calibration (benchmarks)
# Program output goes to the second serial port (ttyS1) when there is one,
# so that it never interleaves with kernel messages on the console (ttyS0).
# Each program's exit code is printed as "zswaptest: exit PROG RC"; the last
# line is "zswaptest: done", then the guest powers off.
#
# Before the programs run, /init times a fixed loop on the guest clock
# (which follows the host's wall clock under TCG without -icount) and prints
# "zswaptest: slowness S": how many times slower than the reference host
# (ZSWAP_CALIB_REF_MS, in hundredths) this guest runs, at least 100.  The
# soft-lockup and hung-task thresholds are raised by that factor, so that a
# slow or loaded host does not turn a long but legitimate kernel section into
# a report; the host (bin/check.sh) scales its time limits by it too.
/bin/busybox --install -s /bin
mount -t proc none /proc
mount -t sysfs none /sys
mount -t devtmpfs none /dev 2>/dev/null
mount -t debugfs none /sys/kernel/debug
mount -t tmpfs none /tmp
mkdir -p /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup
# A modular kernel runs /sbin/modprobe for a zpool; busybox's is in /bin.
[ -w /proc/sys/kernel/modprobe ] && echo /bin/modprobe > /proc/sys/kernel/modprobe

run= swap=1 dev=/dev/vda calibrate=1
for arg in $(cat /proc/cmdline); do
	case $arg in
	zswaptest.run=*) run=${arg#zswaptest.run=} ;;
	zswaptest.swap=*) swap=${arg#zswaptest.swap=} ;;
	zswaptest.swapdev=*) dev=${arg#zswaptest.swapdev=} ;;
	zswaptest.calibrate=*) calibrate=${arg#zswaptest.calibrate=} ;;
	esac
done

out=/dev/console
if [ -c /dev/ttyS1 ] && echo -n > /dev/ttyS1 2>/dev/null; then
	out=/dev/ttyS1
fi
exec > "$out" 2>&1

echo "zswaptest: begin $(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)"
if [ "$calibrate" = 1 ]; then
	# The loop takes about ZSWAP_CALIB_REF_MS on the reference host (2
	# cores, TCG, -smp 2, idle); the mean of three runs, in milliseconds.
	ref=${ZSWAP_CALIB_REF_MS:-370}
	t0=$(cut -d' ' -f1 /proc/uptime)
	for i in 1 2 3; do
		awk 'BEGIN { for (i = 0; i < 100000; i++) s += i % 7; exit s < 0 }'
	done
	t1=$(cut -d' ' -f1 /proc/uptime)
	ms=$(echo "$t0 $t1" | awk '{ printf "%d", ($2 - $1) * 1000 / 3 }')
	slow=$((ms * 100 / ref))
	[ "$slow" -ge 100 ] || slow=100
	echo "zswaptest: slowness $slow (calibration loop $ms ms, reference $ref ms)"
	# Soft lockup after 2 * watchdog_thresh seconds (10 by default, 60 at
	# most); hung task after 60 s (CONFIG_DEFAULT_HUNG_TASK_TIMEOUT).
	thresh=$((10 * slow / 100))
	[ "$thresh" -le 60 ] || thresh=60
	k=/proc/sys/kernel
	[ -e $k/watchdog_thresh ] && echo "$thresh" > $k/watchdog_thresh
	[ -e $k/hung_task_timeout_secs ] &&
		echo $((60 * slow / 100)) > $k/hung_task_timeout_secs
fi
if [ "$swap" = 1 ]; then
	if [ -b "$dev" ] && mkswap "$dev" >/dev/null && swapon "$dev"; then
		kb=$(awk '/SwapTotal/ {print $2}' /proc/meminfo)
		echo "zswaptest: swap on $dev ($kb kB)"
	else
		echo "zswaptest: error: cannot turn on swap on $dev"
	fi
fi
for prog in $(echo "$run" | tr ',' ' '); do
	cmd=$(echo "$prog" | tr '+' ' ')
	name=${cmd%% *}
	echo "zswaptest: run $cmd"
	t0=$(date +%s)
	/bin/$cmd
	rc=$?
	echo "zswaptest: time $name $(( $(date +%s) - t0 ))s"
	echo "zswaptest: exit $name $rc"
done
sync
echo "zswaptest: done"
poweroff -f
