/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workload helpers shared by the zswap selftests and the run command's demo.
 *
 * Pages are generated from (seed, index, generation) alone, so a page can be
 * checked without keeping a copy: the mix is zero pages, same-filled pages,
 * text-like pages (compress about 2-3x) and random pages (incompressible),
 * in proportions chosen per page by a seeded generator.  A 64-bit checksum
 * per page is kept while writing and compared when reading back.
 */
#ifndef ZSWAP_WORKLOAD_H
#define ZSWAP_WORKLOAD_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/swap.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ZW_PAGE		4096UL
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define ZW_DEBUGFS	"/sys/kernel/debug/zswap/"
#define ZW_PARAMS	"/sys/module/zswap/parameters/"

enum zw_kind { ZW_ZERO, ZW_SAME, ZW_TEXT, ZW_RANDOM, ZW_NR_KINDS };

static const char * const zw_kind_name[] = { "zero", "same", "text", "random" };

/* Percent of each kind, in enum order. */
struct zw_mix {
	unsigned int pct[ZW_NR_KINDS];
};

static const struct zw_mix zw_default_mix = { { 10, 10, 60, 20 } };

static inline uint64_t zw_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* splitmix64 step */
static inline uint64_t zw_next(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ULL;
	return zw_mix64(*s);
}

static inline enum zw_kind zw_page_kind(const struct zw_mix *mix, uint64_t seed,
					uint64_t idx)
{
	unsigned int r = zw_mix64(seed * 0x100000001b3ULL + idx) % 100, acc = 0;
	int k;

	for (k = 0; k < ZW_NR_KINDS; k++) {
		acc += mix->pct[k];
		if (r < acc)
			return k;
	}
	return ZW_RANDOM;
}

static const char * const zw_words[] = {
	"the", "page", "swap", "memory", "compressed", "pool", "entry", "tree",
	"lock", "writeback", "reclaim", "kernel", "of", "and", "to", "a", "in",
	"is", "that", "for", "zswap", "zbud", "buddy", "chunk", "handle",
	"free", "list", "cold", "hot", "load", "store", "invalidate",
};

/* Fill one page; returns its kind.  gen lets a rewrite change the data. */
static inline enum zw_kind zw_fill(void *page, const struct zw_mix *mix,
				   uint64_t seed, uint64_t idx, uint64_t gen)
{
	enum zw_kind kind = zw_page_kind(mix, seed, idx);
	uint64_t s = zw_mix64(seed ^ (idx << 20) ^ (gen << 52) ^ 0x5a5a);
	uint64_t *w = page;
	char *c = page;
	size_t i, n;

	switch (kind) {
	case ZW_ZERO:
		memset(page, 0, ZW_PAGE);
		break;
	case ZW_SAME: {
		uint64_t v = zw_next(&s) | 1;

		for (i = 0; i < ZW_PAGE / 8; i++)
			w[i] = v;
		break;
	}
	case ZW_TEXT:
		for (i = 0; i < ZW_PAGE; ) {
			uint64_t r = zw_next(&s);
			const char *word = zw_words[r % ARRAY_SIZE(zw_words)];

			n = strlen(word);
			if (i + n + 1 > ZW_PAGE)
				n = ZW_PAGE - i - 1;
			memcpy(c + i, word, n);
			i += n;
			c[i++] = (r >> 32) % 11 ? ' ' : '\n';
		}
		/* A stamp, so that no two text pages are equal. */
		memcpy(c, &idx, sizeof(idx));
		break;
	default:
		for (i = 0; i < ZW_PAGE / 8; i++)
			w[i] = zw_next(&s);
		break;
	}
	return kind;
}

/*
 * Text-like pages built from 64-byte runs of one seeded block of text,
 * picked at random: they compress about as zw_fill()'s text pages do, for a
 * tenth of the instructions.  The benchmark uses them, because under
 * -icount every instruction spent making data is guest time that is the
 * same on both kernels and only dilutes the difference being measured.
 */
#define ZW_TEXT_BLOCK	(16 * ZW_PAGE)
#define ZW_TEXT_RUN	64

