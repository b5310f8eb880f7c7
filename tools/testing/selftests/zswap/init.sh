#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the zswap selftest initramfs.  Kernel command line:
#   zswaptest.run=PROG[,PROG...]  programs in /bin to run in order; a '+' in
#                                 PROG stands for a space (arguments)
#   zswaptest.swap=0              do not turn on the swap disk
#   zswaptest.swapdev=DEV         the swap disk (default /dev/vda)
# Program output goes to the second serial port (ttyS1) when there is one,
# so that it never interleaves with kernel messages on the console (ttyS0).
# Each program's exit code is printed as "zswaptest: exit PROG RC"; the last
# line is "zswaptest: done", then the guest powers off.
/bin/busybox --install -s /bin
mount -t proc none /proc
mount -t sysfs none /sys
mount -t devtmpfs none /dev 2>/dev/null
mount -t debugfs none /sys/kernel/debug
mount -t tmpfs none /tmp
mkdir -p /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup

run= swap=1 dev=/dev/vda
for arg in $(cat /proc/cmdline); do
	case $arg in
	zswaptest.run=*) run=${arg#zswaptest.run=} ;;
	zswaptest.swap=*) swap=${arg#zswaptest.swap=} ;;
	zswaptest.swapdev=*) dev=${arg#zswaptest.swapdev=} ;;
	esac
done

out=/dev/console
if [ -c /dev/ttyS1 ] && echo -n > /dev/ttyS1 2>/dev/null; then
	out=/dev/ttyS1
fi
exec > "$out" 2>&1

echo "zswaptest: begin $(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)"
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
