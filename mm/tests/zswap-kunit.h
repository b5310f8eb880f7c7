/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests for zswap, included at the end of mm/zswap.c so that they can
 * call its static functions.
 *
 * The tests store into a private tree under a swap type no device uses,
 * with the writeback step replaced through zswap_writeback_fn, so that they
 * need no swap device.  They use the current pool, whatever it is.
 *
 * Most races here end in a use-after-free, which KASAN reports but KUnit in
 * 6.1 does not count against the running test (only KASAN's own tests get
 * that, and only in the test's own thread).  So every test fails if the
 * kernel picked up a new taint from a KASAN report, a WARN or an oops, or
 * if lockdep switched itself off after a report, during its run, whichever
 * thread the report came from.
 */

#ifndef _ZSWAP_KUNIT_H
#define _ZSWAP_KUNIT_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/sched/mm.h>

#define ZT_TYPE		(MAX_SWAPFILES - 1)
/* Offsets of the tests' tree, which has no swap device to size it */
#define ZT_OFFSETS	4096
#define ZT_MAX_REC	64
/* Taints that a KASAN report, a WARN and an oops leave behind */
#define ZT_TAINTS	(BIT(TAINT_BAD_PAGE) | BIT(TAINT_WARN) | BIT(TAINT_DIE))

/* State saved around each test */
static struct {
	bool enabled, exclusive, same, non_same;
	unsigned int max_percent, accept_percent;
	unsigned long taint;
	int debug_locks;
	int credit;
	unsigned int refused, explore_shift;
	bool explore_hit;
	bool valid; /* set by zt_init() once saved, for zt_exit() */
} zt_saved;

/* Handshake with the blocking writeback seam of the pool test */
static struct completion zt_wb_entered, zt_wb_gate;

/* What the recording writeback seam saw */
static struct {
	spinlock_t lock; /* guards the fields below */
	pgoff_t offsets[ZT_MAX_REC];
	int nr;
	int ret;
} zt_rec;

static int zt_record_writeback(struct zswap_entry *entry,
			       struct zswap_tree *tree)
{
	spin_lock(&zt_rec.lock);
	if (zt_rec.nr < ZT_MAX_REC)
		zt_rec.offsets[zt_rec.nr] = swp_offset(entry->swpentry);
	zt_rec.nr++;
	spin_unlock(&zt_rec.lock);
	return READ_ONCE(zt_rec.ret);
}

static void zt_fill_text(struct page *page, unsigned long seed)
{
	char *p = kmap_local_page(page);
	int i, n = 0;

	for (i = 0; n < PAGE_SIZE - 64; i++)
		n += scnprintf(p + n, PAGE_SIZE - n,
			       "zswap kunit page %lu line %d\n", seed, i);
	memset(p + n, 'z', PAGE_SIZE - n);
	kunmap_local(p);
}

static bool zt_check_text(struct page *page, unsigned long seed)
{
	struct page *ref = alloc_page(GFP_KERNEL);
	bool same;
	void *a, *b;

	if (!ref)
		return false;
	zt_fill_text(ref, seed);
	a = kmap_local_page(page);
	b = kmap_local_page(ref);
	same = !memcmp(a, b, PAGE_SIZE);
	kunmap_local(b);
	kunmap_local(a);
	__free_page(ref);
	return same;
}

static unsigned long zt_lru_len(struct zswap_pool *pool)
{
	unsigned long n;

	spin_lock(&pool->lru_lock);
	n = pool->nr_lru;
	spin_unlock(&pool->lru_lock);
	return n;
}

/* Compressed entries on the LRUs of all pools (debugfs lru_entries) */
static unsigned long zt_lru_count(void)
{
	struct zswap_pool *pool;
	unsigned long n = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(pool, &zswap_pools, list)
		n += zt_lru_len(pool);
	rcu_read_unlock();
	return n;
}

static bool zt_pool_listed(struct zswap_pool *victim)
{
	struct zswap_pool *pool;
	bool found = false;

	rcu_read_lock();
	list_for_each_entry_rcu(pool, &zswap_pools, list)
		if (pool == victim)
			found = true;
	rcu_read_unlock();
	return found;
}

/* Wait up to @ms milliseconds for the number of pools to be @nr */
static bool zt_wait_pool_count(int nr, unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);

	do {
		flush_workqueue(shrink_wq);
		if (atomic_read(&zswap_pool_count) == nr)
			return true;
		msleep(20);
	} while (time_before(jiffies, end));
	return atomic_read(&zswap_pool_count) == nr;
}

static int zt_init(struct kunit *test)
{
	if (!zswap_has_pool || zswap_trees[ZT_TYPE])
		return -ENODEV;

	zt_saved.enabled = zswap_enabled;
	zt_saved.exclusive = zswap_exclusive_loads_enabled;
	zt_saved.same = zswap_same_filled_pages_enabled;
	zt_saved.non_same = zswap_non_same_filled_pages_enabled;
	zt_saved.max_percent = zswap_max_pool_percent;
	zt_saved.accept_percent = zswap_accept_thr_percent;
	zt_saved.taint = get_taint();
	zt_saved.debug_locks = READ_ONCE(debug_locks);
	zt_saved.credit = atomic_read(&zswap_wb_credit);
	zt_saved.refused = zswap_wb_refused;
	zt_saved.explore_shift = zswap_wb_explore_shift;
	zt_saved.explore_hit = zswap_wb_explore_hit;
	zt_saved.valid = true;
	if (zt_saved.taint & ZT_TAINTS)
		kunit_info(test, "already tainted 0x%lx, reports may go unseen\n",
			   zt_saved.taint);

	spin_lock_init(&zt_rec.lock);
	init_completion(&zt_wb_entered);
	init_completion(&zt_wb_gate);
	zt_rec.nr = 0;
	zt_rec.ret = 0;
	zswap_wb_refused = 0;
	zswap_wb_explore_shift = 0;
	zswap_wb_explore_hit = false;

	WRITE_ONCE(zswap_kunit_type, ZT_TYPE);
	WRITE_ONCE(zswap_writeback_fn, zt_record_writeback);
	zswap_enabled = true;
	zswap_exclusive_loads_enabled = false;
	zswap_tree_create(ZT_TYPE, ZT_OFFSETS);
	if (!zswap_trees[ZT_TYPE])
		return -ENOMEM;
	return 0;
}

static void zt_exit(struct kunit *test)
{
	unsigned long taint;

	/* KUnit calls exit even after a failed init: undo only what it did */
	if (!zt_saved.valid)
		return;
	zt_saved.valid = false;

	/* No shrink work may run with the seam or the tree gone */
	complete_all(&zt_wb_gate);
	flush_workqueue(shrink_wq);
	zswap_frontswap_invalidate_area(ZT_TYPE);
	flush_workqueue(shrink_wq);

	taint = get_taint() & ~zt_saved.taint & ZT_TAINTS;
	if (taint)
		KUNIT_FAIL(test, "kernel tainted 0x%lx: KASAN report, WARN or oops, see the log",
			   taint);
	if (zt_saved.debug_locks && !READ_ONCE(debug_locks))
		KUNIT_FAIL(test, "lock debugging went off: lockdep report or taint, see the log");

	zswap_kunit_reclaim_gap = NULL;
	zswap_kunit_load_gap = NULL;
	zswap_kunit_ctx_gap = NULL;
	zswap_kunit_ctx_free_gap = NULL;
	zswap_kunit_fail_entry_alloc = false;
	zswap_kunit_fail_tree_alloc = false;
	zswap_kunit_fail_zpool_alloc = false;
	zswap_kunit_fail_compress = false;
	WRITE_ONCE(zswap_writeback_fn, zswap_writeback_entry);
	WRITE_ONCE(zswap_kunit_type, -1);

	zswap_enabled = zt_saved.enabled;
	zswap_exclusive_loads_enabled = zt_saved.exclusive;
	zswap_same_filled_pages_enabled = zt_saved.same;
	zswap_non_same_filled_pages_enabled = zt_saved.non_same;
	zswap_max_pool_percent = zt_saved.max_percent;
	zswap_accept_thr_percent = zt_saved.accept_percent;
	zswap_pool_reached_full = false;
	atomic_set(&zswap_wb_credit, zt_saved.credit);
	zswap_wb_refused = zt_saved.refused;
	zswap_wb_explore_shift = zt_saved.explore_shift;
	zswap_wb_explore_hit = zt_saved.explore_hit;
}

static struct page *zt_alloc_page(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	return page;
}

static int zt_store_text(struct page *page, pgoff_t offset, unsigned long seed)
{
	zt_fill_text(page, seed);
	return zswap_store_page(ZT_TYPE, offset, page);
}

/*
 * Store offset 6, have @gap replace its entry while reclaim is unlocked,
 * and check that reclaim lost the race without writing anything back and
 * that the newcomer's data survived.
 */
