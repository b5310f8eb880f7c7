// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zswap - a compressed cache for swap pages
 *
 * zswap is a frontswap backend.  Pages on their way out to a swap device are
 * compressed and kept in a RAM-based pool instead; reading them back is then
 * a decompression rather than an I/O.  When the pool grows past its limit,
 * the coldest compressed pages are decompressed and written to the swap
 * device after all ("writeback"), which makes room for new ones.
 *
 * The file is organised in sections, each stating the locking rules of the
 * data it owns:
 *
 *   statistics and tunables
 *   data structures          entries, trees and pools
 *   pool list
 *   entries and trees        the tree lock, entry reference counts
 *   LRU                      pool->lru_lock
 *   compression              per-CPU contexts and CPU hotplug
 *   pool life cycle          kref, RCU, release work
 *   writeback                shrink worker, reclaim of one entry
 *   parameters
 *   store / load             the frontswap hooks
 *   debugfs
 *   init
 *
 * Lock order: the tree lock (zswap_tree.lock) -> zswap_pool.lru_lock,
 * and the tree lock -> zswap_pools_lock (freeing an entry may drop the last
 * reference of its pool).  The per-CPU compression mutex is never taken
 * with a spinlock held, and is taken in reclaim (a store), so nothing that
 * may take the crypto API's scomp_lock (allocating or freeing a transform)
 * runs under it.
 *
 * Originally written by Seth Jennings; this version owns its writeback LRU.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/crypto.h>
#include <linux/frontswap.h>
#include <linux/highmem.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/mm_types.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/page-flags.h>
#include <linux/pagemap.h>
#include <linux/rculist.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/writeback.h>
#include <linux/zpool.h>
#include <linux/zswap.h>
#include <crypto/acompress.h>

#include "swap.h"

/********************************************************************
 * statistics
 *
 * zswap_pool_total_size and zswap_stored_pages are read by /proc/meminfo.
 * The u64 event counters are updated without locking: they are for the
 * operator and may miss a concurrent increment now and then.
 ********************************************************************/

/* Bytes used by all pools together */
u64 zswap_pool_total_size;
/* Pages held by zswap, compressed or same-filled */
atomic_t zswap_stored_pages = ATOMIC_INIT(0);
/* Of those, pages held as a single repeated word, without a zpool object */
static atomic_t zswap_same_filled_pages = ATOMIC_INIT(0);
/* Pools alive: the current one plus old ones still holding entries */
static atomic_t zswap_pool_count = ATOMIC_INIT(0);

/* A store found the pool over max_pool_percent */
static u64 zswap_pool_limit_hit;
/* Entries written back to the swap device */
static u64 zswap_written_back_pages;
/* Writebacks of an entry that failed (not counting races or an empty LRU) */
static u64 zswap_reject_reclaim_fail;
/* The compressor returned an error */
static u64 zswap_reject_compress_fail;
/* The compressed page was too big to be worth storing */
static u64 zswap_reject_compress_poor;
/* The zpool could not allocate room for the compressed page */
static u64 zswap_reject_alloc_fail;
/* The entry metadata could not be allocated */
static u64 zswap_reject_kmemcache_fail;
/* A store found an older copy of the same offset, which it replaced */
static u64 zswap_duplicate_entry;
/* Loads that dropped the compressed copy (exclusive loads) */
static u64 zswap_exclusive_loads;
/* LRU entries that were gone or replaced before reclaim could write them */
static u64 zswap_writeback_race_skipped;
/* Compressed entries that did not decompress (on load or writeback) */
static u64 zswap_decompress_fail;
/* Stores refused while full that could not pay for a writeback */
static u64 zswap_writeback_throttled;

/* Runs the shrink work items of all pools */
static struct workqueue_struct *shrink_wq;
/* Set when the pool limit is hit; stores resume below the accept threshold */
static bool zswap_pool_reached_full;

/********************************************************************
 * tunables
 ********************************************************************/

#define ZSWAP_PARAM_UNSET ""

/* Enable/disable zswap */
static bool zswap_enabled = IS_ENABLED(CONFIG_ZSWAP_DEFAULT_ON);
static int zswap_enabled_param_set(const char *val,
				   const struct kernel_param *kp);
static const struct kernel_param_ops zswap_enabled_param_ops = {
	.set =		zswap_enabled_param_set,
	.get =		param_get_bool,
};
module_param_cb(enabled, &zswap_enabled_param_ops, &zswap_enabled, 0644);

/* Crypto compressor to use */
static char *zswap_compressor = CONFIG_ZSWAP_COMPRESSOR_DEFAULT;
static int zswap_compressor_param_set(const char *val,
				      const struct kernel_param *kp);
static const struct kernel_param_ops zswap_compressor_param_ops = {
	.set =		zswap_compressor_param_set,
	.get =		param_get_charp,
	.free =		param_free_charp,
};
module_param_cb(compressor, &zswap_compressor_param_ops,
		&zswap_compressor, 0644);

/* Compressed storage zpool to use */
static char *zswap_zpool_type = CONFIG_ZSWAP_ZPOOL_DEFAULT;
static int zswap_zpool_param_set(const char *val,
				 const struct kernel_param *kp);
static const struct kernel_param_ops zswap_zpool_param_ops = {
	.set =		zswap_zpool_param_set,
	.get =		param_get_charp,
	.free =		param_free_charp,
};
module_param_cb(zpool, &zswap_zpool_param_ops, &zswap_zpool_type, 0644);

/* Percentages: a value outside the parameter's range is refused */
static int zswap_max_pool_param_set(const char *val,
				    const struct kernel_param *kp);
static const struct kernel_param_ops zswap_max_pool_param_ops = {
	.set =		zswap_max_pool_param_set,
	.get =		param_get_uint,
};

static int zswap_accept_thr_param_set(const char *val,
				      const struct kernel_param *kp);
static const struct kernel_param_ops zswap_accept_thr_param_ops = {
	.set =		zswap_accept_thr_param_set,
	.get =		param_get_uint,
};

/* The most memory the compressed pool may occupy, in percent: 0..100 */
static unsigned int zswap_max_pool_percent = 20;
module_param_cb(max_pool_percent, &zswap_max_pool_param_ops,
		&zswap_max_pool_percent, 0644);
MODULE_PARM_DESC(max_pool_percent,
		 "Most memory the compressed pool may use, in percent of RAM (0..100)");

/*
 * After the limit was hit, stores resume below this percentage of it:
 * 1..100.  At 0 no size would be below it, and every refused store would
 * make the shrink worker write back the whole pool.
 */
static unsigned int zswap_accept_thr_percent = 90;
module_param_cb(accept_threshold_percent, &zswap_accept_thr_param_ops,
		&zswap_accept_thr_percent, 0644);
MODULE_PARM_DESC(accept_threshold_percent,
		 "Once the pool limit was hit, stores resume below this percentage of it (1..100)");

/* Store pages made of one repeated word as that word only */
static bool zswap_same_filled_pages_enabled = true;
module_param_named(same_filled_pages_enabled, zswap_same_filled_pages_enabled,
		   bool, 0644);

/* Store pages that need compression (if off, only same-filled ones) */
static bool zswap_non_same_filled_pages_enabled = true;
module_param_named(non_same_filled_pages_enabled,
		   zswap_non_same_filled_pages_enabled, bool, 0644);

/* Drop the compressed copy when a page is loaded into the swap cache */
static bool zswap_exclusive_loads_enabled =
	IS_ENABLED(CONFIG_ZSWAP_EXCLUSIVE_LOADS_DEFAULT_ON);
module_param_named(exclusive_loads, zswap_exclusive_loads_enabled, bool, 0644);

/********************************************************************
 * data structures
 ********************************************************************/

/*
 * struct crypto_acomp_ctx - one CPU's compression context in a pool
 * @acomp:  the transform
 * @req:    the request; NULL while the CPU is offline
 * @wait:   completion of asynchronous requests
 * @buffer: two pages, compression output and bounce buffer for loads
 * @mutex:  serialises the users of this context, and the CPU hotplug
 *          callbacks that set it up and tear it down
 *
 * The context lives in per-CPU memory that stays allocated for the life of
 * the pool; only @acomp, @req and @buffer come and go with the CPU.
 */
struct crypto_acomp_ctx {
	struct crypto_acomp *acomp;
	struct acomp_req *req;
	struct crypto_wait wait;
	u8 *buffer;
	struct mutex mutex; /* see above */
};

/*
 * struct zswap_pool - a zpool with a compressor, and its writeback LRU
 *
 * Life cycle: @kref counts the current-pool reference (held while the pool
 * is first on zswap_pools), one reference per compressed entry, one for a
 * queued @shrink_work, and short-lived ones taken by stores and parameter
 * changes.  When it drops to zero the pool leaves zswap_pools and
 * @release_work destroys it after an RCU grace period.  Every reclaim runs
 * under a pool reference (the shrink work's, or its caller's), so none can
 * be running then; zswap_pool_destroy() only cancels @shrink_work, whose
 * worker may still be returning after its final put.
 *
 * @lru holds every compressed entry of the pool (same-filled entries have no
 * pool), hottest first.  @lru_clock ticks each time an entry goes to the
 * head, and the entry keeps the tick in its lru_stamp.  @lru, @nr_lru,
 * @lru_clock and the entries' lru links and stamps are guarded by
 * @lru_lock, which nests inside the tree lock; @nr_lru is also read
 * locklessly, as a hint.  The only place
 * @lru_lock is taken without the tree lock is reclaim picking its victim,
 * which must then find the entry in the tree again before using it.
 */
struct zswap_pool {
	struct zpool *zpool;
	struct crypto_acomp_ctx __percpu *acomp_ctx;
	struct kref kref;
	struct list_head list;
	struct work_struct release_work;
	struct work_struct shrink_work;
	struct hlist_node node;
	spinlock_t lru_lock; /* guards lru, nr_lru and the entries' links */
	struct list_head lru;
	unsigned long nr_lru;
	unsigned int lru_clock;
	char tfm_name[CRYPTO_MAX_ALG_NAME];
};

