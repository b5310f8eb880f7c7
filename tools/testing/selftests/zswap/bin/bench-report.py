#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Turn bench.sh's runs (one "key=value ..." line per guest run) into the
# benchmark's outputs, in OUTDIR:
#   table.txt     the terminal table (also printed): per workload and metric,
#                 the median and range of the per-pair ratios B/A, the goal
#                 and whether it is met
#   results.json  base version, date, config, device latencies, every raw
#                 counter of every run, and the summary rows
#   results.csv   one row per run, every raw counter
#   ratios.dat, ratios.gp   the plot's data and gnuplot script
# A is the vanilla kernel (W4: the patched kernel with exclusive loads off),
# B the patched one (W4: exclusive loads on).  Goals are reported, never
# asserted: the exit status is 0 whatever they say.
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
    for dev, (rd, wr) in lat.items():
        r['modelled_%s_s' % dev] = r['guest_s'] + (r['pswpin'] * rd + r['pswpout'] * wr) / 1e6
    pool_pages = r['final_pool_total_size'] / 4096
    r['density'] = ((r['final_stored_pages'] - r['final_same_filled_pages']) / pool_pages
                    if pool_pages > 0 else float('nan'))

# (workload, metric, label, goal as (op, value) or None)
metrics = [
    ('W1', 'guest_s', 'guest time', ('<=', 1.00)),
    ('W1', 'sys_s', 'system CPU time', None),
    ('W2', 'pswpin', 'pswpin', ('<=', 0.5)),
    ('W2', 'modelled_nvme_s', 'modelled time, NVMe', ('<=', 0.8)),
    ('W2', 'modelled_cloud_s', 'modelled time, cloud disk', ('<=', 0.8)),
    ('W2', 'guest_s', 'guest time', None),
    ('W3', 'modelled_nvme_s', 'modelled time, NVMe', ('<=', 0.7)),
    ('W3', 'modelled_cloud_s', 'modelled time, cloud disk', ('<=', 0.7)),
    ('W3', 'pswpin', 'pswpin', None),
    ('W3', 'guest_s', 'guest time', None),
    ('W4', 'peak_pool_total_size', 'peak pool_total_size (on/off)', ('<=', 0.6)),
    ('W4', 'guest_s', 'guest time (on/off)', None),
    ('W5', 'density', 'stored pages per pool page', ('>=', 0.99)),
]


def pairs_of(w):
    by = {}
    for r in runs:
        if r['workload'] == w:
            by.setdefault(r['pair'], {})[r['side']] = r
    return [p for _, p in sorted(by.items())
            if 'A' in p and 'B' in p and not p['A'].get('failed') and not p['B'].get('failed')]


def fmt(x):
    return '-' if x is None else '%.3f' % x


summary = []
for w, key, label, goal in metrics:
    ps = pairs_of(w)
    if not ps:
        continue
    ratios = [p['B'][key] / p['A'][key] if p['A'][key] else None for p in ps]
    ok = [x for x in ratios if x is not None]
    row = {'workload': w, 'metric': key, 'label': label, 'pairs': len(ps),
           'ratios': ratios,
           'median': statistics.median(ok) if ok else None,
           'min': min(ok) if ok else None, 'max': max(ok) if ok else None,
           'A_median': statistics.median(p['A'][key] for p in ps),
           'B_median': statistics.median(p['B'][key] for p in ps)}
    if goal:
        op, val = goal
        row['goal'] = '%s %.2f' % (op, val)
        if row['median'] is None:
            row['met'] = 'n/a'
        else:
            m = row['median'] <= val if op == '<=' else row['median'] >= val
            row['met'] = 'met' if m else 'NOT met'
    if w == 'W5' and key == 'density':
        top = max(max(p['A']['density'], p['B']['density']) for p in ps)
        row['note'] = 'max density %.3f (goal <= 2: %s)' % (top, 'met' if top <= 2 else 'NOT met')
        row['max_density'] = top
    summary.append(row)

