#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Main-context delivery from Python: the one queue per center and
context (order across observers), coalescing, limits, priority, and the
lifetime of what is queued and of the callables."""

import threading
import time
import weakref

from common import GLib, GObject, Notification, TestCase, collect, main


def drain(context):
    while context.pending():
        context.iteration(False)


def iterate_until(context, predicate, timeout=30):
    """Runs ``context`` (blocking) until ``predicate()``; a periodic source
    wakes it up so that the deadline is checked."""
    tick = GLib.timeout_source_new(50)
    tick.set_callback(lambda *args: GLib.SOURCE_CONTINUE)
    tick.attach(context)
    deadline = time.monotonic() + timeout
    try:
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError('timed out')
            context.iteration(True)
    finally:
        tick.destroy()


class Callable:
    """A callable whose release can be watched with a weak reference."""

    def __init__(self, log=None):
        self.calls = []
        self.log = log

    def __call__(self, type, sender, **user_info):
        self.calls.append((type, user_info))
        if self.log is not None:
            self.log.append((self, type, user_info.get('n')))


class TestOrder(TestCase):
    def test_two_observers_on_one_context_from_a_worker(self):
        # The frontend of the tutorial: lines, then "finished", from a
        # worker thread; "finished" must see every line.
        context = GLib.MainContext.new()
        n_lines = 5000
        lines = []
        finished = []

        def on_stdout(type, sender, n):
            lines.append(n)

        def on_finished(type, sender):
            finished.append(len(lines))

        self.center.add_observer(on_stdout, 'stdout', context=context)
        self.center.add_observer(on_finished, 'finished', context=context)

        def worker():
            for n in range(n_lines):
                self.center.post('stdout', n=n)
            self.center.post('finished')

        thread = threading.Thread(target=worker)
        thread.start()
        iterate_until(context, lambda: finished)
        thread.join()
        self.assertEqual(finished, [n_lines])
        self.assertEqual(lines, list(range(n_lines)))

    def test_calls_of_one_post_adjacent_in_add_order(self):
        context = GLib.MainContext.new()
        log = []
        every = Callable(log)
        stdout = Callable(log)
        progress = Callable(log)
        self.center.add_observer(every, None, context=context)
        self.center.add_observer(stdout, 'stdout', context=context)
        self.center.add_observer(progress, 'progress', context=context)

        def worker():
            for n in range(1000):
                self.center.post('stdout', n=n)
                self.center.post('progress', n=n)

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        drain(context)
        expected = []
        for n in range(1000):
            expected += [(every, 'stdout', n), (stdout, 'stdout', n),
                         (every, 'progress', n), (progress, 'progress', n)]
        self.assertEqual(log, expected)

    def test_two_posting_threads_one_total_order(self):
        context = GLib.MainContext.new()
        log = []
        first = Callable(log)
        second = Callable(log)
        self.center.add_observer(first, None, context=context)
        self.center.add_observer(second, None, context=context)

        def worker(type):
            for n in range(2000):
                self.center.post(type, n=n)

        threads = [threading.Thread(target=worker, args=(t,))
                   for t in ('t1', 't2')]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        drain(context)
        self.assertEqual(len(log), 2 * 2 * 2000)
        seen = {'t1': [], 't2': []}
        for i in range(0, len(log), 2):
            a, b = log[i], log[i + 1]
            # Both observers see each post, next to each other.
            self.assertIs(a[0], first)
            self.assertIs(b[0], second)
            self.assertEqual(a[1:], b[1:])
            seen[a[1]].append(a[2])
        # Each thread's posts in its order.
        self.assertEqual(seen['t1'], list(range(2000)))
        self.assertEqual(seen['t2'], list(range(2000)))


class TestCoalesce(TestCase):
    def test_latest_value_only(self):
        context = GLib.MainContext.new()
        progress = Callable()
        self.center.add_observer(progress, 'progress', context=context,
                                 coalesce=True)
        for n in range(100000):
            self.center.post('progress', fraction=n / 100000, n=n)
        drain(context)
        self.assertEqual(progress.calls,
                         [('progress', {'fraction': 99999 / 100000,
                                        'n': 99999})])

    def test_per_type_and_sender_in_order_of_latest_posts(self):
        context = GLib.MainContext.new()
        log = []
        progress = Callable(log)
        lines = Callable(log)
        worker = GObject.Object()
        self.center.add_observer(progress, None, context=context,
                                 coalesce=True)
        self.center.add_observer(lines, 'stdout', context=context)
        for n in range(100):
            self.center.post('progress', n=n)
        self.center.post('progress', worker, n=7)    # another sender
        self.center.post('stdout', n=1)              # another type
        self.center.post('progress', n=100)
        drain(context)
        self.assertEqual(log, [(progress, 'progress', 7),
                               (progress, 'stdout', 1), (lines, 'stdout', 1),
                               (progress, 'progress', 100)])

    def test_other_observers_see_every_post(self):
        context = GLib.MainContext.new()
        latest = Callable()
        every = Callable()
        self.center.add_observer(latest, 't', context=context, coalesce=True)
        self.center.add_observer(every, 't', context=context)
        for n in range(50):
            self.center.post('t', n=n)
        drain(context)
        self.assertEqual([info['n'] for _, info in latest.calls], [49])
        self.assertEqual([info['n'] for _, info in every.calls],
                         list(range(50)))

    def test_needs_a_context(self):
        with self.assertRaises(ValueError):
            self.center.add_observer(Callable(), 't', coalesce=True)
        with self.assertRaises(ValueError):
            with self.center.observing(Callable(), 't', coalesce=True):
                pass  # pragma: no cover
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_observing(self):
        context = GLib.MainContext.new()
        progress = Callable()
        with self.center.observing(progress, 'p', context=context,
                                   coalesce=True):
            for n in range(10):
                self.center.post('p', n=n)
            drain(context)
        self.assertEqual(progress.calls, [('p', {'n': 9})])
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_introspected_with_flags(self):
        context = GLib.MainContext.new()
        got = []
        self.center.add_observer_with_flags(
            't', None, None, context, Notification.ObserverFlags.COALESCE,
            lambda center, type, sender, info: got.append(info.unpack()))
        for n in range(10):
            self.center.post('t', n=n)
        drain(context)
        self.assertEqual(got, [{'n': 9}])


class TestLimit(TestCase):
    def test_limit_n_dropped_and_dropped_before_call(self):
        context = GLib.MainContext.new()
        calls = []

        def observer(type, sender, **info):
            calls.append(self.center.get_dropped_before_call())

        self.center.set_queue_limit(context, 10)
        self.center.add_observer(observer, 't', context=context)
        for _ in range(25):
            self.center.post('t', k=1)
        self.assertEqual(self.center.get_n_dropped(), 15)
        self.assertEqual(self.center.props.n_dropped, 15)
        self.assertEqual(self.center.get_property('n-dropped'), 15)
        drain(context)
        self.assertEqual(len(calls), 10)
        self.assertEqual(sum(calls), 15)
        # Outside a main-context call.
        self.assertEqual(self.center.get_dropped_before_call(), 0)

        # Room again once dispatched; 0 removes the limit.
        self.center.set_queue_limit(context, 0)
        for _ in range(100):
            self.center.post('t', k=1)
        drain(context)
        self.assertEqual(len(calls), 110)
        self.assertEqual(sum(calls), 15)
        self.assertEqual(self.center.props.n_dropped, 15)

    def test_limit_is_per_context(self):
        full = GLib.MainContext.new()
        free = GLib.MainContext.new()
        a, b = Callable(), Callable()
        self.center.set_queue_limit(full, 1)
        self.center.add_observer(a, 't', context=full)
        self.center.add_observer(b, 't', context=free)
        for n in range(5):
            self.center.post('t', n=n)
        drain(full)
        drain(free)
        self.assertEqual([info['n'] for _, info in a.calls], [0])
        self.assertEqual([info['n'] for _, info in b.calls], list(range(5)))
        self.assertEqual(self.center.get_n_dropped(), 4)

    def test_coalescing_is_not_dropping(self):
        context = GLib.MainContext.new()
        progress = Callable()
        self.center.set_queue_limit(context, 1)
        self.center.add_observer(progress, 'p', context=context, coalesce=True)
        for n in range(100):
            self.center.post('p', n=n)
        drain(context)
        self.assertEqual(progress.calls, [('p', {'n': 99})])
        self.assertEqual(self.center.get_n_dropped(), 0)


class TestPriority(TestCase):
    def test_queue_priority(self):
        context = GLib.MainContext.new()
        log = []

        def idle(*args):
            log.append('idle')
            return GLib.SOURCE_REMOVE

        def add_idle():
            source = GLib.idle_source_new()   # G_PRIORITY_DEFAULT_IDLE
            source.set_callback(idle)
            source.attach(context)

        self.center.add_observer(lambda t, s, n: log.append(n), 't',
                                 context=context)
        # G_PRIORITY_DEFAULT: before an idle.
        add_idle()
        self.center.post('t', n=1)
        drain(context)
        # Below it when asked.
        self.center.set_queue_priority(context, GLib.PRIORITY_LOW)
        add_idle()
        self.center.post('t', n=2)
        drain(context)
        self.assertEqual(log, [1, 'idle', 'idle', 2])


class TestLifetime(TestCase):
    def test_removal_releases_queued_at_once_and_callable_on_context(self):
        context = GLib.MainContext.new()
        observer = Callable()
        released = weakref.ref(observer)
        sender = GObject.Object()
        finalized = []
        sender.weak_ref(lambda: finalized.append(True))
        handle = self.center.add_observer(observer, 't', sender,
                                          context=context)
        self.center.post('t', sender, k='v')
        del sender, observer
        collect()
        self.assertEqual(finalized, [], 'the queued call holds the sender')

        self.center.remove_observer(handle)
        collect()
        self.assertEqual(finalized, [True], 'released at removal')
        # The destroy notify waits for the context.
        self.assertIsNotNone(released())
        drain(context)
        collect()
        self.assertIsNone(released())
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_never_called_after_removal(self):
        context = GLib.MainContext.new()
        observer = Callable()
        handle = self.center.add_observer(observer, 't', context=context)
        for n in range(10):
            self.center.post('t', n=n)
        self.center.remove_observer(handle)
        drain(context)
        self.assertEqual(observer.calls, [])

    def test_destroy_notify_on_context_thread(self):
        context = GLib.MainContext.new()
        loop = GLib.MainLoop.new(context, False)
        runner = threading.Thread(target=loop.run)
        released_on = []
        released = threading.Event()

        def on_release(ref):
            released_on.append(threading.get_ident())
            released.set()

        observer = Callable()
        ref = weakref.ref(observer, on_release)
        runner.start()
        try:
            handle = self.center.add_observer(observer, 't', context=context)
            del observer
            for n in range(100):
                self.center.post('t', n=n)
            self.center.remove_observer(handle)
            self.assertTrue(released.wait(30), 'callable never released')
        finally:
            quit = GLib.idle_source_new()
            quit.set_callback(lambda *args: loop.quit())
            quit.attach(context)
            runner.join()
        self.assertIsNone(ref())
        self.assertEqual(released_on, [runner.ident])

    def test_context_finalized_removes_its_observers(self):
        context = GLib.MainContext.new()
        other = GLib.MainContext.new()
        first, second, kept = Callable(), Callable(), Callable()
        refs = [weakref.ref(first), weakref.ref(second)]
        self.center.add_observer(first, 't', context=context)
        self.center.add_observer(second, None, context=context, coalesce=True)
        self.center.add_observer(kept, 't', context=other)
        self.center.post('t', k=1)
        self.assertEqual(self.center.get_n_observers(), 3)
        del first, second, context
        collect()
        # Its observers are gone, their callables released.
        self.assertEqual(self.center.get_n_observers(), 1)
        self.assertEqual([r() for r in refs], [None, None])
        self.center.post('t', k=2)
        drain(other)
        self.assertEqual([info for _, info in kept.calls],
                         [{'k': 1}, {'k': 2}])

    def test_center_does_not_keep_context_alive(self):
        context = GLib.MainContext.new()
        self.center.set_queue_limit(context, 5)
        self.center.set_queue_priority(context, GLib.PRIORITY_LOW)
        self.center.add_observer(Callable(), 't', context=context)
        self.center.post('t', k=1)
        del context
        collect()
        self.assertEqual(self.center.get_n_observers(), 0)
        # A new context (maybe at the same address) starts clean.
        context = GLib.MainContext.new()
        observer = Callable()
        self.center.add_observer(observer, 't', context=context)
        for n in range(10):
            self.center.post('t', n=n)
        drain(context)
        self.assertEqual(len(observer.calls), 10)
        self.assertEqual(self.center.get_n_dropped(), 0)


if __name__ == '__main__':
    main()
