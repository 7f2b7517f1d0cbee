#!/usr/bin/python3
# python_bench.py: the Python cases of the libnotification benchmark
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Run with Debian's /usr/bin/python3 (PyGObject) and the in-tree override:
#
#   PYTHONPATH=introspection:build/introspection \
#   GI_TYPELIB_PATH=build/notification \
#   LD_LIBRARY_PATH=build/notification \
#   /usr/bin/python3 bench/python_bench.py [--quick] [--reps N]
#                                          [--filter SUBSTR] [--json FILE]
#
# Every case is measured in each repetition beside its baseline; a ratio is
# the median over the repetitions of case / baseline in the same
# repetition.

import argparse
import gc
import json
import platform
import statistics
import sys
import threading
import time

import gi

gi.require_version('GObject', '2.0')
gi.require_version('Notification', '1.0')
from gi.repository import GLib, GObject, Notification  # noqa: E402

try:
    import blinker
except ImportError:  # Debian: apt-get install python3-blinker
    blinker = None

TYPE = 'stdout'


def plain_function(type, sender=None, user_info=None, /, **kwargs):
    pass


def receiver(sender, **kwargs):
    pass


def observer(type, sender, **kwargs):
    pass


def make_receiver():
    def receiver(sender, **kwargs):
        pass
    return receiver


def make_observer():
    def observer(type, sender, **kwargs):
        pass
    return observer


class Case:
    def __init__(self, name, what, loop, baseline=None, target=None,
                 target_kind=None):
        self.name = name
        self.what = what
        self.loop = loop
        self.baseline = baseline
        self.target = target
        self.target_kind = target_kind  # 'max' (ratio <=) or 'min'
        self.n = 1
        self.values = []
        self.ratios = []
        self.selected = False


