// SPDX-License-Identifier: GPL-2.0-only
/*
 * zbud - a zpool back end that stores at most two objects per page
 *
 * Copyright (C) 2013, Seth Jennings, IBM
 *
 * Concepts based on zcache internal zbud allocator by Dan Magenheimer.
 *
 * Each page zbud takes from the page allocator holds up to two compressed
 * objects, called buddies.  The page's first chunk is a header; the first
 * buddy starts right after it and the last buddy ends at the end of the
 * page, so whatever room the two leave lies in one piece between them.  The
 * density is therefore never worse than one object per page, and reclaim
 * is simple: evicting the (at most two) buddies of one page gives that page
 * back.
 *
 * Page lifetime is carried by the page reference count:
 *
 *  - every live buddy holds one reference (the page allocator's initial
 *    reference belongs to the buddy the page was allocated for);
 *  - a reclaim working on the page holds one more;
 *  - freeing a buddy drops its reference, the reclaim drops its own when it
 *    is done, and the page goes back to the page allocator when the last
 *    reference is dropped, whoever drops it.
 *
 * The count alone cannot tell zbud when it is done with a page: other
 * paths (page cache lookups, GUP-fast, compaction's pfn scanners) may take
 * a transient reference with get_page_unless_zero() on any page at any
 * time, and then the last put is theirs.  So zbud decides from its own
 * state, under the pool lock, that it is done with a page: no live buddy
 * is left and no reclaim is working on it.  It then takes the page out of
 * the pool and out of pages_nr (zbud_retire_page()) and only afterwards
 * drops its reference (zbud_put_page()).
 *
 * A page is on the pool's lists only while it holds at least one live
 * buddy and no reclaim is working on it.  A reclaim takes the page off the
 * lists while it evicts; the only other party that can touch the page then
 * is the owner of one of its buddies, freeing it (possibly from inside the
 * evict callback).  Such a free clears the slot and drops the buddy's
 * reference but leaves the lists alone; when the eviction is over the
 * reclaim puts the page back if a buddy survived, or retires it.  As no
 * allocation can land in a page under reclaim, a handle the reclaim
 * encoded stays either live or dead, never reused, until it is done.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/zpool.h>

/*
 * A page is cut into ZBUD_NCHUNKS chunks; objects are sized in whole
 * chunks and the first chunk is the header.
 */
#define ZBUD_NCHUNKS_ORDER	6
#define ZBUD_CHUNK_SHIFT	(PAGE_SHIFT - ZBUD_NCHUNKS_ORDER)
#define ZBUD_CHUNK_SIZE		BIT(ZBUD_CHUNK_SHIFT)
#define ZBUD_NCHUNKS		BIT(ZBUD_NCHUNKS_ORDER)
/* Chunks left for data once the header has its chunk. */
#define ZBUD_DATA_CHUNKS	(ZBUD_NCHUNKS - 1)
/* The largest object zbud can store. */
#define ZBUD_MAX_SIZE		((size_t)ZBUD_DATA_CHUNKS << ZBUD_CHUNK_SHIFT)
/*
 * A page with one live buddy and room for another has from 1 to
 * ZBUD_DATA_CHUNKS - 1 free chunks: one unbuddied list for each.
 */
#define ZBUD_UNBUDDIED_LISTS	(ZBUD_DATA_CHUNKS - 1)

