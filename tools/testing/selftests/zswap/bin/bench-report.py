#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Turn bench.sh's runs (one "key=value ..." line per guest run) into the
# benchmark's outputs, in OUTDIR:
#   table.txt     the terminal table (also printed): every workload with its
#                 parameters, then per metric the median and range of the
#                 per-pair ratios B/A and B/C, the medians of A, B and C,
#                 and the goal of the writeback-policy issue with its verdict
#   results.json  base version, date, config, device latencies, every raw
#                 counter of every run, and the summary rows (A/C included)
#   results.csv   one row per run, every raw counter
#   ratios.dat, ratios.gp   the plot's data and gnuplot script (B/A and B/C)
# A is vanilla 6.1, B the series, C 6.1 with bench/shrink-until-accept.patch;
# W4 adds Boff, B with exclusive loads off.  On zsmalloc, where bench.sh does
# not run C (it cannot shrink, so C is A's code path), A's runs stand for C.
# Goals are reported, never asserted: the exit status is 0 whatever they say.
#
# Usage: bench-report.py RUNS OUTDIR   (settings come from bench.sh's env)
import csv
import datetime
import json
import os
import shlex
import statistics
import subprocess
import sys

runs_file, outdir = sys.argv[1], sys.argv[2]
env = os.environ.get
lat = {
    'nvme': (float(env('NVME_READ_US', '80')), float(env('NVME_WRITE_US', '20'))),
    'cloud': (float(env('CLOUD_READ_US', '500')), float(env('CLOUD_WRITE_US', '500'))),
}


def num(v):
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


runs = []
with open(runs_file) as f:
    for line in f:
        kv = dict(t.split('=', 1) for t in shlex.split(line) if '=' in t)
        runs.append({k: num(v) for k, v in kv.items()})

for r in runs:
    if r.get('failed'):
        continue
    r['guest_s'] = r['busy_ns'] / 1e9
    r['elapsed_s'] = r['guest_ns'] / 1e9
    r['sys_s'] = r['sys_ticks'] / r['clk_tck']
    if 'sample_ns' in r:
        r['sample_s'] = r['sample_ns'] / 1e9
    for dev, (rd, wr) in lat.items():
        r['modelled_%s_s' % dev] = r['guest_s'] + (r['pswpin'] * rd + r['pswpout'] * wr) / 1e6
    pool_pages = r['final_pool_total_size'] / 4096
    r['density'] = ((r['final_stored_pages'] - r['final_same_filled_pages']) / pool_pages
                    if pool_pages > 0 else float('nan'))
    ins = r['zswpin'] + r['pswpin']
    r['hit_ratio'] = r['zswpin'] / ins if ins > 0 else float('nan')
    if 'queries' in r:
        r['qps'] = r['queries'] / r['guest_s']
        for dev in lat:
            r['qps_%s' % dev] = r['queries'] / r['modelled_%s_s' % dev]
    if 'phase_mean_resident_pages' in r and r.get('warm_pages'):
        r['exclusive_bound'] = 1 - r['phase_mean_resident_pages'] / r['warm_pages']

workloads = []
for r in runs:
    if r['workload'] not in workloads:
        workloads.append(r['workload'])


def family(w):
    return w.split('-')[0]


def side_runs(w):
    """{pair: {side: run}} with only successful runs; C = A on zsmalloc."""
    by = {}
    for r in runs:
        if r['workload'] == w and not r.get('failed'):
            by.setdefault(r['pair'], {})[r['side']] = r
    for p in by.values():
        if 'C' not in p and 'A' in p and p['A'].get('zpool_wanted') == 'zsmalloc':
            p['C'] = dict(p['A'], side='C', c_is_a=1)
    return by


def c_is_a(w):
    return any(p.get('C', {}).get('c_is_a') for p in side_runs(w).values())


# Metrics per workload family: (key, label, higher is better, goals), a goal
# being (numerator, denominator, op, value): the writeback-policy issue's.
M_MOD = [('modelled_nvme_s', 'modelled time, NVMe', False, []),
         ('modelled_cloud_s', 'modelled time, cloud disk', False, []),
         ('guest_s', 'guest time', False, [])]
