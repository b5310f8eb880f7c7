// SPDX-License-Identifier: GPL-2.0
/*
 * zswap under load: two processes keep rewriting and checking their pages
 * inside a memory cgroup whose limit makes them swap all the time, while
 *  - reconfig: compressor, zpool, enabled, exclusive_loads and
 *    max_pool_percent are flipped every half second; afterwards nothing is
 *    lost and, once the memory is freed, stored_pages, pool_total_size and
 *    lru_entries are 0 and pool_count is 1 (only the current pool is left);
 *  - swapoff: the swap disk is turned off while zswap holds entries (and
 *    writes back), everything comes back intact, then swap is turned on
 *    again and zswap stores again;
 *  - hotplug: CPU1 goes offline and online again and again.
 *
 * Environment: ZSWAP_RECONFIG_SECONDS (20), ZSWAP_HOTPLUG_SECONDS (15).
 */
#include "zswap_workload.h"
#include "../kselftest_harness.h"

#define NR_CHURN	2

FIXTURE(live) {
	struct zw_params saved;
	struct zw_shared *sh;
	pid_t pid[NR_CHURN];
	char cg[256];
};

FIXTURE_SETUP(live)
{
	int k;

	zw_params_save(&self->saved);
	ASSERT_EQ(0, zw_param_set_log("max_pool_percent", "20"));
	ASSERT_EQ(0, zw_param_set_log("enabled", "Y"));
	ASSERT_EQ(0, zw_cg_create("zswap_live", self->cg, sizeof(self->cg)));
	ASSERT_EQ(0, zw_cg_limits(self->cg, 32, 12));
	self->sh = zw_shared_alloc();
	ASSERT_NE(NULL, self->sh);
	for (k = 0; k < NR_CHURN; k++) {
		self->pid[k] = zw_churn_spawn(self->sh, k, self->cg, MB(32), 100 + k);
		ASSERT_GT(self->pid[k], 0);
	}
}

/* Stop the churners; returns the number of them that failed. */
static int stop_churn(struct __test_metadata *_metadata, struct zw_shared *sh,
		      pid_t *pid)
{
	int k, rc, failed = 0;

	ZW_SET(sh->stop, 1);
	for (k = 0; k < NR_CHURN; k++) {
		if (pid[k] <= 0)
			continue;
		rc = zw_churn_wait(pid[k]);
		pid[k] = 0;
		TH_LOG("churn %d: %lld rounds, %lld mismatches, exit %d", k,
		       ZW_GET(sh->rounds[k]), ZW_GET(sh->mismatches[k]), rc);
		failed += rc != 0;
	}
	return failed;
}

FIXTURE_TEARDOWN(live)
{
	if (self->sh)
		zw_churn_stop_all(self->sh, self->pid, NR_CHURN);
	if (zw_file_exists(ZW_CPU1_ONLINE))
		zw_cpu1_set(1);
	zw_cg_set(self->cg, "memory.max", "max");
	zw_cg_destroy(self->cg);
	zw_params_restore(&self->saved);
}

/* Wait until both churners finished a round with some pages in zswap. */
static void wait_swapping(struct __test_metadata *_metadata, struct zw_shared *sh)
{
	double end = zw_now() + 300;

	while ((ZW_GET(sh->rounds[0]) < 1 || ZW_GET(sh->rounds[1]) < 1 ||
		zw_stat("stored_pages") <= 0) &&
	       zw_now() < end)
		usleep(100000);
	ASSERT_GT(zw_stat("stored_pages"), 0);
}

/*
 * Free memory is freed: every entry, whoever owns it, goes with a swapoff;
 * then the counters must be 0 and only the current pool must be left.
 */
static void check_drained(struct __test_metadata *_metadata)
{
	static const char * const zero[] = { "stored_pages", "pool_total_size",
					     "lru_entries", "same_filled_pages" };
	long long v;
	size_t i;

	ASSERT_EQ(0, zw_swap_cycle());
	for (i = 0; i < ARRAY_SIZE(zero); i++) {
		if (!zw_has_stat(zero[i])) {
			TH_LOG("no " ZW_DEBUGFS "%s: cannot check it", zero[i]);
			_metadata->passed = 0;
			continue;
		}
		v = zw_wait_stat(zero[i], 0, 10);
		EXPECT_EQ(0, v) TH_LOG("%s is %lld after every page was freed", zero[i], v);
	}
	if (!zw_has_stat("pool_count")) {
		TH_LOG("no " ZW_DEBUGFS "pool_count: cannot check that old pools are gone");
		_metadata->passed = 0;
		return;
	}
	v = zw_wait_stat("pool_count", 1, 10);
	EXPECT_EQ(1, v) TH_LOG("pool_count is %lld, want only the current pool", v);
}