def make_cases(sender):
    cases = []
    centers = {
        'sig': Notification.Center.new(),
        'nosig': Notification.Center(emits_signal=False),
    }
    for center in centers.values():
        assert not center.has_observers(TYPE, sender)

    def add(*args, **kwargs):
        case = Case(*args, **kwargs)
        cases.append(case)
        return case

    # Loops take the iteration count; every loop has the same shape.
    def loop_call(n):
        f = plain_function
        s = sender
        for _ in range(n):
            f(TYPE, s, out_string='hello, world\n', line=42)

    call = add('py/call', 'plain Python function call, same arguments '
               '(positional type, sender; 2 keywords)', loop_call)

    def loop_empty(n):
        for _ in range(n):
            pass

    add('py/empty-loop', 'empty loop iteration (for scale)',
        loop_empty)

    for kind, center in centers.items():
        def loop_post_none(n, center=center):
            post = center.post
            s = sender
            for _ in range(n):
                post(TYPE, s, out_string='hello, world\n', line=42)

        add('py/post-none[%s]' % kind,
            'center.post(type, sender, **2 keywords), no observer',
            loop_post_none, baseline=call, target=6.0, target_kind='max')

        def loop_has(n, center=center):
            has = center.has_observers
            s = sender
            for _ in range(n):
                has(TYPE, s)

        add('py/has-observers[%s]' % kind,
            'center.has_observers(type, sender), no observer', loop_has,
            baseline=call)

    blinker_send_0 = blinker_send_1 = blinker_send_10 = blinker_connect = None
    if blinker is not None:
        signal_0 = blinker.Signal()
        signal_1 = blinker.Signal()
        signal_1.connect(receiver)
        signal_10 = blinker.Signal()
        receivers_10 = [make_receiver() for _ in range(10)]
        for r in receivers_10:
            signal_10.connect(r)

        def loop_blinker_0(n):
            send = signal_0.send
            s = sender
            for _ in range(n):
                send(s, out_string='hello, world\n', line=42)

        blinker_send_0 = add('py/blinker-send-0',
                             "blinker signal.send(sender, **2 keywords), "
                             "no receiver", loop_blinker_0, baseline=call)

        def loop_blinker_1(n):
            send = signal_1.send
            s = sender
            for _ in range(n):
                send(s, out_string='hello, world\n', line=42)

        blinker_send_1 = add('py/blinker-send-1',
                             'blinker signal.send(sender, **2 keywords), '
                             '1 receiver (any sender)', loop_blinker_1)

        def loop_blinker_10(n, keep=receivers_10):
            # (keep: blinker holds receivers weakly)
            send = signal_10.send
            s = sender
            for _ in range(n):
                send(s, out_string='hello, world\n', line=42)

        blinker_send_10 = add('py/blinker-send-10',
                              'blinker signal.send(sender, **2 keywords), '
                              '10 receivers', loop_blinker_10)

        signal_c = blinker.Signal()

        def loop_blinker_connect(n):
            connect = signal_c.connect
            disconnect = signal_c.disconnect
            r = receiver
            for _ in range(n):
                connect(r)
                disconnect(r)

        blinker_connect = add('py/blinker-connect-disconnect',
                              'blinker connect(receiver) + disconnect '
                              '(weak, the default)', loop_blinker_connect)

    for kind, center in centers.items():
        def loop_post_none(n, center=center):
            post = center.post
            s = sender
            for _ in range(n):
                post(TYPE, s, out_string='hello, world\n', line=42)

        add('py/post-none[%s]' % kind,
            'center.post(type, sender, **2 keywords), no observer',
            loop_post_none, baseline=call, target=6.0, target_kind='max')
        if blinker_send_0 is not None:
            add('py/post-none-vs-blinker[%s]' % kind,
                'the same, against blinker send, no receiver',
                loop_post_none, baseline=blinker_send_0, target=1.0,
                target_kind='max')

        def loop_has(n, center=center):
            has = center.has_observers
            s = sender
            for _ in range(n):
                has(TYPE, s)

        add('py/has-observers[%s]' % kind,
            'center.has_observers(type, sender), no observer', loop_has,
            baseline=call)

    for kind in centers:
        center = (Notification.Center.new() if kind == 'sig' else
                  Notification.Center(emits_signal=False))
        center.add_observer(observer, TYPE)

        def loop_post_1(n, center=center):
            post = center.post
            s = sender
            for _ in range(n):
                post(TYPE, s, out_string='hello, world\n', line=42)

        add('py/post-1[%s]' % kind,
            'center.post(type, sender, **2 keywords), 1 observer (any sender)',
            loop_post_1, baseline=blinker_send_1, target=0.5,
            target_kind='max')

        def loop_post_1_noinfo(n, center=center):
            post = center.post
            s = sender
            for _ in range(n):
                post(TYPE, s)

        add('py/post-1-noinfo[%s]' % kind,
            'center.post(type, sender), no user info, 1 observer',
            loop_post_1_noinfo, baseline=blinker_send_1)

        center10 = (Notification.Center.new() if kind == 'sig' else
                    Notification.Center(emits_signal=False))
        for _ in range(10):
            center10.add_observer(make_observer(), TYPE)

        def loop_post_10(n, center=center10):
            post = center.post
            s = sender
            for _ in range(n):
                post(TYPE, s, out_string='hello, world\n', line=42)

        add('py/post-10[%s]' % kind,
            'center.post(type, sender, **2 keywords), 10 observers',
            loop_post_10, baseline=blinker_send_10, target=0.6,
            target_kind='max')

        center_ar = (Notification.Center.new() if kind == 'sig' else
                     Notification.Center(emits_signal=False))

        def loop_add_remove(n, center=center_ar):
            add_observer = center.add_observer
            remove = center.remove_observer
            o = observer
            for _ in range(n):
                remove(add_observer(o, TYPE))

        add('py/add-remove[%s]' % kind,
            'center.remove_observer(center.add_observer(f, type))',
            loop_add_remove, baseline=blinker_connect, target=1.0,
            target_kind='max')

    # A non-GObject sender (a str, matched by value), observed.
    center_str = Notification.Center(emits_signal=False)
    center_str.add_observer(observer, TYPE, 'interpreter')

    def loop_post_str(n, center=center_str):
        post = center.post
        for _ in range(n):
            post(TYPE, 'interpreter', out_string='hello, world\n', line=42)

    add('py/post-1-str-sender[nosig]',
        'center.post(type, "interpreter", **2 keywords), 1 observer of '
        'that str sender', loop_post_str, baseline=blinker_send_1)

    # Worker thread -> main-loop delivery, per notification (absolute
    # target, in ns: the baseline is the empty loop).
    center_mc = Notification.Center(emits_signal=False)
    context = GLib.MainContext.new()
    received = [0]

    def on_main(type, sender, **kw):
        received[0] += 1

    center_mc.add_observer(on_main, TYPE, context=context)

    def loop_worker(n, center=center_mc):
        received[0] = 0
        post = center.post

        def work():
            s = sender
            for _ in range(n):
                post(TYPE, s, out_string='hello, world\n', line=42)
        worker = threading.Thread(target=work)
        worker.start()
        iteration = context.iteration
        while received[0] < n:
            iteration(True)
        worker.join()

    add('py/worker-to-main-loop', 'a worker thread posts, the main loop '
        'delivers to a context= observer (per notification, ns)',
        loop_worker, target=5000.0, target_kind='abs')

    return cases


