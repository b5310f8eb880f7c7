// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input: every zswap parameter gets invalid values (empty, overlong,
 * unknown names, negative, over 100, non-numeric).  Each write must fail
 * with an errno, and reading the parameter back must show the old value.
 *
 * "Empty" is a lone newline, what "echo > param" writes: a write of zero
 * bytes never reaches the parameter's setter.
 *
 * accept_threshold_percent also refuses 0 (max_pool_percent takes it): no
 * pool size is below a threshold of 0, so the shrink worker would write
 * back the whole pool on every refused store.
 *
 * Booleans are parsed by kstrtobool(), which looks at the first character
 * only ("1xyz" is true, "101" too); the values tried on them are those it
 * must refuse.
 */
#include "zswap_workload.h"
#include "../kselftest_harness.h"

enum ptype { P_BOOL, P_NAME, P_PERCENT, P_THRESHOLD };

struct pdesc {
	const char *name;
	enum ptype type;
};

static const struct pdesc params[] = {
	{ "enabled", P_BOOL },
	{ "compressor", P_NAME },
	{ "zpool", P_NAME },
	{ "max_pool_percent", P_PERCENT },
	{ "accept_threshold_percent", P_THRESHOLD },
	{ "same_filled_pages_enabled", P_BOOL },
	{ "non_same_filled_pages_enabled", P_BOOL },
	{ "exclusive_loads", P_BOOL },
};

#define LONG_LEN	5000

static char overlong_x[LONG_LEN + 1], overlong_num[LONG_LEN + 1];

static const char * const bad_common[] = {
	"\n", " ", overlong_x, "-1", "-100",
};

static const char * const bad_bool[] = {
	"maybe", "2", "abc", "\tY", "x1", "-Y",
};

static const char * const bad_name[] = {
	"nosuch", "lzo4", "zbud3", "lzo lz4", "../zbud", "101", "Y",
};

static const char * const bad_percent[] = {
	"101", "1000", "4294967296", "99999999999999999999", "abc", "ten",
	"10abc", "0x10", "1.5", "50%", overlong_num,
};

/* Tried on thresholds on top of bad_percent */
static const char * const bad_threshold[] = {
	"0", "00",
};

FIXTURE(params) {
	struct zw_params saved;
};

FIXTURE_SETUP(params)
{
	memset(overlong_x, 'x', LONG_LEN);
	overlong_num[0] = '1';
	memset(overlong_num + 1, '0', LONG_LEN - 1);
	zw_params_save(&self->saved);
}

FIXTURE_TEARDOWN(params)
{
	zw_params_restore(&self->saved);
}

static const char *show(const char *v, char *buf, size_t len)
{
	size_t i, n = strlen(v);

	if (n > 24) {
		snprintf(buf, len, "<%zu bytes>", n);
		return buf;
	}
	for (i = 0; i < n && i < len - 1; i++)
		buf[i] = (v[i] == '\n' || v[i] == '\t') ? '~' : v[i];
	buf[i] = 0;
	return buf;
}

/* Try one value; returns 1 when the parameter behaved. */
static int try_bad(struct __test_metadata *_metadata, const char *name,
		   const char *bad)
{
	char before[128], after[128], shown[32];
	int err, ok = 1;

	if (zw_param_get(name, before, sizeof(before)))
		return 0;
	err = zw_param_set(name, bad);
	if (zw_param_get(name, after, sizeof(after)))
		return 0;
	if (!err) {
		TH_LOG("%s='%s' was accepted (now '%s')", name,
		       show(bad, shown, sizeof(shown)), after);
		ok = 0;
	}
	if (strcmp(before, after)) {
		TH_LOG("%s='%s' changed the value from '%s' to '%s' (errno %d)",
		       name, show(bad, shown, sizeof(shown)), before, after, -err);
		ok = 0;
	}
	/* Put it back if it changed, so the next value starts clean. */
	if (strcmp(before, after))
		zw_param_set(name, before);
	return ok;
}

static void check_param(struct __test_metadata *_metadata, const struct pdesc *p)
{
	const char * const *list;
	size_t i, n, bad = 0, tried = 0;

	if (!zw_has_param(p->name)) {
		TH_LOG("no parameter " ZW_PARAMS "%s: kernel without this zswap feature",
		       p->name);
		_metadata->passed = 0;
		return;
	}
	for (i = 0; i < ARRAY_SIZE(bad_common); i++, tried++)
		bad += !try_bad(_metadata, p->name, bad_common[i]);
	switch (p->type) {
	case P_BOOL:
		list = bad_bool;
		n = ARRAY_SIZE(bad_bool);
		break;
	case P_NAME:
		list = bad_name;
		n = ARRAY_SIZE(bad_name);
		break;
	default:
		list = bad_percent;
		n = ARRAY_SIZE(bad_percent);
		break;
	}
	for (i = 0; i < n; i++, tried++)
		bad += !try_bad(_metadata, p->name, list[i]);
	if (p->type == P_THRESHOLD)
		for (i = 0; i < ARRAY_SIZE(bad_threshold); i++, tried++)
			bad += !try_bad(_metadata, p->name, bad_threshold[i]);
	TH_LOG("%s: %zu bad values tried, %zu mishandled", p->name, tried, bad);
	if (bad)
		_metadata->passed = 0;
}

TEST_F(params, enabled)
{
	ASSERT_STREQ("enabled", params[0].name);
	check_param(_metadata, &params[0]);
}

TEST_F(params, compressor)
{
	ASSERT_STREQ("compressor", params[1].name);
	check_param(_metadata, &params[1]);
}

TEST_F(params, zpool)
{
	ASSERT_STREQ("zpool", params[2].name);
	check_param(_metadata, &params[2]);
}

TEST_F(params, max_pool_percent)
{
	ASSERT_STREQ("max_pool_percent", params[3].name);
	check_param(_metadata, &params[3]);
}

TEST_F(params, accept_threshold_percent)
{
	ASSERT_STREQ("accept_threshold_percent", params[4].name);
	check_param(_metadata, &params[4]);
}

TEST_F(params, same_filled_pages_enabled)
{
	ASSERT_STREQ("same_filled_pages_enabled", params[5].name);
	check_param(_metadata, &params[5]);
}

TEST_F(params, non_same_filled_pages_enabled)
{
	ASSERT_STREQ("non_same_filled_pages_enabled", params[6].name);
	check_param(_metadata, &params[6]);
}

TEST_F(params, exclusive_loads)
{
	ASSERT_STREQ("exclusive_loads", params[7].name);
	check_param(_metadata, &params[7]);
}

/* An unavailable compressor or zpool leaves zswap working on the old pool. */
TEST_F(params, unavailable_keeps_pool)
{
	char comp[64], zpool[64];

	ASSERT_EQ(0, zw_param_get("compressor", comp, sizeof(comp)));
	ASSERT_EQ(0, zw_param_get("zpool", zpool, sizeof(zpool)));
	EXPECT_NE(0, zw_param_set("compressor", "nosuchcompressor"));
	EXPECT_NE(0, zw_param_set("zpool", "nosuchzpool"));
	EXPECT_EQ(0, zw_param_set("enabled", "Y"));
	EXPECT_EQ(0, zw_param_set("compressor", comp));
	EXPECT_EQ(0, zw_param_set("zpool", zpool));
}

TEST_HARNESS_MAIN
