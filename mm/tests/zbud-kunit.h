/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests for zbud
 *
 * Included at the end of mm/zbud.c so that the tests can call the
 * allocator's static functions and look at its pools and pages directly.
 *
 * The tests build their pools with zbud_create_pool() and a test evict
 * callback.  The zpool pointer a zbud pool hands back to evict is opaque
 * to zbud, so the tests pass their own context there and get it back in
 * the callback.
 *
 * Several tests race kthreads against each other.  A KASAN report or a
 * WARN in a kthread is not counted against the running test by KUnit in
 * 6.1, so every test also fails if the kernel picked up a new taint from
 * one, or if lockdep switched itself off after a report, during its run.
 * The tests wait for each other with completions, or poll a condition for
 * a bounded time; none sleeps to show that something did not happen.
 */

#ifndef _MM_TESTS_ZBUD_KUNIT_H
#define _MM_TESTS_ZBUD_KUNIT_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/debug_locks.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/wait.h>

/* How long a test waits for something that should happen at once. */
#define ZBUD_TEST_WAIT		(10 * HZ)
/* Taints that a KASAN report, a WARN and an oops leave behind. */
#define ZBUD_TEST_TAINTS	(BIT(TAINT_BAD_PAGE) | BIT(TAINT_WARN) | \
				 BIT(TAINT_DIE))

/* The kernel's state when the running test started. */
static unsigned long zbud_test_saved_taint;
static int zbud_test_saved_debug_locks;

struct zbud_test_ctx {
	struct kunit *test;
	struct zbud_pool *pool;
	int (*evict)(struct zbud_test_ctx *ctx, unsigned long handle);
	/* What the callbacks saw and did, checked by the test. */
	int evict_calls;
	int count_at_entry[2];
	int count_after_free[2];
	unsigned long evicted[2];
	unsigned long handle[2];
	size_t size[2];
	bool data_ok;
	/* Hand-shakes between the test and its threads. */
	struct completion entered;
	struct completion release;
	struct completion freed;
	struct completion done;
	struct completion destroyed;
	int count_seen;
	int reclaim_ret;
	struct task_struct *holder;
	bool gap_ok;
	unsigned long leftover;
};

static int zbud_test_evict(struct zpool *zpool, unsigned long handle)
{
	struct zbud_test_ctx *ctx = (struct zbud_test_ctx *)zpool;

	return ctx->evict(ctx, handle);
}

static const struct zpool_ops zbud_test_ops = {
	.evict = zbud_test_evict,
};

static struct zbud_test_ctx *
zbud_test_ctx_new(struct kunit *test,
		  int (*evict)(struct zbud_test_ctx *ctx, unsigned long handle))
{
	struct zbud_test_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->test = test;
	ctx->evict = evict;
	init_completion(&ctx->entered);
	init_completion(&ctx->release);
	init_completion(&ctx->freed);
	init_completion(&ctx->done);
	init_completion(&ctx->destroyed);
	ctx->pool = zbud_create_pool(GFP_KERNEL, &zbud_test_ops,
				     (struct zpool *)ctx);
	KUNIT_ASSERT_NOT_NULL(test, ctx->pool);
	return ctx;
}

static struct page *zbud_test_page(unsigned long handle)
{
	return virt_to_page(zbud_handle_to_header(handle));
}

static void zbud_test_fill(unsigned long handle, size_t size, u8 seed)
{
	u8 *p = zbud_zpool_map(NULL, handle, ZPOOL_MM_WO);
	size_t i;

	for (i = 0; i < size; i++)
		p[i] = seed + i * 7;
	zbud_zpool_unmap(NULL, handle);
}

static bool zbud_test_check(unsigned long handle, size_t size, u8 seed)
{
	u8 *p = zbud_zpool_map(NULL, handle, ZPOOL_MM_RO);
	bool ok = true;
	size_t i;

	for (i = 0; i < size; i++) {
		if (p[i] != (u8)(seed + i * 7)) {
			ok = false;
			break;
		}
	}
	zbud_zpool_unmap(NULL, handle);
	return ok;
}

static unsigned long zbud_test_alloc(struct kunit *test,
				     struct zbud_pool *pool, size_t size)
{
	unsigned long handle = 0;

	KUNIT_ASSERT_EQ(test, zbud_alloc(pool, size, GFP_KERNEL, &handle), 0);
	return handle;
}

static bool zbud_test_on_list(struct list_head *head, struct list_head *node)
{
	struct list_head *pos;

	list_for_each(pos, head)
		if (pos == node)
			return true;
	return false;
}

static bool zbud_test_pool_empty(struct zbud_pool *pool)
{
	bool empty;
	int i;

	spin_lock(&pool->lock);
	empty = !pool->pages_nr && list_empty(&pool->lru) &&
		list_empty(&pool->full);
	for (i = 0; i < ARRAY_SIZE(pool->unbuddied); i++)
		empty = empty && list_empty(&pool->unbuddied[i]);
	spin_unlock(&pool->lock);
	return empty;
}

/* The pool must be empty: no page handed back by destroy. */
static void zbud_test_destroy(struct kunit *test, struct zbud_pool *pool)
{
	KUNIT_EXPECT_TRUE(test, zbud_test_pool_empty(pool));
	KUNIT_EXPECT_EQ(test, zbud_destroy_pool(pool), 0UL);
}

/*
 * 1. The reference count through a whole reclaim: two buddies, the reclaim's
 * own reference, the evict callback freeing both, the reclaim's put.
 */
static int zbud_test_flow_evict(struct zbud_test_ctx *ctx,
				unsigned long handle)
{
	struct page *page = zbud_test_page(handle);
	int n = ctx->evict_calls++;

	if (n >= 2)
		return -EINVAL;
	ctx->count_at_entry[n] = page_count(page);
	ctx->evicted[n] = handle;
	zbud_free(ctx->pool, handle);
	ctx->count_after_free[n] = page_count(page);
	/*
	 * The test's own reference, so that it can see the reclaim drop its
	 * reference without looking at a page that went back to the page
	 * allocator.
	 */
	if (n == 1)
		get_page(page);
	return 0;
}

