// SPDX-License-Identifier: GPL-2.0
/*
 * For the debug kernel (KASAN, lockdep, DEBUG_VM, fault injection):
 *  - fault_injection: failslab and fail_page_alloc fail about 10% of the
 *    allocations of the storing task; the stores that hit a failure are
 *    refused and counted (reject_kmemcache_fail, reject_alloc_fail), and
 *    every page still reads back intact;
 *  - leaf_fail_not_counted: while every allocation of a leaf of the table
 *    by offset fails, the stores that need a new leaf are refused, and the
 *    cgroup's memory.stat counts none of them as a zswpout; once the
 *    failures stop, it counts its stores again.  It needs the leaf cache
 *    marked for failslab at boot (slub_debug=A,zswap_leaf, as
 *    bin/check.sh boots this kernel), and skips without it;
 *  - stress: for ZSWAP_STRESS_SECONDS (default 60), two processes rewrite
 *    and check their pages under a cgroup limit while the test flips the
 *    parameters every second, takes CPU1 offline and online, and turns
 *    swap off and on every 30 seconds; afterwards no mismatch, and once
 *    everything is freed the counters are 0 and one pool is left.
 * Splats are caught by the runner, which reads the kernel console.
 */
#include "zswap_workload.h"
#include "../kselftest_harness.h"

#define NR_CHURN	2
#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define FAILPAGE	"/sys/kernel/debug/fail_page_alloc/"
#define LEAF_FAILSLAB	"/sys/kernel/slab/zswap_leaf/failslab"

FIXTURE(stress) {
	struct zw_params saved;
	struct zw_shared *sh;
	pid_t pid[NR_CHURN];
	char cg[256];
};

FIXTURE_SETUP(stress)
{
	zw_params_save(&self->saved);
	ASSERT_EQ(0, zw_param_set_log("max_pool_percent", "20"));
	ASSERT_EQ(0, zw_param_set_log("enabled", "Y"));
	ASSERT_EQ(0, zw_cg_create("zswap_stress", self->cg, sizeof(self->cg)));
	self->sh = zw_shared_alloc();
	ASSERT_NE(NULL, self->sh);
}

/*
 * Stop failing this task's allocations.  While make-it-fail is set, the
 * open() of the very file that clears it can fail with ENOMEM (a file is
 * an allocation too): keep trying, or the next round starts with failures
 * on and cannot even set them up.  Returns 0 once it is off.
 */
static int fault_off(void)
{
	int k, err = -1;

	for (k = 0; k < 1000 && err; k++)
		err = zw_write_str("/proc/self/make-it-fail", "0");
	if (err) {
		fprintf(stderr, "# cannot clear make-it-fail: %s\n", strerror(-err));
		return err;
	}
	err = zw_write_str(FAILSLAB "probability", "0");
	if (!err)
		err = zw_write_str(FAILSLAB "cache-filter", "N");
	return err ? err : zw_write_str(FAILPAGE "probability", "0");
}

FIXTURE_TEARDOWN(stress)
{
	fault_off();
	zw_churn_stop_all(self->sh, self->pid, NR_CHURN);
	if (zw_file_exists(ZW_CPU1_ONLINE))
		zw_cpu1_set(1);
	zw_cg_destroy(self->cg);
	zw_params_restore(&self->saved);
}

/* Configure one fault-injection attribute directory; 0 or -errno. */
static int fault_setup(const char *dir, int ignore_wait)
{
	static const char * const files[] = {
		"probability", "interval", "times", "space", "verbose",
		"task-filter", "ignore-gfp-wait",
	};
	static const char * const vals[] = { "10", "1", "-1", "0", "0", "Y", "Y" };
	char path[256];
	const char *val;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s%s", dir, files[i]);
		val = vals[i];
		if (!strcmp(files[i], "ignore-gfp-wait") && !ignore_wait)
			val = "N";
		err = zw_write_str(path, val);
		if (err) {
			fprintf(stderr, "# %s=%s: %s\n", path, val, strerror(-err));
			return err;
		}
	}
	return 0;
}