/*
 * struct zswap_entry - one page held by zswap
 * @swpentry: the swap slot the page belongs to; reclaim reads it under the
 *            LRU lock alone, to find the tree and offset
 * @refcount: references: the tree holds one while the entry is in it, loads
 *            and reclaim take one for the time they use the entry; guarded
 *            by the tree lock.  The entry is freed at zero.
 * @length:   compressed length, 0 for a same-filled page
 * @pool:     the pool holding the data (NULL for a same-filled page)
 * @handle:   zpool handle of the compressed data
 * @value:    the repeated word of a same-filled page
 * @objcg:    memory cgroup charged for the entry, if any
 * @lru:      link in @pool's LRU, empty while off it; under pool->lru_lock
 * @lru_stamp: @pool's lru_clock when the entry last went to the LRU head;
 *            under pool->lru_lock
 */
struct zswap_entry {
	swp_entry_t swpentry;
	int refcount;
	unsigned int length;
	struct zswap_pool *pool;
	union {
		unsigned long handle;
		unsigned long value;
	};
	struct obj_cgroup *objcg;
	struct list_head lru;
	unsigned int lru_stamp;
};

/* There is one per stored page: keep it to a cache line */
static_assert(sizeof(struct zswap_entry) <= 64);

/* A leaf of a tree maps this many consecutive swap offsets */
#define ZSWAP_LEAF_SHIFT	6
#define ZSWAP_LEAF_SLOTS	BIT(ZSWAP_LEAF_SHIFT)

/*
 * struct zswap_leaf - the entries of ZSWAP_LEAF_SLOTS consecutive offsets
 * @entries: each offset's entry, or NULL
 * @nr:      how many of @entries are set; the leaf goes when it reaches 0
 */
struct zswap_leaf {
	struct zswap_entry *entries[ZSWAP_LEAF_SLOTS];
	unsigned int nr;
};

/*
 * struct zswap_tree - the entries of one swap type, by offset
 *
 * A table of two levels: @leaves holds a pointer per ZSWAP_LEAF_SLOTS
 * offsets of the device, a bit per page as frontswap's own map, and a leaf
 * is allocated with the first entry of its range and freed with the last.
 * Swap hands out offsets in clusters, so the leaves are mostly full, about
 * 8 bytes per entry, and a lookup is two loads: no link in the entry, and
 * no walk of an index on the store and load paths.
 *
 * @lock is "the tree lock": it guards @leaves, every leaf and the refcount
 * of every entry in the tree, and is taken before any pool's lru_lock.
 */
struct zswap_tree {
	spinlock_t lock;		/* the tree lock, see above */
	unsigned long max;		/* offsets 0 .. max - 1 */
	struct zswap_leaf **leaves;	/* DIV_ROUND_UP(max, LEAF_SLOTS) */
};

static struct zswap_tree *zswap_trees[MAX_SWAPFILES];

static void zswap_tree_lock(struct zswap_tree *tree)
	__acquires(&tree->lock)
{
	spin_lock(&tree->lock);
}

static void zswap_tree_unlock(struct zswap_tree *tree)
	__releases(&tree->lock)
{
	spin_unlock(&tree->lock);
}

#define zswap_tree_assert_held(tree)	lockdep_assert_held(&(tree)->lock)

/********************************************************************
 * pool list
 *
 * zswap_pools is walked under RCU; changes take zswap_pools_lock.  The
 * first pool is the current one, which new stores go to; the others only
 * hold older entries and go away with their last one.
 ********************************************************************/

static LIST_HEAD(zswap_pools);
static DEFINE_SPINLOCK(zswap_pools_lock);
/* Gives each zpool a unique name (zsmalloc needs that) */
static atomic_t zswap_pools_created = ATOMIC_INIT(0);

/* Parameter setters before init only record the value */
static bool zswap_init_started;
/* Init failed: zswap can never be used */
static bool zswap_init_failed;
/* A current pool exists */
static bool zswap_has_pool;

static void zswap_pool_debug(const char *msg, struct zswap_pool *pool)
{
	pr_debug("%s pool %s/%s\n", msg, pool->tfm_name,
		 zpool_get_type(pool->zpool));
}

static bool zswap_pool_get(struct zswap_pool *pool);
static void zswap_pool_put(struct zswap_pool *pool);

static unsigned long zswap_max_pages(void)
{
	return totalram_pages() * READ_ONCE(zswap_max_pool_percent) / 100;
}

static unsigned long zswap_accept_pages(void)
{
	return zswap_max_pages() * READ_ONCE(zswap_accept_thr_percent) / 100;
}

static unsigned long zswap_total_pages(void)
{
	return DIV_ROUND_UP(READ_ONCE(zswap_pool_total_size), PAGE_SIZE);
}

static bool zswap_is_full(void)
{
	return zswap_total_pages() > zswap_max_pages();
}

static bool zswap_can_accept(void)
{
	return zswap_total_pages() < zswap_accept_pages();
}

static void zswap_update_total_size(void)
{
	struct zswap_pool *pool;
	u64 total = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(pool, &zswap_pools, list)
		total += zpool_get_total_size(pool->zpool);
	rcu_read_unlock();

	WRITE_ONCE(zswap_pool_total_size, total);
}

/********************************************************************
 * KUnit seams
 *
 * Tests replace the writeback step and inject allocation failures; in a
 * kernel without CONFIG_ZSWAP_KUNIT_TEST these are constants.
 ********************************************************************/

static int zswap_writeback_entry(struct zswap_entry *entry,
				 struct zswap_tree *tree);

#ifdef CONFIG_ZSWAP_KUNIT_TEST
typedef int (*zswap_writeback_fn_t)(struct zswap_entry *entry,
				    struct zswap_tree *tree);
