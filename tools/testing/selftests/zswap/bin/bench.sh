#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bench command: the series against the unmodified 6.1 base and
# against the cheapest fix a maintainer could backport instead.
#
# Builds the bench flavour three times from one config fragment
# (configs/bench.config): the untouched base (A, "vanilla"), the base with
# the series (B, "patched") and the base with bench/shrink-until-accept.patch
# (C, "shrink": 6.1's shrink worker evicting until the pool can accept
# again, as upstream 6.5 does; not part of the series).  Boots each under
# QEMU with -icount shift=0,sleep=off and one vCPU and runs the same seeded
# workload on it, pair by pair: A B C, A B C, ...  W4 also runs the patched
# kernel with exclusive loads off (side "Boff") beside B's on.  On zsmalloc,
# which cannot shrink, C is 6.1's code path exactly, so it is not run and
# A's runs stand for it (reported as C = A).  bench-report.py turns the runs
# into the table, the results files and the plot, all in $BUILD/bench/.
#
# A guest run is deterministic: icount makes time count instructions, the
# guest clock starts at a fixed date (its random pool is seeded from it)
# and the swap disk completes requests inside the guest (BENCH_DISK=pmem).
# The same kernel, seed and settings give the same counters to the
# instruction whatever else the host runs, so guests run BENCH_JOBS at a
# time; a rare run is still perturbed (by up to 0.4% in 4 of 112, see the
# README's "Run to run").  Pair k uses seed SEED+k-1, so that the pairs sample different page
# mixes and access orders, and their range shows how much a result depends
# on them.
#
# Settings (environment):
#   BENCH_KERNELS    which kernels ("A B C"); ratios need B and A or C
#   BENCH_WORKLOADS  which workloads (all: "W1 W2 W3 W4 W5 W6 W7"); W6 is
#                    its six variants, which can also be named one by one
#                    (W6-99-zbud5 ... W6-70-zs20, see workload_def());
#                    W6-{99,70}-z3fold{5,20}, on z3fold, only by name
#   BENCH_PAIRS      pairs per workload (3; 5 for W2 and W3, whose seeds
#                    spread widest)
#   BENCH_JOBS       guests run at once (the number of CPUs, at most 2)
#   BENCH_MEM        guest RAM in MiB (96); working sets are about 3x this
#   BENCH_SCALE      percent applied to every working set size (100); for
#                    quick trials only
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
#   BENCH_B_APPEND   kernel parameters added to B's runs (and Boff's), to
#                    measure a tunable, e.g. zswap.exclusive_loads=1
#   BENCH_PROFILE    1: count each guest's instructions per kernel function
#                    (insn-profile.c, a QEMU plugin; the guests run the
#                    same instructions, only slower) and write, for each
#                    workload's first pair, bench-profile.py's comparison
#                    of B with A and of B with C to profile-W-B-A.txt and
#                    profile-W-B-C.txt in $BUILD/bench/
. "$(dirname "$0")/common.sh"

PAIRS=${BENCH_PAIRS:-}
KERNELS=${BENCH_KERNELS:-A B C}
MEM=${BENCH_MEM:-96}
WORKLOADS=${BENCH_WORKLOADS:-W1 W2 W3 W4 W5 W6 W7}
SCALE=${BENCH_SCALE:-100}
WARM_PCT=${BENCH_WARM_PCT:-80}
SEED=${SEED:-1}
NVME_READ_US=${NVME_READ_US:-80}
NVME_WRITE_US=${NVME_WRITE_US:-20}
CLOUD_READ_US=${CLOUD_READ_US:-500}
CLOUD_WRITE_US=${CLOUD_WRITE_US:-500}
TIMEOUT=${BENCH_TIMEOUT:-900}
PROFILE=${BENCH_PROFILE:-}
DISK=${BENCH_DISK:-pmem}
ncpu=$(nproc)
BJOBS=${BENCH_JOBS:-$((ncpu < 2 ? ncpu : 2))}
case $DISK in
pmem|virtio) ;;
*) zs_die "BENCH_DISK is pmem or virtio, not '$DISK'" ;;
esac
case ${PAIRS:-0}$MEM$SCALE$WARM_PCT$SEED$TIMEOUT$BJOBS in
*[!0-9]*) zs_die "BENCH_PAIRS, BENCH_MEM, BENCH_SCALE, BENCH_WARM_PCT, SEED," \
		"BENCH_JOBS and BENCH_TIMEOUT take whole numbers" ;;