static inline const char *zw_text_block(void)
{
	static char *block;
	uint64_t s = 0x7e87;
	size_t i, n;

	if (block)
		return block;
	block = malloc(ZW_TEXT_BLOCK + ZW_TEXT_RUN);
	if (!block)
		abort();
	for (i = 0; i < ZW_TEXT_BLOCK + ZW_TEXT_RUN; ) {
		uint64_t r = zw_next(&s);
		const char *word = zw_words[r % ARRAY_SIZE(zw_words)];

		n = strlen(word);
		if (i + n + 1 > ZW_TEXT_BLOCK + ZW_TEXT_RUN)
			n = ZW_TEXT_BLOCK + ZW_TEXT_RUN - i - 1;
		memcpy(block + i, word, n);
		i += n;
		block[i++] = (r >> 32) % 11 ? ' ' : '\n';
	}
	return block;
}

/* As zw_fill(), with text pages made of runs of zw_text_block(). */
static inline enum zw_kind zw_fill_fast(void *page, const struct zw_mix *mix,
					uint64_t seed, uint64_t idx, uint64_t gen)
{
	enum zw_kind kind = zw_page_kind(mix, seed, idx);
	uint64_t s = zw_mix64(seed ^ (idx << 20) ^ (gen << 52) ^ 0x5a5a);
	const char *block;
	char *c = page;
	size_t i;

	if (kind != ZW_TEXT)
		return zw_fill(page, mix, seed, idx, gen);
	block = zw_text_block();
	for (i = 0; i < ZW_PAGE; i += ZW_TEXT_RUN)
		memcpy(c + i, block + zw_next(&s) % ZW_TEXT_BLOCK, ZW_TEXT_RUN);
	memcpy(c, &idx, sizeof(idx));
	return kind;
}

static inline uint64_t zw_csum(const void *page)
{
	const uint64_t *w = page;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < ZW_PAGE / 8; i++)
		h = (h ^ w[i]) * 0x100000001b3ULL + (h >> 29);
	return h;
}

/* Read a number from a file; -1 if it cannot be read. */
static inline long long zw_read_ll(const char *path)
{
	char buf[64];
	long long v = -1;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = 0;
		v = strtoll(buf, NULL, 10);
	}
	close(fd);
	return v;
}

static inline long long zw_stat(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), ZW_DEBUGFS "%s", name);
	return zw_read_ll(path);
}

/* Read a file into buf (trailing newline removed); 0 or -errno. */
static inline int zw_read_str(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return 0;
}