static void zt_reclaim_replaced(struct kunit *test, struct zswap_pool *pool,
				struct page *page, void (*gap)(swp_entry_t),
				int stored)
{
	bool excl;

	KUNIT_ASSERT_EQ(test, zt_store_text(page, 6, 6), 0);
	zswap_kunit_reclaim_gap = gap;
	KUNIT_EXPECT_EQ(test, zswap_reclaim_entry(pool), -EAGAIN);
	zswap_kunit_reclaim_gap = NULL;
	KUNIT_EXPECT_EQ(test, zt_rec.nr, 0);
	clear_highpage(page);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 6, page, false, &excl), 0);
	KUNIT_EXPECT_EQ(test, ((u8 *)page_address(page))[PAGE_SIZE - 1], 0x5a);
	zswap_frontswap_invalidate_page(ZT_TYPE, 6);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), stored);
}

/* 1. LRU order, and reclaim racing with invalidate */

static void zt_invalidate_in_gap(swp_entry_t swpentry)
{
	zswap_frontswap_invalidate_page(swp_type(swpentry),
					swp_offset(swpentry));
}

static struct page *zt_gap_page;

/*
 * Free the victim and store a same-filled page at its offset.  Under
 * KASAN's quarantine the new entry never gets the victim's address, so
 * this only checks that the tree lookup tells them apart.
 */
static void zt_replace_in_gap(swp_entry_t swpentry)
{
	zswap_frontswap_invalidate_page(swp_type(swpentry),
					swp_offset(swpentry));
	memset(page_address(zt_gap_page), 0x5a, PAGE_SIZE);
	zswap_store_page(swp_type(swpentry), swp_offset(swpentry), zt_gap_page);
}

/*
 * What a free and a new same-filled store at the victim's offset look like
 * when the new entry does get the victim's address: the victim turns, in
 * place, into a same-filled entry, which the tree still maps there.
 */
static void zt_reuse_in_gap(swp_entry_t swpentry)
{
	struct zswap_tree *tree = zswap_trees[swp_type(swpentry)];
	struct zswap_pool *pool = NULL;
	struct zswap_entry *entry;
	unsigned long handle = 0;

	zswap_tree_lock(tree);
	entry = zswap_tree_search(tree, swp_offset(swpentry));
	if (entry && entry->length) {
		pool = entry->pool;
		handle = entry->handle;
		entry->length = 0;
		entry->pool = NULL;
		entry->value = 0x5a5a5a5a5a5a5a5aUL;
		atomic_inc(&zswap_same_filled_pages);
	}
	zswap_tree_unlock(tree);
	if (pool) {
		zpool_free(pool->zpool, handle);
		zswap_pool_put(pool);
		zswap_update_total_size();
	}
}

static void zswap_test_lru_order(struct kunit *test)
{
	struct page *page = zt_alloc_page(test);
	u64 written = zswap_written_back_pages;
	u64 skipped = zswap_writeback_race_skipped;
	u64 failed = zswap_reject_reclaim_fail;
	int stored = atomic_read(&zswap_stored_pages);
	struct zswap_pool *pool;
	bool excl;

	pool = zswap_pool_current_get();
	KUNIT_ASSERT_NOT_NULL(test, pool);
	KUNIT_ASSERT_EQ(test, zt_lru_len(pool), 0UL);

	KUNIT_ASSERT_EQ(test, zt_store_text(page, 1, 1), 0);	/* A */
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 2, 2), 0);	/* B */
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 3, 3), 0);	/* C */
	KUNIT_EXPECT_EQ(test, zt_lru_len(pool), 3UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), stored + 3);

	/* Load B, keeping it: it becomes the hottest */
	clear_highpage(page);
	KUNIT_ASSERT_EQ(test, zswap_load_page(ZT_TYPE, 2, page, false, &excl), 0);
	KUNIT_EXPECT_FALSE(test, excl);
	KUNIT_EXPECT_TRUE(test, zt_check_text(page, 2));
	KUNIT_EXPECT_EQ(test, zt_lru_len(pool), 3UL);

	KUNIT_EXPECT_EQ(test, zswap_reclaim_entry(pool), 0);
	KUNIT_EXPECT_EQ(test, zswap_reclaim_entry(pool), 0);
	KUNIT_EXPECT_EQ(test, zswap_reclaim_entry(pool), 0);
	KUNIT_EXPECT_EQ(test, zswap_reclaim_entry(pool), -ENOENT);
	/* Neither a written back entry nor an empty LRU is a failure */
	KUNIT_EXPECT_EQ(test, zswap_reject_reclaim_fail, failed);
	KUNIT_ASSERT_EQ(test, zt_rec.nr, 3);
	KUNIT_EXPECT_EQ(test, zt_rec.offsets[0], 1UL);
	KUNIT_EXPECT_EQ(test, zt_rec.offsets[1], 3UL);
	KUNIT_EXPECT_EQ(test, zt_rec.offsets[2], 2UL);
	KUNIT_EXPECT_EQ(test, zswap_written_back_pages, written + 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), stored);
	KUNIT_EXPECT_EQ(test, zt_lru_len(pool), 0UL);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 1, page, false, &excl),
			-ENOENT);

	/* A failed writeback puts the entry back, hottest */
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 4, 4), 0);
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 5, 5), 0);
	zt_rec.nr = 0;
	zt_rec.ret = -ENOMEM;
	KUNIT_EXPECT_EQ(test, zswap_reclaim_entry(pool), -ENOMEM);
	KUNIT_EXPECT_EQ(test, zswap_reclaim_entry(pool), -ENOMEM);
	KUNIT_EXPECT_EQ(test, zswap_reclaim_entry(pool), -ENOMEM);
	KUNIT_ASSERT_EQ(test, zt_rec.nr, 3);
	KUNIT_EXPECT_EQ(test, zt_rec.offsets[0], 4UL);
	KUNIT_EXPECT_EQ(test, zt_rec.offsets[1], 5UL);
	KUNIT_EXPECT_EQ(test, zt_rec.offsets[2], 4UL);
	KUNIT_EXPECT_EQ(test, zt_lru_len(pool), 2UL);
	KUNIT_EXPECT_EQ(test, zswap_reject_reclaim_fail, failed + 3);
	KUNIT_EXPECT_EQ(test, zswap_writeback_race_skipped, skipped);

	/*
	 * Invalidate the victim between the LRU and the tree lookup: reclaim
	 * must notice and not touch the freed entry (KASAN would tell).
	 */
	zt_rec.nr = 0;
	zt_rec.ret = 0;
	zswap_kunit_reclaim_gap = zt_invalidate_in_gap;
	KUNIT_EXPECT_EQ(test, zswap_reclaim_entry(pool), -EAGAIN);
	KUNIT_EXPECT_EQ(test, zswap_reclaim_entry(pool), -EAGAIN);
	zswap_kunit_reclaim_gap = NULL;
	KUNIT_EXPECT_EQ(test, zt_rec.nr, 0);
	KUNIT_EXPECT_EQ(test, zswap_writeback_race_skipped, skipped + 2);
	/* Races count as races only */
	KUNIT_EXPECT_EQ(test, zswap_reject_reclaim_fail, failed + 3);
	KUNIT_EXPECT_EQ(test, zt_lru_len(pool), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), stored);

	/*
	 * The victim replaced at its offset by a new, same-filled entry,
	 * first at another address, then at the same one: reclaim must not
	 * take the newcomer for its victim, and its data must survive.
	 */
	zt_gap_page = zt_alloc_page(test);
	zt_reclaim_replaced(test, pool, page, zt_replace_in_gap, stored);
	__free_page(zt_gap_page);
	zt_reclaim_replaced(test, pool, page, zt_reuse_in_gap, stored);

	zswap_pool_put(pool);
	__free_page(page);
}

/* 2. Exclusive loads racing with invalidation, stores and reclaim */

#define ZT_RACE_OFFSETS	32
#define ZT_RACE_SECS	6

/*
 * The two loaders store and load the same offsets, each store with new
 * content, and check every load against what they just stored.  Like the
 * swap cache page lock, @lock serialises a store and load of one offset;
 * invalidation and reclaim run unserialised, as in the kernel.  A load may
 * then find nothing, but never another store's copy.
 */
struct zt_race {
	struct zswap_pool *pool;
	unsigned long end;
	atomic_t bad_data;
	atomic_t loads;
	atomic_t seq;
	struct mutex lock[ZT_RACE_OFFSETS]; /* one per offset, see above */
	struct completion done[3];
};

