// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's real program (W7 of bin/bench.sh): SQLite, an application
 * nobody here wrote, holding an in-memory database of about 3x the guest's
 * RAM in anonymous memory, driven with skewed point queries.  One run is:
 *
 *   1. load: a table kv(k INTEGER PRIMARY KEY, v BLOB) of -m MiB in an
 *      in-memory database, rows of PAYLOAD bytes of text-like data (a
 *      seeded choice of words, so it compresses about 2-3x, like records
 *      do) that start with their key, inserted in key order in one
 *      transaction;
 *   2. -q point queries "SELECT v FROM kv WHERE k = ?" whose keys are
 *      Zipf(-t) over a seeded permutation of the rows (struct zw_zipf), so
 *      the hot rows are scattered over the B-tree's leaves.  Every result is
 *      rebuilt from its key and compared byte for byte.
 *
 * The last line is
 *
 *   bench-result: name=W7 guest_ns=... busy_ns=... queries=... qps=... ...
 *
 * where guest_ns, busy_ns, the /proc/stat ticks and every counter of struct
 * zw_counters cover the queries only (phase 2); load_ns is phase 1's
 * elapsed guest time and qps the queries per second of guest CPU time.
 *
 * Usage: zswap_sqlite_bench -n NAME -m MiB [-q queries] [-t theta] [-s seed]
 * Exit status: 0 when every query returned its row, 1 otherwise, 2 on an
 * error.
 */
#include <getopt.h>
#include <sqlite3.h>
#include "zswap_workload.h"

#define PAYLOAD		1000	/* bytes per row */
#define SAMPLE_EVERY	256	/* queries between two samples of the pool's peaks */

static const char * const words[] = {
	"swap", "page", "pool", "entry", "zbud", "buddy", "lru", "reclaim", "store",
	"load", "tree", "lock", "cgroup", "memory", "anon", "folio", "kswapd",
	"compress", "write", "back", "cache", "hot", "cold", "table", "row", "query",
	"index", "key", "value", "order", "commit", "the", "of", "and", "a", "to",
};

/* Row @k's payload, from the seed and the key alone. */
static void payload(unsigned char *buf, uint64_t seed, uint64_t k)
{
	uint64_t s = zw_mix64(seed * 0x9e3779b97f4a7c15ULL ^ k);
	int n = snprintf((char *)buf, PAYLOAD, "%llu:", (unsigned long long)k);

	while (n < PAYLOAD) {
		const char *w = words[zw_next(&s) % ARRAY_SIZE(words)];
		size_t len = strlen(w);

		if (len > (size_t)(PAYLOAD - n - 1))
			len = PAYLOAD - n - 1;
		memcpy(buf + n, w, len);
		n += len;
		buf[n++] = ' ';
	}
}

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "zswap_sqlite_bench: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
	exit(2);
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(db, sql);
}

