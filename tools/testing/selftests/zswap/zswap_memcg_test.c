// SPDX-License-Identifier: GPL-2.0
/*
 * memcg: a cgroup's memory.zswap.max caps what zswap holds for it
 * (memory.zswap.current stays at or below it, the rest goes to the disk),
 * memory.zswap.current follows the cgroup's compressed pages up and back
 * down to zero when they are freed, and memory.zswap.max=0 keeps the
 * cgroup out of zswap entirely.
 */
#include "zswap_workload.h"
#include "../kselftest_harness.h"

FIXTURE(memcg) {
	struct zw_params saved;
	char cg[256];
};

FIXTURE_SETUP(memcg)
{
	zw_params_save(&self->saved);
	ASSERT_EQ(0, zw_param_set_log("max_pool_percent", "20"));
	ASSERT_EQ(0, zw_param_set_log("enabled", "Y"));
	ASSERT_EQ(0, zw_cg_create("zswap_memcg", self->cg, sizeof(self->cg)));
	ASSERT_TRUE(zw_cg_get(self->cg, "memory.zswap.max") >= 0)
		TH_LOG("no memory.zswap.max in %s", self->cg);
	ASSERT_EQ(0, zw_cg_limits(self->cg, 48, 0));
	ASSERT_EQ(0, zw_cg_enter(self->cg));
}

FIXTURE_TEARDOWN(memcg)
{
	zw_cg_destroy(self->cg);
	zw_params_restore(&self->saved);
}

/* Write a region, sampling memory.zswap.current; returns the peak. */
static long long fill_sampled(struct zw_region *r, const char *cg, uint64_t gen)
{
	long long v, peak = 0;
	size_t i;

	for (i = 0; i < r->pages; i++) {
		zw_write_page(r, i, gen);
		if (i % 64 == 0) {
			v = zw_cg_get(cg, "memory.zswap.current");
			if (v > peak)
				peak = v;
		}
	}
	return peak;
}

TEST_F_TIMEOUT(memcg, zswap_max_and_current, 600)
{
	static const struct zw_mix text = { { 0, 0, 100, 0 } };
	const long long cap = 2 << 20;
	long long peak, cur, after;
	struct zw_region r;
	struct zw_vm a, b, c;
	size_t bad;

	ASSERT_EQ(0, zw_cg_set_ll(self->cg, "memory.zswap.max", cap));
	ASSERT_EQ(cap, zw_cg_get(self->cg, "memory.zswap.max"));
	ASSERT_EQ(0, zw_region_init(&r, MB(64), 41));
	r.mix = text;

	/* Capped: zswap holds at most about cap; the rest goes to the disk. */
	zw_vm_read(&a);
	peak = fill_sampled(&r, self->cg, 0);
	zw_vm_read(&b);
	TH_LOG("zswap.max %lld KiB: zswap.current peak %lld KiB, zswpout %lld, pswpout %lld",
	       cap >> 10, peak >> 10, b.zswpout - a.zswpout, b.pswpout - a.pswpout);
	EXPECT_GT(peak, 0);
	/* The limit is checked before each store: one object of slack. */
	EXPECT_LE(peak, cap + 2 * (long long)ZW_PAGE);
	EXPECT_GT(b.pswpout - a.pswpout, (long long)MB(8));

	/* Uncapped: current grows well past the old cap. */
	ASSERT_EQ(0, zw_cg_set(self->cg, "memory.zswap.max", "max"));
	peak = fill_sampled(&r, self->cg, 1);
	cur = zw_cg_get(self->cg, "memory.zswap.current");
	TH_LOG("zswap.max max: zswap.current peak %lld KiB, now %lld KiB",
	       peak >> 10, cur >> 10);
	EXPECT_GT(peak, 4 * cap);
	bad = zw_region_verify(&r);
	EXPECT_EQ(0, bad);

	/* Freed: current follows back down to zero. */
	zw_region_free(&r);
	/* Orphaned swap cache pages keep their slots: reclaim them. */
	zw_cg_reclaim(self->cg);
	after = cur;
	for (int i = 0; i < 50 && after > 0; i++) {
		usleep(100000);
		after = zw_cg_get(self->cg, "memory.zswap.current");
	}
	/*
	 * What is left belongs to the test program itself (its stack and
	 * data live in this cgroup too): a few pages, not the region.
	 */
	TH_LOG("after munmap: zswap.current %lld KiB", after >> 10);
	EXPECT_LT(after, 1 << 20);
	EXPECT_LT(after, peak / 8);

	/* Zero: nothing of this cgroup goes to zswap. */
	ASSERT_EQ(0, zw_cg_set(self->cg, "memory.zswap.max", "0"));
	ASSERT_EQ(0, zw_region_init(&r, MB(64), 42));
	r.mix = text;
	zw_vm_read(&b);
	peak = fill_sampled(&r, self->cg, 0);
	zw_vm_read(&c);
	bad = zw_region_verify(&r);
	TH_LOG("zswap.max 0: zswap.current peak %lld (was %lld), mismatches %zu",
	       peak, after, bad);
	TH_LOG("zswpout %lld, pswpout %lld", c.zswpout - b.zswpout, c.pswpout - b.pswpout);
	EXPECT_LE(peak, after);
	EXPECT_GT(c.pswpout - b.pswpout, (long long)MB(8));
	EXPECT_EQ(0, bad);
	zw_region_free(&r);
}

TEST_HARNESS_MAIN