/**
 * struct zbud_pool - a zbud allocation pool
 * @lock: protects every other field but @zpool, @ops and @drain_wait, and
 *	the lists, @first_chunks and @last_chunks of each struct zbud_header
 *	of the pool.  Never held across an evict callback.
 * @unbuddied: pages with one live buddy and room for another, one list per
 *	number of free chunks, reached through zbud_unbuddied().
 * @full: pages that cannot take another buddy: both slots are used, or the
 *	one live buddy leaves no free chunk.
 * @lru: every page on @unbuddied or @full, most recently allocated into
 *	first; reclaim takes pages from the tail.
 * @pages_nr: pages in the pool: taken from the page allocator and not yet
 *	retired by zbud_retire_page().  A retired page may live on for a
 *	while, held by a transient reference elsewhere; it is not counted.
 * @reclaims: zbud_reclaim_page() calls in progress on the pool.
 * @bad_frees: zbud_free() calls that were ignored because the handle's slot
 *	was free already (a double free) or held another object.
 * @dying: set by zbud_destroy_pool(); no reclaim may start afterwards.
 * @drain_wait: where zbud_destroy_pool() waits for @reclaims to drop to
 *	zero.  Woken with @lock held, so that the waker is done with the pool
 *	once the waiter can see the count at zero.
 * @ops: the user's callbacks, @ops->evict may be NULL.
 * @zpool: the zpool handed back to @ops->evict.
 *
 * A page under reclaim is on none of @unbuddied, @full and @lru.
 */
struct zbud_pool {
	/* Guards the pool and its pages' headers, see above. */
	spinlock_t lock;
	struct list_head unbuddied[ZBUD_UNBUDDIED_LISTS];
	struct list_head full;
	struct list_head lru;
	unsigned long pages_nr;
	unsigned int reclaims;
	unsigned long bad_frees;
	bool dying;
	wait_queue_head_t drain_wait;
	const struct zpool_ops *ops;
	struct zpool *zpool;
};

/**
 * struct zbud_header - per-page metadata, kept in the page's first chunk
 * @buddy: links the page into one of the pool's @unbuddied lists or into
 *	its @full list; empty while the page is on neither.
 * @lru: links the page into the pool's @lru; empty while it is not there.
 * @first_chunks: size in chunks of the first buddy, 0 if that slot is free.
 * @last_chunks: size in chunks of the last buddy, 0 if that slot is free.
 *
 * All fields are protected by the lock of the pool the page belongs to.
 * struct page itself is left to the page allocator: zbud only uses its
 * reference count.
 */
struct zbud_header {
	struct list_head buddy;
	struct list_head lru;
	unsigned int first_chunks;
	unsigned int last_chunks;
};

enum zbud_slot {
	ZBUD_FIRST,
	ZBUD_LAST,
};

#ifdef CONFIG_ZBUD_KUNIT_TEST
/* Lets the KUnit tests make page allocation fail. */
static bool zbud_test_fail_page_alloc;
/* Called by zbud_reclaim_page() after each failed attempt, for the tests. */
static void (*zbud_test_attempt_gap)(struct zbud_pool *pool);
#endif

/*
 * Helpers
 *
 * A handle is the address of the buddy's data.  Masking it with PAGE_MASK
 * gives the header; the first buddy always starts at the second chunk,
 * and a last buddy never does, because zbud only places a last buddy into
 * a page whose first slot is in use.
 */

static unsigned int zbud_size_to_chunks(size_t size)
{
	return DIV_ROUND_UP(size, ZBUD_CHUNK_SIZE);
}

static struct zbud_header *zbud_handle_to_header(unsigned long handle)
{
	return (struct zbud_header *)(handle & PAGE_MASK);
}

static enum zbud_slot zbud_handle_to_slot(unsigned long handle)
{
	return (handle & ~PAGE_MASK) == ZBUD_CHUNK_SIZE ? ZBUD_FIRST : ZBUD_LAST;
}

/* Caller holds the pool lock, and @slot is in use. */
static unsigned long zbud_encode_handle(struct zbud_header *zhdr,
					enum zbud_slot slot)
{
	unsigned long base = (unsigned long)zhdr;

	if (slot == ZBUD_FIRST)
		return base + ZBUD_CHUNK_SIZE;
	return base + PAGE_SIZE - (zhdr->last_chunks << ZBUD_CHUNK_SHIFT);
}

static unsigned int zbud_slot_chunks(struct zbud_header *zhdr,
				     enum zbud_slot slot)
{
	return slot == ZBUD_FIRST ? zhdr->first_chunks : zhdr->last_chunks;
}

