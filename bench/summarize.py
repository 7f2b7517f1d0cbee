#!/usr/bin/python3
# summarize.py: medians over several benchmark runs (JSON files written by
# notification-bench --json or python_bench.py --json).
#
#   bench/summarize.py run1.json run2.json run3.json
#
# Prints, per case, the median over the runs of each run's median value
# and of each run's median ratio, the per-run ratios, and the target.

import json
import statistics
import sys


def main(paths):
    runs = [json.load(open(p)) for p in paths]
    names = [c['name'] for c in runs[0]['cases']]
    by_run = [{c['name']: c for c in r['cases']} for r in runs]
    print('%-30s %10s %-9s %-26s %7s  %-28s %-8s %s' %
          ('case', 'median', 'unit', 'baseline', 'ratio', 'per-run ratios',
           'target', ''))
    for name in names:
        rows = [r[name] for r in by_run if name in r]
        value = statistics.median(r['median'] for r in rows)
        ratio = ''
        per_run = ''
        status = ''
        if 'ratio' in rows[0]:
            ratios = [r['ratio'] for r in rows]
            ratio = '%.3f' % statistics.median(ratios)
            per_run = ', '.join('%.2f' % x for x in ratios)
        target = rows[0].get('target', '')
        if target:
            if target.startswith('<=') and target.endswith('x'):
                ok = statistics.median(r['ratio'] for r in rows) <= float(target[2:-1])
            elif target.startswith('>=') and target.endswith('x'):
                ok = statistics.median(r['ratio'] for r in rows) >= float(target[2:-1])
            else:
                ok = value <= float(target[2:])
            status = 'PASS' if ok else 'MISS'
        print('%-30s %10.1f %-9s %-26s %7s  %-28s %-8s %s' %
              (name, value, rows[0]['unit'], rows[0].get('baseline', ''),
               ratio, per_run, target, status))


if __name__ == '__main__':
    main(sys.argv[1:])