esac
[ -z "$PAIRS" ] || [ "$PAIRS" -ge 1 ] || zs_die "BENCH_PAIRS must be at least 1"
[ -z "$PAIRS" ] || [ "$PAIRS" -ge 3 ] ||
	zs_log "note: BENCH_PAIRS=$PAIRS; the benchmark wants at least 3 pairs per workload"
[ "$BJOBS" -ge 1 ] || zs_die "BENCH_JOBS must be at least 1"
[ "$MEM" -ge 64 ] || zs_die "BENCH_MEM must be at least 64 (MiB)"
[ "$SCALE" -ge 1 ] || zs_die "BENCH_SCALE must be at least 1"
case $PROFILE in
''|0|1) ;;
*) zs_die "BENCH_PROFILE is 1 or empty, not '$PROFILE'" ;;
esac

want_a= want_b= want_c=
for k in $KERNELS; do
	case $k in
	A) [ -z "$want_a" ] || zs_die "BENCH_KERNELS names A twice"; want_a=1 ;;
	B) [ -z "$want_b" ] || zs_die "BENCH_KERNELS names B twice"; want_b=1 ;;
	C) [ -z "$want_c" ] || zs_die "BENCH_KERNELS names C twice"; want_c=1 ;;
	*) zs_die "BENCH_KERNELS takes A (vanilla), B (the series) and C (6.1 with" \
		"shrink-until-accept), not '$k'" ;;
	esac
done
[ -n "$want_a$want_b$want_c" ] || zs_die "BENCH_KERNELS is empty"

W6_ALL="W6-99-zbud5 W6-99-zbud20 W6-99-zs20 W6-70-zbud5 W6-70-zbud20 W6-70-zs20"
mib() { echo $(( $1 * MEM * SCALE / 10000 )); }	# percent of RAM -> MiB
common="zswap.enabled=1 zswap.compressor=lzo zswap.accept_threshold_percent=90"
# A compressible mix (zero:same:text:random) keeps the pool from filling
# where a workload wants it never full; the others use the default mix.
roomy_mix=35:35:25:5

# workload_def W: sets zpool, mpp, prog (the guest's command, '+' for
# spaces, without its seed), desc (what it does, printed with the results),
# npairs and swap (MiB).  Returns 1 for an unknown name.
workload_def()
{
	local name=$1 cold=0 warm=0 passes=0 wevery=0 mix=10:10:60:20 order= theta db q

	npairs=3
	case $name in
	W1)	# pool never full: the cost of stores and loads
		zpool=zbud mpp=60 warm=$(mib 300) passes=1 mix=$roomy_mix
		desc="pool never full: write ${warm} MiB, read it back once" ;;
	W2|W3)	# hot/cold: cold region first, then a warm set a little
		# larger than the RAM left to it, read at random 3 times its
		# size, never written
		zpool=zbud mpp=5 warm=$(mib "$WARM_PCT") cold=$(mib 220) passes=3 order=+-r
		[ "$name" = W3 ] && zpool=zsmalloc
		npairs=5
		desc="uniform: ${cold} MiB cold written first, then ${warm} MiB warm read"
		desc="$desc uniformly at random, 3x its size, no writes" ;;
	W4)	# read-mostly: 1 page in 16 written on each pass; the pool
		# holds everything "off" keeps and is never full
		zpool=zbud mpp=80 warm=$(mib 300) passes=2 wevery=16 mix=$roomy_mix
		desc="read-mostly, pool never full: ${warm} MiB, 2 sweeps rewriting 1 page"
		desc="$desc in 16; Boff = B with exclusive loads off" ;;
	W5)	# zbud density: write only, everything stays stored
		zpool=zbud mpp=50 warm=$(mib 300) mix=$roomy_mix
		desc="zbud density: write ${warm} MiB, never read" ;;
	W6-*)	# skewed: as W2, but the warm set (2x RAM) is read in a Zipf
		# order over a random permutation of its pages; RAM plus the
		# pool hold its hot part, not all of it
		set -- $(echo "$1" |
			sed -n 's/^W6-\(99\|70\)-\(zbud\|zs\|z3fold\)\(5\|20\)$/\1 \2 \3/p')
		[ $# -eq 3 ] || return 1
		theta=0.$1 mpp=$3 zpool=$2 cold=$(mib 100) warm=$(mib 200) passes=3
		[ "$2" = zs ] && zpool=zsmalloc
		order=+-z+$theta
		desc="Zipf($theta): ${cold} MiB cold written first, then ${warm} MiB warm read"
		desc="$desc in a Zipf order over a permutation, 3x its size, no writes" ;;
	W7)	# a real program: SQLite, in-memory database of 3x RAM,
		# Zipf(0.99) point queries, every result checked
		zpool=zbud mpp=20 db=$(mib 300) q=$((400000 * SCALE / 100))
		desc="SQLite $(sqlite_version): ${db} MiB in-memory table, $q point"
		desc="$desc queries with Zipf(0.99) keys over a permutation, each result checked"
		prog="zswap_sqlite_bench+-n+$name+-m+$db+-q+$q+-t+0.99"
		swap=$((db * 2 + 64))
		return 0 ;;
	*) return 1 ;;
	esac
	prog="zswap_bench+-n+$name+-c+$cold+-w+$warm+-p+$passes+-W+$wevery$order+-x+$mix"
	desc="$desc; mix $mix (zero:same:text:random %)"
	swap=$(( (cold + warm) * 2 + 64 ))
}

