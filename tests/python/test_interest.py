#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""watch_interest: being told which (type, sender) pairs are observed."""

import sys
import threading
import weakref

from common import GLib, GObject, Notification, TestCase, collect, main


def drain(context):
    while context.pending():
        context.iteration(False)


class Interest:
    """A watcher's view: the pairs reported observed, and every report."""

    def __init__(self):
        self.pairs = set()
        self.reports = []

    def __call__(self, type, sender, observed):
        assert ((type, sender) in self.pairs) != observed, (type, sender)
        if observed:
            self.pairs.add((type, sender))
        else:
            self.pairs.discard((type, sender))
        self.reports.append((type, sender, observed))


def state(center):
    return {(i.get_notification_type(), i.get_sender())
            for i in center.list_interests()}


class TestInterest(TestCase):
    def setUp(self):
        super().setUp()
        self.context = GLib.MainContext.new()
        self.view = Interest()
        self.watch = self.center.watch_interest(self.view, self.context)
        self.assertGreater(self.watch, 0)

    def tearDown(self):
        self.center.unwatch_interest(self.watch)
        super().tearDown()

    def test_first_and_last_observer(self):
        first = self.center.add_observer(lambda t, s, **kw: None, 'stdout')
        second = self.center.add_observer(lambda t, s, **kw: None, 'stdout')
        self.assertEqual(self.view.reports, [], 'reported on the context')
        drain(self.context)
        self.assertEqual(self.view.reports, [('stdout', None, True)])
        self.center.remove_observer(first)
        drain(self.context)
        self.assertEqual(len(self.view.reports), 1)
        self.center.remove_observer(second)
        drain(self.context)
        self.assertEqual(self.view.reports[-1], ('stdout', None, False))
        self.assertEqual(self.view.pairs, state(self.center))

    def test_senders_and_every_type(self):
        interpreter = GObject.Object()
        with self.center.observing(lambda t, s, **kw: None, None, interpreter):
            drain(self.context)
            self.assertEqual(self.view.pairs, {(None, interpreter)})
            self.assertEqual(self.view.pairs, state(self.center))
        drain(self.context)
        self.assertEqual(self.view.pairs, set())
        self.assertIs(self.view.reports[-1][1], interpreter)

    def test_pairs_observed_before_are_reported_first(self):
        center = Notification.Center.new()
        center.add_observer(lambda t, s, **kw: None, 'a')
        center.add_observer(lambda t, s, **kw: None, 'b')
        view = Interest()
        watch = center.watch_interest(view, self.context)
        center.add_observer(lambda t, s, **kw: None, 'c')
        drain(self.context)
        self.assertEqual({r[0] for r in view.reports[:2]}, {'a', 'b'})
        self.assertEqual(view.reports[2], ('c', None, True))
        center.unwatch_interest(watch)
        center.remove_all_observers()

    def test_signal_handlers_are_not_reported(self):
        handler = self.center.connect('notification::t', lambda *a: None)
        self.assertTrue(self.center.has_observers('t'))
        drain(self.context)
        self.assertEqual(self.view.reports, [])
        self.assertEqual(state(self.center), set())
        self.center.disconnect(handler)

    def test_default_context(self):
        center = Notification.Center.new()
        view = Interest()
        watch = center.watch_interest(view)
        center.add_observer(lambda t, s, **kw: None, 't')
        drain(self.context)
        self.assertEqual(view.reports, [])
        drain(GLib.MainContext.default())
        self.assertEqual(view.reports, [('t', None, True)])
        center.unwatch_interest(watch)
        center.remove_all_observers()

    def test_unwatch_releases_the_callable(self):
        class Callback:
            def __call__(self, type, sender, observed):
                pass
        callback = Callback()
        ref = weakref.ref(callback)
        watch = self.center.watch_interest(callback, self.context)
        del callback
        collect()
        self.assertIsNotNone(ref())
        self.center.add_observer(lambda t, s, **kw: None, 't')
        self.center.unwatch_interest(watch)
        collect()
        self.assertIsNone(ref())
        drain(self.context)

    def test_exception_is_reported(self):
        reported = []

        def bad(type, sender, observed):
            raise ValueError('in watcher')
        watch = self.center.watch_interest(bad, self.context)
        self.center.add_observer(lambda t, s, **kw: None, 't')
        old = sys.excepthook
        sys.excepthook = lambda *a: reported.append(a)
        try:
            drain(self.context)
        finally:
            sys.excepthook = old
            self.center.unwatch_interest(watch)
        self.assertIs(reported[0][0], ValueError)
        self.assertEqual(self.view.reports, [('t', None, True)])

    def test_not_callable(self):
        with self.assertRaises(TypeError):
            self.center.watch_interest(42)

    def test_sender_dropped_with_a_queued_report(self):
        # A view that does not keep the senders: hash() of a wrapper is its
        # object's address.
        center = Notification.Center.new()
        reports = []
        watch = center.watch_interest(
            lambda t, s, o: reports.append((t, hash(s), isinstance(s, GObject.Object), o)),
            self.context)
        sender = GObject.Object()
        address = hash(sender)
        center.add_observer(lambda t, s, **kw: None, 't', sender)
        drain(self.context)
        self.assertEqual(reports, [('t', address, True, True)])
        del sender
        collect()
        # Disposed: its observer is gone. The report of the loss kept it
        # alive, and brings it.
        self.assertEqual(center.get_n_observers(), 0)
        drain(self.context)
        self.assertEqual(reports[1:], [('t', address, True, False)])
        center.unwatch_interest(watch)

    def test_bridge_forwards_what_is_observed(self):
        # A bridge forwards only the types a remote peer observes; here the
        # "remote" is a second center fed by the first one.
        local, remote = self.center, Notification.Center.new()
        wanted = set()
        forwarders = {}

        def on_interest(type, sender, observed):
            if observed:
                wanted.add(type)
            else:
                wanted.discard(type)
        watch = remote.watch_interest(on_interest, self.context)
        for type in ('stdout', 'stderr'):
            forwarders[type] = local.add_observer(
                lambda t, s, **kw: t in wanted and remote.post(t, **kw), type)
        got = []
        remote.add_observer(lambda t, s, **kw: got.append((t, kw)), 'stdout')
        drain(self.context)
        local.post('stdout', text='seen')
        local.post('stderr', text='nobody wants it')
        self.assertEqual(got, [('stdout', {'text': 'seen'})])
        remote.unwatch_interest(watch)
        remote.remove_all_observers()

    def test_threads_add_and_remove(self):
        def worker(n):
            for i in range(200):
                handle = self.center.add_observer(
                    lambda t, s, **kw: None, 'type-%d' % (i % 5))
                if (i + n) % 3:
                    self.center.remove_observer(handle)
        threads = [threading.Thread(target=worker, args=(n,))
                   for n in range(3)]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            self.context.iteration(False)
        for thread in threads:
            thread.join()
        drain(self.context)
        self.assertEqual(self.view.pairs, state(self.center))
        self.assertEqual(len(self.view.pairs), 5)

    def test_forwarder_is_not_reported(self):
        got = []
        handle = self.center.add_observer_with_flags(
            't', None, None, None, Notification.ObserverFlags.FORWARDER,
            lambda center, type, sender, info: got.append(type))
        self.assertGreater(handle, 0)
        drain(self.context)
        self.assertEqual(self.view.reports, [])
        self.assertEqual(state(self.center), set())
        self.assertTrue(self.center.has_observers('t', None))
        self.center.post('t')
        self.assertEqual(got, ['t'])
        real = self.center.add_observer(lambda t, s, **kw: None, 't')
        drain(self.context)
        self.assertEqual(self.view.reports, [('t', None, True)])
        self.center.remove_observer(real)
        drain(self.context)
        self.assertEqual(self.view.reports[-1], ('t', None, False))
        self.center.remove_observer(handle)
        drain(self.context)
        self.assertEqual(len(self.view.reports), 2)


class TestInterestType(TestCase):
    def test_interest_accessors(self):
        sender = GObject.Object()
        self.center.add_observer(lambda t, s, **kw: None, 't', sender)
        interests = self.center.list_interests()
        self.assertEqual(len(interests), 1)
        self.assertIsInstance(interests[0], Notification.Interest)
        self.assertEqual(interests[0].get_notification_type(), 't')
        self.assertIs(interests[0].get_sender(), sender)


if __name__ == '__main__':
    main()