static int zt_race_loader(void *arg, bool may_drop)
{
	struct zt_race *race = arg;
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned long i = 0;
	bool excl;

	while (page && time_before(jiffies, race->end)) {
		unsigned int slot = i++ % ZT_RACE_OFFSETS;
		pgoff_t off = 100 + slot;
		/* Unique content for every store */
		unsigned long seed = atomic_inc_return(&race->seq);

		mutex_lock(&race->lock[slot]);
		if (!zt_store_text(page, off, seed)) {
			clear_highpage(page);
			if (!zswap_load_page(ZT_TYPE, off, page, may_drop,
					     &excl)) {
				atomic_inc(&race->loads);
				if (!zt_check_text(page, seed))
					atomic_inc(&race->bad_data);
			}
		}
		mutex_unlock(&race->lock[slot]);
		cond_resched();
	}
	if (page)
		__free_page(page);
	return 0;
}

static int zt_race_exclusive(void *arg)
{
	struct zt_race *race = arg;

	zt_race_loader(arg, true);
	complete(&race->done[0]);
	return 0;
}

static int zt_race_keeping(void *arg)
{
	struct zt_race *race = arg;

	zt_race_loader(arg, false);
	complete(&race->done[1]);
	return 0;
}

static int zt_race_invalidator(void *arg)
{
	struct zt_race *race = arg;
	unsigned long i = 0;

	while (time_before(jiffies, race->end)) {
		pgoff_t off = 100 + (i % ZT_RACE_OFFSETS);

		zswap_frontswap_invalidate_page(ZT_TYPE, off);
		if (!(i % 3)) {
			/* Alternate failing and succeeding writebacks */
			WRITE_ONCE(zt_rec.ret, (i & 4) ? -ENOMEM : 0);
			zswap_reclaim_entry(race->pool);
		}
		i++;
		cond_resched();
	}
	complete(&race->done[2]);
	return 0;
}

static void zswap_test_exclusive_race(struct kunit *test)
{
	int (*fns[3])(void *) = {
		zt_race_exclusive, zt_race_keeping, zt_race_invalidator,
	};
	struct zt_race *race;
	struct page *page;
	u64 excl_before = zswap_exclusive_loads;
	bool excl;
	int i;

	race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race);
	race->pool = zswap_pool_current_get();
	KUNIT_ASSERT_NOT_NULL(test, race->pool);

	/* Exclusive load of a page: the copy is gone afterwards */
	zswap_exclusive_loads_enabled = true;
	page = zt_alloc_page(test);
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 7, 7), 0);
	clear_highpage(page);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 7, page, true, &excl), 0);
	KUNIT_EXPECT_TRUE(test, excl);
	KUNIT_EXPECT_TRUE(test, zt_check_text(page, 7));
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 7, page, true, &excl),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, zswap_exclusive_loads, excl_before + 1);

	/* Not in the swap cache (SWP_SYNCHRONOUS_IO): never exclusive */
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 8, 8), 0);
	KUNIT_ASSERT_FALSE(test, PageSwapCache(page));
	KUNIT_EXPECT_EQ(test, zswap_frontswap_load(ZT_TYPE, 8, page, &excl), 0);
	KUNIT_EXPECT_FALSE(test, excl);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 8, page, false, &excl), 0);
	zswap_frontswap_invalidate_page(ZT_TYPE, 8);

	/*
	 * Invalidated while the load decompresses: the load's put is the
	 * last one and frees the entry, which must not be touched after it,
	 * nor invalidated a second time by an exclusive load.
	 */
	excl_before = zswap_exclusive_loads;
	zswap_kunit_load_gap = zt_invalidate_in_gap;
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 9, 9), 0);
	clear_highpage(page);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 9, page, false, &excl), 0);
	KUNIT_EXPECT_FALSE(test, excl);
	KUNIT_EXPECT_TRUE(test, zt_check_text(page, 9));
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 0);
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 9, 10), 0);
	clear_highpage(page);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 9, page, true, &excl), 0);
	KUNIT_EXPECT_FALSE(test, excl);
	KUNIT_EXPECT_TRUE(test, zt_check_text(page, 10));
	KUNIT_EXPECT_EQ(test, zswap_exclusive_loads, excl_before);
	zswap_kunit_load_gap = NULL;
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 0);
	KUNIT_EXPECT_EQ(test, zt_lru_count(), 0UL);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 9, page, false, &excl),
			-ENOENT);
	__free_page(page);

	excl_before = zswap_exclusive_loads;
	for (i = 0; i < ZT_RACE_OFFSETS; i++)
		mutex_init(&race->lock[i]);
	race->end = jiffies + ZT_RACE_SECS * HZ;
	for (i = 0; i < 3; i++) {
		struct task_struct *t;

		init_completion(&race->done[i]);
		t = kthread_run(fns[i], race, "zswap-kunit-%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	for (i = 0; i < 3; i++)
		wait_for_completion(&race->done[i]);

	kunit_info(test, "%d loads, %llu exclusive\n",
		   atomic_read(&race->loads),
		   zswap_exclusive_loads - excl_before);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->bad_data), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&race->loads), 0);

	for (i = 0; i < ZT_RACE_OFFSETS; i++)
		zswap_frontswap_invalidate_page(ZT_TYPE, 100 + i);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 0);
	KUNIT_EXPECT_EQ(test, zt_lru_count(), 0UL);
	KUNIT_EXPECT_EQ(test, zt_lru_len(race->pool), 0UL);
	KUNIT_EXPECT_EQ(test, zswap_pool_total_size, 0ULL);
	zswap_pool_put(race->pool);
}

/* 3. Destroying a pool while its shrink work and a writeback run */

static int zt_blocking_writeback(struct zswap_entry *entry,
				 struct zswap_tree *tree)
{
	complete(&zt_wb_entered);
	wait_for_completion(&zt_wb_gate);
	/* Use the entry after the wait, as a real writeback would */
	return zt_record_writeback(entry, tree);
}

/* 1b. Writeback racing with invalidate: the entry lives until it is done */

struct zt_reclaimer {
	struct zswap_pool *pool;
	int ret;
	struct completion done;
};

static int zt_reclaim_thread(void *arg)
{
	struct zt_reclaimer *r = arg;

	r->ret = zswap_reclaim_entry(r->pool);
	complete(&r->done);
	return 0;
}

static void zswap_test_writeback_invalidate_race(struct kunit *test)
{
	struct page *page = zt_alloc_page(test);
	u64 written = zswap_written_back_pages;
	struct zt_reclaimer *r;
	struct task_struct *t;
	bool excl;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	init_completion(&r->done);
	r->pool = zswap_pool_current_get();
	KUNIT_ASSERT_NOT_NULL(test, r->pool);
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 40, 40), 0);

	WRITE_ONCE(zswap_writeback_fn, zt_blocking_writeback);
	t = kthread_run(zt_reclaim_thread, r, "zswap-kunit-wb");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/* From here on the thread must be let go before we return */
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&zt_wb_entered, 10 * HZ),
			0UL);

	/*
	 * Invalidate while the writeback is blocked in the seam: the tree's
	 * reference goes, the writeback's keeps the entry (and its page's
	 * count) alive, and the seam uses it after the wait.
	 */
	zswap_frontswap_invalidate_page(ZT_TYPE, 40);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 1);
	KUNIT_EXPECT_EQ(test, zt_lru_count(), 0UL);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 40, page, false, &excl),
			-ENOENT);

	complete_all(&zt_wb_gate);
	wait_for_completion(&r->done);
	KUNIT_EXPECT_EQ(test, r->ret, 0);
	KUNIT_EXPECT_EQ(test, zt_rec.nr, 1);
	KUNIT_EXPECT_EQ(test, zt_rec.offsets[0], 40UL);
	KUNIT_EXPECT_EQ(test, zswap_written_back_pages, written + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 0);
	KUNIT_EXPECT_EQ(test, zt_lru_len(r->pool), 0UL);

	WRITE_ONCE(zswap_writeback_fn, zt_record_writeback);
	zswap_pool_put(r->pool);
	__free_page(page);
}

static int zt_set_param(const struct kernel_param_ops *ops, void *arg,
			const char *val)
{
	struct kernel_param kp = { .name = "zswap_kunit", .arg = arg };
	int ret;

	kernel_param_lock(THIS_MODULE);
	ret = ops->set(val, &kp);
	kernel_param_unlock(THIS_MODULE);
	return ret;
}