sqlite_version()
{
	dpkg-query -W -f '${Version}' libsqlite3-dev 2>/dev/null || echo '?'
}

# Expand W6 and check every name before anything is built.
list=
for w in $WORKLOADS; do
	[ "$w" = W6 ] && { list="$list $W6_ALL"; continue; }
	workload_def "$w" ||
		zs_die "unknown workload '$w' (W1 W2 W3 W4 W5 W6 W7, or a W6 variant:" \
			"$W6_ALL W6-{99,70}-z3fold{5,20})"
	list="$list $w"
done
WORKLOADS=$(echo $list)
[ -n "$WORKLOADS" ] || zs_die "BENCH_WORKLOADS is empty"

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
ka= kb= kc=
if [ -n "$want_b" ]; then kb=$("$ZS_BIN/build-kernel.sh" bench patched) || exit 1; fi
if [ -n "$want_a" ]; then ka=$("$ZS_BIN/build-kernel.sh" bench vanilla) || exit 1; fi
if [ -n "$want_c" ]; then kc=$("$ZS_BIN/build-kernel.sh" bench shrink) || exit 1; fi
initrd=$("$ZS_BIN/mkinitramfs.sh") || exit 1
t_built=$(date +%s)

out=$BUILD/bench
mkdir -p "$out" || zs_die "cannot create $out"
plugin=
if [ "$PROFILE" = 1 ]; then
	plugin=$out/insn-profile.so
	gcc -O2 -Wall -shared -fPIC -o "$plugin" "$ZS_BIN/insn-profile.c" ||
		zs_die "cannot build the QEMU plugin $ZS_BIN/insn-profile.c"
fi
rm -f "$out"/profile-*.txt
[ -f "$out/results.json" ] && mv "$out/results.json" "$out/results.prev.json"
runs=$out/runs.txt
rm -rf "$out/runs.d"
mkdir -p "$out/runs.d" || zs_die "cannot create $out/runs.d"

# run_one N W PAIR SIDE KIND KERNEL SEED EXTRA: one guest, whose line goes to
# runs.d/N (the runs file keeps the order of the job list).
run_one()
{
	local n=$1 w=$2 pair=$3 side=$4 kind=$5 kernel=$6 seed=$7 extra=$8
	local name=bench-$w-$pair$side append line rc secs fails vmdir key

	append="$common zswap.zpool=$zpool zswap.max_pool_percent=$mpp $extra"
	vmdir=$BUILD/vm/$name
	"$ZS_BIN/vm.sh" --kernel "$kernel" --name "$name" --icount --mem "${MEM}M" \
		--swap "$swap" --swap-dev "$DISK" --append "$append" --run "$prog+-s+$seed" \
		--timeout "$TIMEOUT" --initrd "$initrd" \
		${plugin:+--plugin "$plugin,out=$vmdir/profile"} \
		>/dev/null 2>"$BUILD/vm-$name.err"
	rc=$?
	mv "$BUILD/vm-$name.err" "$vmdir/vm.err" 2>/dev/null
	line=$(grep -a '^bench-result: ' "$vmdir/output.log" | tail -1 | tr -d '\r')
	if [ $rc -ne 0 ] || [ -z "$line" ]; then
		fails=$(grep -h '^FAIL' "$vmdir/results" | head -3 | tr '\n' ' ')
		zs_log "$name ($kind): FAILED: $fails"
		line="bench-result: name=$w failed=1"
	fi
	secs=$(cat "$vmdir/seconds" 2>/dev/null)
	echo "workload=$w pair=$pair side=$side kernel=$kind seed=$seed zpool_wanted=$zpool" \
		"append=\"$append\" prog=\"${prog//+/ } -s $seed\" desc=\"$desc\"" \
		"wall_s=$secs ${line#bench-result: }" > "$out/runs.d/$n"
	key='busy_ns=[0-9]*\|qps=[0-9.]*\|pswpin=[0-9]*\|zswpin=[0-9]*'
	zs_log "$name ($kind) done in ${secs}s:" \
		"$(echo "$line" | grep -o "$key" | tr '\n' ' ')"
}