/* Write a string to a file; 0 or -errno of the open or the write. */
static inline int zw_write_str(const char *path, const char *val)
{
	int fd, err = 0;
	ssize_t n;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Read a parameter as a string (trailing newline removed). */
static inline int zw_param_get(const char *name, char *buf, size_t len)
{
	char path[512];

	snprintf(path, sizeof(path), ZW_PARAMS "%s", name);
	return zw_read_str(path, buf, len);
}

/* Write a parameter; returns 0 or -errno from the write. */
static inline int zw_param_set(const char *name, const char *val)
{
	char path[512];

	snprintf(path, sizeof(path), ZW_PARAMS "%s", name);
	return zw_write_str(path, val);
}

/* A field of /proc/vmstat, or -1. */
static inline long long zw_vmstat(const char *field)
{
	char name[64];
	long long v;
	FILE *f = fopen("/proc/vmstat", "r");
	long long ret = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2) {
		if (!strcmp(name, field)) {
			ret = v;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* MemTotal in bytes, or 0. */
static inline unsigned long long zw_memtotal(void)
{
	char line[128];
	unsigned long long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

static inline double zw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* x MiB, in pages. */
#define MB(x)		((x) * 1024UL * 1024 / ZW_PAGE)

/* An anonymous region with per-page checksums. */
struct zw_region {
	unsigned char *mem;
	uint64_t *csum;
	size_t pages;
	uint64_t seed;
	struct zw_mix mix;
	int fast;	/* text pages from zw_fill_fast() */
	size_t kinds[ZW_NR_KINDS];
};

static inline int zw_region_init(struct zw_region *r, size_t pages, uint64_t seed)
{
	memset(r, 0, sizeof(*r));
	r->pages = pages;
	r->seed = seed;
	r->mix = zw_default_mix;
	r->mem = mmap(NULL, pages * ZW_PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->mem == MAP_FAILED)
		return -errno;
	r->csum = calloc(pages, sizeof(*r->csum));
	if (!r->csum) {
		munmap(r->mem, pages * ZW_PAGE);
		return -ENOMEM;
	}
	return 0;
}

static inline void zw_region_free(struct zw_region *r)
{
	munmap(r->mem, r->pages * ZW_PAGE);
	free(r->csum);
}

static inline void zw_write_page(struct zw_region *r, size_t i, uint64_t gen)
{
	void *p = r->mem + i * ZW_PAGE;

	r->kinds[(r->fast ? zw_fill_fast : zw_fill)(p, &r->mix, r->seed, i, gen)]++;
	r->csum[i] = zw_csum(p);
}

/* Returns true if page i still holds what was written. */
static inline int zw_check_page(struct zw_region *r, size_t i)
{
	return zw_csum(r->mem + i * ZW_PAGE) == r->csum[i];
}

/* Parse "z:s:t:r" percentages into a mix; returns 0 if they sum to 100. */
static inline int zw_mix_parse(struct zw_mix *mix, const char *str)
{
	unsigned int v[ZW_NR_KINDS], sum = 0;
	int k;

	if (sscanf(str, "%u:%u:%u:%u", &v[0], &v[1], &v[2], &v[3]) != ZW_NR_KINDS)
		return -EINVAL;
	for (k = 0; k < ZW_NR_KINDS; k++) {
		mix->pct[k] = v[k];
		sum += v[k];
	}
	return sum == 100 ? 0 : -EINVAL;
}

/*
 * Zipf(theta) over n items: rank k (0-based) is drawn with probability
 * proportional to 1 / (k + 1)^theta, from an exact table of the cumulative
 * distribution searched by bisection, and is mapped to an item through a
 * seeded random permutation, so that the hot items are scattered over the
 * range and not adjacent.  Needs -lm.
 */
struct zw_zipf {
	size_t n;
	double *cdf;
	uint32_t *perm;
};

static inline int zw_zipf_init(struct zw_zipf *z, size_t n, double theta,
			       uint64_t seed)
{
	uint64_t s = zw_mix64(seed ^ 0x5a1bf00dULL);
	double sum = 0;
	size_t k;

	z->n = n;
	z->cdf = malloc(n * sizeof(*z->cdf));
	z->perm = malloc(n * sizeof(*z->perm));
	if (!n || n > UINT32_MAX || !z->cdf || !z->perm) {
		free(z->cdf);
		free(z->perm);
		return -EINVAL;
	}
	for (k = 0; k < n; k++) {
		sum += pow(k + 1.0, -theta);
		z->cdf[k] = sum;
		z->perm[k] = k;
	}
	for (k = 0; k < n; k++)
		z->cdf[k] /= sum;
	for (k = n - 1; k > 0; k--) {	/* Fisher-Yates */
		size_t j = zw_next(&s) % (k + 1);
		uint32_t t = z->perm[k];

		z->perm[k] = z->perm[j];
		z->perm[j] = t;
	}
	return 0;
}

/* The next item, drawn with generator state @s. */
static inline size_t zw_zipf_next(const struct zw_zipf *z, uint64_t *s)
{
	double u = (zw_next(s) >> 11) * (1.0 / 9007199254740992.0);
	size_t lo = 0, hi = z->n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return z->perm[lo];
}

static inline void zw_zipf_free(struct zw_zipf *z)
{
	free(z->cdf);
	free(z->perm);
}

/* CPU time of the whole machine from the first line of /proc/stat, in ticks. */
struct zw_cputime {
	unsigned long long user, nice, system, idle, iowait, irq, softirq;
};

static inline int zw_cputime(struct zw_cputime *t)
{
	FILE *f = fopen("/proc/stat", "r");
	int n;

	memset(t, 0, sizeof(*t));
	if (!f)
		return -errno;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &t->user, &t->nice,
		   &t->system, &t->idle, &t->iowait, &t->irq, &t->softirq);
	fclose(f);
	return n == 7 ? 0 : -EINVAL;
}

/*
 * The counters a benchmark run reports: vm events, zswap's debugfs
 * statistics, and the peaks of the pool size and of the stored pages as
 * seen by zw_counters_sample().  A counter the kernel lacks reads as -1.
 */
static const char * const zw_vm_counters[] = {
	"zswpout", "zswpin", "pswpout", "pswpin",
	/* what explains them: faults, swap readahead, refaults */
	"pgmajfault", "swap_ra", "swap_ra_hit", "workingset_refault_anon",
	"pgsteal_kswapd", "pgsteal_direct",
};

static const char * const zw_debugfs_counters[] = {
	"written_back_pages", "pool_limit_hit", "reject_reclaim_fail",
	"reject_alloc_fail", "reject_kmemcache_fail", "reject_compress_poor",
	"duplicate_entry",
	/* the series only */
	"reject_compress_fail", "exclusive_loads", "writeback_race_skipped", "writeback_throttled",
};

#define ZW_NR_VM	ARRAY_SIZE(zw_vm_counters)
#define ZW_NR_DEBUGFS	ARRAY_SIZE(zw_debugfs_counters)

struct zw_counters {
	long long vm[ZW_NR_VM];
	long long dfs[ZW_NR_DEBUGFS];
	long long pool_total_size, stored_pages, same_filled_pages;
	long long peak_pool_total_size, peak_stored_pages, peak_same_filled_pages;
};

/* Peaks since the last zw_counters_read() of @c. */
static inline void zw_counters_sample(struct zw_counters *c)
{
	long long v = zw_stat("pool_total_size");

	if (v > c->peak_pool_total_size)
		c->peak_pool_total_size = v;
	v = zw_stat("stored_pages");
	if (v > c->peak_stored_pages) {
		c->peak_stored_pages = v;
		c->peak_same_filled_pages = zw_stat("same_filled_pages");
	}
}

static inline void zw_counters_read(struct zw_counters *c)
{
	size_t i;

	for (i = 0; i < ZW_NR_VM; i++)
		c->vm[i] = zw_vmstat(zw_vm_counters[i]);
	for (i = 0; i < ZW_NR_DEBUGFS; i++)
		c->dfs[i] = zw_stat(zw_debugfs_counters[i]);
	c->pool_total_size = zw_stat("pool_total_size");
	c->stored_pages = zw_stat("stored_pages");
	c->same_filled_pages = zw_stat("same_filled_pages");
	c->peak_pool_total_size = c->pool_total_size;
	c->peak_stored_pages = c->stored_pages;
	c->peak_same_filled_pages = c->same_filled_pages;
}

/* Print "name=delta" for every counter of @b since @a, then the levels. */
static inline void zw_counters_print(FILE *f, const struct zw_counters *a,
				     const struct zw_counters *b)
{
	size_t i;

	for (i = 0; i < ZW_NR_VM; i++)
		fprintf(f, " %s=%lld", zw_vm_counters[i],
			a->vm[i] < 0 || b->vm[i] < 0 ? -1 : b->vm[i] - a->vm[i]);
	for (i = 0; i < ZW_NR_DEBUGFS; i++)
		fprintf(f, " %s=%lld", zw_debugfs_counters[i],
			a->dfs[i] < 0 || b->dfs[i] < 0 ? -1 : b->dfs[i] - a->dfs[i]);
	fprintf(f, " peak_pool_total_size=%lld final_pool_total_size=%lld",
		b->peak_pool_total_size, b->pool_total_size);
	fprintf(f, " peak_stored_pages=%lld final_stored_pages=%lld",
		b->peak_stored_pages, b->stored_pages);
	fprintf(f, " peak_same_filled_pages=%lld final_same_filled_pages=%lld",
		b->peak_same_filled_pages, b->same_filled_pages);
}

/*
 * The counters at the end of a run, with the peaks @peaks sampled during
 * it when they are above what the final read sees.
 */
static inline void zw_counters_end(struct zw_counters *end, const struct zw_counters *peaks)
{
	zw_counters_read(end);
	if (peaks->peak_pool_total_size > end->peak_pool_total_size)
		end->peak_pool_total_size = peaks->peak_pool_total_size;
	if (peaks->peak_stored_pages > end->peak_stored_pages) {
		end->peak_stored_pages = peaks->peak_stored_pages;
		end->peak_same_filled_pages = peaks->peak_same_filled_pages;
	}
}

/* Parameters in force, printed with a run's results ("-" where missing). */
static const char * const zw_bench_params[] = {
	"zpool", "compressor", "max_pool_percent", "accept_threshold_percent",
	"exclusive_loads",
};

/*
 * What every bench-result line carries after its program's own fields:
 * the machine's CPU ticks from @t0 to @t1, the counters from @a to @b and
 * the parameters in force.
 */
static inline void zw_bench_print(FILE *f, const struct zw_cputime *t0,
				  const struct zw_cputime *t1, const struct zw_counters *a,
				  const struct zw_counters *b)
{
	char val[64];
	size_t i;

	fprintf(f, " clk_tck=%ld user_ticks=%llu sys_ticks=%llu idle_ticks=%llu",
		sysconf(_SC_CLK_TCK), t1->user + t1->nice - t0->user - t0->nice,
		t1->system - t0->system, t1->idle - t0->idle);
	fprintf(f, " iowait_ticks=%llu irq_ticks=%llu softirq_ticks=%llu",
		t1->iowait - t0->iowait, t1->irq - t0->irq, t1->softirq - t0->softirq);
	zw_counters_print(f, a, b);
	for (i = 0; i < ARRAY_SIZE(zw_bench_params); i++) {
		if (zw_param_get(zw_bench_params[i], val, sizeof(val)))
			strcpy(val, "-");
		fprintf(f, " param_%s=%s", zw_bench_params[i], val);
	}
}

/*
 * CPU time of every task, read from each process's CPU-time clock, which
 * the kernel keeps in nanoseconds of sched_clock.  Under QEMU's -icount
 * that is instructions, and unlike the elapsed time it leaves out idle
 * waits: with sleep=off an idle vCPU jumps the clock to the next timer
 * deadline, so elapsed time also counts how long the host took to serve
 * the disk.  Kernel threads (kswapd, the shrink worker) are processes of
 * their own and are counted; interrupts taken while idle, and tasks that
 * exit in between, are not.
 */
#define ZW_MAX_TASKS	4096

struct zw_taskclock {
	size_t n;
	int pid[ZW_MAX_TASKS];
	long long ns[ZW_MAX_TASKS];
};

static inline void zw_taskclock_read(struct zw_taskclock *t)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	struct timespec ts;
	clockid_t clk;
	int pid;

	t->n = 0;
	if (!d)
		return;
	while ((e = readdir(d)) && t->n < ZW_MAX_TASKS) {
		pid = atoi(e->d_name);
		if (pid <= 0 || clock_getcpuclockid(pid, &clk) ||
		    clock_gettime(clk, &ts))
			continue;
		t->pid[t->n] = pid;
		t->ns[t->n++] = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	}
	closedir(d);
}

/* CPU time all tasks spent from @a to @b, in ns. */
static inline long long zw_taskclock_delta(const struct zw_taskclock *a,
					   const struct zw_taskclock *b)
{
	long long sum = 0;
	size_t i, j;

	for (i = 0; i < b->n; i++) {
		long long from = 0;

		for (j = 0; j < a->n; j++) {
			if (a->pid[j] == b->pid[i]) {
				from = a->ns[j];
				break;
			}
		}
		sum += b->ns[i] - from;
	}
	return sum;
}

/* Fill every page of a region with generation gen. */
static inline void zw_region_fill(struct zw_region *r, uint64_t gen)
{
	size_t i;

	for (i = 0; i < r->pages; i++)
		zw_write_page(r, i, gen);
}

/*
 * Fill a region as zw_region_fill() does, sampling stored_pages every 256
 * pages; returns the highest value seen.
 */
static inline long long zw_region_fill_peak(struct zw_region *r, uint64_t gen)
{
	long long stored, peak = 0;
	size_t i;

	for (i = 0; i < r->pages; i++) {
		zw_write_page(r, i, gen);
		if (i % 256 == 0) {
			stored = zw_stat("stored_pages");
			if (stored > peak)
				peak = stored;
		}
	}
	return peak;
}

/* Number of pages of a region that do not hold what was written. */
static inline size_t zw_region_verify(struct zw_region *r)
{
	size_t i, bad = 0;

	for (i = 0; i < r->pages; i++)
		if (!zw_check_page(r, i))
			bad++;
	return bad;
}

static inline int zw_file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* True if the debugfs statistic exists (it is new in the rewrite). */
static inline int zw_has_stat(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), ZW_DEBUGFS "%s", name);
	return zw_file_exists(path);
}

