#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bench command: the series against the unmodified 6.1 base.
#
# Builds the bench flavour twice from one config fragment (configs/bench.config):
# the base with the series (B, "patched") and the untouched base (A,
# "vanilla").  Boots each under QEMU with -icount shift=0,sleep=off and one
# vCPU, and runs zswap_bench with identical seeded workloads, interleaving
# A B A B.  W4 compares the patched kernel with itself: exclusive loads off
# (A) and on (B).  bench-report.py turns the runs into the table, the
# results file and the plot, all in $BUILD/bench/.
#
# A guest run is deterministic: icount makes time count instructions, the
# guest clock starts at a fixed date (its random pool is seeded from it)
# and the swap disk completes requests inside the guest (BENCH_DISK=pmem).
# The same kernel, seed and settings give the same counters to the
# instruction, so the bench repeats exactly; pair k uses seed SEED+k-1, so
# that the pairs sample different page mixes and access orders, and their
# range shows how much a result depends on them.
#
# Settings (environment):
#   BENCH_PAIRS      A/B pairs per workload (3)
#   BENCH_MEM        guest RAM in MiB (96); working sets are about 3x this
#   BENCH_WORKLOADS  which workloads ("W1 W2 W3 W4 W5")
#   BENCH_SCALE      percent applied to every working set size (100); for
#                    quick trials only, the goals assume 100
#   BENCH_WARM_PCT   W2/W3 warm set in percent of guest RAM (80): where it
#                    sits against RAM and RAM + pool decides who wins
#   BENCH_DISK       the swap disk (pmem): pmem, guest memory set aside
#                    under dm-linear, completes each request inside the
#                    guest's own instruction stream, so two runs see the
#                    same I/O timing; virtio, a sparse image on virtio-blk,
#                    completes when the host's thread does, which moves
#                    reclaim's choices from run to run (pswpin varied by
#                    10% between identical runs)
#   SEED             workload seed of the first pair (1)
#   NVME_READ_US, NVME_WRITE_US    modelled device 1 (80, 20) per 4 KiB
#   CLOUD_READ_US, CLOUD_WRITE_US  modelled device 2 (500, 500) per 4 KiB
#   BENCH_TIMEOUT    hard limit per guest in seconds (900)
. "$(dirname "$0")/common.sh"

PAIRS=${BENCH_PAIRS:-3}
MEM=${BENCH_MEM:-96}
WORKLOADS=${BENCH_WORKLOADS:-W1 W2 W3 W4 W5}
SCALE=${BENCH_SCALE:-100}
WARM_PCT=${BENCH_WARM_PCT:-80}
SEED=${SEED:-1}
NVME_READ_US=${NVME_READ_US:-80}
NVME_WRITE_US=${NVME_WRITE_US:-20}
CLOUD_READ_US=${CLOUD_READ_US:-500}
CLOUD_WRITE_US=${CLOUD_WRITE_US:-500}
TIMEOUT=${BENCH_TIMEOUT:-900}
DISK=${BENCH_DISK:-pmem}
case $DISK in
pmem|virtio) ;;
*) zs_die "BENCH_DISK is pmem or virtio, not '$DISK'" ;;
esac
case $PAIRS$MEM$SCALE$WARM_PCT$SEED$TIMEOUT in
*[!0-9]*) zs_die "BENCH_PAIRS, BENCH_MEM, BENCH_SCALE, BENCH_WARM_PCT, SEED and" \
		"BENCH_TIMEOUT take whole numbers" ;;
esac
[ "$PAIRS" -ge 1 ] || zs_die "BENCH_PAIRS must be at least 1"
[ "$PAIRS" -ge 3 ] ||
	zs_log "note: BENCH_PAIRS=$PAIRS; the benchmark wants at least 3 pairs per workload"

t_start=$(date +%s)
"$ZS_BIN/deps.sh" all || exit 1
if ! command -v gnuplot >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ]; then
		zs_log "installing gnuplot-nox for the plot"
		apt=(apt-get install -y -qq --no-install-recommends gnuplot-nox)
		export DEBIAN_FRONTEND=noninteractive
		{ "${apt[@]}" || { apt-get update -qq && "${apt[@]}"; }; } >&2 ||
			zs_log "warning: could not install gnuplot-nox; no plot"
	else
		zs_log "warning: no gnuplot, so no plot; install it with:" \
			"sudo apt-get install --no-install-recommends gnuplot-nox"
	fi
fi

# The kernels, one build at a time, and the guest's programs.
kb=$("$ZS_BIN/build-kernel.sh" bench patched) || exit 1
ka=$("$ZS_BIN/build-kernel.sh" bench vanilla) || exit 1
initrd=$("$ZS_BIN/mkinitramfs.sh") || exit 1
t_built=$(date +%s)

out=$BUILD/bench
mkdir -p "$out" || zs_die "cannot create $out"
[ -f "$out/results.json" ] && mv "$out/results.json" "$out/results.prev.json"
runs=$out/runs.txt
: > "$runs"

mib() { echo $(( $1 * MEM * SCALE / 10000 )); }	# percent of RAM -> MiB
common="zswap.enabled=1 zswap.compressor=lzo zswap.accept_threshold_percent=90"
# A compressible mix (zero:same:text:random) keeps the pool from filling
# where a workload wants it never full; the others use the default mix.
roomy_mix=35:35:25:5