static void zswap_test_pool_destroy_race(struct kunit *test)
{
	struct page *page = zt_alloc_page(test);
	struct zswap_pool *old;
	char saved_zpool[32];
	const char *other;
	unsigned int refs;
	int i, count;

	count = atomic_read(&zswap_pool_count);
	KUNIT_ASSERT_EQ(test, count, 1);
	strscpy(saved_zpool, zswap_zpool_type, sizeof(saved_zpool));
	other = strcmp(saved_zpool, "zsmalloc") ? "zsmalloc" : "zbud";
	KUNIT_ASSERT_TRUE(test, zpool_has_pool((char *)other));

	old = zswap_pool_current_get();
	KUNIT_ASSERT_NOT_NULL(test, old);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, zt_store_text(page, 200 + i, i), 0);

	WRITE_ONCE(zswap_writeback_fn, zt_blocking_writeback);
	atomic_set(&zswap_wb_credit, 1000);
	zswap_pool_shrink_async(old);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&zt_wb_entered, 10 * HZ),
			0UL);

	/*
	 * The worker runs: queueing again makes it pending (with its own
	 * reference), and queueing a third time finds it pending and must
	 * not keep the reference taken for it.
	 */
	zswap_pool_shrink_async(old);
	refs = kref_read(&old->kref);
	zswap_pool_shrink_async(old);
	KUNIT_EXPECT_EQ(test, kref_read(&old->kref), refs);

	/* Our reference goes; the old pool lives on for its entries */
	zswap_pool_put(old);
	KUNIT_ASSERT_EQ(test, zt_set_param(&zswap_zpool_param_ops,
					   &zswap_zpool_type, other), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_pool_count), 2);

	for (i = 0; i < 4; i++)
		zswap_frontswap_invalidate_page(ZT_TYPE, 200 + i);
	/* Only the worker's entry and references keep it now */
	msleep(100);
	KUNIT_EXPECT_TRUE(test, zt_pool_listed(old));
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_pool_count), 2);

	complete_all(&zt_wb_gate);
	KUNIT_EXPECT_TRUE(test, zt_wait_pool_count(1, 10000));
	KUNIT_EXPECT_FALSE(test, zt_pool_listed(old));
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 0);

	WRITE_ONCE(zswap_writeback_fn, zt_record_writeback);
	KUNIT_EXPECT_EQ(test, zt_set_param(&zswap_zpool_param_ops,
					   &zswap_zpool_type, saved_zpool), 0);
	KUNIT_EXPECT_TRUE(test, zt_wait_pool_count(1, 10000));
	__free_page(page);
}

/*
 * 4. Duplicate stores.  frontswap drops its copy of a slot before storing
 * to it again (__frontswap_store()), so zswap only meets an older copy
 * when it inserts the new entry, which must then replace it, whatever the
 * kind of either.  A failed store leaves the older copy to frontswap's
 * invalidation, which the test does itself here.
 */

static void zswap_test_duplicate_store(struct kunit *test)
{
	struct page *page = zt_alloc_page(test);
	u64 dups = zswap_duplicate_entry;
	unsigned long *p;
	u64 n, size;
	bool excl;

	KUNIT_ASSERT_EQ(test, zt_store_text(page, 10, 1), 0);
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 10, 2), 0);
	KUNIT_EXPECT_EQ(test, zswap_duplicate_entry, dups + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 1);
	KUNIT_EXPECT_EQ(test, zt_lru_count(), 1UL);
	clear_highpage(page);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 10, page, false, &excl), 0);
	KUNIT_EXPECT_TRUE(test, zt_check_text(page, 2));

	/* frontswap's way: invalidate, then store; a failing store keeps none */
	zswap_frontswap_invalidate_page(ZT_TYPE, 10);
	zswap_kunit_fail_entry_alloc = true;
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 10, 3), -ENOMEM);
	zswap_kunit_fail_entry_alloc = false;
	KUNIT_EXPECT_EQ(test, zswap_duplicate_entry, dups + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 0);
	KUNIT_EXPECT_EQ(test, zt_lru_count(), 0UL);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 10, page, false, &excl),
			-ENOENT);

	/* A same-filled copy replaces a compressed one, and back */
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 11, 4), 0);
	zswap_fill_page(page, 0x5a5a5a5a5a5a5a5aUL);
	KUNIT_ASSERT_EQ(test, zswap_store_page(ZT_TYPE, 11, page), 0);
	KUNIT_EXPECT_EQ(test, zswap_duplicate_entry, dups + 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 1);
	KUNIT_EXPECT_EQ(test, zt_lru_count(), 0UL);
	clear_highpage(page);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 11, page, false, &excl), 0);
	p = kmap_local_page(page);
	KUNIT_EXPECT_EQ(test, p[PAGE_SIZE / sizeof(long) - 1],
			0x5a5a5a5a5a5a5a5aUL);
	kunmap_local(p);
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 11, 5), 0);
	KUNIT_EXPECT_EQ(test, zswap_duplicate_entry, dups + 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 1);
	KUNIT_EXPECT_EQ(test, zt_lru_count(), 1UL);
	clear_highpage(page);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 11, page, false, &excl), 0);
	KUNIT_EXPECT_TRUE(test, zt_check_text(page, 5));

	/*
	 * The tree could not take the new entry (the leaf of its offset
	 * failed to allocate): the store fails and undoes all it did.  Only
	 * the first entry of a leaf's range allocates, so a store that
	 * replaces an older copy cannot fail there.
	 */
	dups = zswap_duplicate_entry;
	n = zswap_reject_kmemcache_fail;
	size = zswap_pool_total_size;
	zswap_kunit_fail_tree_alloc = true;
	KUNIT_EXPECT_EQ(test, zt_store_text(page, ZSWAP_LEAF_SLOTS + 11, 6),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, zswap_reject_kmemcache_fail, n + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 1);
	KUNIT_EXPECT_EQ(test, zt_lru_count(), 1UL);
	KUNIT_EXPECT_EQ(test, zswap_pool_total_size, size);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, ZSWAP_LEAF_SLOTS + 11,
					      page, false, &excl), -ENOENT);
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 11, 6), 0);
	zswap_kunit_fail_tree_alloc = false;
	KUNIT_EXPECT_EQ(test, zswap_reject_kmemcache_fail, n + 1);
	KUNIT_EXPECT_EQ(test, zswap_duplicate_entry, dups + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 1);
	KUNIT_EXPECT_EQ(test, zt_lru_count(), 1UL);
	clear_highpage(page);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 11, page, false, &excl), 0);
	KUNIT_EXPECT_TRUE(test, zt_check_text(page, 6));
	zswap_frontswap_invalidate_page(ZT_TYPE, 11);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 0);
	__free_page(page);
}

/*
 * The tree's leaves: one per ZSWAP_LEAF_SLOTS offsets, allocated with the
 * first entry of its range and freed with the last, whether that goes by
 * invalidation or by an exclusive load.  Offsets past the device's end are
 * refused and allocate nothing.
 */

/* Entries in the leaf of @offset, or -1 if it has no leaf */
static int zt_leaf_nr(pgoff_t offset)
{
	struct zswap_tree *tree = zswap_trees[ZT_TYPE];
	struct zswap_leaf *leaf;
	int nr;

	zswap_tree_lock(tree);
	leaf = tree->leaves[offset >> ZSWAP_LEAF_SHIFT];
	nr = leaf ? leaf->nr : -1;
	zswap_tree_unlock(tree);
	return nr;
}

static void zswap_test_tree_leaves(struct kunit *test)
{
	struct page *page = zt_alloc_page(test);
	const pgoff_t last = ZSWAP_LEAF_SLOTS - 1, next = ZSWAP_LEAF_SLOTS;
	bool excl;

	KUNIT_EXPECT_EQ(test, zt_leaf_nr(0), -1);
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 0, 1), 0);
	KUNIT_ASSERT_EQ(test, zt_store_text(page, last, 2), 0);
	KUNIT_ASSERT_EQ(test, zt_store_text(page, next, 3), 0);
	KUNIT_EXPECT_EQ(test, zt_leaf_nr(0), 2);
	KUNIT_EXPECT_EQ(test, zt_leaf_nr(next), 1);
	/* A store over an older copy takes its slot over */
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 0, 4), 0);
	KUNIT_EXPECT_EQ(test, zt_leaf_nr(0), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 3);

	zswap_frontswap_invalidate_page(ZT_TYPE, 0);
	KUNIT_EXPECT_EQ(test, zt_leaf_nr(0), 1);
	/* Nothing left to invalidate: the count stays */
	zswap_frontswap_invalidate_page(ZT_TYPE, 0);
	KUNIT_EXPECT_EQ(test, zt_leaf_nr(0), 1);
	zswap_exclusive_loads_enabled = true;
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, last, page, true, &excl),
			0);
	KUNIT_EXPECT_TRUE(test, excl);
	KUNIT_EXPECT_TRUE(test, zt_check_text(page, 2));
	KUNIT_EXPECT_EQ(test, zt_leaf_nr(0), -1);
	KUNIT_EXPECT_EQ(test, zt_leaf_nr(next), 1);
	zswap_frontswap_invalidate_page(ZT_TYPE, next);
	KUNIT_EXPECT_EQ(test, zt_leaf_nr(next), -1);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 0);

	/* A leaf comes back for a range that lost its last entry */
	KUNIT_ASSERT_EQ(test, zt_store_text(page, last, 5), 0);
	KUNIT_EXPECT_EQ(test, zt_leaf_nr(0), 1);
	clear_highpage(page);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, last, page, false, &excl),
			0);
	KUNIT_EXPECT_TRUE(test, zt_check_text(page, 5));

	/* Past the end of the device */
	KUNIT_EXPECT_EQ(test, zt_store_text(page, ZT_OFFSETS, 6), -EINVAL);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, ZT_OFFSETS, page, false,
					      &excl), -ENOENT);
	zswap_frontswap_invalidate_page(ZT_TYPE, ZT_OFFSETS);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 1);

	/* The last offset has a leaf too; swapoff (zt_exit) frees both */
	KUNIT_ASSERT_EQ(test, zt_store_text(page, ZT_OFFSETS - 1, 7), 0);
	KUNIT_EXPECT_EQ(test, zt_leaf_nr(ZT_OFFSETS - 1), 1);
	__free_page(page);
}