static inline int zw_has_param(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), ZW_PARAMS "%s", name);
	return zw_file_exists(path);
}

/* Print every zswap statistic as a TAP diagnostic, for a failed check. */
static inline void zw_dump_stats(const char *why)
{
	char path[512], line[1024];
	struct dirent *d;
	size_t n = 0;
	DIR *dir;

	dir = opendir(ZW_DEBUGFS);
	if (!dir)
		return;
	line[0] = 0;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), ZW_DEBUGFS "%s", d->d_name);
		n += snprintf(line + n, sizeof(line) - n, " %s=%lld",
			      d->d_name, zw_read_ll(path));
		if (n >= sizeof(line))
			break;
	}
	closedir(dir);
	fprintf(stderr, "# zswap after %s:%s\n", why, line);
}

/* Poll a statistic until it equals want; returns the last value read. */
static inline long long zw_wait_stat(const char *name, long long want,
				     double seconds)
{
	double end = zw_now() + seconds;
	long long v;

	for (;;) {
		v = zw_stat(name);
		if (v == want || zw_now() > end)
			return v;
		usleep(100000);
	}
}

/* The guest's swap disk (see init.sh). */
#define ZW_SWAPDEV	"/dev/vda"

/*
 * Turn swap off and on again: every page comes back from swap and zswap,
 * so every zswap entry, whoever owned it, is invalidated.
 */
