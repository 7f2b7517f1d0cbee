#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Any object as a sender: GObjects, values, objects held weakly."""

from common import GObject, Notification, Recorder, TestCase, collect, main

import gi.overrides._notification as _notification


class Interpreter:
    """A plain Python object, as the blueprint's interpreter is."""


class Slotted:
    __slots__ = ()


class TestSenders(TestCase):
    def test_value_proxies_go_with_their_observers(self):
        # Each value a sender observer named kept its proxy GObject for
        # the life of the process: request ids as senders grew memory
        # without bound.
        before = len(_notification.sender_proxies)
        handles = [self.center.add_observer(lambda t, s, **kw: None, 't', i)
                   for i in range(1000, 1500)]
        self.assertEqual(len(_notification.sender_proxies), before + 500)
        twice = self.center.add_observer(lambda t, s, **kw: None, 't', 1000)
        for handle in handles:
            self.center.remove_observer(handle)
        # 1000 is still named by one observer.
        self.assertEqual(len(_notification.sender_proxies), before + 1)
        self.assertTrue(self.center.has_observers('t', 1000))
        self.assertFalse(self.center.has_observers('t', 1001))
        self.center.remove_observer(twice)
        self.assertEqual(len(_notification.sender_proxies), before)
        self.assertFalse(self.center.has_observers('t', 1000))

        # Matching by value still works with a new proxy, and an observer
        # that removes the last observer of its sender during a post
        # leaves the post's sender valid for those called after it.
        got, raw = [], []

        def once(t, s, **kw):
            got.append(s)
            self.center.remove_observer(once_id)
        once_id = self.center.add_observer(once, 'u', ('k', 1))
        self.center.add_observer_with_flags(
            'u', None, None, None, Notification.ObserverFlags.DEFAULT,
            lambda c, t, s, info: raw.append(_notification.python_sender(s)))
        self.center.post('u', ('k', 1), a=1)
        self.center.post('u', ('k', 1), a=2)
        self.assertEqual(got, [('k', 1)])
        self.assertEqual(raw, [('k', 1), None])
        self.assertEqual(len(_notification.sender_proxies), before)

    def test_plain_object_matched_by_identity(self):
        a, b = Interpreter(), Interpreter()
        rec_a, rec_any = Recorder(), Recorder()
        self.center.add_observer(rec_a, 'stdout', a)
        self.center.add_observer(rec_any, 'stdout')
        self.assertTrue(self.center.has_observers('stdout', a))
        self.center.post('stdout', a, text='from a')
        self.center.post('stdout', b, text='from b')
        self.assertEqual(rec_a.calls, [('stdout', a, {'text': 'from a'})])
        # Observers of every sender get the very sender object.
        self.assertEqual([c[1] for c in rec_any.calls], [a, b])
        self.assertIs(rec_any.calls[1][1], b)

    def test_identity_sender_is_held_weakly(self):
        a = Interpreter()
        rec = Recorder()
        self.center.add_observer(rec, 'stdout', a)
        self.assertEqual(self.center.get_n_observers(), 1)
        del a
        collect()
        # Its observers went with it.
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_recycled_address_is_not_the_old_sender(self):
        rec = Recorder()
        a = Interpreter()
        self.center.add_observer(rec, 'stdout', a)
        del a
        collect()
        for _ in range(50):
            b = Interpreter()
            self.assertFalse(self.center.has_observers('stdout', b))
            self.center.post('stdout', b)
        self.assertEqual(rec.calls, [])

    def test_values_matched_by_value(self):
        rec = Recorder()
        for sender in ('interpreter', 42, b'raw', ('a', 1)):
            self.center.add_observer(rec, 'stdout', sender)
        # Equal values made anew match.
        for sender in (''.join(['inter', 'preter']), 40 + 2, bytes(b'raw'),
                       tuple(['a', 1])):
            self.assertTrue(self.center.has_observers('stdout', sender))
            self.center.post('stdout', sender, n=1)
        self.assertEqual([c[1] for c in rec.calls],
                         ['interpreter', 42, b'raw', ('a', 1)])
        self.assertFalse(self.center.has_observers('stdout', 'other'))
        self.assertFalse(self.center.has_observers('stdout', 43))
        self.center.post('stdout', 'other')
        self.assertEqual(len(rec.calls), 4)

    def test_has_observers_agrees_with_delivery(self):
        a = Interpreter()
        rec = Recorder()
        for sender in (a, 'v', None):
            self.assertFalse(self.center.has_observers('t', sender))
        h = self.center.add_observer(rec, 't', 'v')
        self.assertTrue(self.center.has_observers('t', 'v'))
        self.assertFalse(self.center.has_observers('t', a))
        self.assertFalse(self.center.has_observers('t', None))
        self.center.remove_observer(h)
        self.assertFalse(self.center.has_observers('t', 'v'))
        self.center.add_observer(rec, 't')
        for sender in (a, 'v', None, Slotted()):
            self.assertTrue(self.center.has_observers('t', sender))

    def test_unweakrefable_sender(self):
        rec = Recorder()
        with self.assertRaisesRegex(TypeError, 'weak references'):
            self.center.add_observer(rec, 't', Slotted())
        with self.assertRaisesRegex(TypeError, 'weak references'):
            self.center.add_observer(rec, 't', object())
        # It may still post, to the observers of every sender.
        s = Slotted()
        self.center.add_observer(rec, 't')
        self.center.post('t', s, k=1)
        self.assertIs(rec.calls[0][1], s)

    def test_unhashable_tuple_sender(self):
        with self.assertRaises(TypeError):
            self.center.add_observer(Recorder(), 't', ([],))

    def test_gobject_sender_still_itself(self):
        g = GObject.Object()
        rec = Recorder()
        self.center.add_observer(rec, 't', g)
        self.center.post('t', g)
        self.assertIs(rec.calls[0][1], g)

    def test_main_context_delivery_keeps_the_sender(self):
        from common import GLib
        context = GLib.MainContext.new()
        rec = Recorder()
        a = Interpreter()
        self.center.add_observer(rec, 't', a, context=context)
        self.center.post('t', a, x=1)
        self.assertEqual(rec.calls, [])
        while context.iteration(False):
            pass
        self.assertEqual(rec.calls, [('t', a, {'x': 1})])

    def test_interest_reports_the_python_sender(self):
        from common import GLib
        seen = []
        context = GLib.MainContext.default()
        self.center.watch_interest(
            lambda t, s, observed: seen.append((t, s, observed)), context)
        self.center.add_observer(Recorder(), 't', 'interpreter')
        while context.iteration(False):
            pass
        self.assertIn(('t', 'interpreter', True), seen)


if __name__ == '__main__':
    main()