METRICS = {
    'W1': [('guest_s', 'guest time', False, [('B', 'A', '<=', 1.00)]),
           ('sys_s', 'system CPU time', False, [])],
    'W2': [('modelled_nvme_s', 'modelled time, NVMe', False, [('B', 'A', '<=', 1.00)]),
           ('modelled_cloud_s', 'modelled time, cloud disk', False, [('B', 'A', '<=', 0.85)]),
           ('guest_s', 'guest time', False, [('B', 'A', '<=', 1.15)]),
           ('pswpin', 'disk swap-ins (pswpin)', False, []),
           ('hit_ratio', 'pool hit ratio', True, [])],
    'W4': [('phase_mean_pool_total_size', 'pool bytes, read phase mean', False,
            [('B', 'Boff', 'bound', 1.05)]),
           ('final_pool_total_size', 'pool bytes, end of read phase', False, []),
           ('phase_mean_stored_pages', 'stored pages, read phase mean', False, []),
           ('guest_s', 'guest time', False, []),
           ('zswpout', 'stores (zswpout)', False, []),
           ('pool_limit_hit', 'pool_limit_hit (must be 0)', False, [])],
    'W5': [('density', 'stored pages per pool page', True, [('B', 'A', '>=', 0.99)])],
    'W6': [('pswpin', 'disk swap-ins (pswpin)', False, [('B', 'A', '<=', 0.30)]),
           ('modelled_nvme_s', 'modelled time, NVMe', False,
            [('B', 'A', '<=', 0.60), ('B', 'C', '<=', 0.85)]),
           ('modelled_cloud_s', 'modelled time, cloud disk', False, []),
           ('guest_s', 'guest time', False, []),
           ('hit_ratio', 'pool hit ratio', True, [])],
    'W7': [('qps_nvme', 'queries/s, modelled NVMe', True, [('B', 'A', '>=', 1.30)]),
           ('qps_cloud', 'queries/s, modelled cloud', True, [('B', 'A', '>=', 1.30)]),
           ('qps', 'queries/s, guest time', True, []),
           ('pswpin', 'disk swap-ins (pswpin)', False, []),
           ('hit_ratio', 'pool hit ratio', True, [])],
}
METRICS['W3'] = METRICS['W2']
COMPARE = {'W4': [('B', 'Boff'), ('B', 'A'), ('B', 'C')]}


def fmt(x):
    return '-' if x is None else '%.3f' % x


def val(x):
    if x is None:
        return '-'
    if isinstance(x, float) and abs(x) < 1000:
        return '%.3f' % x
    return '%d' % round(x)


# A fraction (the pool hit ratio) near 0 makes a ratio of noise: below
# this floor the denominator gives none, and the table shows the values.
FRACTION_FLOOR = {'hit_ratio': 0.01}


def ratio(a, b, floor=0):
    if a is None or b is None or not b or a != a or b != b or abs(b) < floor:
        return None
    return a / b


summary = []
for w in workloads:
    pairs = [p for _, p in sorted(side_runs(w).items())]
    for key, label, higher, goals in METRICS.get(family(w), []):
        row = {'workload': w, 'metric': key, 'label': label, 'higher_is_better': higher,
               'pairs': len(pairs), 'c_is_a': c_is_a(w)}
        for s in ('A', 'Boff', 'B', 'C'):
            vs = [p[s][key] for p in pairs if s in p and key in p[s]]
            vs = [v for v in vs if v == v]
            if vs:
                row['%s_median' % s] = statistics.median(vs)
        for num_s, den_s in COMPARE.get(w, [('B', 'A'), ('B', 'C'), ('A', 'C')]):
            rs = [ratio(p[num_s].get(key), p[den_s].get(key), FRACTION_FLOOR.get(key, 0))
                  for p in pairs if num_s in p and den_s in p]
            ok = [x for x in rs if x is not None]
            if ok:
                row['%s/%s' % (num_s, den_s)] = {
                    'ratios': rs, 'median': statistics.median(ok), 'min': min(ok),
                    'max': max(ok)}
        verdicts = []
        for num_s, den_s, op, gv in goals:
            r = row.get('%s/%s' % (num_s, den_s))
            if op == 'bound':
                bounds = [p['B']['exclusive_bound'] for p in pairs
                          if 'B' in p and 'exclusive_bound' in p['B']]
                if not r or not bounds:
                    verdicts.append('%s/%s within 5%% of bound: n/a' % (num_s, den_s))
                    continue
                b = statistics.median(bounds)
                row['bound'] = b
                met = r['median'] <= b * gv
                verdicts.append('%s/%s <= %.3f (bound %.3f +5%%): %s' %
                                (num_s, den_s, b * gv, b, 'met' if met else 'NOT met'))
                continue
            if not r:
                verdicts.append('%s/%s %s %.2f: n/a' % (num_s, den_s, op, gv))
                continue
            met = r['median'] <= gv if op == '<=' else r['median'] >= gv
            verdicts.append('%s/%s %s %.2f: %s' % (num_s, den_s, op, gv,
                                                   'met' if met else 'NOT met'))
        if verdicts:
            row['goals'] = verdicts
        if family(w) == 'W5':
            top = max(max(p[s]['density'] for s in p) for p in pairs) if pairs else None
            if top is not None:
                row['max_density'] = top
                row.setdefault('goals', []).append(
                    'max density %.3f <= 2: %s' % (top, 'met' if top <= 2 else 'NOT met'))
        summary.append(row)