static inline int zw_swap_cycle(void)
{
	if (swapoff(ZW_SWAPDEV))
		return -errno;
	if (swapon(ZW_SWAPDEV, 0))
		return -errno;
	return 0;
}

/* swap-in/out counters of /proc/vmstat, for deltas */
struct zw_vm {
	long long zswpin, zswpout, pswpin, pswpout;
};

static inline void zw_vm_read(struct zw_vm *v)
{
	v->zswpin = zw_vmstat("zswpin");
	v->zswpout = zw_vmstat("zswpout");
	v->pswpin = zw_vmstat("pswpin");
	v->pswpout = zw_vmstat("pswpout");
}

/*
 * cgroup v2 helpers.  A small memory.max puts a process under reclaim
 * without filling the whole guest, so swapping is fast and local.
 */
#define ZW_CGROOT	"/sys/fs/cgroup"

/* Create (or reuse) cgroup name with the memory controller; 0 or -errno. */
static inline int zw_cg_create(const char *name, char *path, size_t len)
{
	char buf[256];

	if (!zw_file_exists(ZW_CGROOT "/cgroup.controllers")) {
		mkdir(ZW_CGROOT, 0755);
		if (mount("cgroup2", ZW_CGROOT, "cgroup2", 0, NULL) && errno != EBUSY)
			return -errno;
	}
	if (zw_read_str(ZW_CGROOT "/cgroup.subtree_control", buf, sizeof(buf)))
		return -EIO;
	if (!strstr(buf, "memory") &&
	    zw_write_str(ZW_CGROOT "/cgroup.subtree_control", "+memory"))
		return -ENOTSUP;
	snprintf(path, len, ZW_CGROOT "/%s", name);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Write a control file of a cgroup; 0 or -errno. */
static inline int zw_cg_set(const char *cg, const char *file, const char *val)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return zw_write_str(path, val);
}

