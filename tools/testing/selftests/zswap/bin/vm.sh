#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel in QEMU (software emulation) with the selftest initramfs and
# a sparse swap disk, run programs in the guest, and judge the run from what
# the guest printed (see parse-console.sh).
#
# Usage: vm.sh --kernel BZIMAGE [options]
#   --name NAME       results folder $BUILD/vm/NAME (default: run)
#   --run LIST        programs for zswaptest.run= (see init.sh)
#   --append ARGS     more kernel command-line parameters (NAME=VALUE
#                     without a dot reaches the programs' environment)
#   --smp N           vCPUs (default 2)
#   --mem SIZE        guest RAM (default 256M)
#   --swap MIB        swap disk size in MiB (default 1024; 0: none)
#   --swap-dev KIND   virtio: a sparse image on virtio-blk (default);
#                     pmem: guest memory above --mem set aside as legacy
#                     pmem (memmap=) under a dm-linear device, a disk whose
#                     requests complete synchronously inside the guest, so
#                     that under --icount a run does not depend on when the
#                     host finishes I/O (dm-linear keeps the swap cache and
#                     readahead: pmem itself would be SWP_SYNCHRONOUS_IO)
#   --timeout SEC     hard limit for the whole guest run (default 900)
#   --boot-timeout SEC  limit for the kernel to boot and /init to start the
#                     programs (default 240); a guest stuck in boot is
#                     killed then rather than at --timeout
#   --slowness S      the host runs guests S/100 times slower than the
#                     reference host (default: $ZSWAP_SLOWNESS, else 100;
#                     bin/check.sh measures it with a calibration boot):
#                     --timeout and --boot-timeout are multiplied by S/100,
#                     and so are the guest's soft-lockup and hung-task
#                     thresholds while it boots (init.sh measures its own
#                     for the programs' run)
#   --icount          count instructions as time (-icount shift=0,sleep=off;
#                     forces one vCPU), and start the guest's clock at a
#                     fixed date on virtual time, so that its random pool,
#                     seeded from the clock, is the same on every boot:
#                     for benchmarks
#   --live            echo the programs' output while the guest runs
#   --initrd CPIO     use this initramfs instead of building one
#   --plugin SO,ARGS  load a QEMU TCG plugin (-plugin SO,ARGS), such as
#                     insn-profile.so for bench.sh's BENCH_PROFILE
# The guest's own measure of its speed ("zswaptest: slowness S", see
# init.sh) is kept in $BUILD/vm/NAME/slowness.
# Exit status: 0 when the run passed.
. "$(dirname "$0")/common.sh"

kernel= name=run run= append= smp=2 mem=256M swap=1024 timeout=900 icount= live= initrd=
plugin=
swap_dev=virtio slowness=${ZSWAP_SLOWNESS:-100}
boot_timeout=240
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift ;;
	--name) name=$2; shift ;;
	--run) run=$2; shift ;;
	--append) append=$2; shift ;;
	--smp) smp=$2; shift ;;
	--mem) mem=$2; shift ;;
	--swap) swap=$2; shift ;;
	--swap-dev) swap_dev=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--boot-timeout) boot_timeout=$2; shift ;;
	--slowness) slowness=$2; shift ;;
	--icount) icount=1 ;;
	--live) live=1 ;;
	--initrd) initrd=$2; shift ;;
	--plugin) plugin=$2; shift ;;
	*) zs_die "vm.sh: unknown option '$1'" ;;
	esac
	shift
done
[ -f "$kernel" ] || zs_die "vm.sh: no kernel image '$kernel' (build one with build-kernel.sh)"
case $smp$swap$timeout$boot_timeout$slowness in
*[!0-9]*) zs_die "vm.sh: --smp, --swap, --timeout, --boot-timeout and --slowness" \
		"take whole numbers" ;;
esac
[ "$slowness" -ge 100 ] || slowness=100
timeout=$((timeout * slowness / 100))
boot_timeout=$((boot_timeout * slowness / 100))
case $swap_dev in
virtio) ;;
pmem)	mem_mib=${mem%M}
	case $mem_mib in
	''|*[!0-9]*) zs_die "vm.sh: --swap-dev pmem wants --mem in MiB (e.g. 96M), not '$mem'" ;;
	esac
	[ "$swap" -gt 0 ] || zs_die "vm.sh: --swap-dev pmem needs a --swap size" ;;
*) zs_die "vm.sh: --swap-dev is virtio or pmem, not '$swap_dev'" ;;
esac
"$ZS_BIN/deps.sh" vm || exit 1
[ -n "$initrd" ] || initrd=$("$ZS_BIN/mkinitramfs.sh") || exit 1

dir=$BUILD/vm/$name
rm -rf "$dir"
mkdir -p "$dir" || zs_die "cannot create $dir"
qemu=(qemu-system-x86_64 -accel tcg -nodefaults -display none -no-reboot
      -bios qboot.rom -kernel "$kernel" -initrd "$initrd"
      -serial "file:$dir/console.log" -serial "file:$dir/output.log")