counters = ['guest_s', 'elapsed_s', 'sys_s', 'zswpout', 'zswpin', 'pswpout', 'pswpin',
            'written_back_pages', 'pool_limit_hit', 'reject_reclaim_fail', 'reject_alloc_fail',
            'reject_kmemcache_fail', 'reject_compress_poor', 'exclusive_loads',
            'peak_pool_total_size', 'final_pool_total_size', 'peak_stored_pages',
            'final_stored_pages', 'density', 'pgmajfault', 'swap_ra', 'swap_ra_hit',
            'workingset_refault_anon', 'pgsteal_kswapd', 'pgsteal_direct']

DISKS = {'pmem': 'dm-linear over memmap pmem (in-guest, synchronous)',
         'virtio': 'virtio-blk (host-completed)'}
now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
lines = []
lines.append('zswap benchmark: Linux %s base (%s) vs the series, %s' %
             (env('BENCH_BASE_VERSION', '?'), env('BENCH_BASE_SOURCE', '?'), now))
lines.append('%s MiB guests, -icount shift=0,sleep=off, 1 vCPU, %s pairs A B A B, seeds %s.., '
             'scale %s%%, W2/W3 warm set %s%% of RAM, swap on %s' %
             (env('BENCH_MEM'), env('BENCH_PAIRS'), env('SEED'), env('BENCH_SCALE'),
              env('BENCH_WARM_PCT', '80'), DISKS.get(env('BENCH_DISK', 'virtio'), '?')))
lines.append('ratios are B/A: patched/vanilla (W4: exclusive loads on/off, patched kernel)')
lines.append('guest time = CPU time of all guest tasks (instructions); modelled = guest time'
             ' + pswpin x read + pswpout x write')
lines.append('devices: NVMe %g us read / %g us write, cloud disk %g us read / %g us write, per 4 KiB' %
             (lat['nvme'] + lat['cloud']))
lines.append('')
hdr = '%-3s %-31s %7s %15s %12s %12s %-7s %s' % ('W', 'metric', 'median', 'range', 'A median',
                                                  'B median', 'goal', 'verdict')
lines.append(hdr)
lines.append('-' * len(hdr))


def val(x):
    if isinstance(x, float) and x < 1e5:
        return '%.3f' % x
    return '%d' % x


for r in summary:
    lines.append('%-3s %-31s %7s %15s %12s %12s %-7s %s' % (
        r['workload'], r['label'], fmt(r['median']),
        '%s..%s' % (fmt(r['min']), fmt(r['max'])), val(r['A_median']), val(r['B_median']),
        r.get('goal', ''), (r.get('met', '') + ('; ' + r['note'] if 'note' in r else '')).strip('; ')))
lines.append('')
lines.append('medians of the raw counters per workload and side (A / B):')
for w in sorted({r['workload'] for r in runs}):
    ps = pairs_of(w)
    if not ps:
        lines.append('  %s: no complete pair' % w)
        continue
    parts = []
    for c in counters[1:]:
        if c not in ps[0]['A']:
            continue
        a = statistics.median(p['A'][c] for p in ps)
        b = statistics.median(p['B'][c] for p in ps)
        parts.append('%s %s / %s' % (c, val(a), val(b)))
    lines.append('  %s: %s' % (w, ', '.join(parts)))
fails = [r for r in runs if r.get('failed')]
if fails:
    lines.append('')
    lines.append('FAILED runs: ' + ', '.join('%s pair %s side %s' % (r['workload'], r['pair'], r['side'])
                                            for r in fails))
prev = os.path.join(outdir, 'results.prev.json')
if os.path.exists(prev):
    try:
        old = {(s['workload'], s['metric']): s['median'] for s in json.load(open(prev))['summary']}
        diffs = []
        for r in summary:
            o = old.get((r['workload'], r['metric']))
            if o and r['median'] is not None:
                diffs.append('%s %s %+.1f%%' % (r['workload'], r['label'], (r['median'] / o - 1) * 100))
        lines.append('')
        lines.append('median ratios against the previous run: ' + ', '.join(diffs))
    except (OSError, ValueError, KeyError):
        pass
lines.append('wall time: kernels and initramfs %ss, guests %ss' %
             (env('BENCH_WALL_BUILD', '?'), env('BENCH_WALL_RUNS', '?')))
table = '\n'.join(lines) + '\n'
sys.stdout.write(table)
open(os.path.join(outdir, 'table.txt'), 'w').write(table)