static bool zbud_page_empty(struct zbud_header *zhdr)
{
	return !zhdr->first_chunks && !zhdr->last_chunks;
}

/* The unbuddied list of the pages with @free free chunks. */
static struct list_head *zbud_unbuddied(struct zbud_pool *pool,
					unsigned int free)
{
	return &pool->unbuddied[free - 1];
}

static unsigned int zbud_free_chunks(struct zbud_header *zhdr)
{
	return ZBUD_DATA_CHUNKS - zhdr->first_chunks - zhdr->last_chunks;
}

static struct zbud_header *zbud_init_page(struct page *page)
{
	struct zbud_header *zhdr = page_address(page);

	INIT_LIST_HEAD(&zhdr->buddy);
	INIT_LIST_HEAD(&zhdr->lru);
	zhdr->first_chunks = 0;
	zhdr->last_chunks = 0;
	return zhdr;
}

/*
 * zbud_file_page - put a page with at least one live buddy on the list that
 * matches its free room.  The page may already be on one.  Caller holds the
 * pool lock.  The LRU is left alone.
 */
static void zbud_file_page(struct zbud_pool *pool, struct zbud_header *zhdr)
{
	unsigned int free = zbud_free_chunks(zhdr);

	if (zhdr->first_chunks && zhdr->last_chunks)
		free = 0;
	if (free)
		list_move(&zhdr->buddy, zbud_unbuddied(pool, free));
	else
		list_move(&zhdr->buddy, &pool->full);
}

/*
 * zbud_under_reclaim - whether a reclaim is working on a page that holds a
 * live buddy.  Such a page is off the LRU exactly while a reclaim has it:
 * every other page with a live buddy is on the LRU.  Caller holds the pool
 * lock.
 */
static bool zbud_under_reclaim(struct zbud_header *zhdr)
{
	return list_empty(&zhdr->lru);
}

/**
 * zbud_retire_page() - take a page zbud is done with out of the pool
 * @pool: the pool the page belongs to
 * @zhdr: the page's header
 *
 * Called once per page, when the page holds no live buddy and no reclaim
 * works on it any more: takes it off the lists and out of @pool->pages_nr.
 * The caller still holds a reference on the page and drops it with
 * zbud_put_page() afterwards; whoever drops the last reference, zbud or a
 * transient user elsewhere in the kernel, gives the page back.
 *
 * Context: the pool lock is held.
 */
static void zbud_retire_page(struct zbud_pool *pool, struct zbud_header *zhdr)
{
	lockdep_assert_held(&pool->lock);
	VM_WARN_ON_ONCE_PAGE(!zbud_page_empty(zhdr), virt_to_page(zhdr));
	list_del_init(&zhdr->buddy);
	list_del_init(&zhdr->lru);
	WRITE_ONCE(pool->pages_nr, pool->pages_nr - 1);
}

/*
 * zbud_put_page - drop one of zbud's references on a page.  The page must
 * not be touched afterwards unless another of zbud's references is held.
 */
static void zbud_put_page(struct zbud_header *zhdr)
{
	put_page(virt_to_page(zhdr));
}

/*
 * API functions
 */

/**
 * zbud_create_pool() - create a new zbud pool
 * @gfp: gfp flags for allocating the pool structure
 * @ops: user callbacks; @ops->evict is needed for reclaim, and @ops may be
 *	NULL for a pool that is never shrunk
 * @zpool: passed back to @ops->evict
 *
 * Return: the new pool, or NULL if it could not be allocated.
 */
static struct zbud_pool *zbud_create_pool(gfp_t gfp,
					  const struct zpool_ops *ops,
					  struct zpool *zpool)
{
	struct zbud_pool *pool;
	int i;

	BUILD_BUG_ON(sizeof(struct zbud_header) > ZBUD_CHUNK_SIZE);