static zswap_writeback_fn_t zswap_writeback_fn = zswap_writeback_entry;
/* Swap type of the tests' private tree: there is no device to pin */
static int zswap_kunit_type = -1;
/* Called by reclaim between leaving the LRU lock and the tree lookup */
static void (*zswap_kunit_reclaim_gap)(swp_entry_t swpentry);
/* Called by a load between decompressing and retaking the tree lock */
static void (*zswap_kunit_load_gap)(swp_entry_t swpentry);
/* Called with a compression context's mutex just taken */
static void (*zswap_kunit_ctx_gap)(struct crypto_acomp_ctx *ctx);
/* Called by a context's teardown just before it frees the transform */
static void (*zswap_kunit_ctx_free_gap)(struct crypto_acomp_ctx *ctx);
static bool zswap_kunit_fail_entry_alloc;
static bool zswap_kunit_fail_tree_alloc;
static bool zswap_kunit_fail_zpool_alloc;
static bool zswap_kunit_fail_compress;
#define zswap_call_writeback(e, t)	READ_ONCE(zswap_writeback_fn)(e, t)
#define zswap_kunit_fail(what)		READ_ONCE(zswap_kunit_fail_##what)
#define zswap_kunit_gap(where, arg)					\
	do {								\
		typeof(zswap_kunit_##where##_gap) __gap;		\
									\
		__gap = READ_ONCE(zswap_kunit_##where##_gap);		\
		if (__gap)						\
			__gap(arg);					\
	} while (0)
#else
#define zswap_call_writeback(e, t)	zswap_writeback_entry(e, t)
#define zswap_kunit_fail(what)		false
#define zswap_kunit_gap(where, arg)	do { } while (0)
#endif

/********************************************************************
 * entries and trees
 *
 * An entry is reachable from its tree and, if compressed, from its pool's
 * LRU.  The tree owns one reference.  Lookups that need the entry after
 * dropping the tree lock take another; whoever drops the last one frees
 * the entry, so after zswap_entry_put() the caller must not touch it.
 ********************************************************************/

static struct kmem_cache *zswap_entry_cache;
static struct kmem_cache *zswap_leaf_cache;

static struct zswap_entry *zswap_entry_alloc(gfp_t gfp)
{
	struct zswap_entry *entry;

	if (zswap_kunit_fail(entry_alloc))
		return NULL;
	entry = kmem_cache_alloc(zswap_entry_cache, gfp);
	if (!entry)
		return NULL;
	entry->refcount = 1;
	entry->length = 0;
	entry->pool = NULL;
	entry->objcg = NULL;
	INIT_LIST_HEAD(&entry->lru);
	return entry;
}

/* The entry at @offset, if any; under the tree lock */
static struct zswap_entry *zswap_tree_search(struct zswap_tree *tree,
					     pgoff_t offset)
{
	struct zswap_leaf *leaf;

	zswap_tree_assert_held(tree);
	if (offset >= tree->max)
		return NULL;
	leaf = tree->leaves[offset >> ZSWAP_LEAF_SHIFT];
	return leaf ? leaf->entries[offset & (ZSWAP_LEAF_SLOTS - 1)] : NULL;
}

/**
 * zswap_tree_insert() - map a swap offset to an entry
 * @tree:   the tree, whose lock the caller holds
 * @offset: the swap offset, below @tree->max
 * @entry:  the new entry
 * @dup:    set to the entry that @offset mapped before, or NULL
 *
 * Allocates the leaf of @offset if it has none, dropping the tree lock
 * around the allocation: a store that replaces an older copy never does.
 * The caller passes the tree's reference of *@dup on, or drops it.
 *
 * Return: 0, or -ENOMEM if the leaf could not be allocated, in which case
 * nothing changed.
 */
static int zswap_tree_insert(struct zswap_tree *tree, pgoff_t offset,
			     struct zswap_entry *entry,
			     struct zswap_entry **dup)
	__must_hold(&tree->lock)
{
	struct zswap_leaf **leafp = &tree->leaves[offset >> ZSWAP_LEAF_SHIFT];
	struct zswap_entry **slot;
	struct zswap_leaf *leaf;

	zswap_tree_assert_held(tree);
	if (!*leafp) {
		zswap_tree_unlock(tree);
		leaf = zswap_kunit_fail(tree_alloc) ? NULL :
			kmem_cache_zalloc(zswap_leaf_cache, GFP_KERNEL);
		zswap_tree_lock(tree);
		if (!*leafp) {
			if (!leaf)
				return -ENOMEM;
			*leafp = leaf;
		} else if (leaf) {
			/* Another store to the same range got there first */
			kmem_cache_free(zswap_leaf_cache, leaf);
		}
	}
	leaf = *leafp;
	slot = &leaf->entries[offset & (ZSWAP_LEAF_SLOTS - 1)];
	*dup = *slot;
	if (!*dup)
		leaf->nr++;
	*slot = entry;
	return 0;
}

/*
 * Unmap @offset and return the entry it mapped, if any, with the tree's
 * reference, which the caller passes on or drops; under the tree lock.
 */
static struct zswap_entry *zswap_tree_erase(struct zswap_tree *tree,
					    pgoff_t offset)
{
	struct zswap_leaf **leafp, *leaf;
	struct zswap_entry **slot, *entry;

	zswap_tree_assert_held(tree);
	if (offset >= tree->max)
		return NULL;
	leafp = &tree->leaves[offset >> ZSWAP_LEAF_SHIFT];
	leaf = *leafp;
	if (!leaf)
		return NULL;
	slot = &leaf->entries[offset & (ZSWAP_LEAF_SLOTS - 1)];
	entry = *slot;
	if (entry) {
		*slot = NULL;
		if (!--leaf->nr) {
			*leafp = NULL;
			kmem_cache_free(zswap_leaf_cache, leaf);
		}
	}
	return entry;
}

static void zswap_lru_del(struct zswap_entry *entry);

/* Release everything @entry holds; it is out of the tree and unreferenced */
static void zswap_free_entry(struct zswap_entry *entry)
{
	if (entry->objcg) {
		obj_cgroup_uncharge_zswap(entry->objcg, entry->length);
		obj_cgroup_put(entry->objcg);
	}
	if (entry->length) {
		/* Whoever took the entry out of the tree took it off the LRU */
		if (WARN_ON_ONCE(!list_empty(&entry->lru)))
			zswap_lru_del(entry);
		zpool_free(entry->pool->zpool, entry->handle);
		zswap_pool_put(entry->pool);
	} else {
		atomic_dec(&zswap_same_filled_pages);
	}
	kmem_cache_free(zswap_entry_cache, entry);
	atomic_dec(&zswap_stored_pages);
	zswap_update_total_size();
}

static void zswap_entry_get(struct zswap_entry *entry)
{
	entry->refcount++;
}

/* Drop a reference; the entry may be freed, do not touch it afterwards */
static void zswap_entry_put(struct zswap_tree *tree, struct zswap_entry *entry)
{
	zswap_tree_assert_held(tree);
	WARN_ON_ONCE(entry->refcount <= 0);
	/* The tree's reference went with the mapping: nothing maps it now */
	if (--entry->refcount == 0)
		zswap_free_entry(entry);
}

static struct zswap_entry *zswap_entry_find_get(struct zswap_tree *tree,
						pgoff_t offset)
{
	struct zswap_entry *entry;

	entry = zswap_tree_search(tree, offset);
	if (entry)
		zswap_entry_get(entry);
	return entry;
}

/*
 * @entry no longer has a mapping in the tree: take it off its LRU and drop
 * the tree's reference.  Holders of other references still see a valid
 * entry, which is freed by the last of their puts.
 */
static void zswap_entry_unmapped(struct zswap_tree *tree,
				 struct zswap_entry *entry)
{
	zswap_tree_assert_held(tree);
	if (entry->length)
		zswap_lru_del(entry);
	zswap_entry_put(tree, entry);
}

/* Take @entry, which the tree maps, out of the tree, as above */
static void zswap_invalidate_entry(struct zswap_tree *tree,
				   struct zswap_entry *entry)
{
	zswap_tree_assert_held(tree);
	WARN_ON_ONCE(zswap_tree_erase(tree, swp_offset(entry->swpentry)) != entry);
	zswap_entry_unmapped(tree, entry);
}

/********************************************************************
 * LRU
 *
 * pool->lru orders the pool's compressed entries by use, hottest at the
 * head.  Entries join at store, go back to the head on a load that keeps
 * them, and leave on invalidate, free and reclaim.  All changes hold
 * pool->lru_lock, and all but reclaim's also hold the tree lock (taken
 * first).  An entry whose lru link is empty is off the LRU, either being
 * reclaimed or on its way out.
 *
 * Writeback credit.  Writing the coldest entry back to make room for a
 * new store only pays when the new page will be used more than the old
 * one would have been; otherwise its compression, decompression and write
 * are wasted, and refusing the store, as 6.1 does, is cheaper.  Whether
 * that is so shows in the loads: when use follows recency, few loads hit
 * the entries in the LRU's tail, the ones writeback takes next.  The tail
 * is what has not gone to the head for at least (1 - 1/ZSWAP_WB_TAIL) of
 * nr_lru clock ticks; at most that share of the entries can be younger,
 * so without locality at least 1/ZSWAP_WB_TAIL of the hits are tail hits.
 * A hit outside the tail adds one to zswap_wb_credit, a tail hit takes
 * ZSWAP_WB_TAIL - 1 away: the credit grows only if the tail is hit less
 * than its share.  A refused store does not tick the clock, so a pool
 * that refuses them measures recency in loads alone.
 *
 * Each entry the shrink worker writes back costs one credit.  Without
 * credit the pool behaves as 6.1's: stores are refused until it has
 * drained below the accept threshold, and the worker is not queued.  A
 * pool full of pages nobody reads gets no hits and so no evidence either
 * way: it explores.  After ZSWAP_WB_EXPLORE stores refused in a row, one
 * writeback is granted, which lets new pages in to show whether they are
 * used.  While no load hits any pool and the credit is not negative,
 * exploring has shown nothing, and each exploration doubles the refusals
 * the next one waits for, up to ZSWAP_WB_EXPLORE <<
 * ZSWAP_WB_EXPLORE_MAX_SHIFT; the first hit brings the wait back to
 * ZSWAP_WB_EXPLORE.  A negative credit keeps the wait there too: each
 * exploration also wears a unit of it away, so that a pool that one phase
 * of tail hits left in debt does not stay frozen after that phase.  The
 * cost is so bounded by a small share of the refused stores, and by a far
 * smaller one while nobody reads the pool.  The credit is bounded both
 * ways, by an eighth of the pool's entries or ZSWAP_WB_CREDIT_MIN, so that
 * it follows a change of workload.  It, and the exploration's state, are
 * updated without a lock, and the credit may overshoot its bounds by a
 * few.
 ********************************************************************/

#define ZSWAP_WB_TAIL			8
#define ZSWAP_WB_CREDIT_MIN		64
#define ZSWAP_WB_EXPLORE		256
#define ZSWAP_WB_EXPLORE_MAX_SHIFT	4

static atomic_t zswap_wb_credit = ATOMIC_INIT(0);
/*
 * The exploration: stores refused since the last one, how far it has
 * backed off (it waits ZSWAP_WB_EXPLORE << shift refusals), and whether a
 * load has hit a pool since.  Racy, which is fine: a lost update only
 * moves one exploration.
 */
static unsigned int zswap_wb_refused;
static unsigned int zswap_wb_explore_shift;
static bool zswap_wb_explore_hit;

static bool zswap_wb_credit_available(void)
{
	return atomic_read(&zswap_wb_credit) > 0;
}

/*
 * A full pool refused a store: explore once enough have been refused in a
 * row, and wait twice as long for the next exploration unless a load has
 * hit a pool meanwhile or the credit is negative.
 */
static void zswap_wb_credit_refused(void)
{
	unsigned int shift = READ_ONCE(zswap_wb_explore_shift);
	bool reset = READ_ONCE(zswap_wb_explore_hit) ||
		     atomic_read(&zswap_wb_credit) < 0;

	if (++zswap_wb_refused < ZSWAP_WB_EXPLORE << (reset ? 0 : shift))
		return;
	zswap_wb_refused = 0;
	if (reset) {
		WRITE_ONCE(zswap_wb_explore_hit, false);
		shift = 0;
	} else if (shift < ZSWAP_WB_EXPLORE_MAX_SHIFT) {
		shift++;
	}
	WRITE_ONCE(zswap_wb_explore_shift, shift);
	if (atomic_read(&zswap_wb_credit) < ZSWAP_WB_CREDIT_MIN)
		atomic_inc(&zswap_wb_credit);
}

/* Credit or debit the load of @entry, on @pool's LRU; under its lru_lock */
static void zswap_wb_credit_hit(struct zswap_pool *pool,
				struct zswap_entry *entry)
{
	int bound = max_t(unsigned long, pool->nr_lru / 8, ZSWAP_WB_CREDIT_MIN);
	int credit = atomic_read(&zswap_wb_credit);
	unsigned long tail = pool->nr_lru / ZSWAP_WB_TAIL;

	lockdep_assert_held(&pool->lru_lock);
	if (!READ_ONCE(zswap_wb_explore_hit))
		WRITE_ONCE(zswap_wb_explore_hit, true);
	if (pool->lru_clock - entry->lru_stamp < pool->nr_lru - tail) {
		if (credit < bound)
			atomic_inc(&zswap_wb_credit);
	} else if (credit > -bound) {
		atomic_sub(ZSWAP_WB_TAIL - 1, &zswap_wb_credit);
	}
}

/* Put @entry at the head of its pool's LRU; under the pool's lru_lock */
static void zswap_lru_push(struct zswap_pool *pool, struct zswap_entry *entry)
{
	lockdep_assert_held(&pool->lru_lock);
	list_move(&entry->lru, &pool->lru);
	entry->lru_stamp = ++pool->lru_clock;
}

static void zswap_lru_add(struct zswap_entry *entry)
{
	struct zswap_pool *pool = entry->pool;

	spin_lock(&pool->lru_lock);
	if (list_empty(&entry->lru)) {
		zswap_lru_push(pool, entry);
		WRITE_ONCE(pool->nr_lru, pool->nr_lru + 1);
	}
	spin_unlock(&pool->lru_lock);
}

static void zswap_lru_del(struct zswap_entry *entry)
{
	struct zswap_pool *pool = entry->pool;

	spin_lock(&pool->lru_lock);
	if (!list_empty(&entry->lru)) {
		list_del_init(&entry->lru);
		WRITE_ONCE(pool->nr_lru, pool->nr_lru - 1);
	}
	spin_unlock(&pool->lru_lock);
}

/*
 * A load hit @entry: count it for the writeback credit and, if the load
 * keeps the entry, make it the hottest.  An entry that reclaim holds is
 * left alone.
 */
static void zswap_lru_hit(struct zswap_entry *entry, bool keep)
{
	struct zswap_pool *pool = entry->pool;

	spin_lock(&pool->lru_lock);
	if (!list_empty(&entry->lru)) {
		zswap_wb_credit_hit(pool, entry);
		if (keep)
			zswap_lru_push(pool, entry);
	}
	spin_unlock(&pool->lru_lock);
}

/*
 * Take the coldest entry off @pool's LRU.  Returns it with its swap entry
 * in @swpentry, or NULL if the LRU is empty.  The caller holds no lock and
 * no reference on the entry, which may be freed at any time: it is only a
 * cookie to compare with what the tree holds for @swpentry.
 */
static struct zswap_entry *zswap_lru_take_coldest(struct zswap_pool *pool,
						  swp_entry_t *swpentry)
{
	struct zswap_entry *entry = NULL;

	spin_lock(&pool->lru_lock);
	if (!list_empty(&pool->lru)) {
		entry = list_last_entry(&pool->lru, struct zswap_entry, lru);
		list_del_init(&entry->lru);
		WRITE_ONCE(pool->nr_lru, pool->nr_lru - 1);
		*swpentry = entry->swpentry;
	}
	spin_unlock(&pool->lru_lock);
	return entry;
}

/********************************************************************
 * compression
 *
 * Each pool has a compression context per CPU.  Store, load and writeback
 * use the context of the CPU they happen to run on, under its mutex, and
 * may sleep in it (zpool allocation, asynchronous compressors) and so
 * migrate to another CPU.  Meanwhile the CPU they started on may go
 * offline, and its teardown callback - which runs on another CPU, so
 * disabling migration does not exclude it - would free the transform under
 * them.  Hence the teardown takes the same mutex to unpublish the context,
 * leaving req == NULL behind, and frees the transform after dropping it;
 * users check req once they hold the mutex, and if the context died
 * meanwhile they retry on the CPU they now run on.  The per-CPU memory
 * holding the mutex itself lives as long as the pool.
 ********************************************************************/

static int zswap_cpu_comp_prepare(unsigned int cpu, struct hlist_node *node)
{
	struct zswap_pool *pool = hlist_entry(node, struct zswap_pool, node);
	struct crypto_acomp_ctx *ctx = per_cpu_ptr(pool->acomp_ctx, cpu);
	struct crypto_acomp *acomp;
	struct acomp_req *req;
	u8 *buffer;
	int ret;

	buffer = kmalloc_node(PAGE_SIZE * 2, GFP_KERNEL, cpu_to_node(cpu));
	if (!buffer)
		return -ENOMEM;

	acomp = crypto_alloc_acomp_node(pool->tfm_name, 0, 0, cpu_to_node(cpu));
	if (IS_ERR(acomp)) {
		ret = PTR_ERR(acomp);
		pr_err("could not alloc crypto acomp %s: %d\n",
		       pool->tfm_name, ret);
		goto free_buffer;
	}

	req = acomp_request_alloc(acomp);
	if (!req) {
		pr_err("could not alloc crypto acomp request %s\n",
		       pool->tfm_name);
		ret = -ENOMEM;
		goto free_acomp;
	}

	mutex_lock(&ctx->mutex);
	crypto_init_wait(&ctx->wait);
	/*
	 * An asynchronous compressor completes through crypto_req_done(),
	 * which wakes crypto_wait_req(); a synchronous one returns at once.
	 */
	acomp_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG,
				   crypto_req_done, &ctx->wait);
	ctx->buffer = buffer;
	ctx->acomp = acomp;
	ctx->req = req;
	mutex_unlock(&ctx->mutex);
	return 0;

free_acomp:
	crypto_free_acomp(acomp);
free_buffer:
	kfree(buffer);
	return ret;
}

/**
 * zswap_cpu_comp_dead() - tear down a pool's compression context of a CPU
 * @cpu:  the CPU that went offline (or every CPU, when the pool goes)
 * @node: the pool's CPU hotplug instance
 *
 * Waits for a user that started on @cpu before it went away, then takes
 * the transform, request and buffer out of the context under its mutex,
 * and frees them only once the mutex is dropped.  Freeing a transform
 * takes the crypto layer's scomp_lock, under which a new transform's
 * scratch buffers are vmalloc()ed; that allocation may reclaim, reclaim
 * may store to zswap, and a store takes a context mutex.  Freeing under
 * the mutex would close that cycle, between a CPU going offline (or a
 * pool being destroyed) and any pool being created.
 *
 * Return: 0.
 */
static int zswap_cpu_comp_dead(unsigned int cpu, struct hlist_node *node)
{
	struct zswap_pool *pool = hlist_entry(node, struct zswap_pool, node);
	struct crypto_acomp_ctx *ctx = per_cpu_ptr(pool->acomp_ctx, cpu);
	struct crypto_acomp *acomp;
	struct acomp_req *req;
	u8 *buffer;

	mutex_lock(&ctx->mutex);
	req = ctx->req;
	acomp = ctx->acomp;
	buffer = ctx->buffer;
	ctx->req = NULL;
	ctx->acomp = NULL;
	ctx->buffer = NULL;
	mutex_unlock(&ctx->mutex);

	/* Nobody can reach them now; see above for why only now */
	zswap_kunit_gap(ctx_free, ctx);
	if (req)
		acomp_request_free(req);
	if (acomp)
		crypto_free_acomp(acomp);
	kfree(buffer);
	return 0;
}

/**
 * zswap_acomp_ctx_lock() - get this CPU's compression context, locked
 * @pool: the pool whose compressor is wanted
 *
 * The context may belong to a CPU that is no longer the one we run on, or
 * no longer online; holding its mutex keeps it usable until
 * zswap_acomp_ctx_unlock().  A context whose CPU died before we got the
 * mutex is skipped, see the section comment.
 *
 * Return: the locked context, with a valid request.
 */
static struct crypto_acomp_ctx *zswap_acomp_ctx_lock(struct zswap_pool *pool)
{
	struct crypto_acomp_ctx *ctx;

	for (;;) {
		ctx = raw_cpu_ptr(pool->acomp_ctx);
		mutex_lock(&ctx->mutex);
		zswap_kunit_gap(ctx, ctx);
		if (likely(ctx->req))
			return ctx;
		mutex_unlock(&ctx->mutex);
	}
}

static void zswap_acomp_ctx_unlock(struct crypto_acomp_ctx *ctx)
{
	mutex_unlock(&ctx->mutex);
}

/**
 * zswap_compress() - compress a page into a new zpool object of a pool
 * @pool:    the pool to store into
 * @page:    the page to compress
 * @handlep: where the zpool handle goes
 * @lenp:    where the compressed length goes
 *
 * The compressor gets a page's worth of room, as in 6.1: a result that
 * does not fit is of no use, and the compressor may give up as soon as it
 * knows.  Most then fail, so that an incompressible page counts in
 * reject_compress_fail; one that overruns the room it was given instead
 * counts in reject_compress_poor, as does a result too big for the zpool.
 * Counts reject_alloc_fail too.
 *
 * Return: 0, -EINVAL when the compressor failed, -ENOSPC when the result
 * is not smaller than a page or does not fit a zpool object, or the
 * zpool's allocation error.
 */
static int zswap_compress(struct zswap_pool *pool, struct page *page,
			  unsigned long *handlep, unsigned int *lenp)
{
	struct scatterlist input, output;
	struct crypto_acomp_ctx *ctx;
	unsigned long handle;
	unsigned int dlen;
	gfp_t gfp;
	void *dst;
	int ret;

	ctx = zswap_acomp_ctx_lock(pool);

	sg_init_table(&input, 1);
	sg_set_page(&input, page, PAGE_SIZE, 0);
	/* Two pages, for a compressor that overruns the room it is given */
	sg_init_one(&output, ctx->buffer, PAGE_SIZE * 2);
	acomp_request_set_params(ctx->req, &input, &output, PAGE_SIZE,
				 PAGE_SIZE);
	/*
	 * One request at a time per context, so wait for it right away;
	 * parallelism comes from each CPU having its own context.
	 */
	if (zswap_kunit_fail(compress))
		ret = -EINVAL;
	else
		ret = crypto_wait_req(crypto_acomp_compress(ctx->req),
				      &ctx->wait);
	dlen = ctx->req->dlen;
	if (ret) {
		zswap_reject_compress_fail++;
		ret = -EINVAL;
		goto unlock;
	}
	if (dlen >= PAGE_SIZE) {
		zswap_reject_compress_poor++;
		ret = -ENOSPC;
		goto unlock;
	}

	gfp = __GFP_NORETRY | __GFP_NOWARN | __GFP_KSWAPD_RECLAIM;
	if (zpool_malloc_support_movable(pool->zpool))
		gfp |= __GFP_HIGHMEM | __GFP_MOVABLE;
	if (zswap_kunit_fail(zpool_alloc))
		ret = -ENOMEM;
	else
		ret = zpool_malloc(pool->zpool, dlen, gfp, &handle);
	if (ret == -ENOSPC) {
		zswap_reject_compress_poor++;
		goto unlock;
	}
	if (ret) {
		zswap_reject_alloc_fail++;
		goto unlock;
	}

	dst = zpool_map_handle(pool->zpool, handle, ZPOOL_MM_WO);
	memcpy(dst, ctx->buffer, dlen);
	zpool_unmap_handle(pool->zpool, handle);

	*handlep = handle;
	*lenp = dlen;
unlock:
	zswap_acomp_ctx_unlock(ctx);
	return ret;
}

/**
 * zswap_decompress() - fill a page from a compressed entry
 * @entry: a compressed entry the caller holds a reference on
 * @page:  the destination
 *
 * Counts decompress_fail itself.  The data of such an entry is lost: the
 * callers keep the entry, so that a load fails rather than reading the
 * never written swap slot, and never write it back.
 *
 * Return: 0, or -EIO if the data did not decompress to a full page.
 */
static int zswap_decompress(struct zswap_entry *entry, struct page *page)
{
	struct zpool *zpool = entry->pool->zpool;
	struct scatterlist input, output;
	struct crypto_acomp_ctx *ctx;
	unsigned int dlen;
	bool sleep_mapped;
	u8 *src;
	int ret;

	ctx = zswap_acomp_ctx_lock(entry->pool);

	sleep_mapped = zpool_can_sleep_mapped(zpool);
	src = zpool_map_handle(zpool, entry->handle, ZPOOL_MM_RO);
	if (!sleep_mapped) {
		/* Decompression may sleep: work from a copy */
		memcpy(ctx->buffer, src, entry->length);
		zpool_unmap_handle(zpool, entry->handle);
		src = ctx->buffer;
	}

	sg_init_one(&input, src, entry->length);
	sg_init_table(&output, 1);
	sg_set_page(&output, page, PAGE_SIZE, 0);
	acomp_request_set_params(ctx->req, &input, &output, entry->length,
				 PAGE_SIZE);
	ret = crypto_wait_req(crypto_acomp_decompress(ctx->req), &ctx->wait);
	dlen = ctx->req->dlen;

	if (sleep_mapped)
		zpool_unmap_handle(zpool, entry->handle);
	zswap_acomp_ctx_unlock(ctx);

	if (ret || dlen != PAGE_SIZE) {
		zswap_decompress_fail++;
		pr_warn_once("decompression failed for swap %u:%lu (%d, %u bytes); such pages are lost, see decompress_fail\n",
			     swp_type(entry->swpentry),
			     swp_offset(entry->swpentry), ret, dlen);
		return -EIO;
	}
	return 0;
}

/********************************************************************
 * pool life cycle
 *
 * Pools are created current (with the current-pool reference) and put on
 * the head of zswap_pools by the caller.  When their last reference goes,
 * zswap_pool_empty() unlinks them and queues their release; the release
 * waits out RCU readers of zswap_pools, then destroys the pool.
 ********************************************************************/

static void zswap_shrink_worker(struct work_struct *work);

static struct zswap_pool *zswap_pool_create(const char *type,
					    const char *compressor)
{
	gfp_t gfp = __GFP_NORETRY | __GFP_NOWARN | __GFP_KSWAPD_RECLAIM;
	struct zswap_pool *pool;
	char name[38]; /* "zswap" + up to 32 hex digits */
	int cpu, ret;

	if (!strcmp(type, ZSWAP_PARAM_UNSET) ||
	    !strcmp(compressor, ZSWAP_PARAM_UNSET))
		return NULL;

	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return NULL;

	snprintf(name, sizeof(name), "zswap%x",
		 atomic_inc_return(&zswap_pools_created));
	/* No evict ops: zswap writes back through its own LRU */
	pool->zpool = zpool_create_pool(type, name, gfp, NULL);
	if (!pool->zpool) {
		pr_err("%s zpool not available\n", type);
		goto error;
	}
	strscpy(pool->tfm_name, compressor, sizeof(pool->tfm_name));

	pool->acomp_ctx = alloc_percpu(*pool->acomp_ctx);
	if (!pool->acomp_ctx) {
		pr_err("percpu alloc failed\n");
		goto error;
	}
	for_each_possible_cpu(cpu)
		mutex_init(&per_cpu_ptr(pool->acomp_ctx, cpu)->mutex);

	kref_init(&pool->kref);
	INIT_LIST_HEAD(&pool->list);
	INIT_WORK(&pool->shrink_work, zswap_shrink_worker);
	spin_lock_init(&pool->lru_lock);
	INIT_LIST_HEAD(&pool->lru);

	ret = cpuhp_state_add_instance(CPUHP_MM_ZSWP_POOL_PREPARE, &pool->node);
	if (ret)
		goto error;

	atomic_inc(&zswap_pool_count);
	zswap_pool_debug("created", pool);
	return pool;

error:
	free_percpu(pool->acomp_ctx);
	if (pool->zpool)
		zpool_destroy_pool(pool->zpool);
	kfree(pool);
	return NULL;
}

static void zswap_pool_destroy(struct zswap_pool *pool)
{
	zswap_pool_debug("destroying", pool);

	/*
	 * A queued shrink work holds a reference, so at most the tail of a
	 * running one (after its final put) can be left; wait for it.  It
	 * does not wait for us, and this never runs from the shrink work
	 * itself.  Any other reclaim holds a reference too, so none runs.
	 */
	cancel_work_sync(&pool->shrink_work);
	WARN_ON_ONCE(!list_empty(&pool->lru));

	cpuhp_state_remove_instance(CPUHP_MM_ZSWP_POOL_PREPARE, &pool->node);
	free_percpu(pool->acomp_ctx);
	zpool_destroy_pool(pool->zpool);
	atomic_dec(&zswap_pool_count);
	kfree(pool);
}

static void zswap_pool_release(struct work_struct *work)
{
	struct zswap_pool *pool = container_of(work, typeof(*pool),
					       release_work);

	/* Let walkers of zswap_pools that may still see the pool finish */
	synchronize_rcu();
	WARN_ON(kref_get_unless_zero(&pool->kref));
	zswap_pool_destroy(pool);
}

static void zswap_pool_empty(struct kref *kref)
{
	struct zswap_pool *pool = container_of(kref, typeof(*pool), kref);

	spin_lock(&zswap_pools_lock);
	WARN_ON(pool == list_first_entry_or_null(&zswap_pools,
						 struct zswap_pool, list));
	list_del_rcu(&pool->list);
	spin_unlock(&zswap_pools_lock);

	INIT_WORK(&pool->release_work, zswap_pool_release);
	schedule_work(&pool->release_work);
}

static bool __must_check zswap_pool_get(struct zswap_pool *pool)
{
	return pool && kref_get_unless_zero(&pool->kref);
}

static void zswap_pool_put(struct zswap_pool *pool)
{
	kref_put(&pool->kref, zswap_pool_empty);
}

/* A reference on the current pool, or NULL */
static struct zswap_pool *zswap_pool_current_get(void)
{
	struct zswap_pool *pool;

	rcu_read_lock();
	pool = list_first_or_null_rcu(&zswap_pools, struct zswap_pool, list);
	WARN_ONCE(!pool && zswap_has_pool, "no current zswap pool\n");
	if (!zswap_pool_get(pool))
		pool = NULL;
	rcu_read_unlock();
	return pool;
}

/* Find a pool by type and compressor and take a reference on it */
static struct zswap_pool *zswap_pool_find_get(const char *type,
					      const char *compressor)
{
	struct zswap_pool *pool;

	lockdep_assert_held(&zswap_pools_lock);
	list_for_each_entry(pool, &zswap_pools, list) {
		if (strcmp(pool->tfm_name, compressor) ||
		    strcmp(zpool_get_type(pool->zpool), type))
			continue;
		/* A pool at zero references is on its way out */
		if (zswap_pool_get(pool))
			return pool;
	}
	return NULL;
}

/********************************************************************
 * writeback
 *
 * When the pools are over their limit, a shrink work item writes back
 * entries from the cold end of a pool's LRU until the total is below the
 * accept threshold, or too many attempts failed.  The work item carries a
 * pool reference, taken by whoever queued it and dropped by the worker.
 *
 * Reclaim of one entry takes it off the LRU under lru_lock alone, so the
 * entry may be invalidated, loaded exclusively, or freed as soon as that
 * lock is dropped.  It pins the swap device (so swapoff cannot free the
 * tree), then looks the offset up under the tree lock: only if the tree
 * still maps it to the same entry does it take a reference and go on.
 ********************************************************************/

/* Failed reclaims after which a shrink worker gives up */
#define ZSWAP_MAX_RECLAIM_FAILURES 16

/*
 * Keep swapoff from freeing the tree of @swpentry's type.  Returns the
 * device to unpin, NULL with *pinned set for the tests' private type.
 */
static struct swap_info_struct *zswap_swap_pin(swp_entry_t swpentry,
					       bool *pinned)
{
	struct swap_info_struct *si;

#ifdef CONFIG_ZSWAP_KUNIT_TEST
	if (swp_type(swpentry) == READ_ONCE(zswap_kunit_type)) {
		*pinned = true;
		return NULL;
	}
#endif
	si = get_swap_device(swpentry);
	*pinned = si;
	return si;
}

static void zswap_swap_unpin(struct swap_info_struct *si)
{
	if (si)
		put_swap_device(si);
}

/**
 * zswap_writeback_entry() - write one entry's page to the swap device
 * @entry: the entry, referenced by the caller, with its swap device pinned
 * @tree:  the tree of its swap type
 *
 * Decompresses into a new swap cache page and starts writing it.  The
 * caller drops the entry from the tree on success.
 *
 * Return: 0 when writeback was started; -ENOMEM when no page could be had;
 * -EEXIST when the page is already in the swap cache (a load or a racing
 * writeback owns it); -EAGAIN when the entry was invalidated or replaced
 * before the swap cache page was locked; -EIO on corrupt data.
 */
static int zswap_writeback_entry(struct zswap_entry *entry,
				 struct zswap_tree *tree)
{
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_NONE,
	};
	swp_entry_t swpentry = entry->swpentry;
	bool allocated;
	struct page *page;
	int ret;

	page = __read_swap_cache_async(swpentry, GFP_KERNEL, NULL, 0,
				       &allocated);
	if (!page)
		return -ENOMEM;
	if (!allocated) {
		/* Someone else has the page: nothing to do */
		put_page(page);
		return -EEXIST;
	}

	/*
	 * The new page is locked and in the swap cache, so nobody can store
	 * to or load from this slot until we are done.  Whatever happened
	 * before that point shows in the tree: make sure it still maps the
	 * slot to our entry, or the data is stale.
	 */
	zswap_tree_lock(tree);
	if (zswap_tree_search(tree, swp_offset(swpentry)) != entry) {
		zswap_tree_unlock(tree);
		ret = -EAGAIN;
		goto abandon;
	}
	zswap_tree_unlock(tree);

	/*
	 * Nothing is written unless the data decompressed: a page that
	 * failed would put garbage in the slot, and a later load would find
	 * it there instead of an error.
	 */
	ret = zswap_decompress(entry, page);
	if (ret)
		goto abandon;
	SetPageUptodate(page);

	/*
	 * Move to the tail of the inactive list once written, so that the
	 * page is the next one freed.  The rotation at writeback end only
	 * moves pages that are on the LRU, and the new page still sits in
	 * an LRU add batch: drain this CPU's.  Otherwise the page, which
	 * __read_swap_cache_async() may even have activated as a refault,
	 * waits a whole LRU cycle and pushes out pages that are in use.
	 * Best effort: shrink_wq is unbound, and a worker that slept and
	 * moved CPUs since the page was added drains the wrong batch; the
	 * page then misses the rotation, nothing worse.
	 */
	SetPageReclaim(page);
	lru_add_drain();
	/* Skips frontswap, and unlocks the page when done */
	__swap_writepage(page, &wbc);
	put_page(page);
	return 0;

abandon:
	delete_from_swap_cache(page_folio(page));
	unlock_page(page);
	put_page(page);
	return ret;
}