TEST_F_TIMEOUT(stress, fault_injection, 1200)
{
	static const struct zw_mix text = { { 5, 5, 90, 0 } };
	long long kc0, af0, kc1, af1;
	struct zw_region r;
	struct zw_vm a, b;
	size_t bad;
	int gen;

	if (!zw_file_exists(FAILSLAB) || !zw_file_exists(FAILPAGE))
		SKIP(return, "no failslab or fail_page_alloc in debugfs");
	ASSERT_EQ(0, zw_cg_limits(self->cg, 24, 10));
	ASSERT_EQ(0, zw_cg_enter(self->cg));
	ASSERT_EQ(0, zw_region_init(&r, MB(32), 51));
	r.mix = text;
	/* Slab: also the sleeping GFP_KERNEL entry allocation.  Pages: only
	 * the non-sleeping ones, which are what the zpools allocate with.
	 */
	ASSERT_EQ(0, fault_setup(FAILSLAB, 0));
	ASSERT_EQ(0, fault_setup(FAILPAGE, 1));
	/* fail_page_alloc spares order 0 by default: zpools allocate that. */
	ASSERT_EQ(0, zw_write_str(FAILPAGE "min-order", "0"));

	kc0 = zw_stat("reject_kmemcache_fail");
	af0 = zw_stat("reject_alloc_fail");
	zw_vm_read(&a);
	bad = 0;
	for (gen = 0; gen < 3; gen++) {
		ASSERT_EQ(0, zw_write_str(FAILSLAB "probability", "10"));
		ASSERT_EQ(0, zw_write_str(FAILPAGE "probability", "10"));
		ASSERT_EQ(0, zw_write_str("/proc/self/make-it-fail", "1"));
		zw_region_fill(&r, gen);
		ASSERT_EQ(0, fault_off());
		bad += zw_region_verify(&r);
	}
	zw_vm_read(&b);
	kc1 = zw_stat("reject_kmemcache_fail");
	af1 = zw_stat("reject_alloc_fail");
	TH_LOG("3 rounds over %zu pages with ~10%% failures", r.pages);
	TH_LOG("zswpout %lld pswpout %lld zswpin %lld pswpin %lld",
	       b.zswpout - a.zswpout, b.pswpout - a.pswpout,
	       b.zswpin - a.zswpin, b.pswpin - a.pswpin);
	TH_LOG("reject_kmemcache_fail +%lld, reject_alloc_fail +%lld, mismatches %zu",
	       kc1 - kc0, af1 - af0, bad);
	EXPECT_EQ(0, bad);
	EXPECT_GT(b.zswpout - a.zswpout, 0);
	/* Refused stores went to the disk, and were counted. */
	EXPECT_GT(kc1 - kc0, 0);
	EXPECT_GT(af1 - af0, 0);
	EXPECT_GT(b.pswpout - a.pswpout, 0);
	zw_region_free(&r);
}

/*
 * The cgroup's zswpout, as memory.stat shows it.  memory.stat flushes the
 * per-CPU counts only past a threshold, but a worker flushes them all every
 * 2 seconds: wait for it, so that the figure is exact.
 */
static long long cg_zswpout(const char *cg)
{
	sleep(3);
	return zw_cg_key(cg, "memory.stat", "zswpout");
}

TEST_F_TIMEOUT(stress, leaf_fail_not_counted, 600)
{
	static const struct zw_mix text = { { 5, 5, 90, 0 } };
	long long kc0, kc1, cg0, cg1, cg2;
	struct zw_region r;
	struct zw_vm a, b, c;

	if (!zw_file_exists(FAILSLAB))
		SKIP(return, "no failslab in debugfs");
	if (zw_read_ll(LEAF_FAILSLAB) != 1)
		SKIP(return, "no zswap_leaf cache marked for failslab%s",
		     " (boot with slub_debug=A,zswap_leaf)");
	ASSERT_EQ(0, zw_cg_limits(self->cg, 24, 10));
	ASSERT_EQ(0, zw_cg_enter(self->cg));
	ASSERT_EQ(0, zw_region_init(&r, MB(32), 61));
	r.mix = text;
	/* Only the leaf cache, every allocation, sleeping ones too. */
	ASSERT_EQ(0, fault_setup(FAILSLAB, 0));
	ASSERT_EQ(0, zw_write_str(FAILSLAB "cache-filter", "Y"));
	ASSERT_EQ(0, zw_write_str(FAILSLAB "probability", "100"));

	kc0 = zw_stat("reject_kmemcache_fail");
	cg0 = cg_zswpout(self->cg);
	ASSERT_LE(0, cg0) TH_LOG("no zswpout in %s/memory.stat", self->cg);
	zw_vm_read(&a);
	ASSERT_EQ(0, zw_write_str("/proc/self/make-it-fail", "1"));
	zw_region_fill(&r, 0);
	ASSERT_EQ(0, fault_off());
	zw_vm_read(&b);
	kc1 = zw_stat("reject_kmemcache_fail");
	cg1 = cg_zswpout(self->cg);

	/* And again without failures: the cgroup counts what it stores. */
	zw_region_fill(&r, 1);
	zw_vm_read(&c);
	cg2 = cg_zswpout(self->cg);
	TH_LOG("leaf allocations failing: reject_kmemcache_fail +%lld, pswpout %lld",
	       kc1 - kc0, b.pswpout - a.pswpout);
	TH_LOG("  zswpout %lld, the cgroup's %lld", b.zswpout - a.zswpout, cg1 - cg0);
	TH_LOG("then without failures: zswpout %lld, the cgroup's %lld",
	       c.zswpout - b.zswpout, cg2 - cg1);
	EXPECT_EQ(0, zw_region_verify(&r));
	/* Leaves failed, and the stores that needed them went to the disk. */
	EXPECT_GT(kc1 - kc0, 0);
	EXPECT_GT(b.pswpout - a.pswpout, 0);
	/*
	 * The cgroup's pages are a part of all: its count of stores is at
	 * most the system's, which counts a store only once it is mapped.
	 */
	EXPECT_LE(cg1 - cg0, b.zswpout - a.zswpout);
	EXPECT_GT(cg2 - cg1, 0);
	EXPECT_LE(cg2 - cg0, c.zswpout - a.zswpout);
	zw_region_free(&r);
}

