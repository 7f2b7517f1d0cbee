#!/usr/bin/python3
# delivery_bench.py: worker thread to main loop, from Python
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   PYTHONPATH=introspection GI_TYPELIB_PATH=build/notification \
#   LD_LIBRARY_PATH=build/notification \
#   /usr/bin/python3 bench/delivery_bench.py [--quick] [--reps N]
#
# A worker thread posts `stdout` with two keyword arguments to an observer
# on the main context; deliveries per second, against the same hand-over
# done with GLib alone (one GLib.idle_add() per message, the keyword
# arguments in a dict) in the same repetition.

import argparse
import statistics
import threading
import time

import gi

gi.require_version('Notification', '1.0')
from gi.repository import GLib, GObject, Notification  # noqa: E402


def run(n, with_center):
    context = GLib.MainContext.default()
    center = Notification.Center.new()
    sender = GObject.Object()
    received = [0]

    def on_stdout(type, sender, out_string, line):
        received[0] += 1

    def on_idle(kwargs):
        received[0] += 1
        return GLib.SOURCE_REMOVE

    if with_center:
        handle = center.add_observer(on_stdout, 'stdout', sender,
                                     context=context)

        def work():
            for i in range(n):
                center.post('stdout', sender, out_string='a line\n', line=i)
    else:
        def work():
            for i in range(n):
                GLib.idle_add(on_idle, {'out_string': 'a line\n', 'line': i},
                              priority=GLib.PRIORITY_DEFAULT)

    start = time.perf_counter()
    worker = threading.Thread(target=work)
    worker.start()
    while received[0] < n:
        context.iteration(True)
    worker.join()
    elapsed = time.perf_counter() - start
    if with_center:
        center.remove_observer(handle)
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--quick', action='store_true')
    parser.add_argument('--reps', type=int, default=3)
    args = parser.parse_args()
    n = 200 if args.quick else 50000

    ours, glib, ratios = [], [], []
    for _ in range(args.reps):
        ours.append(run(n, True))
        glib.append(run(n, False))
        ratios.append(ours[-1] / glib[-1])

    print('worker -> main loop from Python, %d posts with two keywords:' % n)
    print('  center          %9.0f deliveries/s (%.1f us each)'
          % (n / statistics.median(ours), statistics.median(ours) / n * 1e6))
    print('  GLib.idle_add   %9.0f deliveries/s (%.1f us each)'
          % (n / statistics.median(glib), statistics.median(glib) / n * 1e6))
    print('  time ratio center / idle_add: %.2f (median of %d pairs)'
          % (statistics.median(ratios), args.reps))


if __name__ == '__main__':
    main()