static inline int zw_cg_set_ll(const char *cg, const char *file, long long v)
{
	char val[32];

	snprintf(val, sizeof(val), "%lld", v);
	return zw_cg_set(cg, file, val);
}

/* A numeric control file of a cgroup ("max" reads as LLONG_MAX), or -1. */
static inline long long zw_cg_get(const char *cg, const char *file)
{
	char path[512], buf[64];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	if (zw_read_str(path, buf, sizeof(buf)))
		return -1;
	if (!strcmp(buf, "max"))
		return 0x7fffffffffffffffLL;
	return strtoll(buf, NULL, 10);
}

/*
 * Set memory.max and memory.zswap.max, in MiB (0: leave zswap.max alone).
 * zswap's compressed pages are charged to the cgroup's memory and cannot be
 * reclaimed by it, so a cgroup under a tight memory.max needs a zswap.max
 * well below it, or it runs out of memory.
 */
static inline int zw_cg_limits(const char *cg, long long mem_mb, long long zswap_mb)
{
	int err = zw_cg_set_ll(cg, "memory.max", mem_mb << 20);

	if (!err && zswap_mb)
		err = zw_cg_set_ll(cg, "memory.zswap.max", zswap_mb << 20);
	return err;
}

/*
 * The same through memory.high, with memory.max lifted: the group is never
 * OOM-killed, even when a swapoff has just brought all of its pages back.
 * The write reclaims down to mem_mb at once; after that, reclaim follows
 * new charges (faults, swap-ins), so once a swapoff made everything
 * resident, write it again.
 */
