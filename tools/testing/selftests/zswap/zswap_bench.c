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
 *      With -z THETA, the reads of a pass are Zipf(THETA) over a seeded
 *      permutation of the warm pages (see struct zw_zipf): skewed, so
 *      that a policy that keeps the hot pages can win.
 *
 * Pages are the seeded mix of zswap_workload.h (-x zero:same:text:random
 * percentages), checked against their checksums.  The last line is
 *
 *   bench-result: name=W2 ... guest_ns=... sys_ticks=... zswpout=... ...
 *
 * with the guest's elapsed time of phases 1-3 (guest_ns), the CPU time all
 * tasks spent in it (busy_ns, see zw_taskclock_read()), the CPU time deltas
 * from /proc/stat, the deltas of every counter of struct zw_counters and the
 * peak and final pool size and stored pages.  Phase 3 alone is described
 * by read_ns, by the means over its samples of the pool size and the
 * stored pages (every SAMPLE_EVERY pages) and of the warm pages resident
 * in RAM (mincore(), swap cache included, every RESIDENT_EVERY pages),
 * then their values at its end.  The samples are part of guest_ns:
 * sample_ns says how much.  A mincore() of the warm region looks up the
 * swap cache for every page swapped out, so it is taken 32 times less
 * often than the cheap samples; taken as often, it was about 45% of W1's
 * guest time, and moved with the kernel's swap cache, not with zswap.
 *
 * Usage: zswap_bench -n NAME [-c MiB] [-w MiB] [-p passes] [-W N] [-r]
 *                    [-z theta] [-x z:s:t:r] [-s seed]
 * Exit status: 0 when every page matched.
 */
#include <getopt.h>
#include "zswap_workload.h"

#define SAMPLE_EVERY	256	/* pages between two samples of the pool's peaks */
#define RESIDENT_EVERY	8192	/* pages between two mincore() samples */

static struct zw_counters peaks;

/* Sums over phase 3's samples, for the means. */
static struct {
	long long samples, pool_total_size, stored_pages;
	long long resident_samples, resident;
	double seconds;		/* spent sampling, in every phase */
} phase;
static unsigned char *incore;
static struct zw_taskclock tc0, tc1;
static long long mismatches;
static void write_pages(struct zw_region *r, size_t from, size_t to, uint64_t gen)
{
	size_t i;
	double t;

	for (i = from; i < to; i++) {
		zw_write_page(r, i, gen);
		if (i % SAMPLE_EVERY == 0) {
			t = zw_now();
			zw_counters_sample(&peaks);
			phase.seconds += zw_now() - t;
		}
	}
}

/* Warm pages resident in RAM or in the swap cache, or -1. */
static long long warm_resident(struct zw_region *r, size_t cold, size_t warm)
{
	long long n = 0;
	size_t i;

	if (mincore(r->mem + cold * ZW_PAGE, warm * ZW_PAGE, incore))
		return -1;
	for (i = 0; i < warm; i++)
		n += incore[i] & 1;
	return n;
}

/* Phase 3's sample after its @j-th read (j % SAMPLE_EVERY == 0) */
static void phase_sample(struct zw_region *r, size_t cold, size_t warm, size_t j)
{
	double t = zw_now();

	zw_counters_sample(&peaks);
	phase.samples++;
	phase.pool_total_size += zw_stat("pool_total_size");
	phase.stored_pages += zw_stat("stored_pages");
	if (j % RESIDENT_EVERY == 0) {
		phase.resident_samples++;
		phase.resident += warm_resident(r, cold, warm);
	}
	phase.seconds += zw_now() - t;
}

static double phase_mean(long long sum, long long samples)
{
	return samples ? (double)sum / samples : 0;
}