def read(path):
    try:
        return open(path).read()
    except OSError:
        return None


dotconfig = read(env('BENCH_DOTCONFIG_B', '')) or ''
meta = {
    'base_version': env('BENCH_BASE_VERSION'), 'base_source': env('BENCH_BASE_SOURCE'),
    'series': env('BENCH_SERIES_COMMIT'), 'date': now,
    'guest_mem_mib': int(env('BENCH_MEM', '0')), 'pairs': int(env('BENCH_PAIRS', '0')),
    'seed': env('SEED'), 'scale_percent': int(env('BENCH_SCALE', '100')),
    'warm_percent': int(env('BENCH_WARM_PCT', '80')),
    'swap_disk': env('BENCH_DISK', 'virtio'),
    'qemu': '-accel tcg -icount shift=0,sleep=off -smp 1',
    'latency_us': {'nvme_read': lat['nvme'][0], 'nvme_write': lat['nvme'][1],
                   'cloud_read': lat['cloud'][0], 'cloud_write': lat['cloud'][1]},
    'config_fragments': {'config': read(env('BENCH_CONFIG_COMMON', '')),
                         'bench.config': read(env('BENCH_CONFIG_FRAGMENT', ''))},
    'config_patched': [l for l in dotconfig.splitlines() if l.startswith('CONFIG_')],
    'config_differences_vanilla_vs_patched': sorted(
        set((read(env('BENCH_DOTCONFIG_A', '')) or '').splitlines()) ^ set(dotconfig.splitlines())),
    'wall_seconds': {'build': int(env('BENCH_WALL_BUILD', '0')), 'guests': int(env('BENCH_WALL_RUNS', '0'))},
}
json.dump({'meta': meta, 'summary': summary, 'runs': runs},
          open(os.path.join(outdir, 'results.json'), 'w'), indent=1)

keys = []
for r in runs:
    for k in r:
        if k not in keys:
            keys.append(k)
with open(os.path.join(outdir, 'results.csv'), 'w', newline='') as f:
    f.write('# base %s, %s, latencies us nvme %g/%g cloud %g/%g\n' %
            (env('BENCH_BASE_VERSION'), now, lat['nvme'][0], lat['nvme'][1], lat['cloud'][0], lat['cloud'][1]))
    wr = csv.DictWriter(f, fieldnames=keys)
    wr.writeheader()
    for r in runs:
        wr.writerow(r)

# The plot: one column per metric with a goal, the median and the range.
with open(os.path.join(outdir, 'ratios.dat'), 'w') as f:
    f.write('# label median min max goal\n')
    for r in summary:
        if r['median'] is None or 'goal' not in r:
            continue
        f.write('"%s %s" %.4f %.4f %.4f %s\n' % (r['workload'], r['label'], r['median'], r['min'],
                                                 r['max'], r['goal'].split()[1]))
try:
    terms = subprocess.run(['gnuplot', '-e', 'set terminal'], capture_output=True, text=True).stderr
except OSError:
    terms = ''
term = ('pngcairo size 1000,560 font ",9"' if 'pngcairo' in terms else
        'png size 1000,560' if ' png ' in terms else 'svg size 1000,560')
ext = 'svg' if term.startswith('svg') else 'png'
with open(os.path.join(outdir, 'ratios.gp'), 'w') as f:
    f.write('''set terminal %s
set output "ratios.%s"
set termoption noenhanced
set title "zswap series vs Linux %s (ratio B/A per pair: median and range; o = goal)"
set ylabel "ratio patched / vanilla (W4: on / off)"
set xtics rotate by -30 left
set bmargin 9
set rmargin 16
set grid ytics
set yrange [0:*]
set style fill solid 0.4
set boxwidth 0.5
plot "ratios.dat" using 0:2:xtic(1) with boxes title "median", \\
     "" using 0:2:3:4 with yerrorbars pt 7 lc rgb "black" title "range", \\
     "" using 0:5 with points pt 6 ps 2 lc rgb "red" title "goal", \\
     1 with lines dt 2 lc rgb "gray" notitle
''' % (term, ext, env('BENCH_BASE_VERSION', '?')))