/* 5. Same-filled pages and the reject counters */

static void zswap_test_same_filled_and_rejects(struct kunit *test)
{
	struct page *page = zt_alloc_page(test);
	int same = atomic_read(&zswap_same_filled_pages);
	u64 total = zswap_pool_total_size;
	u64 n, limit_hit, reclaim_fail;
	unsigned long *p;
	bool excl;
	int ret;

	/* Same-filled: no zpool object, not on the LRU */
	zswap_fill_page(page, 0x5a5a5a5a5a5a5a5aUL);
	KUNIT_ASSERT_EQ(test, zswap_store_page(ZT_TYPE, 20, page), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_same_filled_pages), same + 1);
	KUNIT_EXPECT_EQ(test, zt_lru_count(), 0UL);
	KUNIT_EXPECT_EQ(test, zswap_pool_total_size, total);
	clear_highpage(page);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 20, page, true, &excl), 0);
	p = kmap_local_page(page);
	KUNIT_EXPECT_EQ(test, p[0], 0x5a5a5a5a5a5a5a5aUL);
	KUNIT_EXPECT_EQ(test, p[PAGE_SIZE / sizeof(long) - 1],
			0x5a5a5a5a5a5a5a5aUL);
	kunmap_local(p);
	zswap_frontswap_invalidate_page(ZT_TYPE, 20);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_same_filled_pages), same);

	/* Same-filled handling off: compressed like any page */
	zswap_same_filled_pages_enabled = false;
	KUNIT_ASSERT_EQ(test, zswap_store_page(ZT_TYPE, 21, page), 0);
	KUNIT_EXPECT_EQ(test, zt_lru_count(), 1UL);
	zswap_frontswap_invalidate_page(ZT_TYPE, 21);
	zswap_same_filled_pages_enabled = true;

	/* Only same-filled pages accepted */
	zswap_non_same_filled_pages_enabled = false;
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 22, 22), -EINVAL);
	zswap_non_same_filled_pages_enabled = true;

	n = zswap_reject_kmemcache_fail;
	zswap_kunit_fail_entry_alloc = true;
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 23, 23), -ENOMEM);
	zswap_kunit_fail_entry_alloc = false;
	KUNIT_EXPECT_EQ(test, zswap_reject_kmemcache_fail, n + 1);

	n = zswap_reject_alloc_fail;
	zswap_kunit_fail_zpool_alloc = true;
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 24, 24), -ENOMEM);
	zswap_kunit_fail_zpool_alloc = false;
	KUNIT_EXPECT_EQ(test, zswap_reject_alloc_fail, n + 1);

	n = zswap_reject_compress_fail;
	zswap_kunit_fail_compress = true;
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 24, 24), -EINVAL);
	zswap_kunit_fail_compress = false;
	KUNIT_EXPECT_EQ(test, zswap_reject_compress_fail, n + 1);

	/*
	 * Incompressible: the compressor has a page of room and fails (or,
	 * if it overruns that room, its result is too big), counted once.
	 */
	n = zswap_reject_compress_fail + zswap_reject_compress_poor;
	p = kmap_local_page(page);
	get_random_bytes(p, PAGE_SIZE);
	kunmap_local(p);
	ret = zswap_store_page(ZT_TYPE, 25, page);
	KUNIT_EXPECT_TRUE(test, ret == -EINVAL || ret == -ENOSPC);
	KUNIT_EXPECT_EQ(test, zswap_reject_compress_fail +
			zswap_reject_compress_poor, n + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 0);

	/*
	 * Pool full: refused, and the shrink worker writes back, until the
	 * LRU is empty, which is not a failed writeback.
	 */
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 26, 26), 0);
	reclaim_fail = zswap_reject_reclaim_fail;
	limit_hit = zswap_pool_limit_hit;
	zt_rec.nr = 0;
	zswap_max_pool_percent = 0;
	atomic_set(&zswap_wb_credit, 1000);
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 27, 27), -ENOMEM);
	KUNIT_EXPECT_EQ(test, zswap_pool_limit_hit, limit_hit + 1);
	flush_workqueue(shrink_wq);
	KUNIT_EXPECT_EQ(test, zt_rec.nr, 1);
	KUNIT_EXPECT_EQ(test, zt_rec.offsets[0], 26UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 0);
	KUNIT_EXPECT_EQ(test, zswap_reject_reclaim_fail, reclaim_fail);

	/* Below the threshold again: stores resume */
	zswap_max_pool_percent = zt_saved.max_percent;
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 27, 27), 0);
	KUNIT_EXPECT_FALSE(test, zswap_pool_reached_full);

	/* Failing writeback: counted, bounded, the entry kept */
	reclaim_fail = zswap_reject_reclaim_fail;
	zt_rec.nr = 0;
	zt_rec.ret = -ENOMEM;
	zswap_max_pool_percent = 0;
	atomic_set(&zswap_wb_credit, 1000);
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 28, 28), -ENOMEM);
	flush_workqueue(shrink_wq);
	KUNIT_EXPECT_EQ(test, zswap_reject_reclaim_fail,
			reclaim_fail + ZSWAP_MAX_RECLAIM_FAILURES);
	KUNIT_EXPECT_EQ(test, zt_rec.nr, ZSWAP_MAX_RECLAIM_FAILURES);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 1);
	KUNIT_EXPECT_EQ(test, zt_lru_count(), 1UL);
	zswap_max_pool_percent = zt_saved.max_percent;
	zswap_frontswap_invalidate_page(ZT_TYPE, 27);
	__free_page(page);
}

/* 6. Parameters: bad input is refused and changes nothing */

static void zswap_test_params(struct kunit *test)
{
	/* Each value, and what each parameter must make of it */
	static const struct {
		const char *val;
		int max_ret, thr_ret;	/* 0 when accepted */
		unsigned int percent;	/* the value then */
	} percent[] = {
		{ "101", -EINVAL, -EINVAL },
		{ "1000", -EINVAL, -EINVAL },
		{ "-1", -EINVAL, -EINVAL },
		{ "ten", -EINVAL, -EINVAL },
		{ "", -EINVAL, -EINVAL },
		{ "5%", -EINVAL, -EINVAL },
		/* No pool size is below a threshold of 0 */
		{ "0", 0, -EINVAL, 0 },
		{ "1", 0, 0, 1 },
		{ "50\n", 0, 0, 50 },
		{ "100", 0, 0, 100 },
	};
	char comp[CRYPTO_MAX_ALG_NAME], zpool[32];
	unsigned int max = zswap_max_pool_percent;
	unsigned int thr = zswap_accept_thr_percent;
	bool enabled = zswap_enabled;
	int pools = atomic_read(&zswap_pool_count);
	unsigned int i;

	strscpy(comp, zswap_compressor, sizeof(comp));
	strscpy(zpool, zswap_zpool_type, sizeof(zpool));

	KUNIT_EXPECT_EQ(test, zt_set_param(&zswap_compressor_param_ops,
					   &zswap_compressor, "no-such-comp"),
			-ENOENT);
	KUNIT_EXPECT_STREQ(test, zswap_compressor, comp);
	KUNIT_EXPECT_EQ(test, zt_set_param(&zswap_compressor_param_ops,
					   &zswap_compressor, ""), -EINVAL);
	KUNIT_EXPECT_STREQ(test, zswap_compressor, comp);
	KUNIT_EXPECT_EQ(test, zt_set_param(&zswap_zpool_param_ops,
					   &zswap_zpool_type, "no-such-zpool"),
			-ENOENT);
	KUNIT_EXPECT_STREQ(test, zswap_zpool_type, zpool);
	/* Setting the current value is a no-op */
	KUNIT_EXPECT_EQ(test, zt_set_param(&zswap_zpool_param_ops,
					   &zswap_zpool_type, zpool), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_pool_count), pools);

	for (i = 0; i < ARRAY_SIZE(percent); i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    zt_set_param(&zswap_max_pool_param_ops,
						 &zswap_max_pool_percent,
						 percent[i].val),
				    percent[i].max_ret, "max_pool_percent=\"%s\"",
				    percent[i].val);
		KUNIT_EXPECT_EQ_MSG(test, zswap_max_pool_percent,
				    percent[i].max_ret ? max : percent[i].percent,
				    "max_pool_percent=\"%s\"", percent[i].val);
		KUNIT_EXPECT_EQ_MSG(test,
				    zt_set_param(&zswap_accept_thr_param_ops,
						 &zswap_accept_thr_percent,
						 percent[i].val),
				    percent[i].thr_ret,
				    "accept_threshold_percent=\"%s\"",
				    percent[i].val);
		KUNIT_EXPECT_EQ_MSG(test, zswap_accept_thr_percent,
				    percent[i].thr_ret ? thr : percent[i].percent,
				    "accept_threshold_percent=\"%s\"",
				    percent[i].val);
		zswap_max_pool_percent = max;
		zswap_accept_thr_percent = thr;
	}

	KUNIT_EXPECT_EQ(test, zt_set_param(&zswap_enabled_param_ops,
					   &zswap_enabled, "maybe"), -EINVAL);
	KUNIT_EXPECT_EQ(test, zswap_enabled, enabled);
}

