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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* Read a parameter as a string (trailing newline removed). */
static inline int zw_param_get(const char *name, char *buf, size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), ZW_PARAMS "%s", name);
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

/* Write a parameter; returns 0 or -errno from the write. */
static inline int zw_param_set(const char *name, const char *val)
{
	char path[512];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), ZW_PARAMS "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
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
	"exclusive_loads", "writeback_race_skipped",
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

#endif /* ZSWAP_WORKLOAD_H */