/**
 * zswap_reclaim_entry() - write back the coldest entry of a pool
 * @pool: the pool, referenced by the caller
 *
 * Counts each outcome once: written_back_pages, writeback_race_skipped
 * for -EAGAIN, reject_reclaim_fail for the other errors but -ENOENT.
 *
 * Return: 0 when an entry was written back and dropped; -ENOENT when the
 * LRU is empty; -EAGAIN when the coldest entry went away or was replaced
 * while unlocked (nothing is touched then); otherwise the error of the
 * writeback, after which the entry, if still stored, goes back on the LRU;
 * unless it was -EIO: an entry whose data is lost stays stored, so that
 * its load fails, but is never tried again.
 */
static int zswap_reclaim_entry(struct zswap_pool *pool)
{
	struct zswap_entry *entry, *cookie;
	struct swap_info_struct *si;
	struct zswap_tree *tree;
	swp_entry_t swpentry;
	bool pinned, stored;
	int ret;

	cookie = zswap_lru_take_coldest(pool, &swpentry);
	if (!cookie)
		return -ENOENT;

	zswap_kunit_gap(reclaim, swpentry);
	/* From here until found in the tree again, @cookie is not ours */
	si = zswap_swap_pin(swpentry, &pinned);
	if (!pinned) {
		ret = -EAGAIN;
		goto race;
	}
	tree = READ_ONCE(zswap_trees[swp_type(swpentry)]);
	if (!tree) {
		ret = -EAGAIN;
		goto unpin_race;
	}

	zswap_tree_lock(tree);
	entry = zswap_tree_search(tree, swp_offset(swpentry));
	/*
	 * The address alone does not prove it is still our entry: it may
	 * have been freed and its object reused for a new store at the same
	 * offset.  Ours is compressed, of @pool, and off the LRU since we
	 * took it; a new entry is same-filled, of another pool, or on an LRU.
	 */
	if (entry != cookie || !entry->length || entry->pool != pool ||
	    !list_empty(&entry->lru)) {
		zswap_tree_unlock(tree);
		ret = -EAGAIN;
		goto unpin_race;
	}
	zswap_entry_get(entry);
	zswap_tree_unlock(tree);

	ret = zswap_call_writeback(entry, tree);
	/* Lost to an invalidate or a new store once the page was locked */
	if (ret == -EAGAIN)
		zswap_writeback_race_skipped++;
	else if (ret)
		zswap_reject_reclaim_fail++;

	zswap_tree_lock(tree);
	stored = zswap_tree_search(tree, swp_offset(swpentry)) == entry;
	if (!ret) {
		zswap_written_back_pages++;
		/* Invalidated meanwhile? Then the tree's reference is gone */
		if (stored)
			zswap_invalidate_entry(tree, entry);
	} else if (ret != -EIO && stored) {
		/* Still stored: retry it later, not next */
		zswap_lru_add(entry);
	}
	zswap_entry_put(tree, entry);
	zswap_tree_unlock(tree);
	zswap_swap_unpin(si);
	return ret;

unpin_race:
	zswap_swap_unpin(si);
race:
	zswap_writeback_race_skipped++;
	return ret;
}