counters = ['guest_s', 'elapsed_s', 'sys_s', 'sample_s', 'zswpout', 'zswpin', 'pswpout', 'pswpin',
            'hit_ratio', 'written_back_pages', 'pool_limit_hit', 'reject_reclaim_fail',
            'reject_alloc_fail', 'reject_kmemcache_fail', 'reject_compress_poor',
            'reject_compress_fail', 'exclusive_loads', 'writeback_throttled', 'peak_pool_total_size', 'final_pool_total_size',
            'phase_mean_pool_total_size', 'phase_mean_stored_pages',
            'phase_mean_resident_pages', 'end_resident_pages', 'exclusive_bound',
            'peak_stored_pages', 'final_stored_pages', 'density', 'pgmajfault', 'swap_ra',
            'swap_ra_hit', 'workingset_refault_anon', 'pgsteal_kswapd', 'pgsteal_direct',
            'queries', 'qps', 'db_bytes', 'load_ns']

DISKS = {'pmem': 'dm-linear over memmap pmem (in-guest, synchronous)',
         'virtio': 'virtio-blk (host-completed)'}
now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
lines = []
lines.append('zswap benchmark: Linux %s base (%s), kernels %s, %s' %
             (env('BENCH_BASE_VERSION', '?'), env('BENCH_BASE_SOURCE', '?'),
              env('BENCH_KERNELS', '?'), now))
lines.append('A = vanilla 6.1, B = the series, C = 6.1 + shrink-until-accept '
             '(bench/shrink-until-accept.patch); W4 Boff = B with exclusive loads off')
lines.append('%s MiB guests, -icount shift=0,sleep=off, 1 vCPU, pairs in order A B C, '
             'seeds %s.., scale %s%%, W2/W3 warm set %s%% of RAM, swap on %s' %
             (env('BENCH_MEM'), env('SEED'), env('BENCH_SCALE'), env('BENCH_WARM_PCT', '80'),
              DISKS.get(env('BENCH_DISK', 'virtio'), '?')))
lines.append('guest time = CPU time of all guest tasks (instructions); modelled = guest time'
             ' + pswpin x read + pswpout x write')
lines.append('devices: NVMe %g us read / %g us write, cloud disk %g us read / %g us write, '
             'per 4 KiB' % (lat['nvme'] + lat['cloud']))
lines.append('ratios: median of the per-pair ratios [min..max]; goals: the writeback-policy '
             'issue\'s, reported, not asserted')
lines.append('')
lines.append('workloads:')
for w in workloads:
    r0 = next((r for r in runs if r['workload'] == w), {})
    ps = side_runs(w)
    lines.append('  %-13s %s' % (w, r0.get('desc', '?')))
    lines.append('  %-13s %s; guest: %s; pairs %d%s' % (
        '', ' '.join(a for a in str(r0.get('append', '')).split() if a.startswith('zswap.')),
        str(r0.get('prog', '?')).rsplit(' -s ', 1)[0], len(ps),
        '; C = A (zsmalloc cannot shrink)' if c_is_a(w) else ''))
lines.append('')
hdr = '%-13s %-30s %-21s %-21s %9s %9s %9s  %s' % (
    'W', 'metric', 'B/A', 'B/C', 'A', 'B', 'C', 'goal: verdict')
lines.append(hdr)
lines.append('-' * len(hdr))


def rcell(row, k):
    r = row.get(k)
    if not r:
        return '-'
    return '%s [%s..%s]' % (fmt(r['median']), fmt(r['min']), fmt(r['max']))


for row in summary:
    wname, first, a_cell = row['workload'], 'B/A', val(row.get('A_median'))
    if wname == 'W4':
        wname, first, a_cell = 'W4 on/off', 'B/Boff', val(row.get('Boff_median'))
    c_cell, bc_cell = val(row.get('C_median')), rcell(row, 'B/C')
    if row.get('c_is_a'):
        c_cell, bc_cell = '-', 'C = A'
    lines.append(('%-13s %-30s %-21s %-21s %9s %9s %9s  %s' % (
        wname, row['label'], rcell(row, first), bc_cell, a_cell,
        val(row.get('B_median')), c_cell, '; '.join(row.get('goals', [])))).rstrip())
