// SPDX-License-Identifier: GPL-2.0
/*
 * zpools built as modules, as Debian ships z3fold and zsmalloc: for each,
 *  - switching zswap's zpool to it loads the module (request_module());
 *  - zswap stores, loads and writes back through its pool, and every page
 *    reads back intact;
 *  - the module cannot be unloaded while that pool exists;
 *  - once the zpool is switched back and the old pool drained (every entry
 *    invalidated by swapoff), it unloads.
 * Runs on a kernel built with configs/modules.config, whose initramfs
 * carries the modules (bin/check.sh, boot "modules").
 */
#include <fcntl.h>
#include <sys/syscall.h>
#include "zswap_workload.h"
#include "../kselftest_harness.h"

static int zw_module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", name);
	return zw_file_exists(path);
}

/* delete_module(2), without waiting for the module to become free. */
static int zw_module_unload(const char *name)
{
	if (syscall(SYS_delete_module, name, O_NONBLOCK))
		return -errno;
	return 0;
}

FIXTURE(modules) {
	struct zw_params saved;
};

FIXTURE_VARIANT(modules) {
	const char *zpool;
};

FIXTURE_VARIANT_ADD(modules, z3fold) { .zpool = "z3fold" };
FIXTURE_VARIANT_ADD(modules, zsmalloc) { .zpool = "zsmalloc" };

FIXTURE_SETUP(modules)
{
	zw_params_save(&self->saved);
	ASSERT_EQ(0, zw_param_set_log("zpool", "zbud"));
	ASSERT_EQ(0, zw_swap_cycle());
	ASSERT_EQ(1, zw_wait_stat("pool_count", 1, 10));
	ASSERT_EQ(0, zw_param_set_log("compressor", "lzo"));
	ASSERT_EQ(0, zw_param_set_log("enabled", "Y"));
	if (zw_module_loaded(variant->zpool))
		ASSERT_EQ(0, zw_module_unload(variant->zpool));
}

FIXTURE_TEARDOWN(modules)
{
	zw_params_restore(&self->saved);
}

TEST_F_TIMEOUT(modules, load_use_unload, 900)
{
	static const struct zw_mix text = { { 0, 0, 100, 0 } };
	unsigned long long mem = zw_memtotal();
	long long wb0, peak;
	struct zw_vm a, b, c;
	struct zw_region r;
	char val[32], path[128], cg[256];
	size_t bad;
	int ret;

	ASSERT_FALSE(zw_module_loaded(variant->zpool))
		TH_LOG("%s is loaded before zswap asked for it", variant->zpool);
	ASSERT_EQ(0, zw_param_set_log("zpool", variant->zpool));
	ASSERT_EQ(0, zw_param_get("zpool", val, sizeof(val)));
	EXPECT_STREQ(variant->zpool, val);
	ASSERT_TRUE(zw_module_loaded(variant->zpool))
		TH_LOG("zpool=%s did not load the module", variant->zpool);
	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", variant->zpool);
	TH_LOG("%s loaded, refcnt %lld", variant->zpool, zw_read_ll(path));

	/*
	 * Loads first, while the new pool is empty: a few MiB of text pushed
	 * out by memory.reclaim are stored in it, and reading them back loads
	 * them.  (Which pages a full pool holds after the fill below depends
	 * on the LRU order: the initramfs's shmem pages may be the ones, and
	 * nothing reads them back.)
	 */
	ASSERT_EQ(0, zw_cg_create("zswap_modules", cg, sizeof(cg)));
	ASSERT_EQ(0, zw_cg_enter(cg));
	ASSERT_EQ(0, zw_region_init(&r, MB(4), 20));
	r.mix = text;
	zw_region_fill(&r, 0);
	zw_vm_read(&a);
	zw_cg_reclaim(cg);
	zw_vm_read(&b);
	bad = zw_region_verify(&r);
	zw_vm_read(&c);
	TH_LOG("%s: %zu pages reclaimed: zswpout %lld pswpout %lld",
	       variant->zpool, r.pages, b.zswpout - a.zswpout,
	       b.pswpout - a.pswpout);
	TH_LOG("read back: zswpin %lld pswpin %lld, mismatches %zu",
	       c.zswpin - b.zswpin, c.pswpin - b.pswpin, bad);
	EXPECT_EQ(0, bad);
	EXPECT_GT(b.zswpout - a.zswpout, 0);
	EXPECT_GT(c.zswpin - b.zswpin, 0);
	zw_region_free(&r);
	zw_cg_destroy(cg);

	/*
	 * A small pool and twice RAM of compressible pages: the pool fills,
	 * stores are refused and the writeback credit's exploration writes
	 * back entries of the module's pool; reading everything back loads
	 * from the disk, and every page must match.
	 */
	ASSERT_EQ(0, zw_param_set_log("max_pool_percent", "5"));
	ASSERT_EQ(0, zw_region_init(&r, mem * 2 / ZW_PAGE, 21));
	r.mix = text;
	wb0 = zw_stat("written_back_pages");
	zw_vm_read(&a);
	peak = zw_region_fill_peak(&r, 0);
	bad = zw_region_verify(&r);
	zw_vm_read(&b);
	TH_LOG("%s: %zu pages, stored_pages peak %lld, written back +%lld",
	       variant->zpool, r.pages, peak, zw_stat("written_back_pages") - wb0);
	TH_LOG("zswpout %lld zswpin %lld pswpout %lld pswpin %lld, mismatches %zu",
	       b.zswpout - a.zswpout, b.zswpin - a.zswpin,
	       b.pswpout - a.pswpout, b.pswpin - a.pswpin, bad);
	EXPECT_EQ(0, bad);
	EXPECT_GT(peak, 0);
	EXPECT_GT(zw_stat("written_back_pages") - wb0, 0);

	/* The pool holds the module. */
	ret = zw_module_unload(variant->zpool);
	EXPECT_TRUE(ret == -EWOULDBLOCK || ret == -EBUSY)
		TH_LOG("unloading %s under its pool: %d", variant->zpool, ret);
	EXPECT_TRUE(zw_module_loaded(variant->zpool));

	/* Switch back; the old pool goes with its last entry, then the module. */
	ASSERT_EQ(0, zw_param_set_log("zpool", "zbud"));
	EXPECT_TRUE(zw_module_loaded(variant->zpool));
	zw_region_free(&r);
	ASSERT_EQ(0, zw_swap_cycle());
	EXPECT_EQ(1, zw_wait_stat("pool_count", 1, 10));
	ret = zw_module_unload(variant->zpool);
	EXPECT_EQ(0, ret) TH_LOG("unloading %s after its pool went: %d",
				 variant->zpool, ret);
	EXPECT_FALSE(zw_module_loaded(variant->zpool));
}

TEST_HARNESS_MAIN