# workload_def W -> sets zpool, mpp, cold, warm, passes, wevery, mix, a_extra, b_extra, a_is_patched
workload_def()
{
	a_extra= b_extra= a_is_patched= cold=0 passes=0 wevery=0 mix=10:10:60:20 order=
	case $1 in
	W1)	# pool never full: the cost of stores and loads
		zpool=zbud mpp=60 warm=$(mib 300) passes=1 mix=$roomy_mix ;;
	W2|W3)	# hot/cold: cold region first, then a warm set a little
		# larger than the RAM left to it, read at random 3 times its
		# size, never written
		zpool=zbud mpp=5 warm=$(mib "$WARM_PCT") cold=$(mib 220) passes=3 order=+-r
		[ "$1" = W3 ] && zpool=zsmalloc ;;
	W4)	# read-mostly: 1 page in 16 written on each pass
		# (a pool limit of 80%: "off" keeps a copy of every page)
		zpool=zbud mpp=80 warm=$(mib 300) passes=2 wevery=16 mix=$roomy_mix
		a_is_patched=1
		a_extra="zswap.exclusive_loads=0" b_extra="zswap.exclusive_loads=1" ;;
	W5)	# zbud density: write only, everything stays stored
		zpool=zbud mpp=50 warm=$(mib 300) mix=$roomy_mix ;;
	*) zs_die "unknown workload $1 (W1..W5)" ;;
	esac
}

base_version=$(zs_tree_version "$ZS_TREE")
zs_log "bench: Linux $base_version, $PAIRS pairs of $WORKLOADS, ${MEM} MiB guests," \
	"scale $SCALE%, swap on $DISK"
nfail=0
for w in $WORKLOADS; do
	workload_def "$w"
	swap=$(( (cold + warm) * 2 + 64 ))
	for pair in $(seq 1 "$PAIRS"); do
		seed=$((SEED + pair - 1))
		prog="zswap_bench+-n+$w+-c+$cold+-w+$warm+-p+$passes+-W+$wevery$order"
		prog="$prog+-x+$mix+-s+$seed"
		for side in A B; do
			if [ $side = A ]; then
				kernel=$ka kind=vanilla extra=$a_extra
				[ -n "$a_is_patched" ] && kernel=$kb kind=patched
			else
				kernel=$kb kind=patched extra=$b_extra
			fi
			name=bench-$w-$pair$side
			append="$common zswap.zpool=$zpool zswap.max_pool_percent=$mpp $extra"
			"$ZS_BIN/vm.sh" --kernel "$kernel" --name "$name" --icount --mem "${MEM}M" \
				--swap "$swap" --swap-dev "$DISK" --append "$append" --run "$prog" \
				--timeout "$TIMEOUT" \
				--initrd "$initrd" >/dev/null 2>"$BUILD/vm-$name.err"
			rc=$?
			mv "$BUILD/vm-$name.err" "$BUILD/vm/$name/vm.err" 2>/dev/null
			vmdir=$BUILD/vm/$name
			line=$(grep -a '^bench-result: ' "$vmdir/output.log" | tail -1 | tr -d '\r')
			if [ $rc -ne 0 ] || [ -z "$line" ]; then
				nfail=$((nfail + 1))
				fails=$(grep -h '^FAIL' "$vmdir/results" | head -3 | tr '\n' ' ')
				zs_log "$name ($kind): FAILED: $fails"
				line="bench-result: name=$w failed=1"
			fi
			secs=$(cat "$vmdir/seconds" 2>/dev/null)
			echo "workload=$w pair=$pair side=$side kernel=$kind seed=$seed" \
				"append=\"$append\"" \
				"wall_s=$secs ${line#bench-result: }" >> "$runs"
			key='busy_ns=[0-9]*\|pswpin=[0-9]*\|peak_pool_total_size=[0-9]*'
			zs_log "$name ($kind) done in ${secs}s:" \
				"$(echo "$line" | grep -o "$key" | tr '\n' ' ')"
		done
	done
done
t_end=$(date +%s)

BENCH_BASE_SOURCE=$(cat "$ZS_TREE/.git/zswap-base-source" 2>/dev/null)
export BENCH_BASE_VERSION=$base_version BENCH_BASE_SOURCE
export BENCH_DISK=$DISK BENCH_PAIRS=$PAIRS BENCH_MEM=$MEM BENCH_SCALE=$SCALE
export BENCH_WARM_PCT=$WARM_PCT SEED
export NVME_READ_US NVME_WRITE_US CLOUD_READ_US CLOUD_WRITE_US
export BENCH_CONFIG_FRAGMENT=$ZS_TESTDIR/configs/bench.config
export BENCH_CONFIG_COMMON=$ZS_TESTDIR/config
BENCH_DOTCONFIG_A=$(dirname "$ka")/../../../.config
BENCH_DOTCONFIG_B=$(dirname "$kb")/../../../.config
export BENCH_DOTCONFIG_A BENCH_DOTCONFIG_B
export BENCH_SERIES_COMMIT=$(git -C "$ZS_REPO" describe --always --dirty 2>/dev/null)
export BENCH_WALL_BUILD=$((t_built - t_start)) BENCH_WALL_RUNS=$((t_end - t_built))
python3 "$ZS_BIN/bench-report.py" "$runs" "$out" || exit 1
if command -v gnuplot >/dev/null 2>&1; then
	(cd "$out" && gnuplot ratios.gp) 2>"$out/gnuplot.log" &&
		zs_log "plot: $out/ratios.png" ||
		zs_log "warning: gnuplot failed (see $out/gnuplot.log)"
fi
zs_log "results: $out/results.json, $out/results.csv, $out/table.txt"
zs_log "make bench took $(( $(date +%s) - t_start ))s:" \
	"kernels and initramfs $((t_built - t_start))s, $((t_end - t_built))s of guests"
[ $nfail -eq 0 ] || zs_die "$nfail guest runs failed (logs under $BUILD/vm/bench-*)"