static void zbud_test_refcount_flow(struct kunit *test)
{
	struct zbud_test_ctx *ctx = zbud_test_ctx_new(test,
						      zbud_test_flow_evict);
	struct zbud_pool *pool = ctx->pool;
	unsigned long first, last;
	struct page *page;

	/* 1: the first buddy owns the page allocator's reference. */
	first = zbud_test_alloc(test, pool, 100);
	page = zbud_test_page(first);
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	/* 2: the last buddy takes another one in the same page. */
	last = zbud_test_alloc(test, pool, 200);
	KUNIT_ASSERT_PTR_EQ(test, zbud_test_page(last), page);
	KUNIT_EXPECT_EQ(test, page_count(page), 2);
	KUNIT_EXPECT_EQ(test, zbud_handle_to_slot(first), ZBUD_FIRST);
	KUNIT_EXPECT_EQ(test, zbud_handle_to_slot(last), ZBUD_LAST);

	/* 3-7, seen from the evict callback. */
	KUNIT_EXPECT_EQ(test, zbud_reclaim_page(pool, 1), 0);
	KUNIT_EXPECT_EQ(test, ctx->evict_calls, 2);
	/* 3: the reclaim's reference. */
	KUNIT_EXPECT_EQ(test, ctx->count_at_entry[0], 3);
	KUNIT_EXPECT_EQ(test, ctx->evicted[0], first);
	/* 5: the first buddy freed. */
	KUNIT_EXPECT_EQ(test, ctx->count_after_free[0], 2);
	KUNIT_EXPECT_EQ(test, ctx->count_at_entry[1], 2);
	KUNIT_EXPECT_EQ(test, ctx->evicted[1], last);
	/* 6: the last buddy freed, only the reclaim's reference left. */
	KUNIT_EXPECT_EQ(test, ctx->count_after_free[1], 1);
	/* 7: the reclaim's put: only the test's reference is left. */
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	put_page(page);
	KUNIT_EXPECT_EQ(test, pool->pages_nr, 0UL);
	KUNIT_EXPECT_EQ(test, zbud_zpool_total_size(pool), 0ULL);
	zbud_test_destroy(test, pool);
}

/*
 * 2. Eviction failing at step 5 (nothing freed) or at step 6 (first buddy
 * freed, last one kept): the page stays, with the right count, data and
 * place on the lists.
 */
static int zbud_test_fail_evict(struct zbud_test_ctx *ctx,
				unsigned long handle)
{
	struct page *page = zbud_test_page(handle);
	int n = ctx->evict_calls++;

	if (n >= 2)
		return -EINVAL;
	ctx->count_at_entry[n] = page_count(page);
	ctx->evicted[n] = handle;
	/* Fail at the call numbered by ctx->count_seen. */
	if (n == ctx->count_seen)
		return -EBUSY;
	zbud_free(ctx->pool, handle);
	ctx->count_after_free[n] = page_count(page);
	return 0;
}

static void zbud_test_evict_fails(struct kunit *test)
{
	unsigned long first, last, other;
	struct zbud_test_ctx *ctx;
	struct zbud_header *zhdr;
	struct zbud_pool *pool;
	unsigned int free;
	struct page *page;
	int fail_at;

	for (fail_at = 0; fail_at < 2; fail_at++) {
		ctx = zbud_test_ctx_new(test, zbud_test_fail_evict);
		pool = ctx->pool;
		ctx->count_seen = fail_at;

		first = zbud_test_alloc(test, pool, 1000);
		last = zbud_test_alloc(test, pool, 1500);
		page = zbud_test_page(first);
		KUNIT_ASSERT_PTR_EQ(test, zbud_test_page(last), page);
		zhdr = zbud_handle_to_header(first);
		zbud_test_fill(first, 1000, 1);
		zbud_test_fill(last, 1500, 2);
		/* A hotter page, so that the LRU position shows. */
		other = zbud_test_alloc(test, pool, 3000);
		KUNIT_ASSERT_PTR_NE(test, zbud_test_page(other), page);

		KUNIT_EXPECT_EQ(test, zbud_reclaim_page(pool, 1), -EBUSY);
		KUNIT_EXPECT_EQ(test, ctx->evict_calls, fail_at + 1);
		KUNIT_EXPECT_EQ(test, ctx->count_at_entry[fail_at],
				3 - fail_at);
		KUNIT_EXPECT_EQ(test, pool->pages_nr, 2UL);

		spin_lock(&pool->lock);
		/* Back at the head of the LRU, the other page now colder. */
		KUNIT_EXPECT_PTR_EQ(test, pool->lru.next, &zhdr->lru);
		KUNIT_EXPECT_PTR_EQ(test, pool->lru.prev,
				    &zbud_handle_to_header(other)->lru);
		if (fail_at == 0) {
			/* Step 5 failed: both buddies and their refs stay. */
			KUNIT_EXPECT_EQ(test, page_count(page), 2);
			KUNIT_EXPECT_TRUE(test, zbud_test_on_list(&pool->full,
								  &zhdr->buddy));
		} else {
			/* Step 6 failed: only the last buddy stays. */
			KUNIT_EXPECT_EQ(test, ctx->count_after_free[0], 2);
			KUNIT_EXPECT_EQ(test, page_count(page), 1);
			KUNIT_EXPECT_EQ(test, zhdr->first_chunks, 0U);
			free = zbud_free_chunks(zhdr);
			KUNIT_EXPECT_TRUE(test,
					  zbud_test_on_list(zbud_unbuddied(pool, free),
							    &zhdr->buddy));
		}
		spin_unlock(&pool->lock);

		KUNIT_EXPECT_TRUE(test, zbud_test_check(last, 1500, 2));
		if (fail_at == 0) {
			KUNIT_EXPECT_TRUE(test, zbud_test_check(first, 1000, 1));
			zbud_free(pool, first);
			KUNIT_EXPECT_EQ(test, page_count(page), 1);
		}
		/* Held by the test, so that its count can still be read. */
		get_page(page);
		zbud_free(pool, last);
		KUNIT_EXPECT_EQ(test, page_count(page), 1);
		put_page(page);
		KUNIT_EXPECT_EQ(test, pool->pages_nr, 1UL);
		zbud_free(pool, other);
		zbud_test_destroy(test, pool);
	}
}

/*
 * 3. The owner of a buddy frees it from another thread while a reclaim holds
 * the page: the reclaim's reference keeps the page, and its data, alive
 * until the reclaim is done, and the page then goes back exactly once.
 */
/* An evict callback that tells the test it runs and waits to be let go */
static void zbud_test_evict_hold(struct zbud_test_ctx *ctx)
{
	ctx->evict_calls++;
	complete(&ctx->entered);
	wait_for_completion(&ctx->release);
}