static long long pragma(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(db, sql);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int main(int argc, char **argv)
{
	unsigned long long db_mib = 0, queries = 400000, q, rows, k;
	static unsigned char want[PAYLOAD];
	struct zw_counters start, end, peaks;
	struct zw_taskclock *tc0, *tc1;
	struct zw_cputime t0, t1;
	const char *name = "sqlite";
	long long mismatches = 0;
	double theta = 0.99, l0, g0, g1;
	uint64_t seed = 1, rs;
	struct zw_zipf zipf;
	sqlite3_stmt *ins, *sel;
	sqlite3 *db;
	int c;

	while ((c = getopt(argc, argv, "n:m:q:t:s:")) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'm':
			db_mib = strtoull(optarg, NULL, 0);
			break;
		case 'q':
			queries = strtoull(optarg, NULL, 0);
			break;
		case 't':
			theta = strtod(optarg, NULL);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr,
				"usage: %s -n NAME -m MiB [-q queries] [-t theta] [-s seed]\n",
				argv[0]);
			return 2;
		}
	}
	rows = (db_mib << 20) / PAYLOAD;
	if (!rows || !queries || theta <= 0 || theta > 10) {
		fprintf(stderr,
			"zswap_sqlite_bench: -m MiB and -q must be positive, -t in (0, 10]\n");
		return 2;
	}
	tc0 = malloc(sizeof(*tc0));
	tc1 = malloc(sizeof(*tc1));
	if (!tc0 || !tc1 || zw_zipf_init(&zipf, rows, theta, seed)) {
		fprintf(stderr, "zswap_sqlite_bench: out of memory\n");
		return 2;
	}
	printf("zswap sqlite bench %s: db %llu MiB, %llu rows of %d bytes, %llu queries, ",
	       name, db_mib, rows, PAYLOAD, queries);
	printf("theta %g, seed %llu, MemTotal %llu MiB, SQLite %s\n", theta,
	       (unsigned long long)seed, zw_memtotal() >> 20, sqlite3_libversion());
	fflush(stdout);

	/* No memory statistics: they take a global mutex on every allocation. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		die(db, "cannot open an in-memory database");
	exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY;");
	/* For :memory:, the page cache is the database: never bound it. */
	exec(db, "PRAGMA cache_size=-1000000000;");
	exec(db, "CREATE TABLE kv(k INTEGER PRIMARY KEY, v BLOB NOT NULL);");
	if (sqlite3_prepare_v2(db, "INSERT INTO kv VALUES (?, ?)", -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT v FROM kv WHERE k = ?", -1, &sel, NULL) != SQLITE_OK)
		die(db, "prepare");

	/* Key order: appends fill the B-tree's pages, as a bulk load does. */
	l0 = zw_now();
	exec(db, "BEGIN;");
	for (k = 1; k <= rows; k++) {
		payload(want, seed, k);
		sqlite3_bind_int64(ins, 1, k);
		sqlite3_bind_blob(ins, 2, want, PAYLOAD, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die(db, "insert");
		sqlite3_reset(ins);
	}
	exec(db, "COMMIT;");

	zw_counters_read(&start);
	peaks = start;
	zw_cputime(&t0);
	zw_taskclock_read(tc0);
	g0 = zw_now();
	rs = zw_mix64(seed + 1);
	for (q = 0; q < queries; q++) {
		k = zw_zipf_next(&zipf, &rs) + 1;
		sqlite3_bind_int64(sel, 1, k);
		payload(want, seed, k);
		if (sqlite3_step(sel) != SQLITE_ROW ||
		    sqlite3_column_bytes(sel, 0) != PAYLOAD ||
		    memcmp(sqlite3_column_blob(sel, 0), want, PAYLOAD))
			mismatches++;
		sqlite3_reset(sel);
		if (q % SAMPLE_EVERY == 0)
			zw_counters_sample(&peaks);
	}
	zw_counters_sample(&peaks);
	g1 = zw_now();
	zw_taskclock_read(tc1);
	zw_cputime(&t1);
	zw_counters_end(&end, &peaks);

	printf("bench-result: name=%s guest_ns=%.0f busy_ns=%lld load_ns=%.0f", name,
	       (g1 - g0) * 1e9, zw_taskclock_delta(tc0, tc1), (g0 - l0) * 1e9);
	printf(" queries=%llu qps=%.1f rows=%llu payload=%d db_bytes=%lld theta=%g seed=%llu",
	       queries, queries / (zw_taskclock_delta(tc0, tc1) / 1e9), rows, PAYLOAD,
	       pragma(db, "PRAGMA page_count;") * pragma(db, "PRAGMA page_size;"), theta,
	       (unsigned long long)seed);
	zw_bench_print(stdout, &t0, &t1, &start, &end);
	printf(" mismatches=%lld\n", mismatches);
	if (mismatches)
		printf("zswaptest: error: %s: %lld queries without their row\n", name, mismatches);
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	sqlite3_close(db);
	zw_zipf_free(&zipf);
	return mismatches ? 1 : 0;
}
