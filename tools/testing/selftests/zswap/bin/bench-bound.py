#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What an ideal zswap could do on make bench's W2, W3 and W6.

    bench-bound.py [results.json]      (default: build/bench/results.json)

For each of kernel A's runs of W2, W3 and W6-* in a make bench result, a
model of the guest's memory replays the run's access stream (the cold
region, the warm writes, then the reads) against:

  A      RAM alone: an LRU of R pages, R chosen so that the model reads
         from disk as many pages as the run did (pswpin).  6.1's pool is
         full of the cold region before the warm set is written and no
         warm page gets in, so its pool does not count.
  ideal  the same RAM with a zswap pool of the run's peak pool size in
         front of the disk that knows the future no better than LRU but
         pays nothing: an exclusive LRU of the pages RAM evicts, which
         drops the cold region at once.  A page costs what the run's pool
         paid per stored page (peak pool bytes over stored pages that are
         not same-filled); same-filled pages cost nothing; random
         (incompressible) pages cannot be stored.
  raw    on zsmalloc, the ideal storing incompressible pages as they are,
         a pool page each (zbud's largest object is smaller than a page).
  dirty  the ideal admitting only the pages zswap is offered: frontswap
         stores a page when reclaim writes it out, so a clean page read
         back from disk and evicted again never reaches the pool.  Loads
         are exclusive (a page loaded from the pool is dirty).  This is
         the ideal a zswap policy can approach; the first is looser.

It prints the ideal's disk reads against A's, which bounds the disk
swap-ins B/A any writeback policy can reach with that pool, and the
modelled times B/A would have if B had those disk reads at no cost at
all (A's guest time and disk writes, A's reads less the ideal's saving),
which bound the modelled-time goals.  Readahead is not modelled; the
access stream is drawn with Python's generator, not the guest's, so the
figures are statistical, not the run's to the page.
"""
import bisect
import itertools
import json
import random
import re
import sys
from collections import OrderedDict

PAGE = 4096
MIB_PAGES = (1 << 20) // PAGE
ZERO, SAME, TEXT, RANDOM = range(4)


def parse_prog(prog):
    """Sizes and order of a zswap_bench command line."""
    opt = dict(re.findall(r'-([a-zA-Z]) ([^-\s]\S*)', prog))
    return {
        'cold': int(opt.get('c', 0)) * MIB_PAGES,
        'warm': int(opt['w']) * MIB_PAGES,
        'passes': int(opt.get('p', 1)),
        'theta': float(opt.get('z', 0)),
        'random': ' -r' in prog or float(opt.get('z', 0)) > 0,
        'mix': [int(x) for x in opt.get('x', '25:25:25:25').split(':')],
        'seed': int(opt.get('s', 1)),
    }


def stream(p):
    """Kinds of the warm pages, then the page numbers of the read phase."""
    rng = random.Random(p['seed'])
    kinds = rng.choices(range(4), weights=p['mix'], k=p['warm'])
    n = p['warm']
    reads = p['passes'] * n
    if p['theta']:
        w = [(k + 1.0) ** -p['theta'] for k in range(n)]
        total = sum(w)
        cdf = [x / total for x in itertools.accumulate(w)]
        perm = list(range(n))
        rng.shuffle(perm)
        seq = [perm[min(n - 1, bisect.bisect_right(cdf, rng.random()))]
               for _ in range(reads)]
    elif p['random']:
        seq = [rng.randrange(n) for _ in range(reads)]
    else:
        seq = [i % n for i in range(reads)]
    return kinds, seq


class Fenwick:
    def __init__(self, n):
        self.t = [0] * (n + 1)

    def add(self, i, v):
        i += 1
        while i < len(self.t):
            self.t[i] += v
            i += i & -i

    def sum(self, i):
        """Sum of positions [0, i)."""
        s = 0
        while i > 0:
            s += self.t[i]
            i -= i & -i
        return s


def read_distances(p, seq):
    """LRU stack distance of each read (None: first touch of a cold page).

    The cold region and the warm writes come first; each read's distance
    is the number of distinct pages touched since its page was last.
    """
    cold, n = p['cold'], p['warm']
    total = cold + n + len(seq)
    bit = Fenwick(total)
    last = {}
    t = 0
    for page in itertools.chain(range(cold), (cold + i for i in range(n))):
        last[page] = t
        bit.add(t, 1)
        t += 1
    dist = []
    for i in seq:
        page = cold + i
        prev = last[page]
        dist.append(bit.sum(t) - bit.sum(prev + 1))
        bit.add(prev, -1)
        last[page] = t
        bit.add(t, 1)
        t += 1
    return dist


def ram_size_for(dist, misses):
    """The LRU size whose misses over @dist come closest to @misses."""
    ds = sorted(dist)
    # misses(R) = reads with distance >= R, falling in R
    lo, hi = 1, ds[-1] + 1
    while lo < hi:
        mid = (lo + hi) // 2
        if len(ds) - bisect.bisect_left(ds, mid) > misses:
            lo = mid + 1
        else:
            hi = mid
    return lo


def ideal_reads(p, kinds, seq, ram, budget, cost, raw=False, dirty=False):
    """Disk reads of RAM (@ram pages) over an ideal pool of @budget pages.

    With @raw, incompressible pages are stored too, a page each.  With
    @dirty, the pool admits only what zswap is offered: a dirty page that
    RAM evicts (written, or loaded from the pool, which dirties it); a
    clean page read from disk is dropped, its swap slot still holding it.
    """
    cold, n = p['cold'], p['warm']
    mem = OrderedDict()
    pool = OrderedDict()
    used = 0.0
    disk = 0
    price = {ZERO: 0.0, SAME: 0.0, TEXT: cost, RANDOM: 1.0 if raw else None}

    def touch(page, counted, written):
        nonlocal used, disk
        if page in mem:
            mem.move_to_end(page)
            mem[page] |= written
            return
        if page in pool:
            used -= pool.pop(page)
            written = True
        elif counted:
            disk += 1
        mem[page] = written
        if len(mem) <= ram:
            return
        victim, was_written = mem.popitem(last=False)
        c = price[kinds[victim - cold]] if victim >= cold else 0.5
        if c is None or (dirty and not was_written):
            return
        pool[victim] = c
        used += c
        while used > budget:
            _, c = pool.popitem(last=False)
            used -= c

    for page in range(cold + n):
        touch(page, False, True)
    for i in seq:
        touch(cold + i, True, False)
    return disk


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else 'build/bench/results.json'
    with open(path) as f:
        res = json.load(f)
    lat = res.get('meta', {}).get('latency_us', {})
    nvme_r = lat.get('nvme_read', 80) * 1e-6
    cloud_r = lat.get('cloud_read', 500) * 1e-6
    runs = [r for r in res['runs'] if r['side'] == 'A' and
            re.match(r'W(2|3|6-)', r['workload'])]
    if not runs:
        sys.exit(f'{path}: no run of kernel A on W2, W3 or W6')
    print(f'{"W":13} {"R pages":>8} {"pool pg":>8} {"A reads":>8} '
          f'{"ideal":>8} {"reads":>6} {"NVMe":>6} {"cloud":>6} {"raw":>6} '
          f'{"dirty":>6}')
    for w in sorted({r['workload'] for r in runs}):
        rr = [r for r in runs if r['workload'] == w]
        r = rr[0]
        p = parse_prog(r['prog'])
        kinds, seq = stream(p)
        dist = read_distances(p, seq)
        a_reads = median([x['pswpin'] for x in rr])
        ram = ram_size_for(dist, a_reads)
        a_model = sum(1 for d in dist if d >= ram)
        stored = r['peak_stored_pages'] - r['peak_same_filled_pages']
        pool_bytes = median([x['peak_pool_total_size'] for x in rr])
        cost = pool_bytes / stored / PAGE if stored > 0 else 0.5
        budget = pool_bytes / PAGE
        b = ideal_reads(p, kinds, seq, ram, budget, cost)
        saved = a_model - b
        dirty = ideal_reads(p, kinds, seq, ram, budget, cost, dirty=True)
        raw = '-'
        if r.get('param_zpool') == 'zsmalloc':
            raw = ideal_reads(p, kinds, seq, ram, budget, cost, raw=True)
            raw = f'{raw / a_model:.3f}'
        nvme = median([x['modelled_nvme_s'] for x in rr])
        cloud = median([x['modelled_cloud_s'] for x in rr])
        print(f'{w:13} {ram:8d} {budget:8.0f} {a_model:8d} {b:8d} '
              f'{b / a_model:6.3f} {(nvme - saved * nvme_r) / nvme:6.3f} '
              f'{(cloud - saved * cloud_r) / cloud:6.3f} {raw:>6} '
              f'{dirty / a_model:6.3f}')
    print('reads: ideal/A disk reads; NVMe, cloud: modelled time B/A with '
          'the ideal\'s reads at no cost; raw: reads/A storing '
          'incompressible pages too; dirty: reads/A admitting dirty '
          'pages only')


if __name__ == '__main__':
    main()