static int zbud_test_blocking_evict(struct zbud_test_ctx *ctx,
				    unsigned long handle)
{
	zbud_test_evict_hold(ctx);
	/* Writeback reads the object: it must still be there. */
	ctx->data_ok = zbud_test_check(handle, ctx->size[0], 3);
	/* The writeback "lost" against the free. */
	return -EAGAIN;
}

static int zbud_test_reclaim_thread(void *data)
{
	struct zbud_test_ctx *ctx = data;

	ctx->reclaim_ret = zbud_reclaim_page(ctx->pool, 1);
	complete(&ctx->done);
	return 0;
}

static int zbud_test_free_thread(void *data)
{
	struct zbud_test_ctx *ctx = data;
	struct page *page = zbud_test_page(ctx->handle[0]);

	zbud_free(ctx->pool, ctx->handle[0]);
	ctx->count_seen = page_count(page);
	complete(&ctx->freed);
	return 0;
}

static void zbud_test_free_during_reclaim(struct kunit *test)
{
	struct zbud_test_ctx *ctx = zbud_test_ctx_new(test,
						 zbud_test_blocking_evict);
	struct zbud_pool *pool = ctx->pool;
	struct task_struct *task;
	struct page *page;

	ctx->size[0] = 2000;
	ctx->handle[0] = zbud_test_alloc(test, pool, ctx->size[0]);
	zbud_test_fill(ctx->handle[0], ctx->size[0], 3);
	page = zbud_test_page(ctx->handle[0]);

	task = kthread_run(zbud_test_reclaim_thread, ctx, "zbud-test-reclaim");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&ctx->entered,
							  ZBUD_TEST_WAIT), 0UL);
	/* The buddy's reference and the reclaim's. */
	KUNIT_EXPECT_EQ(test, page_count(page), 2);

	task = kthread_run(zbud_test_free_thread, ctx, "zbud-test-free");
	if (IS_ERR(task)) {
		KUNIT_FAIL(test, "cannot start the freeing thread");
		zbud_free(pool, ctx->handle[0]);
	} else {
		KUNIT_EXPECT_NE(test,
				wait_for_completion_timeout(&ctx->freed,
							    ZBUD_TEST_WAIT),
				0UL);
		/* Only the reclaim's reference is left: the page stays. */
		KUNIT_EXPECT_EQ(test, ctx->count_seen, 1);
	}
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	KUNIT_EXPECT_EQ(test, pool->pages_nr, 1UL);
	KUNIT_EXPECT_TRUE(test, list_empty(&pool->lru));

	/* The test's reference, to see the reclaim's go. */
	get_page(page);
	complete(&ctx->release);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&ctx->done,
							  ZBUD_TEST_WAIT), 0UL);
	KUNIT_EXPECT_EQ(test, ctx->evict_calls, 1);
	KUNIT_EXPECT_TRUE(test, ctx->data_ok);
	/* The page lost its buddy: the reclaim succeeded and let it go. */
	KUNIT_EXPECT_EQ(test, ctx->reclaim_ret, 0);
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	put_page(page);
	zbud_test_destroy(test, pool);
}

/*
 * 4. The pages empty while the reclaim is unlocked (the owner freed them
 * behind the evict callback's back, and the callback failed): success.
 * Also the errors of an empty pool and of bad arguments, and shrink's
 * count.
 */
static int zbud_test_free_all_evict(struct zbud_test_ctx *ctx,
				    unsigned long handle)
{
	ctx->evict_calls++;
	zbud_free(ctx->pool, ctx->handle[0]);
	zbud_free(ctx->pool, ctx->handle[1]);
	return -EAGAIN;
}

static int zbud_test_ok_evict(struct zbud_test_ctx *ctx,
			      unsigned long handle)
{
	ctx->evict_calls++;
	zbud_free(ctx->pool, handle);
	return 0;
}

/* Fails, first busy and then with -ENOENT ("my object is going away"). */
static int zbud_test_gone_evict(struct zbud_test_ctx *ctx,
				unsigned long handle)
{
	return ctx->evict_calls++ ? -ENOENT : -EBUSY;
}

static void zbud_test_lru_empties(struct kunit *test)
{
	struct zbud_test_ctx *ctx = zbud_test_ctx_new(test,
						 zbud_test_free_all_evict);
	struct zbud_pool *pool = ctx->pool;
	unsigned int reclaimed = 42;
	struct page *page;

	ctx->handle[0] = zbud_test_alloc(test, pool, 500);
	ctx->handle[1] = zbud_test_alloc(test, pool, 500);
	page = zbud_test_page(ctx->handle[0]);
	KUNIT_ASSERT_PTR_EQ(test, zbud_test_page(ctx->handle[1]), page);

	/* The test's reference: the count stays readable. */
	get_page(page);
	KUNIT_EXPECT_EQ(test, zbud_reclaim_page(pool, 4), 0);
	/* The last buddy was freed already: no callback for it. */
	KUNIT_EXPECT_EQ(test, ctx->evict_calls, 1);
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	put_page(page);
	KUNIT_EXPECT_TRUE(test, zbud_test_pool_empty(pool));

	/* Nothing to reclaim at all. */
	KUNIT_EXPECT_EQ(test, zbud_reclaim_page(pool, 4), -ENOENT);
	KUNIT_EXPECT_EQ(test, zbud_zpool_shrink(pool, 1, &reclaimed), -ENOENT);
	KUNIT_EXPECT_EQ(test, reclaimed, 0U);
	KUNIT_EXPECT_EQ(test, zbud_reclaim_page(pool, 0), -EINVAL);

	/* Asked for three pages, the pool ran empty after two: success. */
	ctx->evict = zbud_test_ok_evict;
	ctx->evict_calls = 0;
	zbud_test_alloc(test, pool, ZBUD_MAX_SIZE);
	zbud_test_alloc(test, pool, ZBUD_MAX_SIZE);
	KUNIT_EXPECT_EQ(test, pool->pages_nr, 2UL);
	KUNIT_EXPECT_EQ(test, zbud_zpool_shrink(pool, 3, &reclaimed), 0);
	KUNIT_EXPECT_EQ(test, reclaimed, 2U);
	KUNIT_EXPECT_EQ(test, ctx->evict_calls, 2);

	/*
	 * A callback's -ENOENT is a failure to empty the page, not zbud's
	 * "LRU empty": neither success after a first failed attempt nor an
	 * empty pool.
	 */
	ctx->evict = zbud_test_gone_evict;
	ctx->evict_calls = 0;
	zbud_test_alloc(test, pool, ZBUD_MAX_SIZE);
	zbud_test_alloc(test, pool, ZBUD_MAX_SIZE);
	KUNIT_EXPECT_EQ(test, zbud_reclaim_page(pool, 2), -EAGAIN);
	KUNIT_EXPECT_EQ(test, ctx->evict_calls, 2);
	KUNIT_EXPECT_EQ(test, pool->pages_nr, 2UL);
	ctx->evict_calls = 1;
	KUNIT_EXPECT_EQ(test, zbud_zpool_shrink(pool, 1, &reclaimed), -EAGAIN);
	KUNIT_EXPECT_EQ(test, reclaimed, 0U);
	KUNIT_EXPECT_EQ(test, pool->pages_nr, 2UL);
	KUNIT_EXPECT_EQ(test, zbud_destroy_pool(pool), 2UL);

	/* A pool without an evict callback cannot reclaim. */
	pool = zbud_create_pool(GFP_KERNEL, NULL, NULL);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	zbud_test_alloc(test, pool, 10);
	KUNIT_EXPECT_EQ(test, zbud_reclaim_page(pool, 1), -EINVAL);
	/* Destroy gives the page back. */
	KUNIT_EXPECT_EQ(test, zbud_destroy_pool(pool), 1UL);
}

