// SPDX-License-Identifier: GPL-2.0
/*
 * LRU writeback, for every zpool: with a small max_pool_percent (5), a
 * hot set larger than its memory cgroup allows cycles through zswap, while
 * a cold region streamed through the same cgroup overflows the pool.
 * zswap writes the coldest entries back to the swap disk
 * (written_back_pages grows); the hot set, refreshed on every load, is
 * served from zswap (zswpin dominates pswpin during the hot phase); reading
 * the cold region back takes pages from the disk.
 *
 * Vanilla 6.1 cannot write back from zsmalloc (written_back_pages stays 0),
 * and its zbud and z3fold write back a few pages and then refuse every
 * store once the pool is full: all three variants fail there.
 */
#include "zswap_workload.h"
#include "../kselftest_harness.h"

FIXTURE(lru) {
	struct zw_params saved;
	char cg[256];
	char page_cluster[16];
};

FIXTURE_VARIANT(lru) {
	const char *zpool;
};

FIXTURE_VARIANT_ADD(lru, zbud) { .zpool = "zbud" };
FIXTURE_VARIANT_ADD(lru, z3fold) { .zpool = "z3fold" };
FIXTURE_VARIANT_ADD(lru, zsmalloc) { .zpool = "zsmalloc" };

FIXTURE_SETUP(lru)
{
	zw_params_save(&self->saved);
	/* Start clean: no entries, so no old pool to write back first. */
	ASSERT_EQ(0, zw_swap_cycle());
	ASSERT_EQ(0, zw_param_set_log("zpool", variant->zpool));
	ASSERT_EQ(0, zw_param_set_log("compressor", "lzo"));
	ASSERT_EQ(0, zw_param_set_log("max_pool_percent", "5"));
	ASSERT_EQ(0, zw_param_set_log("accept_threshold_percent", "90"));
	ASSERT_EQ(0, zw_param_set_log("enabled", "Y"));
	/* No swap readahead: every swap-in is one page the test asked for. */
	ASSERT_EQ(0, zw_read_str(ZW_PAGE_CLUSTER, self->page_cluster,
				 sizeof(self->page_cluster)));
	ASSERT_EQ(0, zw_write_str(ZW_PAGE_CLUSTER, "0"));
	ASSERT_EQ(0, zw_cg_create("zswap_lru", self->cg, sizeof(self->cg)));
	ASSERT_EQ(0, zw_cg_limits(self->cg, 20, 0));
	ASSERT_EQ(0, zw_cg_enter(self->cg));
}

FIXTURE_TEARDOWN(lru)
{
	zw_cg_destroy(self->cg);
	zw_write_str(ZW_PAGE_CLUSTER, self->page_cluster);
	zw_params_restore(&self->saved);
}

TEST_F_TIMEOUT(lru, hot_cold, 900)
{
	/* Text pages only: they compress, so they all go to zswap. */
	static const struct zw_mix text = { { 0, 0, 100, 0 } };
	const size_t chunks = 8;
	long long wb0, wb1, wb2;
	struct zw_region cold, hot;
	struct zw_vm a, b, c;
	size_t bad = 0, i, n;

	ASSERT_EQ(0, zw_region_init(&hot, MB(16), 12));
	ASSERT_EQ(0, zw_region_init(&cold, MB(64), 11));
	cold.mix = text;
	hot.mix = text;

	/* Warm up: the hot set cycles through zswap while the pool has room. */
	zw_region_fill(&hot, 0);
	bad += zw_region_verify(&hot);
	wb0 = zw_stat("written_back_pages");

	/*
	 * Stream the cold region through, a chunk at a time, touching the
	 * whole hot set after each chunk.  Cold pages are written once and
	 * never read: they overflow the pool and must be the ones written
	 * back, while the hot entries, refreshed on every load, stay.
	 */
	zw_vm_read(&a);
	n = cold.pages / chunks;
	for (i = 0; i < cold.pages; i++) {
		zw_write_page(&cold, i, 0);
		if ((i + 1) % n == 0)
			bad += zw_region_verify(&hot);
	}
	zw_vm_read(&b);
	usleep(500000);
	wb1 = zw_stat("written_back_pages");
	TH_LOG("%s: hot %zu pages, cold %zu pages in %zu chunks",
	       variant->zpool, hot.pages, cold.pages, chunks);
	TH_LOG("hot swap-ins from zswap %lld, from disk %lld; zswpout %lld pswpout %lld",
	       b.zswpin - a.zswpin, b.pswpin - a.pswpin,
	       b.zswpout - a.zswpout, b.pswpout - a.pswpout);
	TH_LOG("written_back_pages +%lld, pool_limit_hit %lld, stored_pages %lld, pool %lld KiB",
	       wb1 - wb0, zw_stat("pool_limit_hit"), zw_stat("stored_pages"),
	       zw_stat("pool_total_size") >> 10);
	TH_LOG("pool_count %lld, lru_entries %lld", zw_stat("pool_count"),
	       zw_stat("lru_entries"));
	TH_LOG("reject_reclaim_fail %lld, writeback_race_skipped %lld",
	       zw_stat("reject_reclaim_fail"), zw_stat("writeback_race_skipped"));
	TH_LOG("writeback_throttled %lld, writeback_credit %lld",
	       zw_stat("writeback_throttled"), zw_stat("writeback_credit"));
	EXPECT_EQ(0, bad);
	/*
	 * The cold stream overflows the pool by about twice its size: a
	 * pool that writes back its coldest entries has written back at
	 * least a chunk of it.  A few pages, as 6.1's zbud and z3fold manage
	 * once their pool is full, mean the pool stopped taking stores.
	 */
	EXPECT_GE(wb1 - wb0, (long long)n)
		TH_LOG("written back %lld, want at least a chunk (%zu pages)",
		       wb1 - wb0, n);
	EXPECT_GT(b.zswpin - a.zswpin, (long long)hot.pages);
	/* "Dominates": at least four times as many swap-ins from zswap. */
	EXPECT_GT(b.zswpin - a.zswpin, 4 * (b.pswpin - a.pswpin));

	/* The cold pages reached the disk: reading them back hits it. */
	bad = zw_region_verify(&cold);
	zw_vm_read(&c);
	wb2 = zw_stat("written_back_pages");
	TH_LOG("cold read-back: zswpin %lld pswpin %lld, mismatches %zu, written back +%lld",
	       c.zswpin - b.zswpin, c.pswpin - b.pswpin, bad, wb2 - wb0);
	EXPECT_EQ(0, bad);
	EXPECT_GT(c.pswpin - b.pswpin, (wb1 - wb0) / 2);
	zw_region_free(&cold);
	zw_region_free(&hot);
}

TEST_HARNESS_MAIN
