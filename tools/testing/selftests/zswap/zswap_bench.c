// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's guest program (bin/bench.sh runs it under QEMU with
 * -icount, so that guest time counts instructions).  One run is:
 *
 *   1. write a cold region (-c MiB), never touched again;
 *   2. write a warm region (-w MiB);
 *   3. -p passes over the warm region, reading and checking every page;
 *      with -W N, every Nth page of a pass is rewritten as well (a
 *      read-mostly phase), otherwise the passes only read, so that pages
 *      whose zswap copy is loaded keep it (unless exclusive loads drop it).
 *      With -r, a pass is as many reads of seeded random warm pages instead
 *      of a sequential sweep: a sweep over more than RAM misses on every
 *      page under any LRU, random reads hit RAM as often as it is large.
 *
 * Pages are the seeded mix of zswap_workload.h (-x zero:same:text:random
 * percentages), checked against their checksums.  The last line is
 *
 *   bench-result: name=W2 ... guest_ns=... sys_ticks=... zswpout=... ...
 *
 * with the guest's elapsed time of phases 1-3 (guest_ns), the CPU time all
 * tasks spent in it (busy_ns, see zw_taskclock_read()), the CPU time deltas
 * from /proc/stat, the deltas of every counter of struct zw_counters and the
 * peak and final pool size and stored pages.
 *
 * Usage: zswap_bench -n NAME [-c MiB] [-w MiB] [-p passes] [-W N] [-r]
 *                    [-x z:s:t:r] [-s seed]
 * Exit status: 0 when every page matched.
 */
#include <getopt.h>
#include "zswap_workload.h"

#define SAMPLE_EVERY	256	/* pages between two samples of the pool's peaks */

static struct zw_counters peaks;
static struct zw_taskclock tc0, tc1;
static long long mismatches;
/* Parameters in force, printed with the results; "-" where a kernel lacks one. */
static const char * const params[] = {
	"zpool", "compressor", "max_pool_percent", "accept_threshold_percent",
	"exclusive_loads",
};

static void write_pages(struct zw_region *r, size_t from, size_t to, uint64_t gen)
{
	size_t i;

	for (i = from; i < to; i++) {
		zw_write_page(r, i, gen);
		if (i % SAMPLE_EVERY == 0)
			zw_counters_sample(&peaks);
	}
}

int main(int argc, char **argv)
{
	unsigned long long cold_mib = 0, warm_mib = 0;
	unsigned int passes = 0, write_every = 0, p;
	int random_order = 0;
	uint64_t rs;
	size_t j;
	const char *name = "bench";
	struct zw_counters start, end;
	struct zw_cputime t0, t1;
	struct zw_region r;
	size_t cold, warm, i;
	uint64_t seed = 1;
	struct zw_mix mix = zw_default_mix;
	double g0, g1, gw;
	int c;

	while ((c = getopt(argc, argv, "n:c:w:p:W:rx:s:")) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'c':
			cold_mib = strtoull(optarg, NULL, 0);
			break;
		case 'w':
			warm_mib = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			passes = strtoul(optarg, NULL, 0);
			break;
		case 'W':
			write_every = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			random_order = 1;
			break;
		case 'x':
			if (zw_mix_parse(&mix, optarg)) {
				fprintf(stderr, "zswap_bench: -x wants %s\n",
					"zero:same:text:random percentages summing to 100");
				return 2;
			}
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s -n NAME [-c MiB] [-w MiB] [-p passes] %s\n",
				argv[0], "[-W N] [-r] [-x z:s:t:r] [-s seed]");
			return 2;
		}
	}
	cold = (cold_mib << 20) / ZW_PAGE;
	warm = (warm_mib << 20) / ZW_PAGE;
	if (!warm) {
		fprintf(stderr, "zswap_bench: -w MiB is required\n");
		return 2;
	}
	if (zw_region_init(&r, cold + warm, seed)) {
		fprintf(stderr, "zswap_bench: cannot map %llu MiB\n", cold_mib + warm_mib);
		return 2;
	}
	r.mix = mix;
	r.fast = 1;
	printf("zswap bench %s: cold %llu MiB, warm %llu MiB, %u passes, write every %u, ",
	       name, cold_mib, warm_mib, passes, write_every);
	printf("mix %u:%u:%u:%u, seed %llu, MemTotal %llu MiB\n", mix.pct[0], mix.pct[1],
	       mix.pct[2], mix.pct[3], (unsigned long long)seed, zw_memtotal() >> 20);
	fflush(stdout);

	zw_counters_read(&start);
	peaks = start;
	zw_cputime(&t0);
	zw_taskclock_read(&tc0);
	g0 = zw_now();

	write_pages(&r, 0, cold, 0);
	write_pages(&r, cold, cold + warm, 0);
	gw = zw_now();
	for (p = 0; p < passes; p++) {
		rs = zw_mix64(seed + p + 1);
		for (j = 0; j < warm; j++) {
			i = cold + (random_order ? zw_next(&rs) % warm : j);
			if (!zw_check_page(&r, i))
				mismatches++;
			if (write_every && i % write_every == p % write_every) {
				/* The page's generation is its pass; checksums follow. */
				zw_write_page(&r, i, p + 1);
			}
			if (j % SAMPLE_EVERY == 0)
				zw_counters_sample(&peaks);
		}
	}
	zw_counters_sample(&peaks);

	g1 = zw_now();
	zw_taskclock_read(&tc1);
	zw_cputime(&t1);
	zw_counters_read(&end);
	if (peaks.peak_pool_total_size > end.peak_pool_total_size)
		end.peak_pool_total_size = peaks.peak_pool_total_size;
	if (peaks.peak_stored_pages > end.peak_stored_pages) {
		end.peak_stored_pages = peaks.peak_stored_pages;
		end.peak_same_filled_pages = peaks.peak_same_filled_pages;
	}

	/* The cold region is checked after the clock stopped: it is not part of the workload. */
	for (i = 0; i < cold; i++)
		if (!zw_check_page(&r, i))
			mismatches++;

	printf("bench-result: name=%s guest_ns=%.0f busy_ns=%lld write_ns=%.0f", name,
	       (g1 - g0) * 1e9, zw_taskclock_delta(&tc0, &tc1), (gw - g0) * 1e9);
	printf(" pages=%zu cold_pages=%zu warm_pages=%zu passes=%u write_every=%u random_order=%d",
	       cold + warm, cold, warm, passes, write_every, random_order);
	printf(" clk_tck=%ld user_ticks=%llu sys_ticks=%llu idle_ticks=%llu",
	       sysconf(_SC_CLK_TCK), t1.user + t1.nice - t0.user - t0.nice, t1.system - t0.system,
	       t1.idle - t0.idle);
	printf(" iowait_ticks=%llu irq_ticks=%llu softirq_ticks=%llu",
	       t1.iowait - t0.iowait, t1.irq - t0.irq, t1.softirq - t0.softirq);
	zw_counters_print(stdout, &start, &end);
	for (i = 0; i < ARRAY_SIZE(params); i++) {
		char val[64];

		if (zw_param_get(params[i], val, sizeof(val)))
			strcpy(val, "-");
		printf(" param_%s=%s", params[i], val);
	}
	printf(" zero=%zu same=%zu text=%zu random=%zu mismatches=%lld\n",
	       r.kinds[ZW_ZERO], r.kinds[ZW_SAME], r.kinds[ZW_TEXT], r.kinds[ZW_RANDOM],
	       mismatches);
	if (mismatches)
		printf("zswaptest: error: %s: %lld checksum mismatches\n", name, mismatches);
	zw_region_free(&r);
	return mismatches ? 1 : 0;
}