	pool = kzalloc(sizeof(*pool), gfp);
	if (!pool)
		return NULL;
	spin_lock_init(&pool->lock);
	for (i = 0; i < ZBUD_UNBUDDIED_LISTS; i++)
		INIT_LIST_HEAD(&pool->unbuddied[i]);
	INIT_LIST_HEAD(&pool->full);
	INIT_LIST_HEAD(&pool->lru);
	init_waitqueue_head(&pool->drain_wait);
	pool->ops = ops;
	pool->zpool = zpool;
	return pool;
}

static bool zbud_reclaims_drained(struct zbud_pool *pool)
{
	bool drained;

	spin_lock(&pool->lock);
	drained = !pool->reclaims;
	spin_unlock(&pool->lock);
	return drained;
}

/**
 * zbud_destroy_pool() - destroy a zbud pool
 * @pool: the pool to destroy
 *
 * Refuses new reclaims, waits for the reclaims in flight to finish, then
 * gives back every page that still holds buddies, with a single warning
 * that counts them, and frees the pool.  The caller must not allocate from
 * or free into the pool any more, except that the evict callbacks of the
 * reclaims in flight may still free the handles they were given.
 *
 * Context: process context, may sleep.
 * Return: the number of pages that still held buddies and were given back.
 */
static unsigned long zbud_destroy_pool(struct zbud_pool *pool)
{
	unsigned long leftover = 0, counted;
	struct zbud_header *zhdr;
	unsigned int live;

	spin_lock(&pool->lock);
	pool->dying = true;
	spin_unlock(&pool->lock);

	/* Every reclaim that counted itself in decrements and wakes us. */
	wait_event(pool->drain_wait, zbud_reclaims_drained(pool));

	/* No reclaim left: every page that is still allocated is on the LRU. */
	spin_lock(&pool->lock);
	while (!list_empty(&pool->lru)) {
		zhdr = list_first_entry(&pool->lru, struct zbud_header, lru);
		leftover++;
		live = !!zhdr->first_chunks + !!zhdr->last_chunks;
		zhdr->first_chunks = 0;
		zhdr->last_chunks = 0;
		zbud_retire_page(pool, zhdr);
		spin_unlock(&pool->lock);
		/* One reference per buddy; the header is not touched again. */
		while (live--)
			zbud_put_page(zhdr);
		cond_resched();
		spin_lock(&pool->lock);
	}
	counted = pool->pages_nr;
	spin_unlock(&pool->lock);

	VM_WARN_ON_ONCE(counted);
	if (leftover)
		pr_warn("pool destroyed with %lu pages still holding objects, released them\n",
			leftover);
	kfree(pool);
	return leftover;
}

/**
 * zbud_alloc() - store an object of @size bytes in the pool
 * @pool: the pool to allocate from
 * @size: size of the object in bytes
 * @gfp: gfp flags for a new page, if one is needed
 * @handle: where the handle of the new object is returned
 *
 * Looks for the page with the least free room that still fits the object
 * (best fit), and takes a new page only when no page does.  The object is
 * stored in the page's first slot if that is free, else in its last slot.
 * The new buddy holds a reference on its page.
 *
 * Context: may sleep if @gfp allows it.
 * Return: 0 on success, and *@handle set;
 * -EINVAL if @size is 0 or @gfp asks for highmem (zbud needs the page
 * mapped all the time to reach its header);
 * -ENOSPC if @size is larger than a page minus the header chunk;
 * -ENOMEM if a new page was needed and could not be allocated.
 */