TEST_F_TIMEOUT(live, reconfig, 900)
{
	unsigned int secs = zw_env_uint("ZSWAP_RECONFIG_SECONDS", 20);
	unsigned int n = 0, refused = 0;
	struct zw_vm a, b;
	char what[64];
	double end;

	wait_swapping(_metadata, self->sh);
	zw_vm_read(&a);
	end = zw_now() + secs;
	while (zw_now() < end) {
		if (zw_reconfig_step(n++, what, sizeof(what)))
			refused++;
		usleep(500000);
	}
	zw_vm_read(&b);
	TH_LOG("%u reconfigurations in %us, %u refused", n, secs, refused);
	TH_LOG("zswpout %lld zswpin %lld pswpout %lld pswpin %lld, written back %lld",
	       b.zswpout - a.zswpout, b.zswpin - a.zswpin,
	       b.pswpout - a.pswpout, b.pswpin - a.pswpin,
	       zw_stat("written_back_pages"));
	EXPECT_EQ(0, stop_churn(_metadata, self->sh, self->pid));
	EXPECT_EQ(0, refused);
	EXPECT_GT(b.zswpout - a.zswpout, 0);

	ASSERT_EQ(0, zw_params_restore(&self->saved));
	ASSERT_EQ(0, zw_param_set_log("enabled", "Y"));
	check_drained(_metadata);
}

TEST_F_TIMEOUT(live, swapoff, 900)
{
	long long stored, after;
	struct zw_vm a, b;
	int err;

	/* A small pool, so that writeback runs while swap goes away. */
	ASSERT_EQ(0, zw_param_set_log("max_pool_percent", "3"));
	wait_swapping(_metadata, self->sh);
	sleep(2);
	stored = zw_stat("stored_pages");
	/* Let the pages come back without running into the cgroup limit. */
	ASSERT_EQ(0, zw_cg_set(self->cg, "memory.max", "max"));
	err = swapoff(ZW_SWAPDEV) ? -errno : 0;
	after = zw_wait_stat("stored_pages", 0, 10);
	TH_LOG("swapoff with %lld pages in zswap: %s; stored_pages after %lld, written back %lld",
	       stored, err ? strerror(-err) : "ok", after, zw_stat("written_back_pages"));
	EXPECT_EQ(0, err);
	EXPECT_GT(stored, 0);
	EXPECT_EQ(0, after);
	sleep(2);
	/*
	 * Swapping again, through zswap again: count the stores from before
	 * swapon, as the pool can fill, and then refuse stores (no credit),
	 * before a later start would be read.
	 */
	zw_vm_read(&a);
	ASSERT_EQ(0, swapon(ZW_SWAPDEV, 0) ? -errno : 0);
	ASSERT_EQ(0, zw_param_set_log("max_pool_percent", "20"));
	/* All 64 MiB came back in: memory.max would OOM-kill to get down. */
	ASSERT_EQ(0, zw_cg_high_limits(self->cg, 32, 0));
	sleep(5);
	zw_vm_read(&b);
	TH_LOG("after swapon: zswpout %lld, stored_pages %lld", b.zswpout - a.zswpout,
	       zw_stat("stored_pages"));
	EXPECT_GT(b.zswpout - a.zswpout, 0);
	EXPECT_EQ(0, stop_churn(_metadata, self->sh, self->pid));
}

TEST_F_TIMEOUT(live, cpu_hotplug, 900)
{
	unsigned int secs = zw_env_uint("ZSWAP_HOTPLUG_SECONDS", 15);
	unsigned int cycles = 0, busy = 0, errors = 0;
	struct zw_vm a, b;
	double end;
	int err;

	if (!zw_file_exists(ZW_CPU1_ONLINE))
		SKIP(return, "no %s (one CPU, or no CPU hotplug)", ZW_CPU1_ONLINE);
	wait_swapping(_metadata, self->sh);
	zw_vm_read(&a);
	end = zw_now() + secs;
	while (zw_now() < end) {
		err = zw_cpu1_set(cycles % 2 == 0 ? 0 : 1);
		if (err == -EBUSY)
			busy++;
		else if (err)
			errors++;
		cycles++;
		usleep(250000);
	}
	err = zw_cpu1_set(1);
	zw_vm_read(&b);
	TH_LOG("%u CPU1 offline/online writes (%u busy, %u failed) in %us",
	       cycles, busy, errors, secs);
	TH_LOG("zswpout %lld zswpin %lld", b.zswpout - a.zswpout, b.zswpin - a.zswpin);
	EXPECT_EQ(0, err);
	EXPECT_EQ(0, errors);
	EXPECT_GT(b.zswpout - a.zswpout, 0);
	EXPECT_GT(b.zswpin - a.zswpin, 0);
	EXPECT_EQ(0, stop_churn(_metadata, self->sh, self->pid));
}

TEST_HARNESS_MAIN
