#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test command: run every tier and end with one line "N passed, N failed".
#
# Usage: check.sh [TIER...]   tiers: frame checkpatch kunit series debian selftests
#                             (default: all, in that order)
# Every result is one line "PASS|FAIL|SKIP name[: reason]", collected in
# $BUILD/check/results.  Exit status 1 if anything failed.
. "$(dirname "$0")/common.sh"

tiers=${*:-frame checkpatch kunit series debian selftests}
out=$BUILD/check
mkdir -p "$out" || zs_die "cannot create $out"
results=$out/results
: > "$results"
record() { tee -a "$results"; }
fail() { echo "FAIL $*" | record; }
t0=$(date +%s)

# The frame itself: splat detection on canned logs, the overlay's promises,
# and clear refusals of a bad base.
tier_frame()
{
	local before after msg fake

	"$ZS_BIN/test-parse-console.sh" | record
	"$ZS_BIN/base.sh" 2>/dev/null || { fail "frame/base: cannot make the base tree"; return; }
	before=$(cd "$ZS_REPO" && git status --porcelain 2>/dev/null | md5sum)
	"$ZS_BIN/overlay.sh" 2>/dev/null
	msg=$("$ZS_BIN/overlay.sh" 2>&1)
	after=$(cd "$ZS_REPO" && git status --porcelain 2>/dev/null | md5sum)
	if [[ $msg == *", 0 updated,"* ]]; then
		echo "PASS frame/overlay-idempotent" | record
	else
		fail "frame/overlay-idempotent: second overlay said: $msg"
	fi
	if [ "$before" = "$after" ]; then
		echo "PASS frame/overlay-leaves-repo-alone" | record
	else
		fail "frame/overlay-leaves-repo-alone: git status changed"
	fi
	msg=$(KDIR=/nonexistent/linux "$ZS_BIN/base.sh" 2>&1)
	if [ $? -ne 0 ] && [[ $msg == *"no such directory"* ]]; then
		echo "PASS frame/refuses-missing-kdir" | record
	else
		fail "frame/refuses-missing-kdir: got '$msg'"
	fi
	fake=$out/fake-5.10
	mkdir -p "$fake/mm"
	printf 'VERSION = 5\nPATCHLEVEL = 10\nSUBLEVEL = 200\nEXTRAVERSION =\n' > "$fake/Makefile"
	msg=$(BUILD=$out/fake-build KDIR=$fake "$ZS_BIN/base.sh" 2>&1)
	if [ $? -ne 0 ] && [[ $msg == *"Linux 5.10.200"*"6.1.y only"* ]]; then
		echo "PASS frame/refuses-non-6.1-tree" | record
	else
		fail "frame/refuses-non-6.1-tree: got '$msg'"
	fi
	rm -rf "$fake" "$out/fake-build"
	# The bench refuses bad settings before it builds or boots anything.
	local m1 m2 m3 m4 r1 r2 r3 r4
	m1=$(BENCH_DISK=floppy BUILD=$out/fake-build "$ZS_BIN/bench.sh" 2>&1); r1=$?
	m2=$(BENCH_PAIRS=three BUILD=$out/fake-build "$ZS_BIN/bench.sh" 2>&1); r2=$?
	m3=$(BENCH_KERNELS="A D" BUILD=$out/fake-build "$ZS_BIN/bench.sh" 2>&1); r3=$?
	m4=$(BENCH_WORKLOADS="W1 W6-99-zbud7" BUILD=$out/fake-build "$ZS_BIN/bench.sh" 2>&1)
	r4=$?
	if [ $r1 -ne 0 ] && [[ $m1 == *"BENCH_DISK is pmem or virtio, not 'floppy'"* ]] &&
	   [ $r2 -ne 0 ] && [[ $m2 == *"take whole numbers"* ]] &&
	   [ $r3 -ne 0 ] && [[ $m3 == *"not 'D'"* ]] &&
	   [ $r4 -ne 0 ] && [[ $m4 == *"unknown workload 'W6-99-zbud7'"* ]] &&
	   [ ! -e "$out/fake-build" ]; then
		echo "PASS frame/bench-refuses-bad-settings" | record
	else
		fail "frame/bench-refuses-bad-settings: got '$m1', '$m2', '$m3' and '$m4'"
	fi
	rm -rf "$out/fake-build"
	# So do make deb and the Debian-config tier, with a config Debian lacks.
	m1=$(DEB_CONFIG=arm64 BUILD=$out/fake-build "$ZS_BIN/deb.sh" 2>&1); r1=$?
	m2=$(DEB_CONFIG=rt BUILD=$out/fake-build "$ZS_BIN/debian-config.sh" 2>&1); r2=$?
	if [ $r1 -ne 0 ] && [[ $m1 == *"DEB_CONFIG is cloud-amd64 or amd64, not 'arm64'"* ]] &&
	   [ $r2 -ne 0 ] && [[ $m2 == *"DEB_CONFIG is amd64 or cloud-amd64, not 'rt'"* ]] &&
	   [ ! -e "$out/fake-build" ]; then
		echo "PASS frame/deb-refuses-bad-config" | record
	else
		fail "frame/deb-refuses-bad-config: got '$m1' and '$m2'"
	fi
	rm -rf "$out/fake-build"
	# bench-bound.py: a pool big enough for every page RAM cannot hold
	# serves nearly every read, a one-page pool nearly none; a result
	# without a run of kernel A is an error.
	local run='"side": "A", "seed": 1, "peak_same_filled_pages": 0, "modelled_nvme_s": 1.0,
		"modelled_cloud_s": 2.0, "param_zpool": "zbud"'
	cat > "$out/bound.json" <<-EOF
	{"runs": [{"workload": "W2", "pswpin": 1000, $run,
		   "prog": "zswap_bench -n W2 -c 4 -w 8 -p 3 -W 0 -r -x 0:0:100:0 -s 1",
		   "peak_pool_total_size": 8388608, "peak_stored_pages": 2048},
		  {"workload": "W6-99-zbud5", "pswpin": 1000, $run,
		   "prog": "zswap_bench -n W6 -c 4 -w 8 -p 3 -W 0 -z 0.99 -x 0:0:100:0 -s 1",
		   "peak_pool_total_size": 4096, "peak_stored_pages": 2}]}
	EOF
	m1=$(python3 "$ZS_BIN/bench-bound.py" "$out/bound.json" 2>&1); r1=$?
	m2=$(echo '{"runs": []}' | python3 "$ZS_BIN/bench-bound.py" /dev/stdin 2>&1); r2=$?
	if [ $r1 -eq 0 ] && [ $r2 -ne 0 ] && [[ $m2 == *"no run of kernel A"* ]] &&
	   echo "$m1" | awk '$1 == "W2" { w2 = $6 } $1 == "W6-99-zbud5" { w6 = $6 }
			     END { exit !(w2 != "" && w2 < 0.05 && w6 > 0.95) }'; then
		echo "PASS frame/bench-bound" | record
	else
		fail "frame/bench-bound: got '$m1' and '$m2'"
	fi
	rm -f "$out/bound.json"
	# The profiler: the QEMU plugin builds, bench.sh refuses a bad
	# BENCH_PROFILE, and bench-profile.py gives each block's count to the
	# function whose range holds it, user space apart.
	printf '%s\n' 'ffffffff81000000 T f1' 'ffffffff81000100 t f2' > "$out/prof.map"
	printf '%s\n' 'user 10' 'ffffffff81000000 100' 'ffffffff81000050 5' > "$out/prof.1"
	printf '%s\n' 'user 10' 'ffffffff81000000 100' 'ffffffff81000120 40' > "$out/prof.2"
	m1=$(python3 "$ZS_BIN/bench-profile.py" -n 2 "$out/prof.map" "$out/prof.1" \
		"$out/prof.map" "$out/prof.2" 2>&1); r1=$?
	m2=$(BENCH_PROFILE=yes BUILD=$out/fake-build "$ZS_BIN/bench.sh" 2>&1); r2=$?
	m3=$(gcc -O2 -Wall -Werror -shared -fPIC -o "$out/insn-profile.so" \
		"$ZS_BIN/insn-profile.c" 2>&1); r3=$?
	if [ $r1 -eq 0 ] && [[ $m1 == *"115 / 150, difference +35"* ]] &&
	   echo "$m1" | awk '$1 == "f2" { f2 = $2 " " $3 " " $4 }
			     $1 == "f1" { f1 = $2 " " $3 " " $4 }
			     END { exit !(f2 == "0 40 +40" && f1 == "105 100 -5") }' &&
	   [ $r2 -ne 0 ] && [[ $m2 == *"BENCH_PROFILE is 1 or empty, not 'yes'"* ]] &&
	   [ $r3 -eq 0 ] && [ ! -e "$out/fake-build" ]; then
		echo "PASS frame/bench-profile" | record
	else
		fail "frame/bench-profile: got '$m1', '$m2' and '$m3'"
	fi
	rm -rf "$out"/prof.* "$out/insn-profile.so" "$out/fake-build"
}