static int zbud_alloc(struct zbud_pool *pool, size_t size, gfp_t gfp,
		      unsigned long *handle)
{
	struct zbud_header *zhdr = NULL;
	unsigned int chunks, free;
	enum zbud_slot slot;
	struct page *page;

	if (!size || (gfp & __GFP_HIGHMEM))
		return -EINVAL;
	if (size > ZBUD_MAX_SIZE)
		return -ENOSPC;
	chunks = zbud_size_to_chunks(size);

	spin_lock(&pool->lock);
	for (free = chunks; free <= ZBUD_UNBUDDIED_LISTS; free++) {
		zhdr = list_first_entry_or_null(zbud_unbuddied(pool, free),
						struct zbud_header, buddy);
		if (zhdr) {
			get_page(virt_to_page(zhdr));
			break;
		}
	}
	if (!zhdr) {
		spin_unlock(&pool->lock);
		page = NULL;
#ifdef CONFIG_ZBUD_KUNIT_TEST
		if (!READ_ONCE(zbud_test_fail_page_alloc))
#endif
			page = alloc_page(gfp);
		if (!page)
			return -ENOMEM;
		/* The allocator's reference is the new buddy's. */
		zhdr = zbud_init_page(page);
		spin_lock(&pool->lock);
		WRITE_ONCE(pool->pages_nr, pool->pages_nr + 1);
	}

	slot = zhdr->first_chunks ? ZBUD_LAST : ZBUD_FIRST;
	if (slot == ZBUD_FIRST)
		zhdr->first_chunks = chunks;
	else
		zhdr->last_chunks = chunks;
	zbud_file_page(pool, zhdr);
	list_move(&zhdr->lru, &pool->lru);
	*handle = zbud_encode_handle(zhdr, slot);
	spin_unlock(&pool->lock);
	return 0;
}

/**
 * zbud_free() - free an object
 * @pool: the pool the object was allocated from
 * @handle: the object's handle
 *
 * Clears the object's slot and drops the reference the object held on its
 * page.  A page that keeps a live buddy stays where it is on the LRU: a
 * free does not make it recently used.  A page that is left empty is
 * retired, unless a reclaim works on it.  A page under reclaim is neither
 * refiled nor retired here; the reclaim does that when it is done.
 *
 * A free of a handle whose slot is free already, or whose slot now holds an
 * object of another size, is a bug of the caller.  It is reported, counted
 * in @pool->bad_frees and otherwise ignored: dropping a reference for it
 * would free the page under its live buddy.  Nothing has changed at that
 * point, so there is nothing to repair, and an error message rather than a
 * WARN is enough.  A double free that comes after the whole page went back
 * to the page allocator cannot be caught here.
 *
 * Context: any context that may take a spinlock; the pool lock nests inside
 * whatever the caller holds.
 */
static void zbud_free(struct zbud_pool *pool, unsigned long handle)
{
	struct zbud_header *zhdr = zbud_handle_to_header(handle);
	enum zbud_slot slot = zbud_handle_to_slot(handle);

	spin_lock(&pool->lock);
	if (!zbud_slot_chunks(zhdr, slot) ||
	    zbud_encode_handle(zhdr, slot) != handle) {
		pool->bad_frees++;
		spin_unlock(&pool->lock);
		pr_err_ratelimited("free of a %s buddy that is not allocated, ignored\n",
				   slot == ZBUD_FIRST ? "first" : "last");
		return;
	}
	if (slot == ZBUD_FIRST)
		zhdr->first_chunks = 0;
	else
		zhdr->last_chunks = 0;

	/* A reclaim owns the place on the lists of a page it works on. */
	if (!zbud_under_reclaim(zhdr)) {
		if (zbud_page_empty(zhdr))
			zbud_retire_page(pool, zhdr);
		else
			zbud_file_page(pool, zhdr);
	}
	spin_unlock(&pool->lock);
	/* The buddy's reference; a retired page is no longer in the pool. */
	zbud_put_page(zhdr);
}

/*
 * zbud_evict_slot - hand one buddy of a page under reclaim to the evict
 * callback, unless its owner freed it meanwhile.  @handle was encoded when
 * the page was taken for reclaim; as nothing can be allocated into the page
 * since, the slot being in use means it still holds that same object.
 *
 * -ENOENT is zbud's own "the LRU is empty"; a callback that fails with it
 * (say, its object is being freed) failed to empty this page, and that is
 * reported as -EAGAIN, so that the failure is not taken for an empty pool.
 */
static int zbud_evict_slot(struct zbud_pool *pool, struct zbud_header *zhdr,
			   enum zbud_slot slot, unsigned long handle)
{
	bool live;
	int ret;