/* 7. CPU hot-unplug while stores and loads use the per-CPU contexts */

#define ZT_HOTPLUG_SECS	5

struct zt_hotplug {
	unsigned long end;
	atomic_t bad_data;
	atomic_t rounds;
	struct completion done;
};

static int zt_hotplug_worker(void *arg)
{
	struct zt_hotplug *hp = arg;
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned long i = 0;
	bool excl;

	while (page && time_before(jiffies, hp->end)) {
		pgoff_t off = 300 + (i++ % 16);

		if (!zt_store_text(page, off, i)) {
			clear_highpage(page);
			if (zswap_load_page(ZT_TYPE, off, page, false, &excl) ||
			    !zt_check_text(page, i))
				atomic_inc(&hp->bad_data);
		}
		atomic_inc(&hp->rounds);
		/* Let the stopper threads of CPU hotplug in */
		cond_resched();
	}
	if (page)
		__free_page(page);
	complete(&hp->done);
	return 0;
}

/*
 * A store holding @cpu's context blocks in the context seam, and the CPU
 * is taken offline meanwhile: the teardown must wait for the store.
 */
struct zt_ctx_hold {
	unsigned int cpu;
	struct task_struct *task;	/* blocks once in the seam */
	struct completion entered, gate, stored, offlined;
	int store_ret, offline_ret;
	bool data_ok;
};

static struct zt_ctx_hold *zt_ctx_hold;

static void zt_ctx_gap(struct crypto_acomp_ctx *ctx)
{
	struct zt_ctx_hold *h = READ_ONCE(zt_ctx_hold);

	if (!h || current != READ_ONCE(h->task))
		return;
	WRITE_ONCE(h->task, NULL);
	complete(&h->entered);
	wait_for_completion(&h->gate);
}

static int zt_ctx_holder(void *arg)
{
	struct zt_ctx_hold *h = arg;
	struct page *page = alloc_page(GFP_KERNEL);
	bool excl;

	h->store_ret = -ENOMEM;
	if (page && !set_cpus_allowed_ptr(current, cpumask_of(h->cpu))) {
		WRITE_ONCE(h->task, current);
		h->store_ret = zt_store_text(page, 330, 330);
		WRITE_ONCE(h->task, NULL);
		clear_highpage(page);
		h->data_ok = !h->store_ret &&
			     !zswap_load_page(ZT_TYPE, 330, page, false, &excl) &&
			     zt_check_text(page, 330);
	}
	if (page)
		__free_page(page);
	/* Let the test go on if the store never reached the seam */
	complete(&h->entered);
	complete(&h->stored);
	return 0;
}

static int zt_offliner(void *arg)
{
	struct zt_ctx_hold *h = arg;

	h->offline_ret = remove_cpu(h->cpu);
	complete(&h->offlined);
	return 0;
}

static void zt_test_ctx_teardown_waits(struct kunit *test, unsigned int cpu)
{
	struct zt_ctx_hold *h;
	struct task_struct *t;
	bool stored, offlined;

	/* Not kunit-managed: after a timeout the threads may still use it */
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	h->cpu = cpu;
	init_completion(&h->entered);
	init_completion(&h->gate);
	init_completion(&h->stored);
	init_completion(&h->offlined);
	WRITE_ONCE(zt_ctx_hold, h);
	WRITE_ONCE(zswap_kunit_ctx_gap, zt_ctx_gap);

	t = kthread_run(zt_ctx_holder, h, "zswap-kunit-ctx");
	if (IS_ERR(t)) {
		KUNIT_FAIL(test, "no holder thread: %ld", PTR_ERR(t));
		goto out;
	}
	wait_for_completion(&h->entered);
	t = kthread_run(zt_offliner, h, "zswap-kunit-off");
	if (IS_ERR(t)) {
		KUNIT_FAIL(test, "no offliner thread: %ld", PTR_ERR(t));
		complete_all(&h->gate);
		wait_for_completion(&h->stored);
		goto out;
	}

	/* The offline must be stuck on the context the store holds */
	offlined = wait_for_completion_timeout(&h->offlined, HZ / 2);
	KUNIT_EXPECT_FALSE_MSG(test, offlined,
			       "CPU %u torn down under a user of its context",
			       cpu);

	complete_all(&h->gate);
	stored = wait_for_completion_timeout(&h->stored, 20 * HZ);
	offlined = offlined ||
		   wait_for_completion_timeout(&h->offlined, 20 * HZ);
	KUNIT_EXPECT_TRUE(test, stored);
	KUNIT_EXPECT_TRUE(test, offlined);
	if (!stored || !offlined) {
		/* Leak @h rather than free it under a stuck thread */
		WRITE_ONCE(zswap_kunit_ctx_gap, NULL);
		return;
	}
	KUNIT_EXPECT_EQ(test, h->offline_ret, 0);
	KUNIT_EXPECT_EQ(test, h->store_ret, 0);
	KUNIT_EXPECT_TRUE(test, h->data_ok);
	if (!h->offline_ret)
		KUNIT_EXPECT_EQ(test, add_cpu(cpu), 0);
	zswap_frontswap_invalidate_page(ZT_TYPE, 330);
out:
	WRITE_ONCE(zswap_kunit_ctx_gap, NULL);
	WRITE_ONCE(zt_ctx_hold, NULL);
	kfree(h);
}

static void zswap_test_cpu_hotplug(struct kunit *test)
{
	struct zt_hotplug *hp;
	struct task_struct *t;
	unsigned int cpu, cycles = 0;
	int i, ret = 0;

	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU) || num_online_cpus() < 2)
		kunit_skip(test, "needs CPU hotplug and two CPUs");
	cpu = cpumask_last(cpu_online_mask);

	zt_test_ctx_teardown_waits(test, cpu);
	KUNIT_ASSERT_TRUE(test, cpu_online(cpu));

	hp = kunit_kzalloc(test, sizeof(*hp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, hp);
	init_completion(&hp->done);
	hp->end = jiffies + ZT_HOTPLUG_SECS * HZ;
	t = kthread_run(zt_hotplug_worker, hp, "zswap-kunit-hp");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));

	/* No assertion until the worker is done: it uses @hp */
	while (time_before(jiffies, hp->end)) {
		if (remove_cpu(cpu))
			break;
		msleep(20);
		ret = add_cpu(cpu);
		if (ret)
			break;
		cycles++;
		msleep(20);
	}
	wait_for_completion(&hp->done);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, cpu_online(cpu));
	kunit_info(test, "%u offline/online cycles, %d store+load rounds\n",
		   cycles, atomic_read(&hp->rounds));
	KUNIT_EXPECT_GT(test, cycles, 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&hp->bad_data), 0);

	for (i = 0; i < 16; i++)
		zswap_frontswap_invalidate_page(ZT_TYPE, 300 + i);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 0);
}

/*
 * 8. The teardown of a context frees its transform outside the context's
 * mutex.  Freeing a transform takes scomp_lock, and scomp_lock is held
 * over the vmalloc() of a new transform's scratch buffers, which may enter
 * reclaim (lockdep learnt scomp_lock -> fs_reclaim when zswap made its
 * first pool).  Reclaim stores to zswap, which takes a context mutex: tell
 * lockdep so, as direct reclaim would, then take a CPU offline.  Freeing
 * under the mutex adds ctx->mutex -> scomp_lock, and lockdep reports the
 * cycle (the test then fails on "lock debugging went off"); the free seam
 * also sees the mutex held.
 */

static atomic_t zt_free_seen, zt_free_locked;