/*
 * 4a. A later attempt finds the LRU empty because the one page left is held
 * by another reclaim: this reclaim emptied no page and must say so, and
 * zpool_shrink() must not count a page for it.  The test's gap between
 * attempts starts the other reclaim and waits until it holds the page.
 */
static int zbud_test_busy_evict(struct zbud_test_ctx *ctx,
				unsigned long handle)
{
	if (current == ctx->holder) {
		complete(&ctx->entered);
		wait_for_completion(&ctx->release);
	}
	ctx->evict_calls++;
	return -EBUSY;
}

static void zbud_test_take_lru_gap(struct zbud_pool *pool)
{
	struct zbud_test_ctx *ctx = (struct zbud_test_ctx *)pool->zpool;
	struct task_struct *task;

	/* Once: the other reclaim's own failed attempt must not recurse. */
	WRITE_ONCE(zbud_test_attempt_gap, NULL);
	task = kthread_create(zbud_test_reclaim_thread, ctx, "zbud-test-taker");
	if (IS_ERR(task))
		return;
	ctx->holder = task;
	wake_up_process(task);
	ctx->gap_ok = wait_for_completion_timeout(&ctx->entered,
						  ZBUD_TEST_WAIT);
}

static void zbud_test_lru_taken(struct kunit *test)
{
	struct zbud_test_ctx *ctx = zbud_test_ctx_new(test,
						      zbud_test_busy_evict);
	struct zbud_pool *pool = ctx->pool;
	unsigned int reclaimed = 42;
	unsigned long handle;
	int round, ret;

	handle = zbud_test_alloc(test, pool, 1000);
	for (round = 0; round < 2; round++) {
		ctx->holder = NULL;
		ctx->gap_ok = false;
		ctx->evict_calls = 0;
		reinit_completion(&ctx->entered);
		reinit_completion(&ctx->release);
		reinit_completion(&ctx->done);
		WRITE_ONCE(zbud_test_attempt_gap, zbud_test_take_lru_gap);
		if (!round)
			ret = zbud_reclaim_page(pool, 4);
		else
			ret = zbud_zpool_shrink(pool, 1, &reclaimed);
		WRITE_ONCE(zbud_test_attempt_gap, NULL);
		if (!ctx->gap_ok) {
			complete(&ctx->release);
			if (ctx->holder)
				wait_for_completion(&ctx->done);
			KUNIT_FAIL(test, "the other reclaim did not take the page");
			break;
		}
		/* One failed attempt, then the LRU empty: no page emptied. */
		KUNIT_EXPECT_EQ(test, ctx->evict_calls, 1);
		KUNIT_EXPECT_EQ(test, ret, -EBUSY);
		if (round)
			KUNIT_EXPECT_EQ(test, reclaimed, 0U);
		KUNIT_EXPECT_EQ(test, pool->pages_nr, 1UL);

		complete(&ctx->release);
		KUNIT_ASSERT_NE(test,
				wait_for_completion_timeout(&ctx->done,
							    ZBUD_TEST_WAIT),
				0UL);
		KUNIT_EXPECT_EQ(test, ctx->reclaim_ret, -EBUSY);
		KUNIT_EXPECT_EQ(test, ctx->evict_calls, 2);
	}
	zbud_free(pool, handle);
	zbud_test_destroy(test, pool);
}

/*
 * 4b. Another path holds a transient reference on a zbud page when zbud
 * drops its last one, as page cache lookups, GUP-fast and compaction's
 * pfn scanners may do with get_page_unless_zero() at any time.  zbud must
 * still count the page out, and the page must go back exactly once, at the
 * other path's put.  Through a free, through a reclaim, through destroy.
 */
static void zbud_test_foreign_ref(struct kunit *test)
{
	struct zbud_test_ctx *ctx = zbud_test_ctx_new(test,
						      zbud_test_ok_evict);
	struct zbud_pool *pool = ctx->pool;
	unsigned long first, last;
	struct page *page;

	/* The last buddy freed while someone else holds the page. */
	first = zbud_test_alloc(test, pool, 100);
	page = zbud_test_page(first);
	get_page(page);
	zbud_free(pool, first);
	KUNIT_EXPECT_EQ(test, pool->pages_nr, 0UL);
	KUNIT_EXPECT_EQ(test, zbud_zpool_total_size(pool), 0ULL);
	KUNIT_EXPECT_TRUE(test, zbud_test_pool_empty(pool));
	/* zbud dropped its reference; the foreign put frees the page. */
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	put_page(page);

	/* A reclaim empties a page someone else holds. */
	first = zbud_test_alloc(test, pool, 1000);
	last = zbud_test_alloc(test, pool, 1000);
	page = zbud_test_page(first);
	KUNIT_ASSERT_PTR_EQ(test, zbud_test_page(last), page);
	get_page(page);
	KUNIT_EXPECT_EQ(test, zbud_reclaim_page(pool, 1), 0);
	KUNIT_EXPECT_EQ(test, ctx->evict_calls, 2);
	KUNIT_EXPECT_EQ(test, pool->pages_nr, 0UL);
	KUNIT_EXPECT_TRUE(test, zbud_test_pool_empty(pool));
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	put_page(page);

	/* Destroy gives back a page someone else holds. */
	first = zbud_test_alloc(test, pool, 1000);
	page = zbud_test_page(first);
	get_page(page);
	KUNIT_EXPECT_EQ(test, zbud_destroy_pool(pool), 1UL);
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	put_page(page);
}