	if (!handle)
		return 0;
	spin_lock(&pool->lock);
	live = zbud_slot_chunks(zhdr, slot);
	spin_unlock(&pool->lock);
	if (!live)
		return 0;
	ret = pool->ops->evict(pool->zpool, handle);
	return ret == -ENOENT ? -EAGAIN : ret;
}

/*
 * zbud_reclaim_one - try once to empty the coldest page of the pool.
 *
 * Returns 0 if the page has no live buddy left, whoever freed them; the
 * error of the evict callback (or -EAGAIN) if a buddy survived, in which
 * case the page is back on the (un)buddied list that fits it, at the head
 * of the LRU so that the next attempt picks another page; -ENOENT if the
 * LRU is empty.
 */
static int zbud_reclaim_one(struct zbud_pool *pool)
{
	unsigned long first = 0, last = 0;
	struct zbud_header *zhdr;
	bool emptied;
	int ret;

	spin_lock(&pool->lock);
	if (list_empty(&pool->lru)) {
		spin_unlock(&pool->lock);
		return -ENOENT;
	}
	zhdr = list_last_entry(&pool->lru, struct zbud_header, lru);
	list_del_init(&zhdr->lru);
	list_del_init(&zhdr->buddy);
	/* The reclaim's own reference: the page outlives its buddies' frees. */
	get_page(virt_to_page(zhdr));
	if (zhdr->first_chunks)
		first = zbud_encode_handle(zhdr, ZBUD_FIRST);
	if (zhdr->last_chunks)
		last = zbud_encode_handle(zhdr, ZBUD_LAST);
	spin_unlock(&pool->lock);

	ret = zbud_evict_slot(pool, zhdr, ZBUD_FIRST, first);
	if (!ret)
		ret = zbud_evict_slot(pool, zhdr, ZBUD_LAST, last);

	spin_lock(&pool->lock);
	emptied = zbud_page_empty(zhdr);
	if (emptied) {
		zbud_retire_page(pool, zhdr);
	} else {
		zbud_file_page(pool, zhdr);
		list_add(&zhdr->lru, &pool->lru);
	}
	spin_unlock(&pool->lock);
	zbud_put_page(zhdr);

	if (emptied)
		return 0;
	return ret ? ret : -EAGAIN;
}

/**
 * zbud_reclaim_page() - evict the buddies of the coldest page of the pool
 * @pool: the pool to reclaim from
 * @retries: how many pages to try before giving up
 *
 * Takes the page at the tail of the LRU together with a reference on it,
 * and, with the pool lock dropped, calls the user's evict callback for
 * each of its live buddies.  The callback is expected to write the object
 * back and free it with zbud_free().  If afterwards the page holds no live
 * buddy, the reclaim retires it, drops its reference, and succeeded.  If
 * a buddy survived, the page goes back on the lists and the next page is
 * tried, @retries times at most, or until the LRU is found empty.
 *
 * A later attempt finds the LRU empty when the pages left are all held by
 * other reclaims or were freed by their owners since: no page was emptied
 * by this call, and it fails with the error of its last attempt.
 *
 * Context: process context; the evict callback may sleep.
 * Return: 0 if a page was emptied; -EINVAL if the pool has no evict
 * callback or @retries is 0; -EBUSY if the pool is being destroyed;
 * -ENOENT if the LRU is empty to start with; otherwise the evict callback's
 * last error (-EAGAIN for its -ENOENT), or -EAGAIN if it reported success
 * without freeing.
 */