if [ -n "$icount" ]; then
	smp=1
	qemu+=(-icount shift=0,sleep=off -rtc base=2026-01-01T00:00:00,clock=vm)
	# Guest time is instructions: there is nothing to calibrate.
	append="$append zswaptest.calibrate=0"
elif [ "$slowness" -gt 100 ]; then
	# The kernel's defaults, 10 s (soft lockup after twice that; 60 at
	# most) and 60 s, scaled until init.sh sets its own.
	wd=$((10 * slowness / 100))
	[ "$wd" -le 60 ] || wd=60
	append="$append watchdog_thresh=$wd"
	append="$append sysctl.kernel.hung_task_timeout_secs=$((60 * slowness / 100))"
fi
qemu+=(-smp "$smp")
[ -n "$plugin" ] && qemu+=(-plugin "$plugin")
if [ "$swap_dev" = pmem ]; then
	# RAM above --mem becomes pmem0; the kernel never sees it as RAM.
	qemu+=(-m "$((mem_mib + swap))M")
	append="$append memmap=${swap}M!${mem_mib}M dm-mod.waitfor=/dev/pmem0"
	append="$append dm-mod.create=\"zswapdisk,,,rw,0 $((swap * 2048)) linear /dev/pmem0 0\""
	append="$append zswaptest.swapdev=/dev/dm-0"
elif [ "$swap" -gt 0 ]; then
	qemu+=(-m "$mem")
	truncate -s "${swap}M" "$dir/swap.img" 2>/dev/null ||
		zs_die "cannot create the ${swap} MiB swap image $dir/swap.img" \
			"(disk full or not writable?)"
	qemu+=(-drive "file=$dir/swap.img,if=virtio,format=raw,cache=unsafe")
else
	qemu+=(-m "$mem")
	append="$append zswaptest.swap=0"
fi
# pci=noacpi: route no PCI interrupt through ACPI.  QEMU's i440fx _PRT
# builds its table in an AML While loop, and ACPICA aborts a loop after 30 s
# of wall time (ACPI_MAX_LOOP_TIMEOUT): a debug kernel (KASAN, lockdep) on a
# slow host got there, lost the virtio disk's interrupt and hung in its
# partition scan until the boot limit.  The disk uses MSI-X instead
# (CONFIG_PCI_MSI in ../config); the MP table from qboot describes the IO-APIC.
cmdline="console=ttyS0 panic=-1 pci=noacpi $append"
[ -n "$run" ] && cmdline="$cmdline zswaptest.run=$run"
qemu+=(-append "$cmdline")
printf '%q ' "${qemu[@]}" > "$dir/qemu-cmd"
echo >> "$dir/qemu-cmd"

zs_log "booting $name: smp=$smp mem=$mem swap=${swap}M ($swap_dev)${icount:+ icount}" \
	"timeout=${timeout}s boot-timeout=${boot_timeout}s slowness=$slowness"
zs_log "  cmdline: $cmdline"
start=$(date +%s)
: > "$dir/output.log"
timeout -k 10 "$timeout" "${qemu[@]}" </dev/null >"$dir/qemu.log" 2>&1 &
qpid=$!
if [ -n "$live" ]; then
	tail -n +1 -f --pid=$qpid "$dir/output.log" | grep -v '^zswaptest: ' &
	tpid=$!
fi
# A guest that has not started its programs by --boot-timeout is stuck
# in boot (seen: ACPI interrupt routing timing out on a loaded host).
booted= waited=0
while kill -0 $qpid 2>/dev/null; do
	if [ -z "$booted" ]; then
		if grep -q '^zswaptest: begin' "$dir/output.log" 2>/dev/null; then
			booted=1
		elif [ $waited -ge "$boot_timeout" ]; then
			echo "zswaptest: error: guest did not boot within ${boot_timeout}s" \
				>> "$dir/console.log"
			zs_log "guest $name did not boot within ${boot_timeout}s: killed"
			kill $qpid 2>/dev/null	# timeout(1) passes it on to qemu
			break
		fi
	fi
	sleep 1
	waited=$((waited + 1))
done
wait $qpid
rc=$?
[ -n "$live" ] && { sleep 1; kill $tpid 2>/dev/null; wait $tpid 2>/dev/null; }
echo "$(( $(date +%s) - start ))" > "$dir/seconds"
sed -n 's/^zswaptest: slowness \([0-9]*\).*/\1/p' "$dir/output.log" | head -1 > "$dir/slowness"
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "zswaptest: error: guest killed after the ${timeout}s time limit" >> "$dir/console.log"
	zs_log "guest $name did not finish within ${timeout}s: killed" \
		"(raise --timeout, or see $dir/console.log)"
elif [ $rc -ne 0 ]; then
	zs_log "qemu exited with status $rc: $(tail -3 "$dir/qemu.log")"
fi
zs_log "guest $name ran $(cat "$dir/seconds")s; logs in $dir"
"$ZS_BIN/parse-console.sh" "$dir/console.log" "$dir/output.log" "$name" | tee "$dir/results"
exit "${PIPESTATUS[0]}"