/*
 * 4c. A handle freed twice, or a stale handle of a slot that holds another
 * object by now, is reported and ignored: the page stays with its live
 * buddy, its reference and its data.  The test holds a reference of its
 * own, so that a wrong put shows as a count rather than a freed page.
 */
static void zbud_test_double_free(struct kunit *test)
{
	struct zbud_test_ctx *ctx = zbud_test_ctx_new(test,
						      zbud_test_ok_evict);
	struct zbud_pool *pool = ctx->pool;
	unsigned long first, last, stale;
	struct page *page;

	first = zbud_test_alloc(test, pool, 1000);
	last = zbud_test_alloc(test, pool, 1000);
	page = zbud_test_page(first);
	KUNIT_ASSERT_PTR_EQ(test, zbud_test_page(last), page);
	zbud_test_fill(first, 1000, 7);
	get_page(page);

	/* The last buddy freed twice. */
	zbud_free(pool, last);
	KUNIT_EXPECT_EQ(test, page_count(page), 2);
	zbud_free(pool, last);
	KUNIT_EXPECT_EQ(test, pool->bad_frees, 1UL);
	/* The first buddy's reference and the test's are both still there. */
	KUNIT_ASSERT_EQ(test, page_count(page), 2);
	KUNIT_EXPECT_EQ(test, pool->pages_nr, 1UL);
	KUNIT_EXPECT_TRUE(test, zbud_test_check(first, 1000, 7));

	/* The last slot taken again by a smaller object: a stale handle. */
	stale = last;
	last = zbud_test_alloc(test, pool, 500);
	KUNIT_ASSERT_PTR_EQ(test, zbud_test_page(last), page);
	KUNIT_EXPECT_EQ(test, zbud_handle_to_slot(last), ZBUD_LAST);
	KUNIT_EXPECT_NE(test, last, stale);
	zbud_test_fill(last, 500, 8);
	zbud_free(pool, stale);
	KUNIT_EXPECT_EQ(test, pool->bad_frees, 2UL);
	KUNIT_ASSERT_EQ(test, page_count(page), 3);
	KUNIT_EXPECT_TRUE(test, zbud_test_check(last, 500, 8));

	/* The first buddy freed twice. */
	zbud_free(pool, first);
	zbud_free(pool, first);
	KUNIT_EXPECT_EQ(test, pool->bad_frees, 3UL);
	KUNIT_ASSERT_EQ(test, page_count(page), 2);
	KUNIT_EXPECT_TRUE(test, zbud_test_check(last, 500, 8));

	zbud_free(pool, last);
	KUNIT_EXPECT_EQ(test, pool->bad_frees, 3UL);
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	put_page(page);
	zbud_test_destroy(test, pool);
}

/* 5. Every error code, and the size boundaries. */
static void zbud_test_errors(struct kunit *test)
{
	struct zbud_test_ctx *ctx = zbud_test_ctx_new(test,
						      zbud_test_ok_evict);
	struct zbud_pool *pool = ctx->pool;
	unsigned long handle = 0, one, max, small;
	int ret;

	KUNIT_EXPECT_EQ(test, zbud_alloc(pool, 0, GFP_KERNEL, &handle),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, zbud_alloc(pool, 100,
					 GFP_KERNEL | __GFP_HIGHMEM, &handle),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, zbud_alloc(pool, ZBUD_MAX_SIZE + 1, GFP_KERNEL,
					 &handle), -ENOSPC);
	KUNIT_EXPECT_EQ(test, zbud_alloc(pool, PAGE_SIZE, GFP_KERNEL,
					 &handle), -ENOSPC);
	KUNIT_EXPECT_EQ(test, zbud_alloc(pool, SIZE_MAX, GFP_KERNEL,
					 &handle), -ENOSPC);
	KUNIT_EXPECT_EQ(test, handle, 0UL);
	KUNIT_EXPECT_EQ(test, pool->pages_nr, 0UL);

	/* The largest object fills a page, header chunk aside. */
	KUNIT_EXPECT_EQ(test, ZBUD_MAX_SIZE, PAGE_SIZE - ZBUD_CHUNK_SIZE);
	max = zbud_test_alloc(test, pool, ZBUD_MAX_SIZE);
	zbud_test_fill(max, ZBUD_MAX_SIZE, 5);
	one = zbud_test_alloc(test, pool, 1);
	zbud_test_fill(one, 1, 6);
	KUNIT_EXPECT_PTR_NE(test, zbud_test_page(one), zbud_test_page(max));
	KUNIT_EXPECT_EQ(test, pool->pages_nr, 2UL);

	/* No page can be had: -ENOMEM, unless an existing page has room. */
	WRITE_ONCE(zbud_test_fail_page_alloc, true);
	ret = zbud_alloc(pool, ZBUD_MAX_SIZE, GFP_KERNEL, &handle);
	small = 0;
	if (zbud_alloc(pool, 1000, GFP_KERNEL, &small))
		small = 0;
	WRITE_ONCE(zbud_test_fail_page_alloc, false);
	KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
	KUNIT_EXPECT_NE(test, small, 0UL);
	if (small) {
		KUNIT_EXPECT_PTR_EQ(test, zbud_test_page(small),
				    zbud_test_page(one));
		zbud_free(pool, small);
	}
	KUNIT_EXPECT_EQ(test, pool->pages_nr, 2UL);

	KUNIT_EXPECT_TRUE(test, zbud_test_check(max, ZBUD_MAX_SIZE, 5));
	KUNIT_EXPECT_TRUE(test, zbud_test_check(one, 1, 6));
	zbud_free(pool, max);
	zbud_free(pool, one);
	zbud_test_destroy(test, pool);
}