static void zswap_pool_shrink_async(struct zswap_pool *pool);

/*
 * @pool could not make room: pass the work on to the next younger pool
 * that has entries.  Otherwise an old pool whose entries cannot be written
 * back (their pages are in the swap cache) would keep the current pool
 * from ever being shrunk, and every store would be refused.  The current
 * pool is the youngest, so the chain ends there.
 */
static void zswap_shrink_next_async(struct zswap_pool *pool)
{
	struct zswap_pool *p, *next = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(p, &zswap_pools, list) {
		if (p == pool)
			break;
		if (READ_ONCE(p->nr_lru))
			next = p;
	}
	if (!zswap_pool_get(next))
		next = NULL;
	rcu_read_unlock();

	if (next) {
		zswap_pool_shrink_async(next);
		zswap_pool_put(next);
	}
}

static void zswap_shrink_worker(struct work_struct *work)
{
	struct zswap_pool *pool = container_of(work, typeof(*pool),
					       shrink_work);
	int ret, failures = 0;

	do {
		if (!zswap_wb_credit_available()) {
			ret = -EBUSY;
			break;
		}
		ret = zswap_reclaim_entry(pool);
		if (!ret)
			atomic_dec(&zswap_wb_credit);
		/* An empty LRU is no failure, only the end of this pool */
		if (ret == -ENOENT)
			break;
		if (ret && ++failures >= ZSWAP_MAX_RECLAIM_FAILURES)
			break;
		cond_resched();
	} while (!zswap_can_accept());

	if (ret && ret != -EBUSY && !zswap_can_accept())
		zswap_shrink_next_async(pool);

	/* The reference the work item was queued with */
	zswap_pool_put(pool);
}

