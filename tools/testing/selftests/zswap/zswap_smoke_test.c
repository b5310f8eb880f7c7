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
	long long stored, peak = 0, mismatches = 0;
	struct zw_region r;
	char val[16];
	size_t i;

	ASSERT_EQ(0, zw_param_get("enabled", val, sizeof(val)));
	if (val[0] != 'Y')
		SKIP(return, "zswap is not enabled");
	ASSERT_GT(mem, 0);
	ASSERT_EQ(0, zw_region_init(&r, mem * 3 / 2 / ZW_PAGE, 42));

	for (i = 0; i < r.pages; i++) {
		zw_write_page(&r, i, 0);
		if (i % 256 == 0) {
			stored = zw_stat("stored_pages");
			if (stored > peak)
				peak = stored;
		}
	}
	for (i = 0; i < r.pages; i++)
		if (!zw_check_page(&r, i))
			mismatches++;
	TH_LOG("%zu pages, stored_pages peak %lld, mismatches %lld",
	       r.pages, peak, mismatches);
	EXPECT_GT(peak, 0);
	EXPECT_EQ(0, mismatches);
	zw_region_free(&r);
}

TEST_HARNESS_MAIN