/* 6. Two objects share a page when they fit; best fit; total_size. */
static void zbud_test_packing(struct kunit *test)
{
	struct zbud_test_ctx *ctx = zbud_test_ctx_new(test,
						      zbud_test_ok_evict);
	const size_t half = PAGE_SIZE / 2;
	struct zbud_pool *pool = ctx->pool;
	unsigned long h[16], roomy, tight, fit;
	int i;

	/* Half a page and half a page less the header chunk fill a page. */
	for (i = 0; i < ARRAY_SIZE(h); i += 2) {
		h[i] = zbud_test_alloc(test, pool, half);
		h[i + 1] = zbud_test_alloc(test, pool,
					   half - ZBUD_CHUNK_SIZE);
		KUNIT_EXPECT_PTR_EQ(test, zbud_test_page(h[i]),
				    zbud_test_page(h[i + 1]));
		KUNIT_EXPECT_EQ(test, page_count(zbud_test_page(h[i])), 2);
	}
	KUNIT_EXPECT_EQ(test, pool->pages_nr, ARRAY_SIZE(h) / 2);
	KUNIT_EXPECT_EQ(test, zbud_zpool_total_size(pool),
			(u64)pool->pages_nr * PAGE_SIZE);
	KUNIT_EXPECT_FALSE(test, list_empty(&pool->full));
	for (i = 0; i < ARRAY_SIZE(h); i++)
		zbud_free(pool, h[i]);
	KUNIT_EXPECT_TRUE(test, zbud_test_pool_empty(pool));

	/* Two halves do not fit together next to the header. */
	h[0] = zbud_test_alloc(test, pool, half);
	h[1] = zbud_test_alloc(test, pool, half);
	KUNIT_EXPECT_PTR_NE(test, zbud_test_page(h[0]), zbud_test_page(h[1]));
	KUNIT_EXPECT_EQ(test, zbud_zpool_total_size(pool), 2ULL * PAGE_SIZE);
	zbud_free(pool, h[0]);
	zbud_free(pool, h[1]);
	KUNIT_EXPECT_EQ(test, zbud_zpool_total_size(pool), 0ULL);

	/*
	 * Best fit: the page with the least room that is enough, here the
	 * colder one with 23 free chunks rather than the one with 33.
	 */
	tight = zbud_test_alloc(test, pool, 40 * ZBUD_CHUNK_SIZE);
	roomy = zbud_test_alloc(test, pool, 30 * ZBUD_CHUNK_SIZE);
	KUNIT_EXPECT_PTR_NE(test, zbud_test_page(roomy), zbud_test_page(tight));
	fit = zbud_test_alloc(test, pool, 20 * ZBUD_CHUNK_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, zbud_test_page(fit), zbud_test_page(tight));
	KUNIT_EXPECT_EQ(test, zbud_handle_to_slot(fit), ZBUD_LAST);
	h[0] = zbud_test_alloc(test, pool, 30 * ZBUD_CHUNK_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, zbud_test_page(h[0]), zbud_test_page(roomy));
	KUNIT_EXPECT_EQ(test, pool->pages_nr, 2UL);
	KUNIT_EXPECT_EQ(test, zbud_zpool_total_size(pool), 2ULL * PAGE_SIZE);
	zbud_free(pool, roomy);
	zbud_free(pool, tight);
	zbud_free(pool, fit);
	zbud_free(pool, h[0]);
	zbud_test_destroy(test, pool);
}

/* 7. Patterned data survives its neighbours' allocation and freeing. */
#define ZBUD_TEST_OBJS	64

static void zbud_test_integrity(struct kunit *test)
{
	struct zbud_test_ctx *ctx = zbud_test_ctx_new(test,
						      zbud_test_ok_evict);
	struct zbud_pool *pool = ctx->pool;
	unsigned long *handle;
	size_t *size;
	int *order;
	int i, j;

	handle = kunit_kcalloc(test, ZBUD_TEST_OBJS, sizeof(*handle),
			       GFP_KERNEL);
	size = kunit_kcalloc(test, ZBUD_TEST_OBJS, sizeof(*size), GFP_KERNEL);
	order = kunit_kcalloc(test, ZBUD_TEST_OBJS, sizeof(*order), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, handle && size && order);

	for (i = 0; i < ZBUD_TEST_OBJS; i++) {
		size[i] = 1 + get_random_u32_below(ZBUD_MAX_SIZE);
		handle[i] = zbud_test_alloc(test, pool, size[i]);
		zbud_test_fill(handle[i], size[i], i);
		order[i] = i;
	}
	for (i = ZBUD_TEST_OBJS - 1; i > 0; i--) {
		j = get_random_u32_below(i + 1);
		swap(order[i], order[j]);
	}

	for (i = 0; i < ZBUD_TEST_OBJS; i++) {
		int n = order[i];

		KUNIT_EXPECT_TRUE_MSG(test,
				      zbud_test_check(handle[n], size[n], n),
				      "object %d (%zu bytes) corrupted", n,
				      size[n]);
		zbud_free(pool, handle[n]);
		handle[n] = 0;
		if (i % 8)
			continue;
		for (j = 0; j < ZBUD_TEST_OBJS; j++)
			if (handle[j])
				KUNIT_EXPECT_TRUE(test,
						  zbud_test_check(handle[j],
								  size[j], j));
	}
	zbud_test_destroy(test, pool);
}

/*
 * 8. Destroying a pool while a reclaim is in flight on it: destroy waits
 * for the reclaim, then gives back what is left, and the reclaim never
 * touches a freed pool.
 */
static int zbud_test_destroy_evict(struct zbud_test_ctx *ctx,
				   unsigned long handle)
{
	zbud_test_evict_hold(ctx);
	/* Writeback done: the pool must still be there to free into. */
	zbud_free(ctx->pool, handle);
	return 0;
}

static int zbud_test_destroy_thread(void *data)
{
	struct zbud_test_ctx *ctx = data;

	ctx->leftover = zbud_destroy_pool(ctx->pool);
	complete(&ctx->destroyed);
	return 0;
}