/*
 * Queue @pool's shrink work.  A queued work item owns one reference; when
 * it is already queued, that reference exists and ours must be dropped.
 */
static void zswap_pool_shrink_async(struct zswap_pool *pool)
{
	if (!zswap_pool_get(pool))
		return;
	if (!queue_work(shrink_wq, &pool->shrink_work))
		zswap_pool_put(pool);
}

/*
 * Shrink the oldest pool that has entries to write back: writing back old
 * pools first lets them be destroyed sooner.
 */
static void zswap_shrink_async(void)
{
	struct zswap_pool *pool, *victim = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(pool, &zswap_pools, list) {
		if (READ_ONCE(pool->nr_lru) || !victim)
			victim = pool;
	}
	if (!zswap_pool_get(victim))
		victim = NULL;
	rcu_read_unlock();

	if (victim) {
		zswap_pool_shrink_async(victim);
		zswap_pool_put(victim);
	}
}

/********************************************************************
 * parameters
 *
 * Setters run under the kernel's parameter lock, so they do not race each
 * other.  A value that cannot be used is refused with the old one kept.
 ********************************************************************/

/**
 * zswap_pool_param_set() - switch the current pool to a new zpool type or
 * compressor
 * @val:        the new value
 * @kp:         the parameter
 * @type:       the zpool type to use, or NULL if @val is the type
 * @compressor: the compressor to use, or NULL if @val is the compressor
 *
 * An existing pool with the wanted pair is reused, otherwise a new one is
 * created; it becomes current and the old current pool loses its current
 * reference, living on until its last entry is gone.
 *
 * Return: 0, -ENODEV after a failed init, -EINVAL for a malformed value,
 * -ENOENT when the zpool type or compressor is not available, -ENOMEM when
 * the pool cannot be created.
 */
static int zswap_pool_param_set(const char *val, const struct kernel_param *kp,
				const char *type, const char *compressor)
{
	struct zswap_pool *pool, *put_pool = NULL;
	char buf[CRYPTO_MAX_ALG_NAME];
	char *s;
	int ret;

	if (zswap_init_failed) {
		pr_err("can't set param, initialization failed\n");
		return -ENODEV;
	}
	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -EINVAL;
	s = strim(buf);
	if (!*s)
		return -EINVAL;

	/*
	 * Before init, only record it; init creates the pool.  Until slab is
	 * up, param_set_charp() keeps the pointer it is given rather than a
	 * copy, so it must get the command line's own string, not @buf.
	 */
	if (!zswap_init_started)
		return param_set_charp(slab_is_available() ? s : val, kp);

	if (!strcmp(s, *(char **)kp->arg) && zswap_has_pool)
		return 0;

	if (!type) {
		if (!zpool_has_pool(s)) {
			pr_err("zpool %s not available\n", s);
			return -ENOENT;
		}
		type = s;
	} else {
		if (!crypto_has_acomp(s, 0, 0)) {
			pr_err("compressor %s not available\n", s);
			return -ENOENT;
		}
		compressor = s;
	}

	spin_lock(&zswap_pools_lock);
	pool = zswap_pool_find_get(type, compressor);
	if (pool) {
		zswap_pool_debug("using existing", pool);
		list_del_rcu(&pool->list);
	}
	spin_unlock(&zswap_pools_lock);

	if (!pool)
		pool = zswap_pool_create(type, compressor);
	if (!pool) {
		/*
		 * With no pool at all, both parameters may have been bad:
		 * accept this one (it was checked above) so that fixing the
		 * other can bring zswap up.
		 */
		if (!zswap_has_pool)
			return param_set_charp(s, kp);
		return -ENOMEM;
	}

	ret = param_set_charp(s, kp);

	spin_lock(&zswap_pools_lock);
	if (!ret) {
		put_pool = list_first_entry_or_null(&zswap_pools,
						    struct zswap_pool, list);
		list_add_rcu(&pool->list, &zswap_pools);
		zswap_has_pool = true;
	} else {
		/* Put it back as an old pool; if unused, the put destroys it */
		list_add_tail_rcu(&pool->list, &zswap_pools);
		put_pool = pool;
	}
	spin_unlock(&zswap_pools_lock);

	/* The old current pool's current reference, or the failed pool's */
	if (put_pool)
		zswap_pool_put(put_pool);
	return ret;
}