lines.append('(W4 on/off: the first ratio is B/Boff, exclusive loads on/off, and the A column'
             ' is Boff; A and B/A are in the raw medians and results.json.  C = A: on'
             ' zsmalloc, which cannot shrink, C is A\'s code path and not run; B/C is B/A)')
lines.append('')
lines.append('medians of the raw counters per workload and side (A / B / C; W4 also Boff):')
for w in workloads:
    ps = list(side_runs(w).values())
    if not ps:
        lines.append('  %s: no successful run' % w)
        continue
    sides = [s for s in ('A', 'Boff', 'B', 'C') if any(s in p for p in ps)]
    parts = []
    for c in counters:
        vs = []
        for s in sides:
            xs = [p[s][c] for p in ps if s in p and c in p[s]]
            xs = [x for x in xs if x == x]
            vs.append(val(statistics.median(xs)) if xs else '-')
        if all(v == '-' for v in vs):
            continue
        parts.append('%s %s' % (c, ' / '.join(vs)))
    lines.append('  %s (%s): %s' % (w, ' / '.join(sides), ', '.join(parts)))
fails = [r for r in runs if r.get('failed')]
if fails:
    lines.append('')
    lines.append('FAILED runs: ' + ', '.join('%s pair %s side %s' % (r['workload'], r['pair'],
                                                                     r['side']) for r in fails))
def read(path):
    try:
        return open(path).read() if path else None
    except OSError:
        return None


dotconfigs = {k: read(env('BENCH_DOTCONFIG_' + k, '')) or '' for k in 'ABC'}
ref = dotconfigs['B'] or dotconfigs['A'] or dotconfigs['C']
meta = {
    'base_version': env('BENCH_BASE_VERSION'), 'base_source': env('BENCH_BASE_SOURCE'),
    'series': env('BENCH_SERIES_COMMIT'), 'date': now, 'kernels': env('BENCH_KERNELS'),
    'guest_mem_mib': int(env('BENCH_MEM', '0')), 'pairs': int(env('BENCH_PAIRS', '0')),
    'seed': env('SEED'), 'scale_percent': int(env('BENCH_SCALE', '100')),
    'warm_percent': int(env('BENCH_WARM_PCT', '80')),
    'swap_disk': env('BENCH_DISK', 'virtio'), 'guests_at_a_time': env('BENCH_JOBS'),
    'qemu': '-accel tcg -icount shift=0,sleep=off -smp 1',
    'latency_us': {'nvme_read': lat['nvme'][0], 'nvme_write': lat['nvme'][1],
                   'cloud_read': lat['cloud'][0], 'cloud_write': lat['cloud'][1]},
    'config_fragments': {'config': read(env('BENCH_CONFIG_COMMON', '')),
                         'bench.config': read(env('BENCH_CONFIG_FRAGMENT', ''))},
    'kernel_c_patch': read(env('BENCH_SHRINK_PATCH', '')),
    'config': [line for line in ref.splitlines() if line.startswith('CONFIG_')],
    'config_differences': {
        '%s_vs_%s' % (x, y): sorted(set(dotconfigs[x].splitlines()) ^
                                    set(dotconfigs[y].splitlines()))
        for x, y in (('A', 'B'), ('C', 'B')) if dotconfigs[x] and dotconfigs[y]},
    'wall_seconds': {'build': int(env('BENCH_WALL_BUILD', '0')),
                     'guests': int(env('BENCH_WALL_RUNS', '0'))},
}
prev = os.path.join(outdir, 'results.prev.json')
if os.path.exists(prev):
    try:
        pj = json.load(open(prev))
        # Only a run of the same sizes, seeds and disk is comparable, and
        # only its rows with as many pairs.
        same = ('guest_mem_mib', 'seed', 'scale_percent', 'warm_percent', 'swap_disk')
        other = [k for k in same if str(pj['meta'].get(k)) != str(meta.get(k))]
        old = {}
        for s in pj['summary']:
            for k in ('B/A', 'B/C', 'B/Boff'):
                if isinstance(s.get(k), dict):
                    old[(s['workload'], s['metric'], k)] = (s[k]['median'], s.get('pairs'))
        diffs, compared = [], 0
        for r in summary:
            for k in ('B/A', 'B/C', 'B/Boff'):
                o, np_ = old.get((r['workload'], r['metric'], k), (None, None))
                if o and r.get(k) and np_ == r['pairs']:
                    compared += 1
                    d = (r[k]['median'] / o - 1) * 100
                    if abs(d) >= 0.05:
                        diffs.append('%s %s %s %+.1f%%' % (r['workload'], r['label'], k, d))
        lines.append('')
        if other:
            lines.append('previous run not compared: its %s differ' % ', '.join(other))
        else:
            lines.append('median ratios against the previous run (%d compared): %s' %
                         (compared, ', '.join(diffs) if diffs else 'all the same'))
    except (OSError, ValueError, KeyError, TypeError):
        pass