static void zbud_test_destroy_race(struct kunit *test)
{
	struct zbud_test_ctx *ctx = zbud_test_ctx_new(test,
						 zbud_test_destroy_evict);
	struct zbud_pool *pool = ctx->pool;
	struct task_struct *task;
	struct page *cold, *hot;
	unsigned long end;
	bool waiting;

	/* Two pages: the colder is reclaimed, the other is left over. */
	cold = zbud_test_page(zbud_test_alloc(test, pool, PAGE_SIZE / 2));
	hot = zbud_test_page(zbud_test_alloc(test, pool, PAGE_SIZE / 2));
	KUNIT_ASSERT_PTR_NE(test, cold, hot);
	/* The test's references, to read the counts after destroy. */
	get_page(cold);
	get_page(hot);

	task = kthread_run(zbud_test_reclaim_thread, ctx, "zbud-test-reclaim");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&ctx->entered,
							  ZBUD_TEST_WAIT), 0UL);

	task = kthread_run(zbud_test_destroy_thread, ctx, "zbud-test-destroy");
	if (IS_ERR(task)) {
		complete(&ctx->release);
		wait_for_completion(&ctx->done);
		KUNIT_FAIL(test, "cannot start the destroying thread");
		zbud_destroy_pool(pool);
		put_page(cold);
		put_page(hot);
		return;
	}
	/*
	 * The reclaim is blocked: destroy must come to wait for it, and stay
	 * there.  Poll, for a bounded time, until it sleeps on the pool's
	 * drain waitqueue or (the bug) returns.
	 */
	end = jiffies + ZBUD_TEST_WAIT;
	while (!completion_done(&ctx->destroyed) &&
	       !wq_has_sleeper(&pool->drain_wait) && time_before(jiffies, end))
		schedule_timeout_uninterruptible(1);
	waiting = !completion_done(&ctx->destroyed) &&
		  wq_has_sleeper(&pool->drain_wait);
	KUNIT_EXPECT_TRUE_MSG(test, waiting,
			      "destroy did not wait for the reclaim in flight");
	if (waiting) {
		/* The pool is dying: no new reclaim may start. */
		KUNIT_EXPECT_EQ(test, zbud_reclaim_page(pool, 1), -EBUSY);
		KUNIT_EXPECT_FALSE(test, completion_done(&ctx->destroyed));
	}

	complete(&ctx->release);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&ctx->done,
							  ZBUD_TEST_WAIT), 0UL);
	KUNIT_EXPECT_EQ(test, ctx->reclaim_ret, 0);
	KUNIT_EXPECT_EQ(test, ctx->evict_calls, 1);
	/* Once released, destroy finishes promptly. */
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&ctx->destroyed,
							  HZ), 0UL);
	/* The hot page was left over and given back by destroy. */
	KUNIT_EXPECT_EQ(test, ctx->leftover, 1UL);
	KUNIT_EXPECT_EQ(test, page_count(cold), 1);
	KUNIT_EXPECT_EQ(test, page_count(hot), 1);
	put_page(cold);
	put_page(hot);
}

/*
 * 9. Threads allocating, freeing and reclaiming at the same time.  Objects
 * live in a shared table; whoever moves a slot from its handle to BUSY
 * owns the object, so that the evict callback and the owner never free it
 * both.
 */
#define ZBUD_TEST_SLOTS		64
#define ZBUD_TEST_WORKERS	2
#define ZBUD_TEST_ITERS		4000
#define ZBUD_TEST_BUSY		1UL

struct zbud_test_slot {
	unsigned long handle;
	size_t size;
	u8 seed;
};

struct zbud_test_stress {
	struct zbud_test_ctx *ctx;
	struct zbud_test_slot slot[ZBUD_TEST_SLOTS];
	unsigned long deadline;
	atomic_t corrupt;
	atomic_t alloc_failed;
	atomic_t evicted;
	atomic_t reclaimed;
	/* Odd while the reclaimer is inside an evict callback. */
	atomic_t window;
	/* Worker operations that overlapped an evict callback. */
	atomic_t overlaps;
	struct completion done[ZBUD_TEST_WORKERS + 1];
	int id[ZBUD_TEST_WORKERS];
};

static bool zbud_test_slot_check(struct zbud_test_slot *slot,
				 unsigned long handle)
{
	u8 *p = zbud_zpool_map(NULL, handle, ZPOOL_MM_RO);
	bool ok = !memchr_inv(p, slot->seed, slot->size);

	zbud_zpool_unmap(NULL, handle);
	return ok;
}

/* Take a slot's object for freeing; false if someone else has it. */
static bool zbud_test_slot_claim(struct zbud_test_slot *slot,
				 unsigned long handle)
{
	if (handle <= ZBUD_TEST_BUSY)
		return false;
	return cmpxchg(&slot->handle, handle, ZBUD_TEST_BUSY) == handle;
}

static void zbud_test_slot_free(struct zbud_test_stress *st,
				struct zbud_test_slot *slot,
				unsigned long handle)
{
	if (!zbud_test_slot_check(slot, handle))
		atomic_inc(&st->corrupt);
	zbud_free(st->ctx->pool, handle);
	/* The slot is reused by its owner only after the free. */
	smp_store_release(&slot->handle, 0);
}

static int zbud_test_stress_evict(struct zbud_test_ctx *ctx,
				  unsigned long handle)
{
	struct zbud_test_stress *st = (void *)ctx->handle[0];
	int i, ret = -ENOENT;

	/* The page is off the lists, held by the reclaim: the window. */
	atomic_inc(&st->window);
	/* Opened before the callback looks at the slots; pairs with smp_rmb(). */
	smp_mb__after_atomic();
	for (i = 0; i < ZBUD_TEST_SLOTS; i++) {
		struct zbud_test_slot *slot = &st->slot[i];

		if (READ_ONCE(slot->handle) != handle ||
		    !zbud_test_slot_claim(slot, handle))
			continue;
		zbud_test_slot_free(st, slot, handle);
		atomic_inc(&st->evicted);
		ret = 0;
		break;
	}
	/* Closed after the callback's last access; pairs with smp_rmb(). */
	smp_mb__before_atomic();
	atomic_inc(&st->window);
	/* -ENOENT: its owner is freeing it. */
	return ret;
}

/*
 * Count a worker's operation that ran while the reclaimer was inside an
 * evict callback: it started inside a window, or a window opened or
 * closed while it ran.
 */
static void zbud_test_overlap(struct zbud_test_stress *st, int before)
{
	/* Pairs with the barriers around the reclaimer's increments. */
	smp_rmb();
	if ((before & 1) || atomic_read(&st->window) != before)
		atomic_inc(&st->overlaps);
}