static int zswap_compressor_param_set(const char *val,
				      const struct kernel_param *kp)
{
	return zswap_pool_param_set(val, kp, zswap_zpool_type, NULL);
}

static int zswap_zpool_param_set(const char *val,
				 const struct kernel_param *kp)
{
	return zswap_pool_param_set(val, kp, NULL, zswap_compressor);
}

static int zswap_enabled_param_set(const char *val,
				   const struct kernel_param *kp)
{
	bool enable;
	int ret;

	ret = kstrtobool(val, &enable);
	if (ret)
		return ret;
	if (enable && zswap_init_failed) {
		pr_err("can't enable, initialization failed\n");
		return -ENODEV;
	}
	if (enable && zswap_init_started && !zswap_has_pool) {
		pr_err("can't enable, no pool configured\n");
		return -ENODEV;
	}
	WRITE_ONCE(*(bool *)kp->arg, enable);
	return 0;
}

/* Set a percentage in @min..100; anything else is refused, changing nothing */
static int zswap_percent_param_set(const char *val,
				   const struct kernel_param *kp,
				   unsigned int min)
{
	unsigned int percent;
	int ret;

	ret = kstrtouint(val, 10, &percent);
	if (ret)
		return ret;
	if (percent < min || percent > 100)
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, percent);
	return 0;
}

static int zswap_max_pool_param_set(const char *val,
				    const struct kernel_param *kp)
{
	return zswap_percent_param_set(val, kp, 0);
}

static int zswap_accept_thr_param_set(const char *val,
				      const struct kernel_param *kp)
{
	return zswap_percent_param_set(val, kp, 1);
}

/********************************************************************
 * store / load
 *
 * The frontswap hooks.  Stores and loads of one offset are serialised by
 * the lock of its swap cache page; invalidation and reclaim are not, and
 * meet them under the tree lock.
 ********************************************************************/

static bool zswap_is_page_same_filled(struct page *page, unsigned long *value)
{
	unsigned long *data = kmap_local_page(page);
	unsigned long first = data[0];
	unsigned int i;
	bool same = true;

	for (i = 1; i < PAGE_SIZE / sizeof(*data); i++) {
		if (data[i] != first) {
			same = false;
			break;
		}
	}
	kunmap_local(data);
	*value = first;
	return same;
}

static void zswap_fill_page(struct page *page, unsigned long value)
{
	unsigned long *data = kmap_local_page(page);

	memset_l(data, value, PAGE_SIZE / sizeof(*data));
	kunmap_local(data);
}

/**
 * zswap_store_page() - compress and store a page for a swap slot
 * @type:   swap type
 * @offset: swap offset
 * @page:   the page, locked in the swap cache (or a test page)
 *
 * frontswap drops any older copy of the slot before it calls the store
 * (__frontswap_store()), so a failed store leaves nothing stale behind.
 * An older copy found anyway is replaced when the new entry is inserted.
 *
 * Return: 0 if stored, a negative errno if not.
 */
static int zswap_store_page(unsigned int type, pgoff_t offset,
			    struct page *page)
{
	struct zswap_tree *tree = zswap_trees[type];
	struct zswap_entry *entry, *dup;
	struct obj_cgroup *objcg = NULL;
	struct zswap_pool *pool;
	unsigned long value;
	int ret;

	if (!tree)
		return -ENODEV;
	if (offset >= tree->max)
		return -EINVAL;
	if (PageTransHuge(page))
		return -EINVAL;
	if (!READ_ONCE(zswap_enabled))
		return -ENODEV;

	/*
	 * The LRU is not per cgroup: hitting a cgroup's zswap limit refuses
	 * the store rather than writing back other cgroups' entries.
	 */
	objcg = get_obj_cgroup_from_page(page);
	if (objcg && !obj_cgroup_may_zswap(objcg)) {
		ret = -ENOMEM;
		goto put_objcg;
	}

	if (zswap_is_full()) {
		zswap_pool_limit_hit++;
		zswap_pool_reached_full = true;
		goto shrink;
	}
	if (zswap_pool_reached_full) {
		if (!zswap_can_accept())
			goto shrink;
		zswap_pool_reached_full = false;
	}

	entry = zswap_entry_alloc(GFP_KERNEL);
	if (!entry) {
		zswap_reject_kmemcache_fail++;
		ret = -ENOMEM;
		goto put_objcg;
	}
	entry->swpentry = swp_entry(type, offset);

	if (READ_ONCE(zswap_same_filled_pages_enabled) &&
	    zswap_is_page_same_filled(page, &value)) {
		entry->value = value;
		atomic_inc(&zswap_same_filled_pages);
		goto insert;
	}

	if (!READ_ONCE(zswap_non_same_filled_pages_enabled)) {
		ret = -EINVAL;
		goto free_entry;
	}

	/* The entry keeps this reference while it exists */
	pool = zswap_pool_current_get();
	if (!pool) {
		ret = -EINVAL;
		goto free_entry;
	}
	ret = zswap_compress(pool, page, &entry->handle, &entry->length);
	if (ret) {
		zswap_pool_put(pool);
		goto free_entry;
	}
	entry->pool = pool;

insert:
	entry->objcg = objcg;
	if (objcg)
		obj_cgroup_charge_zswap(objcg, entry->length);
	atomic_inc(&zswap_stored_pages);

	zswap_tree_lock(tree);
	ret = zswap_tree_insert(tree, offset, entry, &dup);
	if (ret) {
		zswap_tree_unlock(tree);
		zswap_reject_kmemcache_fail++;
		/* Never visible: the entry is ours alone to free */
		zswap_free_entry(entry);
		return ret;
	}
	if (dup) {
		zswap_duplicate_entry++;
		zswap_entry_unmapped(tree, dup);
	}
	if (entry->length)
		zswap_lru_add(entry);
	/* Stored for good; under the lock the entry and its @objcg stay */
	if (objcg)
		count_objcg_event(objcg, ZSWPOUT);
	zswap_tree_unlock(tree);

	zswap_update_total_size();
	count_vm_event(ZSWPOUT);
	return 0;

free_entry:
	kmem_cache_free(zswap_entry_cache, entry);
put_objcg:
	if (objcg)
		obj_cgroup_put(objcg);
	return ret;

shrink:
	zswap_wb_credit_refused();
	if (zswap_wb_credit_available())
		zswap_shrink_async();
	else
		zswap_writeback_throttled++;
	ret = -ENOMEM;
	goto put_objcg;
}

/**
 * zswap_load_page() - fill a page from the copy stored for a swap slot
 * @type:      swap type
 * @offset:    swap offset
 * @page:      the destination
 * @may_drop:  the page is in the swap cache, so the stored copy may be
 *             dropped if exclusive loads are on
 * @exclusive: set to true when the copy was dropped
 *
 * Return: 0 on success, -ENOENT if nothing is stored, -EIO on bad data
 * (the entry is kept: the slot on the swap device was never written, so
 * frontswap must not read it instead).
 */
static int zswap_load_page(unsigned int type, pgoff_t offset,
			   struct page *page, bool may_drop, bool *exclusive)
{
	struct zswap_tree *tree = zswap_trees[type];
	struct zswap_entry *entry;
	bool drop;
	int ret = 0;

	*exclusive = false;
	if (!tree)
		return -ENOENT;

	zswap_tree_lock(tree);
	entry = zswap_entry_find_get(tree, offset);
	zswap_tree_unlock(tree);
	if (!entry)
		return -ENOENT;

	if (entry->length)
		ret = zswap_decompress(entry, page);
	else
		zswap_fill_page(page, entry->value);

	if (!ret) {
		count_vm_event(ZSWPIN);
		if (entry->objcg)
			count_objcg_event(entry->objcg, ZSWPIN);
	}
	zswap_kunit_gap(load, swp_entry(type, offset));

	drop = !ret && may_drop && READ_ONCE(zswap_exclusive_loads_enabled);
	zswap_tree_lock(tree);
	if (!ret && entry->length)
		zswap_lru_hit(entry, !drop);
	if (drop && zswap_tree_search(tree, offset) == entry) {
		zswap_invalidate_entry(tree, entry);
		zswap_exclusive_loads++;
		*exclusive = true;
	}
	/* Last use of @entry: this put may free it */
	zswap_entry_put(tree, entry);
	zswap_tree_unlock(tree);

	return ret;
}

static int zswap_frontswap_store(unsigned int type, pgoff_t offset,
				 struct page *page)
{
	return zswap_store_page(type, offset, page);
}

static int zswap_frontswap_load(unsigned int type, pgoff_t offset,
				struct page *page, bool *exclusive)
{
	/*
	 * Only a swap cache page may take over the data: it is dirtied, and
	 * any other reader of the slot finds it in the swap cache.  A page
	 * read around the swap cache (SWP_SYNCHRONOUS_IO devices) may be
	 * thrown away by a fault that lost a race, and the slot read again.
	 */
	return zswap_load_page(type, offset, page, PageSwapCache(page),
			       exclusive);
}

static void zswap_frontswap_invalidate_page(unsigned int type, pgoff_t offset)
{
	struct zswap_tree *tree = zswap_trees[type];
	struct zswap_entry *entry;

	if (!tree)
		return;
	zswap_tree_lock(tree);
	entry = zswap_tree_erase(tree, offset);
	if (entry)
		zswap_entry_unmapped(tree, entry);
	zswap_tree_unlock(tree);
}

/*
 * Swapoff: drop everything of @type.  Reclaim pins the swap device before
 * using a tree, and swapoff only gets here once all pins are gone, so no
 * entry is still referenced by anyone.
 */
