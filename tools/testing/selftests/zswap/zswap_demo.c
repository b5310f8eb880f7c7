// SPDX-License-Identifier: GPL-2.0
/*
 * The run command's demo: push a seeded mix of pages well past RAM through
 * swap, read every page back and check it, then print what zswap did.
 *
 * Usage: zswap_demo [-m MiB] [-s seed] [-h hot_passes]
 *   -m  size of the working set; default twice MemTotal
 * Exit status: 0 when every page matched and zswap stored pages.
 */
#include <getopt.h>
#include <dirent.h>
#include "zswap_workload.h"

static long long peak_stored, peak_pool, peak_same;

static void sample(void)
{
	long long v;

	v = zw_stat("stored_pages");
	if (v > peak_stored) {
		peak_stored = v;
		peak_same = zw_stat("same_filled_pages");
	}
	v = zw_stat("pool_total_size");
	if (v > peak_pool)
		peak_pool = v;
}

static void print_params(void)
{
	struct dirent *d;
	char val[256];
	DIR *dir = opendir(ZW_PARAMS);

	if (!dir) {
		printf("  (no %s)\n", ZW_PARAMS);
		return;
	}
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		if (zw_param_get(d->d_name, val, sizeof(val)))
			continue;
		printf("  %-32s %s\n", d->d_name, val);
	}
	closedir(dir);
}

int main(int argc, char **argv)
{
	static const char * const counters[] = { "zswpout", "zswpin", "pswpout", "pswpin" };
	long long before[4], after[4], wb0, mismatches = 0;
	unsigned long long mem = zw_memtotal(), size = 0;
	unsigned int hot_passes = 2, p;
	struct zw_region r;
	uint64_t seed = 1;
	size_t i, step, hot;
	double t0;
	int c, k;

	while ((c = getopt(argc, argv, "m:s:h:")) != -1) {
		switch (c) {
		case 'm':
			size = strtoull(optarg, NULL, 0) << 20;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'h':
			hot_passes = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-m MiB] [-s seed] [-h hot_passes]\n", argv[0]);
			return 2;
		}
	}
	if (!size)
		size = 2 * mem;
	if (!size) {
		fprintf(stderr, "zswap_demo: cannot read MemTotal\n");
		return 2;
	}
	if (zw_region_init(&r, size / ZW_PAGE, seed)) {
		fprintf(stderr, "zswap_demo: cannot map %llu MiB\n", size >> 20);
		return 2;
	}
	for (k = 0; k < 4; k++)
		before[k] = zw_vmstat(counters[k]);
	wb0 = zw_stat("written_back_pages");
	printf("zswap demo: %llu MiB of anonymous memory on %llu MiB of RAM, seed %llu\n",
	       size >> 20, mem >> 20, (unsigned long long)seed);

	step = r.pages / 10 ? r.pages / 10 : 1;
	t0 = zw_now();
	for (i = 0; i < r.pages; i++) {
		zw_write_page(&r, i, 0);
		if (i % (step / 10 + 1) == 0)
			sample();
		if ((i + 1) % step == 0)
			printf("  write  %3zu%%  stored_pages %lld  pool %lld KiB  (%.1fs)\n",
			       (i + 1) * 100 / r.pages, zw_stat("stored_pages"),
			       zw_stat("pool_total_size") >> 10, zw_now() - t0);
		fflush(stdout);
	}
	printf("  wrote %zu pages: %zu zero, %zu same-filled, %zu text, %zu random\n",
	       r.pages, r.kinds[ZW_ZERO], r.kinds[ZW_SAME], r.kinds[ZW_TEXT],
	       r.kinds[ZW_RANDOM]);

	for (i = 0; i < r.pages; i++) {
		if (!zw_check_page(&r, i))
			mismatches++;
		if (i % (step / 10 + 1) == 0)
			sample();
		if ((i + 1) % step == 0)
			printf("  verify %3zu%%  mismatches %lld  (%.1fs)\n",
			       (i + 1) * 100 / r.pages, mismatches, zw_now() - t0);
		fflush(stdout);
	}
	/* A hot quarter, read again: these swap-ins should come from zswap. */
	hot = r.pages / 4;
	for (p = 0; p < hot_passes; p++) {
		for (i = 0; i < hot; i++)
			if (!zw_check_page(&r, i))
				mismatches++;
		printf("  hot pass %u over %zu pages  mismatches %lld  (%.1fs)\n",
		       p + 1, hot, mismatches, zw_now() - t0);
		fflush(stdout);
	}
	sample();
	for (k = 0; k < 4; k++)
		after[k] = zw_vmstat(counters[k]);

	printf("\n=== zswap summary ===\n");
	printf("pages stored (peak)          %lld (%lld same-filled)\n", peak_stored, peak_same);
	printf("pool size (peak)             %.1f MiB\n", peak_pool / 1048576.0);
	if (peak_pool > 0)
		printf("compression ratio            %.2f (compressed pages / pool, at peak)\n",
		       (double)(peak_stored - peak_same) * ZW_PAGE / peak_pool);
	printf("pages written back           %lld\n", zw_stat("written_back_pages") - wb0);
	printf("swap-outs  zswap / disk      %lld / %lld\n",
	       after[0] - before[0], after[2] - before[2]);
	printf("swap-ins   zswap / disk      %lld / %lld\n",
	       after[1] - before[1], after[3] - before[3]);
	printf("pool limit hit               %lld\n", zw_stat("pool_limit_hit"));
	printf("rejects                      reclaim_fail %lld, alloc_fail %lld, ",
	       zw_stat("reject_reclaim_fail"), zw_stat("reject_alloc_fail"));
	printf("kmemcache_fail %lld, compress_poor %lld, compress_fail %lld\n",
	       zw_stat("reject_kmemcache_fail"), zw_stat("reject_compress_poor"),
	       zw_stat("reject_compress_fail"));
	printf("checksum mismatches          %lld of %zu pages\n", mismatches, r.pages);
	printf("parameters in force:\n");
	print_params();
	printf("zswap-demo-result: stored_peak=%lld mismatches=%lld\n", peak_stored, mismatches);
	zw_region_free(&r);
	return mismatches || peak_stored <= 0;
}