static void zt_ctx_free_gap(struct crypto_acomp_ctx *ctx)
{
	atomic_inc(&zt_free_seen);
	if (mutex_is_locked(&ctx->mutex))
		atomic_inc(&zt_free_locked);
}

static void zswap_test_cpu_dead_lock_order(struct kunit *test)
{
	struct crypto_acomp_ctx *ctx;
	struct zswap_pool *pool;
	unsigned int cpu;
	int ret;

	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU) || num_online_cpus() < 2)
		kunit_skip(test, "needs CPU hotplug and two CPUs");
	cpu = cpumask_last(cpu_online_mask);
	pool = zswap_pool_current_get();
	KUNIT_ASSERT_NOT_NULL(test, pool);

	/* A store from direct reclaim: fs_reclaim -> ctx->mutex */
	ctx = per_cpu_ptr(pool->acomp_ctx, cpu);
	fs_reclaim_acquire(GFP_KERNEL);
	mutex_lock(&ctx->mutex);
	mutex_unlock(&ctx->mutex);
	fs_reclaim_release(GFP_KERNEL);

	atomic_set(&zt_free_seen, 0);
	atomic_set(&zt_free_locked, 0);
	WRITE_ONCE(zswap_kunit_ctx_free_gap, zt_ctx_free_gap);
	ret = remove_cpu(cpu);
	WRITE_ONCE(zswap_kunit_ctx_free_gap, NULL);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret)
		KUNIT_EXPECT_EQ(test, add_cpu(cpu), 0);
	KUNIT_EXPECT_TRUE(test, cpu_online(cpu));

	/* One context per pool was torn down, none under its mutex */
	KUNIT_EXPECT_GE(test, atomic_read(&zt_free_seen), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&zt_free_locked), 0);

	/* The new context works */
	ret = set_cpus_allowed_ptr(current, cpumask_of(cpu));
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret) {
		struct page *page = zt_alloc_page(test);
		bool excl;

		KUNIT_EXPECT_EQ(test, zt_store_text(page, 340, 340), 0);
		clear_highpage(page);
		KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 340, page, false,
						      &excl), 0);
		KUNIT_EXPECT_TRUE(test, zt_check_text(page, 340));
		zswap_frontswap_invalidate_page(ZT_TYPE, 340);
		__free_page(page);
		set_cpus_allowed_ptr(current, cpu_possible_mask);
	}
	zswap_pool_put(pool);
}

/*
 * 9. A compressed entry that does not decompress: the load fails with
 * -EIO, which frontswap passes on (the page stays !Uptodate), not with
 * "not stored", which would read the never written swap slot.  The entry
 * stays, so that the next load fails too, and writeback never writes it.
 */

/* Overwrite the compressed bytes of the entry at @offset */
static bool zt_corrupt(pgoff_t offset)
{
	struct zswap_tree *tree = zswap_trees[ZT_TYPE];
	struct zswap_entry *entry;
	u8 *dst;

	zswap_tree_lock(tree);
	entry = zswap_entry_find_get(tree, offset);
	zswap_tree_unlock(tree);
	if (!entry)
		return false;
	if (entry->length) {
		dst = zpool_map_handle(entry->pool->zpool, entry->handle,
				       ZPOOL_MM_WO);
		memset(dst, 0xff, entry->length);
		zpool_unmap_handle(entry->pool->zpool, entry->handle);
	}
	zswap_tree_lock(tree);
	zswap_entry_put(tree, entry);
	zswap_tree_unlock(tree);
	return true;
}

/* The writeback step up to the write: decompress into a page */
static int zt_decompress_writeback(struct zswap_entry *entry,
				   struct zswap_tree *tree)
{
	struct page *page = alloc_page(GFP_KERNEL);
	int ret;

	if (!page)
		return -ENOMEM;
	zt_record_writeback(entry, tree);
	ret = zswap_decompress(entry, page);
	__free_page(page);
	return ret;
}

static void zswap_test_decompress_fail(struct kunit *test)
{
	struct page *page = zt_alloc_page(test);
	u64 fails = zswap_decompress_fail;
	u64 written = zswap_written_back_pages;
	struct zswap_pool *pool;
	bool excl;

	pool = zswap_pool_current_get();
	KUNIT_ASSERT_NOT_NULL(test, pool);
	zswap_exclusive_loads_enabled = true;

	KUNIT_ASSERT_EQ(test, zt_store_text(page, 50, 50), 0);
	KUNIT_ASSERT_TRUE(test, zt_corrupt(50));
	clear_highpage(page);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 50, page, true, &excl),
			-EIO);
	KUNIT_EXPECT_FALSE(test, excl);
	KUNIT_EXPECT_EQ(test, zswap_decompress_fail, fails + 1);
	/* Still stored, still failing: never "not stored" */
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 1);
	KUNIT_EXPECT_EQ(test, zswap_frontswap_load(ZT_TYPE, 50, page, &excl),
			-EIO);
	KUNIT_EXPECT_EQ(test, zswap_decompress_fail, fails + 2);

	/* Writeback: nothing written, the entry kept but not tried again */
	WRITE_ONCE(zswap_writeback_fn, zt_decompress_writeback);
	KUNIT_EXPECT_EQ(test, zswap_reclaim_entry(pool), -EIO);
	KUNIT_EXPECT_EQ(test, zt_rec.nr, 1);
	KUNIT_EXPECT_EQ(test, zswap_decompress_fail, fails + 3);
	KUNIT_EXPECT_EQ(test, zswap_written_back_pages, written);
	KUNIT_EXPECT_EQ(test, zt_lru_len(pool), 0UL);
	KUNIT_EXPECT_EQ(test, zswap_reclaim_entry(pool), -ENOENT);
	KUNIT_EXPECT_EQ(test, zt_rec.nr, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 1);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 50, page, true, &excl),
			-EIO);
	WRITE_ONCE(zswap_writeback_fn, zt_record_writeback);

	/* Freeing the slot frees the entry */
	zswap_frontswap_invalidate_page(ZT_TYPE, 50);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 0);
	KUNIT_EXPECT_EQ(test, zswap_load_page(ZT_TYPE, 50, page, true, &excl),
			-ENOENT);

	/* An intact entry still loads and writes back */
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 51, 51), 0);
	WRITE_ONCE(zswap_writeback_fn, zt_decompress_writeback);
	KUNIT_EXPECT_EQ(test, zswap_reclaim_entry(pool), 0);
	WRITE_ONCE(zswap_writeback_fn, zt_record_writeback);
	KUNIT_EXPECT_EQ(test, zswap_written_back_pages, written + 1);
	KUNIT_EXPECT_EQ(test, zswap_decompress_fail, fails + 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_stored_pages), 0);

	zswap_pool_put(pool);
	__free_page(page);
}

/*
 * 11. Writeback credit.  Hits outside the LRU's tail earn credit, hits in
 * it lose ZSWAP_WB_TAIL - 1, both within bounds; the shrink worker
 * writes back one entry per unit of credit and is not even queued
 * without any, so that a full pool then refuses stores as 6.1's does.
 */

static int zt_load(pgoff_t offset, struct page *page, bool may_drop)
{
	bool excl;

	return zswap_load_page(ZT_TYPE, offset, page, may_drop, &excl);
}