static void zswap_frontswap_invalidate_area(unsigned int type)
{
	struct zswap_tree *tree = zswap_trees[type];
	struct zswap_entry *entry;
	unsigned long i, nr_leaves;
	struct zswap_leaf *leaf;
	unsigned int slot;

	if (!tree)
		return;

	nr_leaves = DIV_ROUND_UP(tree->max, ZSWAP_LEAF_SLOTS);
	for (i = 0; i < nr_leaves; i++) {
		/*
		 * Only the KUnit seam can reach a dying tree; the lock keeps
		 * the rule that it guards @leaves, and is for the helpers.
		 */
		zswap_tree_lock(tree);
		leaf = tree->leaves[i];
		if (!leaf) {
			zswap_tree_unlock(tree);
			continue;
		}
		for (slot = 0; slot < ZSWAP_LEAF_SLOTS; slot++) {
			entry = leaf->entries[slot];
			if (!entry)
				continue;
			WARN_ON_ONCE(entry->refcount != 1);
			zswap_entry_unmapped(tree, entry);
		}
		tree->leaves[i] = NULL;
		zswap_tree_unlock(tree);
		kmem_cache_free(zswap_leaf_cache, leaf);
		cond_resched();
	}

	WRITE_ONCE(zswap_trees[type], NULL);
	kvfree(tree->leaves);
	kfree(tree);
}

/*
 * Give swap type @type a tree for offsets below @max.  Without one, zswap
 * stays out of the way of this swap type.
 */
static void zswap_tree_create(unsigned int type, unsigned long max)
{
	struct zswap_tree *tree;

	tree = kzalloc(sizeof(*tree), GFP_KERNEL);
	if (!tree)
		goto fail;
	/* As frontswap's map of the same device, a bit per offset */
	tree->leaves = kvcalloc(DIV_ROUND_UP(max, ZSWAP_LEAF_SLOTS),
				sizeof(*tree->leaves), GFP_KERNEL);
	if (!tree->leaves) {
		kfree(tree);
		goto fail;
	}
	spin_lock_init(&tree->lock);
	tree->max = max;
	WRITE_ONCE(zswap_trees[type], tree);
	return;
fail:
	pr_warn("no memory for the table of swap type %u (%lu pages): zswap will not store its pages\n",
		type, max);
}

static void zswap_frontswap_init(unsigned int type)
{
	struct swap_info_struct *si = swp_swap_info(swp_entry(type, 0));

	/* swapon calls it with the device's size set */
	if (si && si->max)
		zswap_tree_create(type, si->max);
}

static const struct frontswap_ops zswap_frontswap_ops = {
	.store = zswap_frontswap_store,
	.load = zswap_frontswap_load,
	.invalidate_page = zswap_frontswap_invalidate_page,
	.invalidate_area = zswap_frontswap_invalidate_area,
	.init = zswap_frontswap_init
};

/********************************************************************
 * debugfs
 ********************************************************************/

#ifdef CONFIG_DEBUG_FS
#include <linux/debugfs.h>

static struct dentry *zswap_debugfs_root;

/* Compressed entries on the LRUs of all pools, a sum of hints */
static int zswap_lru_entries_get(void *data, u64 *val)
{
	struct zswap_pool *pool;
	u64 n = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(pool, &zswap_pools, list)
		n += READ_ONCE(pool->nr_lru);
	rcu_read_unlock();
	*val = n;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(zswap_lru_entries_fops, zswap_lru_entries_get,
			 NULL, "%llu\n");

static int __init zswap_debugfs_init(void)
{
	struct dentry *root;

	if (!debugfs_initialized())
		return -ENODEV;

	root = debugfs_create_dir("zswap", NULL);
	zswap_debugfs_root = root;

	debugfs_create_u64("pool_limit_hit", 0444, root,
			   &zswap_pool_limit_hit);
	debugfs_create_u64("reject_reclaim_fail", 0444, root,
			   &zswap_reject_reclaim_fail);
	debugfs_create_u64("reject_alloc_fail", 0444, root,
			   &zswap_reject_alloc_fail);
	debugfs_create_u64("reject_kmemcache_fail", 0444, root,
			   &zswap_reject_kmemcache_fail);
	debugfs_create_u64("reject_compress_fail", 0444, root,
			   &zswap_reject_compress_fail);
	debugfs_create_u64("reject_compress_poor", 0444, root,
			   &zswap_reject_compress_poor);
	debugfs_create_u64("written_back_pages", 0444, root,
			   &zswap_written_back_pages);
	debugfs_create_u64("duplicate_entry", 0444, root,
			   &zswap_duplicate_entry);
	debugfs_create_u64("pool_total_size", 0444, root,
			   &zswap_pool_total_size);
	debugfs_create_atomic_t("stored_pages", 0444, root,
				&zswap_stored_pages);
	debugfs_create_atomic_t("same_filled_pages", 0444, root,
				&zswap_same_filled_pages);
	debugfs_create_file_unsafe("lru_entries", 0444, root, NULL,
				   &zswap_lru_entries_fops);
	debugfs_create_atomic_t("pool_count", 0444, root,
				&zswap_pool_count);
	debugfs_create_u64("exclusive_loads", 0444, root,
			   &zswap_exclusive_loads);
	debugfs_create_u64("writeback_race_skipped", 0444, root,
			   &zswap_writeback_race_skipped);
	debugfs_create_u64("decompress_fail", 0444, root,
			   &zswap_decompress_fail);
	debugfs_create_u64("writeback_throttled", 0444, root,
			   &zswap_writeback_throttled);
	debugfs_create_atomic_t("writeback_credit", 0444, root,
				&zswap_wb_credit);
	return 0;
}
#else
static int __init zswap_debugfs_init(void)
{
	return 0;
}
#endif

/********************************************************************
 * init
 ********************************************************************/

/*
 * Make the first pool from the configured zpool type and compressor,
 * falling back to the built-in defaults for whichever is not available.
 * A parameter that cannot be satisfied is left unset.
 */
static struct zswap_pool *__init zswap_pool_create_initial(void)
{
	bool has_comp, has_zpool;

	has_comp = crypto_has_acomp(zswap_compressor, 0, 0);
	if (!has_comp && strcmp(zswap_compressor,
				CONFIG_ZSWAP_COMPRESSOR_DEFAULT)) {
		pr_err("compressor %s not available, using default %s\n",
		       zswap_compressor, CONFIG_ZSWAP_COMPRESSOR_DEFAULT);
		param_free_charp(&zswap_compressor);
		zswap_compressor = CONFIG_ZSWAP_COMPRESSOR_DEFAULT;
		has_comp = crypto_has_acomp(zswap_compressor, 0, 0);
	}
	if (!has_comp) {
		pr_err("default compressor %s not available\n",
		       zswap_compressor);
		param_free_charp(&zswap_compressor);
		zswap_compressor = ZSWAP_PARAM_UNSET;
	}

	has_zpool = zpool_has_pool(zswap_zpool_type);
	if (!has_zpool && strcmp(zswap_zpool_type,
				 CONFIG_ZSWAP_ZPOOL_DEFAULT)) {
		pr_err("zpool %s not available, using default %s\n",
		       zswap_zpool_type, CONFIG_ZSWAP_ZPOOL_DEFAULT);
		param_free_charp(&zswap_zpool_type);
		zswap_zpool_type = CONFIG_ZSWAP_ZPOOL_DEFAULT;
		has_zpool = zpool_has_pool(zswap_zpool_type);
	}
	if (!has_zpool) {
		pr_err("default zpool %s not available\n", zswap_zpool_type);
		param_free_charp(&zswap_zpool_type);
		zswap_zpool_type = ZSWAP_PARAM_UNSET;
	}

	if (!has_comp || !has_zpool)
		return NULL;
	return zswap_pool_create(zswap_zpool_type, zswap_compressor);
}

static int __init zswap_init(void)
{
	struct zswap_pool *pool;
	int ret;

	zswap_init_started = true;

	zswap_entry_cache = KMEM_CACHE(zswap_entry, 0);
	zswap_leaf_cache = KMEM_CACHE(zswap_leaf, 0);
	if (!zswap_entry_cache || !zswap_leaf_cache) {
		pr_err("entry cache creation failed\n");
		goto destroy_cache;
	}

	ret = cpuhp_setup_state_multi(CPUHP_MM_ZSWP_POOL_PREPARE,
				      "mm/zswap_pool:prepare",
				      zswap_cpu_comp_prepare,
				      zswap_cpu_comp_dead);
	if (ret)
		goto destroy_cache;

	/* Writeback runs on behalf of memory reclaim */
	shrink_wq = alloc_workqueue("zswap-shrink",
				    WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!shrink_wq)
		goto remove_cpuhp;

	pool = zswap_pool_create_initial();
	if (pool) {
		pr_info("loaded using pool %s/%s\n", pool->tfm_name,
			zpool_get_type(pool->zpool));
		list_add(&pool->list, &zswap_pools);
		zswap_has_pool = true;
	} else {
		pr_err("pool creation failed\n");
		zswap_enabled = false;
	}

	ret = frontswap_register_ops(&zswap_frontswap_ops);
	if (ret)
		goto destroy_pool;
	if (zswap_debugfs_init())
		pr_warn("debugfs initialization failed\n");
	return 0;

destroy_pool:
	if (pool) {
		list_del(&pool->list);
		zswap_has_pool = false;
		zswap_pool_destroy(pool);
	}
	destroy_workqueue(shrink_wq);
remove_cpuhp:
	cpuhp_remove_multi_state(CPUHP_MM_ZSWP_POOL_PREPARE);
destroy_cache:
	kmem_cache_destroy(zswap_leaf_cache);
	kmem_cache_destroy(zswap_entry_cache);

	/* Built in, we are not unloaded on failure: make sure nothing runs */
	zswap_init_failed = true;
	zswap_enabled = false;
	return -ENOMEM;
}

/* Late, so that the compressors are registered */
late_initcall(zswap_init);

#ifdef CONFIG_ZSWAP_KUNIT_TEST
#include "tests/zswap-kunit.h"
#endif

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Seth Jennings <sjennings@variantweb.net>");
MODULE_DESCRIPTION("Compressed cache for swap pages");