TEST_F_TIMEOUT(stress, stress, 7200)
{
	unsigned int secs = zw_env_uint("ZSWAP_STRESS_SECONDS", 60);
	unsigned int tick = 0, refused = 0, swapcycles = 0, hotplug = 0;
	int cpu1 = zw_file_exists(ZW_CPU1_ONLINE), err, k, failed = 0;
	double t0 = zw_now(), end = t0 + secs;
	long long v;
	char what[64];

	/*
	 * Held near 32 MiB by memory.high: the swapoff every 30 seconds
	 * brings all 64 MiB back, and memory.max would OOM-kill to get down
	 * again.
	 */
	ASSERT_EQ(0, zw_cg_high_limits(self->cg, 32, 12));
	for (k = 0; k < NR_CHURN; k++) {
		self->pid[k] = zw_churn_spawn(self->sh, k, self->cg, MB(32), 200 + k);
		ASSERT_GT(self->pid[k], 0);
	}
	while (zw_now() < end) {
		sleep(1);
		tick++;
		if (zw_reconfig_step(tick, what, sizeof(what)))
			refused++;
		if (cpu1 && tick % 3 == 0) {
			err = zw_cpu1_set((tick / 3) % 2);
			if (err && err != -EBUSY) {
				TH_LOG("cpu1 online=%u: %s", (tick / 3) % 2, strerror(-err));
				failed++;
			}
			hotplug++;
		}
		if (tick % 30 == 0) {
			err = zw_swap_cycle();
			if (err) {
				TH_LOG("swapoff/swapon: %s", strerror(-err));
				failed++;
				swapon(ZW_SWAPDEV, 0);
			}
			/*
			 * Everything is resident again, and a rewrite charges
			 * nothing, so memory.high alone would never push it
			 * out: writing the limit reclaims down to it.
			 */
			EXPECT_EQ(0, zw_cg_high_limits(self->cg, 32, 12));
			swapcycles++;
			TH_LOG("%.0fs: rounds %lld/%lld, mismatches %lld/%lld",
			       zw_now() - t0, ZW_GET(self->sh->rounds[0]),
			       ZW_GET(self->sh->rounds[1]),
			       ZW_GET(self->sh->mismatches[0]),
			       ZW_GET(self->sh->mismatches[1]));
			TH_LOG("stored_pages %lld, pool_count %lld, written back %lld",
			       zw_stat("stored_pages"), zw_stat("pool_count"),
			       zw_stat("written_back_pages"));
		}
	}
	if (cpu1)
		EXPECT_EQ(0, zw_cpu1_set(1));
	ZW_SET(self->sh->stop, 1);
	for (k = 0; k < NR_CHURN; k++) {
		err = zw_churn_wait(self->pid[k]);
		self->pid[k] = 0;
		TH_LOG("churn %d: %lld rounds, %lld mismatches, exit %d", k,
		       ZW_GET(self->sh->rounds[k]), ZW_GET(self->sh->mismatches[k]), err);
		EXPECT_EQ(0, err);
		EXPECT_GT(ZW_GET(self->sh->rounds[k]), 0);
	}
	TH_LOG("%us: %u reconfigurations (%u refused), %u hotplug writes, %u swapoff/swapon",
	       secs, tick, refused, hotplug, swapcycles);
	v = zw_cg_key(self->cg, "memory.events", "oom_kill");
	TH_LOG("cgroup: %lld OOM kills, %lld times over memory.high", v,
	       zw_cg_key(self->cg, "memory.events", "high"));
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, refused);
	EXPECT_EQ(0, failed);

	/* Drained: counters to 0, one pool left. */
	ASSERT_EQ(0, zw_params_restore(&self->saved));
	ASSERT_EQ(0, zw_swap_cycle());
	v = zw_wait_stat("stored_pages", 0, 20);
	EXPECT_EQ(0, v) zw_dump_stats("the final swapoff");
	EXPECT_EQ(0, zw_wait_stat("pool_total_size", 0, 20));
	EXPECT_EQ(0, zw_wait_stat("lru_entries", 0, 20))
		TH_LOG("lru_entries not 0 (missing on kernels without the rewrite)");
	v = zw_wait_stat("pool_count", 1, 20);
	EXPECT_EQ(1, v) {
		TH_LOG("pool_count not 1 (missing on kernels without the rewrite)");
		zw_dump_stats("20 seconds more");
	}
}

TEST_HARNESS_MAIN