base_version=$(zs_tree_version "$ZS_TREE")
zs_log "bench: Linux $base_version, kernels $KERNELS, workloads $WORKLOADS," \
	"${MEM} MiB guests, scale $SCALE%, swap on $DISK, $BJOBS guests at a time"
n=0
for w in $WORKLOADS; do
	workload_def "$w"
	[ -n "$PAIRS" ] && npairs=$PAIRS
	sides=
	[ -n "$want_a" ] && sides="$sides A"
	[ -n "$want_b" ] && { [ "$w" = W4 ] && sides="$sides Boff"; sides="$sides B"; }
	if [ -n "$want_c" ]; then
		if [ "$zpool" = zsmalloc ] && [ -n "$want_a" ]; then
			zs_log "$w: C = A on zsmalloc, which cannot shrink; C not run"
		else
			sides="$sides C"
		fi
	fi
	zs_log "$w: $desc; $zpool, max_pool_percent=$mpp, $npairs pairs"
	for pair in $(seq 1 "$npairs"); do
		seed=$((SEED + pair - 1))
		for side in $sides; do
			case $side in
			A) kernel=$ka kind=vanilla extra= ;;
			B) kernel=$kb kind=patched extra= ;;
			Boff) kernel=$kb kind=patched extra="zswap.exclusive_loads=0" ;;
			C) kernel=$kc kind=shrink extra= ;;
			esac
			[ "$w" = W4 ] && [ "$side" = B ] && extra="zswap.exclusive_loads=1"
			case $side in
			B*) extra="${BENCH_B_APPEND:-} $extra" extra=${extra# } ;;
			esac
			while [ "$(jobs -rp | wc -l)" -ge "$BJOBS" ]; do
				wait -n
			done
			n=$((n + 1))
			run_one "$(printf '%04d' $n)" "$w" "$pair" "$side" "$kind" "$kernel" \
				"$seed" "$extra" &
		done
	done
done
wait
cat "$out"/runs.d/* > "$runs" 2>/dev/null
if [ "$PROFILE" = 1 ]; then
	for w in $WORKLOADS; do
		for k in a c; do
			eval "img=\$k$k"
			p=$BUILD/vm/bench-$w-1${k^^}/profile
			q=$BUILD/vm/bench-$w-1B/profile
			[ -n "$img" ] && [ -n "$kb" ] && [ -f "$p" ] && [ -f "$q" ] || continue
			map=${img%/arch/x86/boot/bzImage}/System.map
			bmap=${kb%/arch/x86/boot/bzImage}/System.map
			python3 "$ZS_BIN/bench-profile.py" "$map" "$p" "$bmap" "$q" \
				> "$out/profile-$w-B-${k^^}.txt" &&
				zs_log "profile: $out/profile-$w-B-${k^^}.txt"
		done
	done
fi
nfail=$(grep -c ' failed=1' "$runs")
t_end=$(date +%s)

BENCH_BASE_SOURCE=$(cat "$ZS_TREE/.git/zswap-base-source" 2>/dev/null)
export BENCH_BASE_VERSION=$base_version BENCH_BASE_SOURCE
export BENCH_DISK=$DISK BENCH_PAIRS=${PAIRS:-3} BENCH_MEM=$MEM BENCH_SCALE=$SCALE
export BENCH_WARM_PCT=$WARM_PCT SEED BENCH_KERNELS=$KERNELS BENCH_JOBS=$BJOBS
export NVME_READ_US NVME_WRITE_US CLOUD_READ_US CLOUD_WRITE_US
export BENCH_CONFIG_FRAGMENT=$ZS_TESTDIR/configs/bench.config
export BENCH_CONFIG_COMMON=$ZS_TESTDIR/config
export BENCH_SHRINK_PATCH=$ZS_REPO/bench/shrink-until-accept.patch
for k in a b c; do
	eval "img=\$k$k"
	[ -n "$img" ] && export "BENCH_DOTCONFIG_${k^^}=$(dirname "$img")/../../../.config"
done
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
[ "$nfail" -eq 0 ] || zs_die "$nfail guest runs failed (logs under $BUILD/vm/bench-*)"