static int zbud_test_worker(void *data)
{
	int *id = data;
	struct zbud_test_stress *st = container_of(id - *id,
						   struct zbud_test_stress,
						   id[0]);
	struct zbud_test_slot *slots = &st->slot[*id * ZBUD_TEST_SLOTS /
						 ZBUD_TEST_WORKERS];
	int i;

	for (i = 0; i < ZBUD_TEST_ITERS && time_before(jiffies, st->deadline);
	     i++) {
		struct zbud_test_slot *slot;
		unsigned long handle;
		int window;

		slot = &slots[get_random_u32_below(ZBUD_TEST_SLOTS /
						   ZBUD_TEST_WORKERS)];
		/* Pairs with the releases that publish and empty the slot. */
		handle = smp_load_acquire(&slot->handle);
		if (handle == ZBUD_TEST_BUSY)
			continue;
		window = atomic_read(&st->window);
		/* Pairs with the barriers around the reclaimer's increments. */
		smp_rmb();
		if (handle) {
			if (zbud_test_slot_claim(slot, handle)) {
				zbud_test_slot_free(st, slot, handle);
				zbud_test_overlap(st, window);
			}
			continue;
		}
		slot->size = 1 + get_random_u32_below(ZBUD_MAX_SIZE);
		slot->seed = get_random_u32();
		if (zbud_alloc(st->ctx->pool, slot->size, GFP_KERNEL,
			       &handle)) {
			atomic_inc(&st->alloc_failed);
			continue;
		}
		zbud_test_overlap(st, window);
		memset(zbud_zpool_map(NULL, handle, ZPOOL_MM_WO), slot->seed,
		       slot->size);
		zbud_zpool_unmap(NULL, handle);
		/* Publish size, seed and data with the handle. */
		smp_store_release(&slot->handle, handle);
		if (!(i % 64))
			cond_resched();
	}
	complete(&st->done[*id]);
	return 0;
}

static int zbud_test_reclaimer(void *data)
{
	struct zbud_test_stress *st = data;
	int i;

	while (time_before(jiffies, st->deadline)) {
		if (!zbud_reclaim_page(st->ctx->pool, 2))
			atomic_inc(&st->reclaimed);
		cond_resched();
		for (i = 0; i < ZBUD_TEST_WORKERS; i++)
			if (!completion_done(&st->done[i]))
				break;
		if (i == ZBUD_TEST_WORKERS)
			break;
	}
	complete(&st->done[ZBUD_TEST_WORKERS]);
	return 0;
}

static void zbud_test_concurrency(struct kunit *test)
{
	struct zbud_test_ctx *ctx = zbud_test_ctx_new(test,
						 zbud_test_stress_evict);
	struct zbud_pool *pool = ctx->pool;
	struct zbud_test_stress *st;
	struct task_struct *task;
	int i, started = 0;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	st->ctx = ctx;
	ctx->handle[0] = (unsigned long)st;
	st->deadline = jiffies + 3 * HZ;
	for (i = 0; i <= ZBUD_TEST_WORKERS; i++)
		init_completion(&st->done[i]);

	for (i = 0; i < ZBUD_TEST_WORKERS; i++) {
		st->id[i] = i;
		task = kthread_run(zbud_test_worker, &st->id[i],
				   "zbud-test-worker%d", i);
		if (IS_ERR(task))
			complete(&st->done[i]);
		else
			started++;
	}
	task = kthread_run(zbud_test_reclaimer, st, "zbud-test-reclaimer");
	if (IS_ERR(task))
		complete(&st->done[ZBUD_TEST_WORKERS]);
	else
		started++;
	for (i = 0; i <= ZBUD_TEST_WORKERS; i++)
		wait_for_completion(&st->done[i]);
	KUNIT_EXPECT_EQ(test, started, ZBUD_TEST_WORKERS + 1);

	/* Everyone is gone: free what is left. */
	for (i = 0; i < ZBUD_TEST_SLOTS; i++) {
		struct zbud_test_slot *slot = &st->slot[i];
		unsigned long handle = slot->handle;

		KUNIT_EXPECT_NE(test, handle, ZBUD_TEST_BUSY);
		if (zbud_test_slot_claim(slot, handle))
			zbud_test_slot_free(st, slot, handle);
	}
	kunit_info(test, "%d pages reclaimed, %d objects evicted, %d allocations failed, %d operations overlapped an eviction\n",
		   atomic_read(&st->reclaimed), atomic_read(&st->evicted),
		   atomic_read(&st->alloc_failed),
		   atomic_read(&st->overlaps));
	/* Without an overlap, the race this test is about never ran. */
	KUNIT_EXPECT_GT(test, atomic_read(&st->overlaps), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->corrupt), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->alloc_failed), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&st->evicted), 0);
	KUNIT_EXPECT_EQ(test, pool->pages_nr, 0UL);
	KUNIT_EXPECT_EQ(test, zbud_zpool_total_size(pool), 0ULL);
	zbud_test_destroy(test, pool);
}

static struct kunit_case zbud_test_cases[] = {
	KUNIT_CASE(zbud_test_refcount_flow),
	KUNIT_CASE(zbud_test_evict_fails),
	KUNIT_CASE(zbud_test_free_during_reclaim),
	KUNIT_CASE(zbud_test_lru_empties),
	KUNIT_CASE(zbud_test_lru_taken),
	KUNIT_CASE(zbud_test_foreign_ref),
	KUNIT_CASE(zbud_test_double_free),
	KUNIT_CASE(zbud_test_errors),
	KUNIT_CASE(zbud_test_packing),
	KUNIT_CASE(zbud_test_integrity),
	KUNIT_CASE(zbud_test_destroy_race),
	KUNIT_CASE(zbud_test_concurrency),
	{}
};

static int zbud_test_init(struct kunit *test)
{
	zbud_test_saved_taint = get_taint();
	zbud_test_saved_debug_locks = READ_ONCE(debug_locks);
	if (zbud_test_saved_taint & ZBUD_TEST_TAINTS)
		kunit_info(test, "already tainted 0x%lx, reports may go unseen\n",
			   zbud_test_saved_taint);
	return 0;
}

static void zbud_test_exit(struct kunit *test)
{
	unsigned long taint;

	WRITE_ONCE(zbud_test_fail_page_alloc, false);
	WRITE_ONCE(zbud_test_attempt_gap, NULL);
	taint = get_taint() & ~zbud_test_saved_taint & ZBUD_TEST_TAINTS;
	if (taint)
		KUNIT_FAIL(test, "kernel tainted 0x%lx: KASAN report, WARN or oops, see the log",
			   taint);
	if (zbud_test_saved_debug_locks && !READ_ONCE(debug_locks))
		KUNIT_FAIL(test, "lock debugging went off: lockdep report, see the log");
}

static struct kunit_suite zbud_test_suite = {
	.name = "zbud",
	.init = zbud_test_init,
	.exit = zbud_test_exit,
	.test_cases = zbud_test_cases,
};

kunit_test_suite(zbud_test_suite);

#endif /* _MM_TESTS_ZBUD_KUNIT_H */