# checkpatch --strict on the series' own C files.
tier_checkpatch()
{
	local f log

	"$ZS_BIN/base.sh" 2>/dev/null || { fail "checkpatch: no base tree"; return; }
	cd "$ZS_REPO" || return
	for f in $(git ls-files -co --exclude-standard -- 'mm/*.[ch]' 'include/*.h' \
			'tools/testing/selftests/zswap/*.[ch]'); do
		[ -f "$f" ] || continue
		log=$(PATH=/usr/bin:$PATH perl "$ZS_TREE/scripts/checkpatch.pl" \
			--no-tree --strict --quiet \
			--show-types -f "$f" 2>&1)
		if [ -z "$log" ]; then
			echo "PASS checkpatch/$f" | record
		else
			fail "checkpatch/$f: $(grep -cE '^(ERROR|WARNING|CHECK)' <<<"$log") reports"
			echo "$log" | head -30 >&2
		fi
	done
}

# KUnit, through kunit.py in the overlaid tree, with KASAN and lockdep; a
# splat anywhere in the raw log fails the tier even if every case passed.
tier_kunit()
{
	local kbuild=$BUILD/obj-$(basename "$ZS_TREE")-kunit rc

	"$ZS_BIN/deps.sh" all && "$ZS_BIN/base.sh" && "$ZS_BIN/overlay.sh" ||
		{ fail "kunit: cannot prepare the tree"; return; }
	zs_log "kunit: building and running (log: $out/kunit.log)"
	export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
	(cd "$ZS_TREE" && python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
		--kunitconfig=mm/tests --build_dir="$kbuild" --jobs="$JOBS" \
		--make_options CC="ccache gcc" --qemu_args="-smp 2" \
		--timeout="${KUNIT_TIMEOUT:-1200}") > "$out/kunit.log" 2>&1
	rc=$?
	awk '
		/ =+ [^[].* \([0-9]+ subtests\) =+/ {
			suite = $0
			sub(/^.* =+ /, "", suite); sub(/ \(.*$/, "", suite)
		}
		/^\[[0-9:]+\] \[(PASSED|FAILED|SKIPPED|CRASHED)\] / {
			st = $2; name = $0
			sub(/^\[[0-9:]+\] \[[A-Z]+\] /, "", name)
			v = (st == "[PASSED]") ? "PASS" : (st == "[SKIPPED]") ? "SKIP" : "FAIL"
			printf "%s kunit/%s/%s\n", v, suite, name
		}' "$out/kunit.log" | record
	if [ $rc -ne 0 ] && ! grep -q '^FAIL kunit/' "$results"; then
		fail "kunit: kunit.py failed with status $rc:" \
			"$(grep -E 'ERROR|error' "$out/kunit.log" | head -3)"
	fi
	if [ -f "$kbuild/test.log" ]; then
		grep -nE "$(paste -sd'|' "$ZS_BIN/splat-patterns")" "$kbuild/test.log" | head -5 |
			while read -r l; do fail "kunit: kernel splat at $kbuild/test.log:$l"; done
	fi
	# The series tier need not run the same suites on the same code again.
	if [ $rc -eq 0 ] && grep -q '^PASS kunit/' "$results" &&
	   ! grep -q '^FAIL kunit' "$results"; then
		export ZS_KUNIT_TIER_PASSED=1
	fi
}

# The series as upstream would take it (bin/series.sh --check): git am and
# quilt reproduce the tree, checkpatch --strict on every patch, every patch
# builds and passes the KUnit suites present after it, W=1, sparse,
# kernel-doc and docutils quiet.
tier_series()
{
	"$ZS_BIN/series.sh" --check | record
}

# Debian's own amd64 config (bin/debian-config.sh): its zswap options,
# mm/ and the zpool modules build, W=1 and sparse quiet.  Then the
# cloud-amd64 config that make deb uses by default, which Debian ships
# without zswap: zs_debian_config must give it the amd64 zswap options.
tier_debian()
{
	local c=$out/cloud-amd64.config o bad=

	DEB_CONFIG=amd64 "$ZS_BIN/debian-config.sh" | record
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "debian: bin/debian-config.sh failed"
	(DEB_DEBUG_INFO=0 zs_debian_config cloud-amd64 "$c") || bad=" (no config)"
	for o in ZSWAP=y FRONTSWAP=y ZBUD=y Z3FOLD=m ZSMALLOC=m \
		 ZSWAP_ZPOOL_DEFAULT='"zbud"' DEBUG_INFO_NONE=y; do
		grep -qxF "CONFIG_$o" "$c" 2>/dev/null || bad="$bad $o"
	done
	if [ -z "$bad" ]; then
		echo "PASS debian-cloud-amd64/config-has-zswap" | record
	else
		fail "debian-cloud-amd64/config-has-zswap: lacks$bad"
	fi
}

# One guest boot of the selftests; results named BOOT/PROG/TEST, and the
# time each program took goes to $out/selftest-times.
selftests_boot()
{
	local name=$1 bz=$2 mem=$3 run=$4 append=$5 timeout=$6 initrd=${7:-} try

	# A guest stuck in boot, before any test ran, gets one more try.
	for try in 1 2; do
		"$ZS_BIN/vm.sh" --kernel "$bz" --name "$name" --smp 2 --mem "$mem" \
			--append "zswap.enabled=1 $append" --run "$run" \
			${initrd:+--initrd "$initrd"} \
			--timeout "$timeout" --slowness "$slowness" > "$out/$name.results"
		grep -q 'did not boot within' "$BUILD/vm/$name/console.log" || break
		cp "$BUILD/vm/$name/console.log" "$out/$name.stuck-console.log"
		zs_log "$name: guest stuck in boot" \
			"(console: $out/$name.stuck-console.log), booting it again"
	done
	record < "$out/$name.results"
	selftests_slowness "$name"
	sed -n "s/^zswaptest: time \([^ ]*\) \(.*\)/$name\/\1 \2/p" \
		"$BUILD/vm/$name/output.log" >> "$out/selftest-times"
	echo "$name boot $(cat "$BUILD/vm/$name/seconds" 2>/dev/null)s" >> "$out/selftest-times"
}

# How much slower than the reference host guests run here, from what a
# boot's init.sh measured: the highest figure seen so far sets the limits of
# the boots after it (vm.sh --slowness).
slowness=100
selftests_slowness()
{
	local s

	s=$(cat "$BUILD/vm/$1/slowness" 2>/dev/null)
	case $s in
	''|*[!0-9]*) return ;;
	esac
	if [ "$s" -gt "$slowness" ]; then
		zs_log "$1: guests run at ${s}% of the reference host's time:" \
			"limits and watchdogs scaled by that"
		slowness=$s
	fi
}

# The in-guest selftests (tools/testing/selftests/zswap), five boots: the
# fast tests on the run kernel (three boots, so that a crash costs only a
# part; integrity in a small guest, as it fills 150% of RAM nine times),
# z3fold and zsmalloc as modules on the run kernel built modular, fault
# injection and the stress on the debug kernel (KASAN, lockdep,
# DEBUG_VM).  BASE=vanilla runs the same programs on the unmodified base;
# STRESS_SECONDS sets the length of the stress (default 300).
tier_selftests()
{
	local kind=${BASE:-patched} pre= run debug secs=${STRESS_SECONDS:-300} zpools

	case $kind in
	patched) ;;
	vanilla) pre=vanilla- ;;
	*) fail "selftests: unknown BASE=$kind (patched or vanilla)"; return ;;
	esac
	case $secs in
	''|*[!0-9]*) fail "selftests: STRESS_SECONDS=$secs is not a number"; return ;;
	esac
	: > "$out/selftest-times"
	if ! run=$("$ZS_BIN/build-kernel.sh" run "$kind"); then
		fail "selftests: building the ${pre}run kernel failed"
		return
	fi
	if ! debug=$("$ZS_BIN/build-kernel.sh" debug "$kind"); then
		fail "selftests: building the ${pre}debug kernel failed"
		return
	fi
	# A boot without programs measures this host's speed first, so that
	# every boot's limits (and its kernel's watchdogs, while it boots)
	# fit the host (init.sh, vm.sh --slowness).
	if "$ZS_BIN/vm.sh" --kernel "$run" --name "${pre}calibrate" --smp 2 --swap 0 \
			--timeout 300 > "$out/${pre}calibrate.results"; then
		selftests_slowness "${pre}calibrate"
		zs_log "host speed: $(sed -n 's/^zswaptest: slowness //p' \
			"$BUILD/vm/${pre}calibrate/output.log" | tr -d '\r')"
	else
		zs_log "the calibration boot failed ($BUILD/vm/${pre}calibrate):" \
			"limits stay unscaled"
	fi
	# Integrity pushes 150% of RAM per zpool x compressor: a small guest.
	selftests_boot "${pre}run-integrity" "$run" 128M zswap_integrity_test \
		"" "${VM_TIMEOUT:-1200}"
	selftests_boot "${pre}run-basic" "$run" 256M \
		zswap_params_test,zswap_exclusive_test,zswap_memcg_test,zswap_lru_test \
		"" "${VM_TIMEOUT:-900}"
	# The live flips leave z3fold out by default: destroying a z3fold pool
	# after use under load trips "Slab cache still has objects" in
	# z3fold_handle, in 6.1.192's own z3fold (vanilla too), outside this
	# series.  RECONFIG_ZPOOLS=zbud,z3fold,zsmalloc shows it.
	zpools="ZSWAP_RECONFIG_ZPOOLS=${RECONFIG_ZPOOLS:-zbud,zsmalloc}"
	selftests_boot "${pre}run-live" "$run" 256M zswap_live_test "$zpools" \
		"${VM_TIMEOUT:-900}"
	# z3fold and zsmalloc as modules, as Debian builds them: the modules
	# kernel's own initramfs of modules goes after the selftests'.
	if mods=$("$ZS_BIN/build-kernel.sh" modules "$kind") &&
	   cpio=$("$ZS_BIN/mkinitramfs.sh") &&
	   cat "$cpio" "${mods%/arch/x86/boot/bzImage}/modules.cpio" \
		> "$out/${pre}modules-initramfs.cpio"; then
		selftests_boot "${pre}run-modules" "$mods" 128M zswap_modules_test "" \
			"${VM_TIMEOUT:-900}" "$out/${pre}modules-initramfs.cpio"
	else
		fail "selftests: building the ${pre}modules kernel or its initramfs failed"
	fi
	# slub_debug=A marks the table's leaf cache for failslab alone, which
	# zswap_stress_test's leaf_fail_not_counted fails by cache-filter.
	selftests_boot "${pre}debug-stress" "$debug" 256M zswap_stress_test \
		"ZSWAP_STRESS_SECONDS=$secs $zpools slub_debug=A,zswap_leaf" \
		"${VM_TIMEOUT:-$((secs + 1200))}"
	zs_log "selftest programs' run times (guest clock):"
	sed 's/^/[zswap]   /' "$out/selftest-times" >&2
}

base=$("$ZS_BIN/base.sh" 2>&1 >/dev/null | sed -n 's/.*base: Linux //p')
zs_log "test command: tiers '$tiers' on Linux $base"
zs_log "qemu: $(dpkg-query -W -f '${Package} ${Version}' qemu-system-x86 2>/dev/null ||
	qemu-system-x86_64 --version 2>/dev/null | head -1)"
for t in $tiers; do
	case $t in
	frame|checkpatch|kunit|series|debian|selftests)
		s=$(date +%s)
		zs_log "tier $t"
		"tier_$t"
		zs_log "tier $t took $(( $(date +%s) - s ))s"
		;;
	*) fail "check: unknown tier '$t'" ;;
	esac
done

pass=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
skip=$(grep -c '^SKIP ' "$results")
zs_log "test command took $(( $(date +%s) - t0 ))s; results in $results"
grep '^FAIL ' "$results" >&2
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $failed failed, $skip skipped"
else
	echo "$pass passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$pass" -gt 0 ]
