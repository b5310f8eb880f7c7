#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare two guests' instruction profiles, function by function.

Usage: bench-profile.py [-n N] SYSTEM_MAP_1 PROFILE_1 SYSTEM_MAP_2 PROFILE_2

A profile is what insn-profile.so wrote for one guest run: "user N", then
"ADDRESS N" lines, the instructions executed in the translation blocks
that start at ADDRESS.  Each address goes to the function of the kernel's
System.map that contains it (the nearest text symbol at or below it), so
that two kernels built differently can be compared by name.  Under
-icount shift=0 an instruction is a nanosecond of guest time.

Prints the totals and the N functions (default 40) whose counts differ
most, with both counts and the difference (second minus first).
Exit status 2 on a bad argument or file.
"""
import bisect
import collections
import sys


def load_map(path):
    syms = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1] in 'tTwW':
                syms.append((int(parts[0], 16), parts[2]))
    if not syms:
        raise ValueError('%s: no text symbols' % path)
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def load_profile(map_path, path):
    addrs, names = load_map(map_path)
    counts = collections.Counter()
    with open(path) as f:
        for line in f:
            key, value = line.split()
            if key == 'user':
                counts['<user space>'] += int(value)
                continue
            i = bisect.bisect_right(addrs, int(key, 16)) - 1
            counts[names[i] if i >= 0 else '<below System.map>'] += int(value)
    return counts


def main(argv):
    n = 40
    if len(argv) > 1 and argv[1] == '-n':
        n = int(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) != 5:
        sys.stderr.write(__doc__.split('\n\n')[1] + '\n')
        return 2
    try:
        a = load_profile(argv[1], argv[2])
        b = load_profile(argv[3], argv[4])
    except (OSError, ValueError) as e:
        sys.stderr.write('bench-profile.py: %s\n' % e)
        return 2
    ta, tb = sum(a.values()), sum(b.values())
    print('instructions: %d / %d, difference %+d (%.4f)' % (ta, tb, tb - ta, tb / ta))
    print('%-44s %14s %14s %12s' % ('function', 'first', 'second', 'difference'))
    rows = sorted(set(a) | set(b), key=lambda k: (-abs(b[k] - a[k]), k))
    for k in rows[:n]:
        print('%-44s %14d %14d %+12d' % (k[:44], a[k], b[k], b[k] - a[k]))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
