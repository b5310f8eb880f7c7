// SPDX-License-Identifier: GPL-2.0
/*
 * Integrity: a seeded mix of zero, same-filled, text-like and random pages,
 * well past RAM, goes through zswap and swap and reads back with every page
 * checksum-verified, for each zpool and each compressor.  The pool and
 * compressor are switched at runtime, so one boot covers the whole matrix.
 *
 * ZSWAP_INTEGRITY_PCT (environment, default 150): working set in percent
 * of MemTotal.
 */
#include "zswap_workload.h"
#include "../kselftest_harness.h"

FIXTURE(integrity) {
	struct zw_params saved;
};

FIXTURE_VARIANT(integrity) {
	const char *zpool;
	const char *compressor;
};

FIXTURE_VARIANT_ADD(integrity, zbud_lzo) {
	.zpool = "zbud",
	.compressor = "lzo",
};

FIXTURE_VARIANT_ADD(integrity, zbud_lz4) {
	.zpool = "zbud",
	.compressor = "lz4",
};

FIXTURE_VARIANT_ADD(integrity, zbud_zstd) {
	.zpool = "zbud",
	.compressor = "zstd",
};

FIXTURE_VARIANT_ADD(integrity, z3fold_lzo) {
	.zpool = "z3fold",
	.compressor = "lzo",
};

FIXTURE_VARIANT_ADD(integrity, z3fold_lz4) {
	.zpool = "z3fold",
	.compressor = "lz4",
};

FIXTURE_VARIANT_ADD(integrity, z3fold_zstd) {
	.zpool = "z3fold",
	.compressor = "zstd",
};

FIXTURE_VARIANT_ADD(integrity, zsmalloc_lzo) {
	.zpool = "zsmalloc",
	.compressor = "lzo",
};

FIXTURE_VARIANT_ADD(integrity, zsmalloc_lz4) {
	.zpool = "zsmalloc",
	.compressor = "lz4",
};

FIXTURE_VARIANT_ADD(integrity, zsmalloc_zstd) {
	.zpool = "zsmalloc",
	.compressor = "zstd",
};

FIXTURE_SETUP(integrity)
{
	zw_params_save(&self->saved);
	ASSERT_EQ(0, zw_param_set_log("zpool", variant->zpool));
	ASSERT_EQ(0, zw_param_set_log("compressor", variant->compressor));
	ASSERT_EQ(0, zw_param_set_log("max_pool_percent", "20"));
	ASSERT_EQ(0, zw_param_set_log("enabled", "Y"));
}

FIXTURE_TEARDOWN(integrity)
{
	zw_params_restore(&self->saved);
}

TEST_F_TIMEOUT(integrity, past_ram, 900)
{
	unsigned long long mem = zw_memtotal();
	unsigned int pct = zw_env_uint("ZSWAP_INTEGRITY_PCT", 150);
	long long v, peak = 0, peak_pool = 0;
	size_t i, bad = 0, first_bad = 0;
	struct zw_region r;
	struct zw_vm a, b;
	char val[64];
	double t0 = zw_now();

	ASSERT_EQ(0, zw_param_get("zpool", val, sizeof(val)));
	ASSERT_STREQ(variant->zpool, val);
	ASSERT_EQ(0, zw_param_get("compressor", val, sizeof(val)));
	ASSERT_STREQ(variant->compressor, val);
	ASSERT_GT(mem, 0);
	ASSERT_EQ(0, zw_region_init(&r, mem / 100 * pct / ZW_PAGE,
				    0x1000 + variant->zpool[1] * 31 + variant->compressor[2]));

	zw_vm_read(&a);
	for (i = 0; i < r.pages; i++) {
		zw_write_page(&r, i, 0);
		if (i % 512 == 0) {
			v = zw_stat("stored_pages");
			if (v > peak)
				peak = v;
			v = zw_stat("pool_total_size");
			if (v > peak_pool)
				peak_pool = v;
		}
	}
	for (i = 0; i < r.pages; i++) {
		if (!zw_check_page(&r, i)) {
			if (!bad)
				first_bad = i;
			bad++;
		}
	}
	zw_vm_read(&b);
	TH_LOG("%s/%s: %zu pages (%zu zero, %zu same, %zu text, %zu random)",
	       variant->zpool, variant->compressor, r.pages, r.kinds[ZW_ZERO],
	       r.kinds[ZW_SAME], r.kinds[ZW_TEXT], r.kinds[ZW_RANDOM]);
	TH_LOG("stored_pages peak %lld, pool peak %lld KiB", peak, peak_pool >> 10);
	TH_LOG("zswpout %lld zswpin %lld pswpout %lld pswpin %lld",
	       b.zswpout - a.zswpout, b.zswpin - a.zswpin, b.pswpout - a.pswpout,
	       b.pswpin - a.pswpin);
	TH_LOG("mismatches %zu (first at page %zu), %.1fs", bad, first_bad, zw_now() - t0);
	EXPECT_GT(peak, 0);
	EXPECT_GT(peak_pool, 0);
	EXPECT_GT(b.zswpout - a.zswpout, 0);
	EXPECT_EQ(0, bad);
	zw_region_free(&r);
}

TEST_HARNESS_MAIN