static void zswap_test_wb_credit(struct kunit *test)
{
	struct page *page = zt_alloc_page(test);
	u64 written = zswap_written_back_pages;
	u64 throttled = zswap_writeback_throttled;
	int i, tail_cost = ZSWAP_WB_TAIL - 1;
	struct zswap_pool *pool;

	pool = zswap_pool_current_get();
	KUNIT_ASSERT_NOT_NULL(test, pool);
	atomic_set(&zswap_wb_credit, 0);

	/*
	 * Eight entries, 100 the oldest, stamped at ticks 1 to 8: with
	 * ZSWAP_WB_TAIL 8, the tail is what is at least seven ticks old.
	 */
	KUNIT_ASSERT_EQ(test, ZSWAP_WB_TAIL, 8);
	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_EQ(test, zt_store_text(page, 100 + i, i), 0);
	KUNIT_ASSERT_EQ(test, zt_lru_len(pool), 8UL);

	/* 107 is the youngest, and its load makes it the hottest again */
	KUNIT_EXPECT_EQ(test, zt_load(107, page, false), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_wb_credit), 1);
	KUNIT_EXPECT_EQ(test, zt_load(107, page, false), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_wb_credit), 2);
	/* 104, stamped at tick 5, is five ticks old: not the tail */
	KUNIT_EXPECT_EQ(test, zt_load(104, page, false), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_wb_credit), 3);
	/* 101, stamped at tick 2, is nine ticks old: the tail */
	KUNIT_EXPECT_EQ(test, zt_load(101, page, false), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_wb_credit), 3 - tail_cost);
	/* An exclusive load counts too, and takes 100 off the LRU */
	zswap_exclusive_loads_enabled = true;
	KUNIT_EXPECT_EQ(test, zt_load(100, page, true), 0);
	zswap_exclusive_loads_enabled = false;
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_wb_credit), 3 - 2 * tail_cost);
	KUNIT_EXPECT_EQ(test, zt_lru_len(pool), 7UL);
	/* A load that fails earns nothing */
	KUNIT_EXPECT_EQ(test, zt_load(100, page, false), -ENOENT);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_wb_credit), 3 - 2 * tail_cost);

	/* Bounded both ways: 104 is young, 102 in the tail */
	atomic_set(&zswap_wb_credit, ZSWAP_WB_CREDIT_MIN);
	KUNIT_EXPECT_EQ(test, zt_load(104, page, false), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_wb_credit), ZSWAP_WB_CREDIT_MIN);
	atomic_set(&zswap_wb_credit, -ZSWAP_WB_CREDIT_MIN);
	KUNIT_EXPECT_EQ(test, zt_load(102, page, false), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_wb_credit), -ZSWAP_WB_CREDIT_MIN);

	/* Full and no credit: refused, and nothing is written back */
	zt_rec.nr = 0;
	atomic_set(&zswap_wb_credit, 0);
	zswap_wb_refused = 0;
	zswap_max_pool_percent = 0;
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 110, 110), -ENOMEM);
	flush_workqueue(shrink_wq);
	KUNIT_EXPECT_EQ(test, zt_rec.nr, 0);
	KUNIT_EXPECT_EQ(test, zswap_writeback_throttled, throttled + 1);
	KUNIT_EXPECT_EQ(test, zt_lru_len(pool), 7UL);

	/* Credit for three: exactly three written back, coldest first */
	atomic_set(&zswap_wb_credit, 3);
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 110, 110), -ENOMEM);
	flush_workqueue(shrink_wq);
	KUNIT_EXPECT_EQ(test, zt_rec.nr, 3);
	KUNIT_EXPECT_EQ(test, zt_rec.offsets[0], 103UL);
	KUNIT_EXPECT_EQ(test, zt_rec.offsets[1], 105UL);
	KUNIT_EXPECT_EQ(test, zt_rec.offsets[2], 106UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_wb_credit), 0);
	KUNIT_EXPECT_EQ(test, zswap_written_back_pages, written + 3);
	KUNIT_EXPECT_EQ(test, zswap_writeback_throttled, throttled + 1);
	KUNIT_EXPECT_EQ(test, zt_lru_len(pool), 4UL);

	/* The ZSWAP_WB_EXPLORE-th refusal in a row earns one writeback */
	zt_rec.nr = 0;
	zswap_wb_refused = ZSWAP_WB_EXPLORE - 2;
	zswap_wb_explore_shift = 0;
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 110, 110), -ENOMEM);
	flush_workqueue(shrink_wq);
	KUNIT_EXPECT_EQ(test, zt_rec.nr, 0);
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 110, 110), -ENOMEM);
	flush_workqueue(shrink_wq);
	KUNIT_EXPECT_EQ(test, zt_rec.nr, 1);
	KUNIT_EXPECT_EQ(test, zt_rec.offsets[0], 107UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_wb_credit), 0);
	KUNIT_EXPECT_EQ(test, zswap_writeback_throttled, throttled + 2);
	KUNIT_EXPECT_EQ(test, zt_lru_len(pool), 3UL);

	/* Failed writebacks cost nothing */
	zt_rec.nr = 0;
	zt_rec.ret = -ENOMEM;
	atomic_set(&zswap_wb_credit, 1);
	KUNIT_EXPECT_EQ(test, zt_store_text(page, 110, 110), -ENOMEM);
	flush_workqueue(shrink_wq);
	KUNIT_EXPECT_EQ(test, zt_rec.nr, ZSWAP_MAX_RECLAIM_FAILURES);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_wb_credit), 1);
	KUNIT_EXPECT_EQ(test, zt_lru_len(pool), 3UL);

	zt_rec.ret = 0;
	zswap_max_pool_percent = zt_saved.max_percent;
	for (i = 0; i < 8; i++)
		zswap_frontswap_invalidate_page(ZT_TYPE, 100 + i);
	KUNIT_EXPECT_EQ(test, zt_lru_len(pool), 0UL);
	zswap_pool_put(pool);
	__free_page(page);
}

/*
 * 12. Exploration.  A full pool that refuses stores and gets no hits
 * grants one writeback after ZSWAP_WB_EXPLORE refusals, then, unless the
 * credit is negative, waits twice as long each time, up to
 * ZSWAP_WB_EXPLORE_MAX_SHIFT doublings.  A load that hits brings the wait
 * back to ZSWAP_WB_EXPLORE at once, including the one under way.
 */

/* Refuse stores until one earns credit; returns how many it took */
static unsigned int zt_refusals_to_credit(void)
{
	int credit = atomic_read(&zswap_wb_credit);
	unsigned int n = 0;

	do {
		zswap_wb_credit_refused();
		n++;
	} while (atomic_read(&zswap_wb_credit) == credit &&
		 n <= ZSWAP_WB_EXPLORE << (ZSWAP_WB_EXPLORE_MAX_SHIFT + 1));
	return n;
}

static void zswap_test_wb_explore(struct kunit *test)
{
	struct page *page = zt_alloc_page(test);
	unsigned int base = ZSWAP_WB_EXPLORE, max = ZSWAP_WB_EXPLORE_MAX_SHIFT;
	unsigned int i, wait;

	/* In debt: every exploration waits ZSWAP_WB_EXPLORE and repays one */
	atomic_set(&zswap_wb_credit, -3);
	KUNIT_ASSERT_EQ(test, zt_store_text(page, 100, 100), 0);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, zt_refusals_to_credit(), base);
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_wb_credit), 0);
	KUNIT_EXPECT_EQ(test, zswap_wb_explore_shift, 0U);

	/* No hits: 256, 512, ... up to the cap, where it stays */
	for (i = 0; i <= max + 1; i++) {
		wait = base << min(i, max);
		KUNIT_EXPECT_EQ_MSG(test, zt_refusals_to_credit(), wait,
				    "exploration %u", i);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&zswap_wb_credit), (int)i);
	KUNIT_EXPECT_EQ(test, zswap_wb_explore_shift, max);

	/* A miss, a load that finds nothing, is no hit */
	KUNIT_EXPECT_EQ(test, zt_load(101, page, false), -ENOENT);
	KUNIT_EXPECT_FALSE(test, zswap_wb_explore_hit);

	/* A hit a thousand refusals into the longest wait ends it at once */
	for (i = 0; i < 1000; i++)
		zswap_wb_credit_refused();
	KUNIT_EXPECT_EQ(test, zt_load(100, page, false), 0);
	KUNIT_EXPECT_TRUE(test, zswap_wb_explore_hit);
	KUNIT_EXPECT_EQ(test, zt_refusals_to_credit(), 1U);
	KUNIT_EXPECT_FALSE(test, zswap_wb_explore_hit);
	KUNIT_EXPECT_EQ(test, zswap_wb_explore_shift, 0U);

	/* Hits keep the wait short; without them it backs off again */
	KUNIT_EXPECT_EQ(test, zt_load(100, page, false), 0);
	KUNIT_EXPECT_EQ(test, zt_refusals_to_credit(), base);
	KUNIT_EXPECT_EQ(test, zt_refusals_to_credit(), base);
	KUNIT_EXPECT_EQ(test, zt_refusals_to_credit(), 2 * base);

	zswap_frontswap_invalidate_page(ZT_TYPE, 100);
	__free_page(page);
}

static struct kunit_case zswap_test_cases[] = {
	KUNIT_CASE(zswap_test_lru_order),
	KUNIT_CASE(zswap_test_writeback_invalidate_race),
	KUNIT_CASE(zswap_test_exclusive_race),
	KUNIT_CASE(zswap_test_pool_destroy_race),
	KUNIT_CASE(zswap_test_duplicate_store),
	KUNIT_CASE(zswap_test_tree_leaves),
	KUNIT_CASE(zswap_test_same_filled_and_rejects),
	KUNIT_CASE(zswap_test_params),
	KUNIT_CASE(zswap_test_cpu_hotplug),
	KUNIT_CASE(zswap_test_cpu_dead_lock_order),
	KUNIT_CASE(zswap_test_decompress_fail),
	KUNIT_CASE(zswap_test_wb_credit),
	KUNIT_CASE(zswap_test_wb_explore),
	{}
};

static struct kunit_suite zswap_test_suite = {
	.name = "zswap",
	.init = zt_init,
	.exit = zt_exit,
	.test_cases = zswap_test_cases,
};

kunit_test_suite(zswap_test_suite);

#endif /* _ZSWAP_KUNIT_H */
