#!/usr/bin/python3
# summarize.py: medians over several benchmark runs (JSON files written by
# notification-bench --json or python_bench.py --json).
#
#   bench/summarize.py [--markdown] run1.json run2.json run3.json
#
# Prints, per case, the median over the runs of each run's median value
# and of each run's median ratio, the per-run ratios, the target and
# whether the median ratio (or value) meets it; then, for the thread
# cases, each run's parallelism (sum of the posting threads' CPU time /
# wall time; 2.00 = both threads ran the whole time) and CPU ns per post.
# --markdown prints the same as Markdown tables (as in doc/performance.md).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import statistics
import sys


def fmt_ratio(x):
    # Tiny ratios (against 10k handlers) keep two significant digits.
    if x >= 100:
        return '%.0f' % x
    if x >= 1:
        return '%.2f' % x
    if x >= 0.01:
        return '%.3f' % x
    return '%.2g' % x


def fmt_value(x):
    return '%.0f' % x if x >= 1000 else '%.1f' % x


def status_of(rows, value):
    target = rows[0].get('target', '')
    if not target:
        return target, ''
    if target.startswith('<=') and target.endswith('x'):
        ok = statistics.median(r['ratio'] for r in rows) <= float(target[2:-1])
    elif target.startswith('>=') and target.endswith('x'):
        ok = statistics.median(r['ratio'] for r in rows) >= float(target[2:-1])
    else:
        ok = value <= float(target[2:])
    return target, 'PASS' if ok else 'MISS'


def main(argv):
    markdown = '--markdown' in argv
    paths = [a for a in argv if a != '--markdown']
    if not paths:
        print(__doc__ or 'usage: summarize.py [--markdown] RUN.json...',
              file=sys.stderr)
        return 2
    runs = [json.load(open(p)) for p in paths]
    names = [c['name'] for c in runs[0]['cases']]
    by_run = [{c['name']: c for c in r['cases']} for r in runs]

    if markdown:
        print('| case | median | unit | baseline | ratio | per-run ratios | target | |')
        print('|---|---:|---|---|---:|---|---|---|')
    else:
        print('%-30s %10s %-9s %-26s %7s  %-28s %-8s %s' %
              ('case', 'median', 'unit', 'baseline', 'ratio', 'per-run ratios',
               'target', ''))
    for name in names:
        rows = [r[name] for r in by_run if name in r]
        value = statistics.median(r['median'] for r in rows)
        ratio = per_run = ''
        if 'ratio' in rows[0]:
            ratios = [r['ratio'] for r in rows]
            ratio = fmt_ratio(statistics.median(ratios))
            per_run = ', '.join(fmt_ratio(x) for x in ratios)
        target, status = status_of(rows, value)
        baseline = rows[0].get('baseline', '')
        if markdown:
            target = target.replace('<=', '≤').replace('>=', '≥')
            print('| `%s` | %s | %s | %s | %s | %s | %s | %s |' %
                  (name, fmt_value(value), rows[0]['unit'],
                   '`%s`' % baseline if baseline else '', ratio, per_run,
                   target, '**%s**' % status if status else ''))
        else:
            print('%-30s %10.1f %-9s %-26s %7s  %-28s %-8s %s' %
                  (name, value, rows[0]['unit'], baseline, ratio, per_run,
                   target, status))

    threads = [n for n in names if 'parallelism' in by_run[0].get(n, {})]
    if not threads:
        return 0
    print()
    if markdown:
        print('| case | parallelism per run | CPU ns/post per run | '
              'throughput vs 1 thread per run |')
        print('|---|---|---|---|')
    else:
        print('%-24s %-20s %-26s %s' % ('threads', 'parallelism per run',
                                        'CPU ns/post per run', 'ratio per run'))
    for name in threads:
        rows = [r[name] for r in by_run if name in r]
        par = ', '.join('%.2f' % statistics.median(r['parallelism']) for r in rows)
        cpu = ', '.join('%.1f' % statistics.median(r['cpu_ns_per_op']) for r in rows)
        ratio = ', '.join(fmt_ratio(r['ratio']) for r in rows) if 'ratio' in rows[0] else ''
        if markdown:
            print('| `%s` | %s | %s | %s |' % (name, par, cpu, ratio))
        else:
            print('%-24s %-20s %-26s %s' % (name, par, cpu, ratio))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