static inline int zw_cg_high_limits(const char *cg, long long mem_mb,
				    long long zswap_mb)
{
	int err = zw_cg_set(cg, "memory.max", "max");

	if (!err)
		err = zw_cg_set_ll(cg, "memory.high", mem_mb << 20);
	if (!err && zswap_mb)
		err = zw_cg_set_ll(cg, "memory.zswap.max", zswap_mb << 20);
	return err;
}

/*
 * The value of @key in a cgroup's flat keyed file @file, such as
 * memory.events ("oom_kill", "high") or memory.stat ("zswpout"), or -1.
 */
static inline long long zw_cg_key(const char *cg, const char *file,
				  const char *key)
{
	char path[512], name[64];
	long long v, ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2)
		if (!strcmp(name, key))
			ret = v;
	fclose(f);
	return ret;
}

/* Move the calling process into a cgroup; 0 or -errno. */
static inline int zw_cg_enter(const char *cg)
{
	return zw_cg_set(cg, "cgroup.procs", "0");
}

/*
 * Reclaim what a cgroup still holds.  Freed anonymous memory can leave
 * swap cache pages behind that own no process; their swap slots, and so
 * their zswap entries, live until reclaim drops the pages.
 */
static inline void zw_cg_reclaim(const char *cg)
{
	zw_cg_set(cg, "memory.reclaim", "1G");
}

/* Move the calling process back to the root, drain and remove the cgroup. */
static inline void zw_cg_destroy(const char *cg)
{
	zw_write_str(ZW_CGROOT "/cgroup.procs", "0");
	zw_cg_reclaim(cg);
	rmdir(cg);
}

/* A page shared by a test and its churning children. */
struct zw_shared {
	int stop;
	long long rounds[8];
	long long mismatches[8];
};

/* Accessors: the fields are shared between processes. */
#define ZW_GET(x)	__atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define ZW_SET(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)
#define ZW_ADD(x, v)	__atomic_add_fetch(&(x), (v), __ATOMIC_SEQ_CST)

static inline struct zw_shared *zw_shared_alloc(void)
{
	void *p = mmap(NULL, ZW_PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, ZW_PAGE);
	return p;
}

/*
 * Fork a child that joins cgroup cg (if given) and rewrites and checks a
 * region of pages with a new generation each round until sh->stop is set.
 * It exits 0 when every page matched, 1 on a mismatch, 2 on a setup error.
 */
static inline pid_t zw_churn_spawn(struct zw_shared *sh, int slot, const char *cg,
				   size_t pages, uint64_t seed)
{
	pid_t pid = fork();
	struct zw_region r;
	uint64_t gen;
	size_t bad;

	if (pid)
		return pid;
	if (cg && zw_cg_enter(cg))
		_exit(2);
	if (zw_region_init(&r, pages, seed))
		_exit(2);
	for (gen = 0; !ZW_GET(sh->stop); gen++) {
		zw_region_fill(&r, gen);
		bad = zw_region_verify(&r);
		if (bad) {
			ZW_ADD(sh->mismatches[slot], bad);
			fprintf(stderr, "# churn %d: %zu of %zu pages mismatched in round %llu\n",
				slot, bad, pages, (unsigned long long)gen);
		}
		ZW_ADD(sh->rounds[slot], 1);
	}
	/* One last check of what the final round wrote. */
	bad = zw_region_verify(&r);
	_exit(ZW_ADD(sh->mismatches[slot], bad) ? 1 : 0);
}

/*
 * Wait for a churn child: its exit code, 128 + the signal that killed it
 * (an OOM kill shows as 137), or 3 if it could not be waited for.
 */
static inline int zw_churn_wait(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return 3;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	if (!WIFEXITED(status))
		return 3;
	return WEXITSTATUS(status);
}