int main(int argc, char **argv)
{
	unsigned long long cold_mib = 0, warm_mib = 0;
	unsigned int passes = 0, write_every = 0, p;
	int random_order = 0;
	double theta = 0;
	struct zw_zipf zipf = { 0 };
	long long end_resident;
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

	while ((c = getopt(argc, argv, "n:c:w:p:W:rz:x:s:")) != -1) {
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
		case 'z':
			theta = strtod(optarg, NULL);
			if (theta <= 0 || theta > 10) {
				fprintf(stderr, "zswap_bench: -z wants a theta in (0, 10]\n");
				return 2;
			}
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
				argv[0], "[-W N] [-r] [-z theta] [-x z:s:t:r] [-s seed]");
			return 2;
		}
	}
	cold = (cold_mib << 20) / ZW_PAGE;
	warm = (warm_mib << 20) / ZW_PAGE;
	if (!warm) {
		fprintf(stderr, "zswap_bench: -w MiB is required\n");
		return 2;
	}
	incore = malloc(warm);
	if (!incore || zw_region_init(&r, cold + warm, seed)) {
		fprintf(stderr, "zswap_bench: cannot map %llu MiB\n", cold_mib + warm_mib);
		return 2;
	}
	if (theta && zw_zipf_init(&zipf, warm, theta, seed)) {
		fprintf(stderr, "zswap_bench: no memory for a Zipf table of %zu pages\n", warm);
		return 2;
	}
	r.mix = mix;
	r.fast = 1;
	printf("zswap bench %s: cold %llu MiB, warm %llu MiB, %u passes, write every %u, ",
	       name, cold_mib, warm_mib, passes, write_every);
	printf("%s, theta %g, mix %u:%u:%u:%u, seed %llu, MemTotal %llu MiB\n",
	       theta ? "zipf" : random_order ? "random" : "sequential", theta, mix.pct[0],
	       mix.pct[1], mix.pct[2], mix.pct[3], (unsigned long long)seed,
	       zw_memtotal() >> 20);
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
			if (theta)
				i = cold + zw_zipf_next(&zipf, &rs);
			else
				i = cold + (random_order ? zw_next(&rs) % warm : j);
			if (!zw_check_page(&r, i))
				mismatches++;
			if (write_every && i % write_every == p % write_every) {
				/* The page's generation is its pass; checksums follow. */
				zw_write_page(&r, i, p + 1);
			}
			if (j % SAMPLE_EVERY == 0)
				phase_sample(&r, cold, warm, j);
		}
	}
	zw_counters_sample(&peaks);

	g1 = zw_now();
	end_resident = warm_resident(&r, cold, warm);
	zw_taskclock_read(&tc1);
	zw_cputime(&t1);
	zw_counters_end(&end, &peaks);

	/* The cold region is checked after the clock stopped: it is not part of the workload. */
	for (i = 0; i < cold; i++)
		if (!zw_check_page(&r, i))
			mismatches++;

	printf("bench-result: name=%s guest_ns=%.0f busy_ns=%lld write_ns=%.0f", name,
	       (g1 - g0) * 1e9, zw_taskclock_delta(&tc0, &tc1), (gw - g0) * 1e9);
	printf(" read_ns=%.0f pages=%zu cold_pages=%zu warm_pages=%zu passes=%u write_every=%u",
	       (g1 - gw) * 1e9, cold + warm, cold, warm, passes, write_every);
	printf(" random_order=%d zipf_theta=%g phase_samples=%lld resident_samples=%lld",
	       random_order, theta, phase.samples, phase.resident_samples);
	printf(" sample_ns=%.0f phase_mean_pool_total_size=%.0f phase_mean_stored_pages=%.0f",
	       phase.seconds * 1e9, phase_mean(phase.pool_total_size, phase.samples),
	       phase_mean(phase.stored_pages, phase.samples));
	printf(" phase_mean_resident_pages=%.0f end_resident_pages=%lld",
	       phase_mean(phase.resident, phase.resident_samples), end_resident);
	zw_bench_print(stdout, &t0, &t1, &start, &end);
	printf(" zero=%zu same=%zu text=%zu random=%zu mismatches=%lld\n",
	       r.kinds[ZW_ZERO], r.kinds[ZW_SAME], r.kinds[ZW_TEXT], r.kinds[ZW_RANDOM],
	       mismatches);
	if (mismatches)
		printf("zswaptest: error: %s: %lld checksum mismatches\n", name, mismatches);
	zw_region_free(&r);
	if (theta)
		zw_zipf_free(&zipf);
	free(incore);
	return mismatches ? 1 : 0;
}
