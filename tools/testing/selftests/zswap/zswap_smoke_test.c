// SPDX-License-Identifier: GPL-2.0
/*
 * Smoke test: with swap on and zswap enabled, a working set larger than RAM
 * goes through zswap (stored_pages > 0 while it runs) and every page reads
 * back intact.
 */
#include "zswap_workload.h"
#include "../kselftest_harness.h"

FIXTURE(smoke) {
};

FIXTURE_SETUP(smoke)
{
}

FIXTURE_TEARDOWN(smoke)
{
}

/* Debug kernels under software emulation need minutes for this. */
TEST_F_TIMEOUT(smoke, swap_through_zswap, 900)
{
	unsigned long long mem = zw_memtotal();
	struct zw_region r;
	long long peak;
	size_t mismatches;
	char val[16];

	ASSERT_EQ(0, zw_param_get("enabled", val, sizeof(val)));
	if (val[0] != 'Y')
		SKIP(return, "zswap is not enabled");
	ASSERT_GT(mem, 0);
	ASSERT_EQ(0, zw_region_init(&r, mem * 3 / 2 / ZW_PAGE, 42));

	peak = zw_region_fill_peak(&r, 0);
	mismatches = zw_region_verify(&r);
	TH_LOG("%zu pages, stored_pages peak %lld, mismatches %zu",
	       r.pages, peak, mismatches);
	EXPECT_GT(peak, 0);
	EXPECT_EQ(0, mismatches);
	zw_region_free(&r);
}

TEST_HARNESS_MAIN