lines.append('wall time: kernels and initramfs %ss, guests %ss (%s at a time)' %
             (env('BENCH_WALL_BUILD', '?'), env('BENCH_WALL_RUNS', '?'), env('BENCH_JOBS', '?')))
table = '\n'.join(lines) + '\n'
sys.stdout.write(table)
open(os.path.join(outdir, 'table.txt'), 'w').write(table)


json.dump({'meta': meta, 'summary': summary, 'runs': runs},
          open(os.path.join(outdir, 'results.json'), 'w'), indent=1)

keys = []
for r in runs:
    for k in r:
        if k not in keys:
            keys.append(k)
with open(os.path.join(outdir, 'results.csv'), 'w', newline='') as f:
    f.write('# base %s, %s, latencies us nvme %g/%g cloud %g/%g\n' %
            (env('BENCH_BASE_VERSION'), now, lat['nvme'][0], lat['nvme'][1], lat['cloud'][0],
             lat['cloud'][1]))
    wr = csv.DictWriter(f, fieldnames=keys)
    wr.writeheader()
    for r in runs:
        wr.writerow(r)

# The plot: per metric with a goal, B/A and B/C side by side (W4: on/off and
# B/C), median and range; the goal where it is a ratio of these.
with open(os.path.join(outdir, 'ratios.dat'), 'w') as f:
    f.write('# label BA_median BA_min BA_max BC_median BC_min BC_max goal\n')
    for r in summary:
        if 'goals' not in r:
            continue
        first = 'B/Boff' if r['workload'] == 'W4' else 'B/A'
        cols = []
        for k in (first, 'B/C'):
            x = r.get(k)
            cols += (['%.4f' % x['median'], '%.4f' % x['min'], '%.4f' % x['max']] if x
                     else ['NaN'] * 3)
        gv = 'NaN'
        goals = next(g for k, _, _, g in METRICS[family(r['workload'])] if k == r['metric'])
        if goals[0][2] != 'bound':
            gv = '%.4f' % goals[0][3]
        elif 'bound' in r:
            gv = '%.4f' % (r['bound'] * goals[0][3])
        f.write('"%s %s" %s %s\n' % (r['workload'], r['label'], ' '.join(cols), gv))
try:
    terms = subprocess.run(['gnuplot', '-e', 'set terminal'], capture_output=True,
                           text=True).stderr
except OSError:
    terms = ''
term = ('pngcairo size 1400,700 font ",9"' if 'pngcairo' in terms else
        'png size 1400,700' if ' png ' in terms else 'svg size 1400,700')
ext = 'svg' if term.startswith('svg') else 'png'
with open(os.path.join(outdir, 'ratios.gp'), 'w') as f:
    f.write('''set terminal %s
set output "ratios.%s"
set termoption noenhanced
set title "zswap series vs Linux %s: B/A (vs vanilla) and B/C (vs shrink-until-accept), median and range per pair; o = goal"
set ylabel "ratio (W4: exclusive loads on / off)"
set xtics rotate by -35 left
set bmargin 12
set rmargin 18
set grid ytics
set yrange [0:*]
set style fill solid 0.4
set boxwidth 0.35
plot "ratios.dat" using ($0-0.2):2:xtic(1) with boxes lc rgb "#4060c0" title "B/A (W4: on/off)", \\
     "" using ($0-0.2):2:3:4 with yerrorbars pt 7 ps 0.5 lc rgb "black" notitle, \\
     "" using ($0+0.2):5 with boxes lc rgb "#c08020" title "B/C", \\
     "" using ($0+0.2):5:6:7 with yerrorbars pt 7 ps 0.5 lc rgb "black" notitle, \\
     "" using 0:8 with points pt 6 ps 2 lc rgb "red" title "goal", \\
     1 with lines dt 2 lc rgb "gray" notitle
''' % (term, ext, env('BENCH_BASE_VERSION', '?')))
