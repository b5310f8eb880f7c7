// SPDX-License-Identifier: GPL-2.0
/*
 * Exclusive loads: with zswap.exclusive_loads=Y a page loaded into the swap
 * cache gives up its compressed copy, so stored_pages drops by the pages
 * read back; the page is dirtied, so when it is reclaimed again it is
 * stored again.  Pages shared across fork, whose swap entries have several
 * owners, stay intact for every owner, with exclusive loads on and off.
 *
 * Vanilla 6.1 has no exclusive loads: the parameter is missing and the
 * first test fails saying so.
 */
#include "zswap_workload.h"
#include "../kselftest_harness.h"

FIXTURE(excl) {
	struct zw_params saved;
	char cg[256];
	char page_cluster[16];
};

FIXTURE_SETUP(excl)
{
	zw_params_save(&self->saved);
	ASSERT_EQ(0, zw_param_set_log("max_pool_percent", "20"));
	ASSERT_EQ(0, zw_param_set_log("enabled", "Y"));
	ASSERT_EQ(0, zw_read_str(ZW_PAGE_CLUSTER, self->page_cluster,
				 sizeof(self->page_cluster)));
	ASSERT_EQ(0, zw_write_str(ZW_PAGE_CLUSTER, "0"));
	ASSERT_EQ(0, zw_cg_create("zswap_excl", self->cg, sizeof(self->cg)));
	ASSERT_EQ(0, zw_cg_limits(self->cg, 32, 16));
	ASSERT_EQ(0, zw_cg_enter(self->cg));
}

FIXTURE_TEARDOWN(excl)
{
	zw_cg_destroy(self->cg);
	zw_write_str(ZW_PAGE_CLUSTER, self->page_cluster);
	zw_params_restore(&self->saved);
}

TEST_F_TIMEOUT(excl, drop_on_load_store_again, 600)
{
	static const struct zw_mix text = { { 0, 0, 100, 0 } };
	long long s0, s1, s2, x0, x1, loaded, dropped;
	struct zw_region r;
	struct zw_vm a, b, c;
	size_t bad;

	ASSERT_TRUE(zw_has_param("exclusive_loads"))
		TH_LOG("no " ZW_PARAMS "exclusive_loads: this kernel has no exclusive loads");
	ASSERT_TRUE(zw_has_stat("exclusive_loads"))
		TH_LOG("no " ZW_DEBUGFS "exclusive_loads statistic");
	ASSERT_EQ(0, zw_param_set_log("exclusive_loads", "Y"));

	ASSERT_EQ(0, zw_region_init(&r, MB(40), 21));
	r.mix = text;
	zw_region_fill(&r, 0);
	s0 = zw_stat("stored_pages");
	x0 = zw_stat("exclusive_loads");

	/* Lift the limit and read everything back: no reclaim meanwhile. */
	ASSERT_EQ(0, zw_cg_set(self->cg, "memory.max", "max"));
	zw_vm_read(&a);
	bad = zw_region_verify(&r);
	zw_vm_read(&b);
	s1 = zw_stat("stored_pages");
	x1 = zw_stat("exclusive_loads");
	loaded = b.zswpin - a.zswpin;
	dropped = s0 - s1;
	TH_LOG("read back %zu pages: zswpin %lld, mismatches %zu", r.pages, loaded, bad);
	TH_LOG("stored_pages %lld -> %lld (-%lld), exclusive_loads +%lld",
	       s0, s1, dropped, x1 - x0);
	EXPECT_EQ(0, bad);
	ASSERT_GT(loaded, (long long)MB(4));
	/* Every load dropped its entry (a little slack for other processes). */
	EXPECT_GE(dropped, loaded * 95 / 100);
	EXPECT_GE(x1 - x0, loaded * 95 / 100);

	/* Reclaim again: the dirtied pages are stored again. */
	ASSERT_EQ(0, zw_cg_limits(self->cg, 32, 0));
	zw_vm_read(&c);
	s2 = zw_stat("stored_pages");
	TH_LOG("reclaimed again: zswpout %lld, stored_pages %lld -> %lld (+%lld)",
	       c.zswpout - b.zswpout, s1, s2, s2 - s1);
	EXPECT_GE(c.zswpout - b.zswpout, loaded / 2);
	EXPECT_GE(s2 - s1, (c.zswpout - b.zswpout) * 9 / 10);

	bad = zw_region_verify(&r);
	TH_LOG("second read-back: mismatches %zu", bad);
	EXPECT_EQ(0, bad);
	zw_region_free(&r);
}

/*
 * Pages swapped out while shared by a parent and two children.  Each
 * child reads everything, rewrites half of its copy and checks again; the
 * parent checks its untouched copy while they run and after.
 */
static void shared_across_fork(struct __test_metadata *_metadata,
			       const char *exclusive)
{
	pid_t pid[2];
	struct zw_region r;
	size_t bad = 0, i;
	int k, rc;

	if (exclusive) {
		if (!zw_has_param("exclusive_loads"))
			SKIP(return, "no exclusive_loads parameter");
		ASSERT_EQ(0, zw_param_set_log("exclusive_loads", exclusive));
	}
	ASSERT_EQ(0, zw_region_init(&r, MB(32), 31));
	zw_region_fill(&r, 0);
	for (k = 0; k < 2; k++) {
		pid[k] = fork();
		ASSERT_GE(pid[k], 0);
		if (pid[k] == 0) {
			size_t cbad = zw_region_verify(&r);

			for (i = k; i < r.pages; i += 2)
				zw_write_page(&r, i, 1 + k);
			cbad += zw_region_verify(&r);
			cbad += zw_region_verify(&r);
			if (cbad)
				fprintf(stderr, "# child %d: %zu mismatches\n", k, cbad);
			_exit(cbad ? 1 : 0);
		}
	}
	bad += zw_region_verify(&r);
	for (k = 0; k < 2; k++) {
		rc = zw_churn_wait(pid[k]);
		EXPECT_EQ(0, rc) TH_LOG("child %d exited with %d", k, rc);
	}
	bad += zw_region_verify(&r);
	TH_LOG("exclusive_loads=%s: parent mismatches %zu, stored_pages %lld",
	       exclusive ? exclusive : "default", bad, zw_stat("stored_pages"));
	EXPECT_EQ(0, bad);
	zw_region_free(&r);
}

TEST_F_TIMEOUT(excl, shared_across_fork_exclusive, 600)
{
	shared_across_fork(_metadata, "Y");
}

TEST_F_TIMEOUT(excl, shared_across_fork_not_exclusive, 600)
{
	shared_across_fork(_metadata, zw_has_param("exclusive_loads") ? "N" : NULL);
}

TEST_HARNESS_MAIN