def measure(case, n):
    t0 = time.perf_counter_ns()
    case.loop(n)
    return (time.perf_counter_ns() - t0) / n


def calibrate(case, goal_ns):
    n = 1
    while True:
        per_op = measure(case, n)
        elapsed = per_op * n
        if elapsed >= goal_ns:
            break
        if elapsed < goal_ns / 100:
            n *= 10
        else:
            n = int(n * goal_ns / max(elapsed, 1.0) * 1.05) + 1
    case.n = n


def main():
    parser = argparse.ArgumentParser(
        description='The Python cases of the libnotification benchmark '
                    '(see doc/performance.md).')
    parser.add_argument('--quick', action='store_true',
                        help='1 ms per measurement, 2 repetitions (smoke test)')
    parser.add_argument('--reps', type=int, default=5)
    parser.add_argument('--filter')
    parser.add_argument('--json')
    parser.add_argument('--time-ms', type=float, default=50)
    args = parser.parse_args()
    if args.quick:
        args.reps = min(args.reps, 2)
        args.time_ms = 1

    sender = GObject.Object()
    cases = make_cases(sender)
    for case in cases:
        if args.filter is None or args.filter in case.name:
            case.selected = True
            if case.baseline is not None:
                case.baseline.selected = True
    selected = [c for c in cases if c.selected]

    if blinker is None:
        print('blinker is missing (apt-get install python3-blinker): '
              'the blinker cases are skipped', file=sys.stderr)

    print('libnotification Python bench: Python %s, PyGObject %s, blinker %s, '
          '%d repetitions, ~%g ms per measurement%s'
          % (platform.python_version(), gi.__version__,
             getattr(blinker, '__version__', 'missing') if blinker else 'missing',
             args.reps, args.time_ms, ' (quick)' if args.quick else ''))

    gc.disable()
    for case in selected:
        calibrate(case, args.time_ms * 1e6)
    for rep in range(args.reps):
        for case in selected:
            case.values.append(measure(case, case.n))
    gc.enable()

    results = []
    n_pass = n_miss = 0
    print('\n%-26s %9s %9s %9s %-18s %7s %11s %-8s' %
          ('case', 'median', 'min', 'max', 'baseline', 'ratio', 'spread',
           'target'))
    for case in selected:
        row = {'name': case.name, 'what': case.what, 'unit': 'ns/op',
               'iterations': case.n, 'values': case.values,
               'median': statistics.median(case.values),
               'min': min(case.values), 'max': max(case.values)}
        ratio_text = spread = target = status = ''
        if case.baseline is not None:
            case.ratios = [v / b for v, b in
                           zip(case.values, case.baseline.values)]
            row['baseline'] = case.baseline.name
            row['ratios'] = case.ratios
            row['ratio'] = statistics.median(case.ratios)
            ratio_text = '%.3f' % row['ratio']
            spread = '%.2f-%.2f' % (min(case.ratios), max(case.ratios))
        if case.target is not None and case.target_kind == 'abs':
            target = '<= %g ns' % case.target
            ok = row['median'] <= case.target
            status = 'PASS' if ok else 'MISS'
            n_pass += ok
            n_miss += not ok
            row['target'] = target
            row['pass'] = ok
        elif case.target is not None and case.baseline is not None:
            target = '<= %gx' % case.target
            ok = row['ratio'] <= case.target
            status = 'PASS' if ok else 'MISS'
            n_pass += ok
            n_miss += not ok
            row['target'] = target
            row['pass'] = ok
        results.append(row)
        print('%-26s %9.1f %9.1f %9.1f %-18s %7s %11s %-8s %s' %
              (case.name, row['median'], row['min'], row['max'],
               case.baseline.name if case.baseline else '', ratio_text,
               spread, target, status))
    print('\ntargets: %d PASS, %d MISS' % (n_pass, n_miss))

    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'python': platform.python_version(),
                       'pygobject': gi.__version__,
                       'blinker': getattr(blinker, '__version__', None)
                       if blinker else None,
                       'reps': args.reps, 'time_ms': args.time_ms,
                       'quick': args.quick, 'cases': results}, f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