static int zbud_reclaim_page(struct zbud_pool *pool, unsigned int retries)
{
	int ret = -EINVAL, failed = 0;
	unsigned int i;
#ifdef CONFIG_ZBUD_KUNIT_TEST
	void (*gap)(struct zbud_pool *pool);
#endif

	if (!pool->ops || !pool->ops->evict || !retries)
		return -EINVAL;

	spin_lock(&pool->lock);
	if (pool->dying) {
		spin_unlock(&pool->lock);
		return -EBUSY;
	}
	pool->reclaims++;
	spin_unlock(&pool->lock);

	for (i = 0; i < retries; i++) {
		ret = zbud_reclaim_one(pool);
		if (!ret)
			break;
		if (ret == -ENOENT) {
			/* Nothing left to try: this call emptied no page. */
			if (failed)
				ret = failed;
			break;
		}
		failed = ret;
#ifdef CONFIG_ZBUD_KUNIT_TEST
		gap = READ_ONCE(zbud_test_attempt_gap);
		if (gap)
			gap(pool);
#endif
	}

	spin_lock(&pool->lock);
	if (!--pool->reclaims)
		wake_up_all(&pool->drain_wait);
	spin_unlock(&pool->lock);
	return ret;
}

/*
 * zpool driver
 */

static void *zbud_zpool_create(const char *name, gfp_t gfp,
			       const struct zpool_ops *zpool_ops,
			       struct zpool *zpool)
{
	return zbud_create_pool(gfp, zpool_ops, zpool);
}

static void zbud_zpool_destroy(void *pool)
{
	zbud_destroy_pool(pool);
}

static int zbud_zpool_malloc(void *pool, size_t size, gfp_t gfp,
			     unsigned long *handle)
{
	return zbud_alloc(pool, size, gfp, handle);
}

static void zbud_zpool_free(void *pool, unsigned long handle)
{
	zbud_free(pool, handle);
}

/**
 * zbud_zpool_shrink() - reclaim pages for zpool_shrink()
 * @pool: the zbud pool
 * @pages: how many pages to give back
 * @reclaimed: if not NULL, set to the number of pages given back
 *
 * Each page gets its own zbud_reclaim_page() with a bounded number of
 * attempts.  Running out of pages after some were given back is success.
 *
 * Return: 0 if @pages pages were given back or the pool ran empty after at
 * least one; otherwise the error of the zbud_reclaim_page() that failed.
 */
static int zbud_zpool_shrink(void *pool, unsigned int pages,
			     unsigned int *reclaimed)
{
	unsigned int done = 0;
	int ret = 0;

	while (done < pages) {
		ret = zbud_reclaim_page(pool, 8);
		if (ret) {
			if (ret == -ENOENT && done)
				ret = 0;
			break;
		}
		done++;
	}
	if (reclaimed)
		*reclaimed = done;
	return ret;
}

/* The handle is the object's address: pages are never highmem. */
static void *zbud_zpool_map(void *pool, unsigned long handle,
			    enum zpool_mapmode mm)
{
	return (void *)handle;
}

static void zbud_zpool_unmap(void *pool, unsigned long handle)
{
}

static u64 zbud_zpool_total_size(void *p)
{
	struct zbud_pool *pool = p;

	return (u64)READ_ONCE(pool->pages_nr) << PAGE_SHIFT;
}

static struct zpool_driver zbud_zpool_driver = {
	.type =		"zbud",
	.owner =	THIS_MODULE,
	.create =	zbud_zpool_create,
	.destroy =	zbud_zpool_destroy,
	.malloc =	zbud_zpool_malloc,
	.free =		zbud_zpool_free,
	.shrink =	zbud_zpool_shrink,
	.sleep_mapped = true,
	.map =		zbud_zpool_map,
	.unmap =	zbud_zpool_unmap,
	.total_size =	zbud_zpool_total_size,
};

MODULE_ALIAS("zpool-zbud");

static int __init zbud_init(void)
{
	zpool_register_driver(&zbud_zpool_driver);
	return 0;
}

static void __exit zbud_exit(void)
{
	zpool_unregister_driver(&zbud_zpool_driver);
}

module_init(zbud_init);
module_exit(zbud_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Seth Jennings <sjennings@variantweb.net>");
MODULE_DESCRIPTION("Buddy allocator for compressed pages, two per page");

#ifdef CONFIG_ZBUD_KUNIT_TEST
#include "tests/zbud-kunit.h"
#endif