/* Tell the churn children of sh to stop and reap those still running. */
static inline void zw_churn_stop_all(struct zw_shared *sh, pid_t *pid, int nr)
{
	int k;

	ZW_SET(sh->stop, 1);
	for (k = 0; k < nr; k++)
		if (pid[k] > 0)
			waitpid(pid[k], NULL, 0);
}

/* Seconds from an environment variable, or def. */
static inline unsigned int zw_env_uint(const char *name, unsigned int def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 10) : def;
}

/* Every zswap parameter, old and new; missing ones are skipped on save. */
static const char * const zw_param_names[] = {
	"zpool", "compressor", "max_pool_percent", "accept_threshold_percent",
	"same_filled_pages_enabled", "non_same_filled_pages_enabled",
	"exclusive_loads", "enabled",
};

#define ZW_NR_PARAMS	ARRAY_SIZE(zw_param_names)

struct zw_params {
	char val[ZW_NR_PARAMS][128];
	int have[ZW_NR_PARAMS];
};

static inline void zw_params_save(struct zw_params *p)
{
	size_t i;

	for (i = 0; i < ZW_NR_PARAMS; i++)
		p->have[i] = !zw_param_get(zw_param_names[i], p->val[i],
					   sizeof(p->val[i]));
}

/* Restore saved values (pool first, enabled last); 0 or the first -errno. */
static inline int zw_params_restore(const struct zw_params *p)
{
	int err, ret = 0;
	size_t i;

	for (i = 0; i < ZW_NR_PARAMS; i++) {
		if (!p->have[i])
			continue;
		err = zw_param_set(zw_param_names[i], p->val[i]);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/* Set a parameter and report a failure on stderr (TAP comment). */
static inline int zw_param_set_log(const char *name, const char *val)
{
	int err = zw_param_set(name, val);

	if (err)
		fprintf(stderr, "# setting zswap.%s=%s failed: %s\n", name, val,
			strerror(-err));
	return err;
}

#define ZW_CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"
#define ZW_PAGE_CLUSTER	"/proc/sys/vm/page-cluster"

/*
 * The zpools the live reconfiguration cycles through: ZSWAP_RECONFIG_ZPOOLS
 * (comma-separated) or all three.
 */
static inline unsigned int zw_reconfig_zpools(const char **zpools)
{
	static char buf[64];
	unsigned int n = 0;
	const char *env = getenv("ZSWAP_RECONFIG_ZPOOLS");
	char *tok, *save;

	snprintf(buf, sizeof(buf), "%s", env && *env ? env : "zbud,z3fold,zsmalloc");
	for (tok = strtok_r(buf, ",", &save); tok && n < 3;
	     tok = strtok_r(NULL, ",", &save))
		zpools[n++] = tok;
	return n;
}

/*
 * Live reconfiguration: step n of a cycle that flips the compressor, the
 * zpool, enabled, exclusive_loads and max_pool_percent (down to 1 and back)
 * in turn.  Returns 0 or the -errno of a refused write; what was done is
 * put in what.
 */
static inline int zw_reconfig_step(unsigned int n, char *what, size_t len)
{
	static const char * const comps[] = { "lzo", "lz4", "zstd", "deflate" };
	static const char *zpools[3];
	static unsigned int nr_zpools;
	const char *name, *val;
	unsigned int k = n / 5;

	if (!nr_zpools)
		nr_zpools = zw_reconfig_zpools(zpools);

	switch (n % 5) {
	case 0:
		name = "compressor";
		val = comps[k % ARRAY_SIZE(comps)];
		break;
	case 1:
		name = "zpool";
		val = zpools[k % nr_zpools];
		break;
	case 2:
		name = "max_pool_percent";
		val = k % 2 ? "20" : "1";
		break;
	case 3:
		name = "enabled";
		val = k % 2 ? "Y" : "N";
		break;
	default:
		name = "exclusive_loads";
		val = k % 2 ? "N" : "Y";
		if (!zw_has_param(name)) {
			snprintf(what, len, "(no %s)", name);
			return 0;
		}
		break;
	}
	snprintf(what, len, "%s=%s", name, val);
	return zw_param_set_log(name, val);
}

/* Take CPU1 offline (online=0) or bring it back; 0 or -errno. */
static inline int zw_cpu1_set(int online)
{
	return zw_write_str(ZW_CPU1_ONLINE, online ? "1" : "0");
}

#endif /* ZSWAP_WORKLOAD_H */
