#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The decorator, keyword arguments, remove_observer() of a callable."""

import weakref

from common import GLib, GObject, Recorder, TestCase, collect, main


class TestDecorator(TestCase):
    def test_registers_and_returns_the_function(self):
        calls = []

        @self.center.observer('stdout')
        def on_stdout(type, sender, out_string=''):
            calls.append(out_string)

        self.assertTrue(callable(on_stdout))
        self.assertEqual(on_stdout.__name__, 'on_stdout')
        self.assertEqual(self.center.get_n_observers(), 1)
        self.center.post('stdout', out_string='hi')
        self.center.post('stderr', out_string='no')
        self.assertEqual(calls, ['hi'])
        on_stdout('stdout', None, out_string='direct')  # still the function
        self.assertEqual(calls, ['hi', 'direct'])

    def test_keywords_for_every_option(self):
        sender = GObject.Object()
        owner = GObject.Object()
        context = GLib.MainContext.new()
        calls = []

        @self.center.observer(type='t', sender=sender, owner=owner,
                              context=context, coalesce=True)
        def on_t(type, sender, n=0):
            calls.append(n)

        for n in range(3):
            self.center.post('t', sender, n=n)
        self.center.post('t', None, n=99)  # another sender
        while context.iteration(False):
            pass
        self.assertEqual(calls, [2], 'coalesced on the context')
        del owner
        collect()
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_every_type(self):
        rec = Recorder()
        self.center.observer(None)(rec)
        self.center.post('a')
        self.center.post('b')
        self.assertEqual([c[0] for c in rec.calls], ['a', 'b'])

    def test_bare_decorator_is_an_error(self):
        with self.assertRaisesRegex(TypeError, 'notification type'):
            @self.center.observer
            def f(type, sender):
                pass
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_add_observer_all_keywords(self):
        rec = Recorder()
        handle = self.center.add_observer(callback=rec, type='t', sender=None,
                                          owner=None, context=None,
                                          coalesce=False, weak=False)
        self.assertGreater(handle, 0)
        self.center.post('t')
        self.assertEqual(len(rec.calls), 1)


class TestRemoveCallable(TestCase):
    def test_removes_every_registration(self):
        rec = Recorder()
        other = Recorder()
        sender = GObject.Object()
        self.center.add_observer(rec, 'a')
        self.center.add_observer(rec, 'b', sender)
        self.center.add_observer(rec)
        self.center.add_observer(other, 'a')
        self.assertEqual(self.center.remove_observer(rec), 3)
        self.assertEqual(self.center.get_n_observers(), 1)
        self.center.post('a', sender)
        self.assertEqual(rec.calls, [])
        self.assertEqual(len(other.calls), 1)
        self.assertEqual(self.center.remove_observer(rec), 0)

    def test_id_still_works(self):
        rec = Recorder()
        handle = self.center.add_observer(rec, 'a')
        self.assertIsNone(self.center.remove_observer(handle))
        self.assertEqual(self.center.get_n_observers(), 0)
        self.center.remove_observer(handle)  # gone already: nothing

    def test_decorated_function(self):
        calls = []

        @self.center.observer('a')
        @self.center.observer('b')
        def on(type, sender):
            calls.append(type)

        self.assertEqual(self.center.remove_observer(on), 2)
        self.center.post('a')
        self.assertEqual(calls, [])

    def test_bound_methods_compare_equal(self):
        class Plain:
            def __init__(self):
                self.n = 0

            def on(self, type, sender):
                self.n += 1

        a, b = Plain(), Plain()
        self.center.add_observer(a.on, 't')
        self.center.add_observer(a.on, 'u', weak=True)
        self.center.add_observer(b.on, 't')
        # A new bound method object, equal to the registered ones.
        self.assertEqual(self.center.remove_observer(a.on), 2)
        self.center.post('t')
        self.assertEqual((a.n, b.n), (0, 1))

    def test_weak_method_gone(self):
        class Plain:
            def on(self, type, sender):
                pass
        obj = Plain()
        self.center.add_observer(obj.on, 't', weak=True)
        method = obj.on
        ref = weakref.ref(obj)
        del obj
        collect()
        self.assertIsNotNone(ref(), 'the bound method in hand holds it')
        self.assertEqual(self.center.remove_observer(method), 1)

    def test_other_center_untouched(self):
        from common import Notification
        rec = Recorder()
        other = Notification.Center.new()
        other.add_observer(rec, 't')
        self.center.add_observer(rec, 't')
        self.assertEqual(self.center.remove_observer(rec), 1)
        self.assertEqual(other.get_n_observers(), 1)
        other.post('t')
        self.assertEqual(len(rec.calls), 1)
        other.remove_all_observers()

    def test_bookkeeping_follows_other_removals(self):
        # Observers removed by id, by owner, by remove_all: the map of
        # callables forgets them, and removing the callable finds nothing.
        rec = Recorder()
        owner = GObject.Object()
        handle = self.center.add_observer(rec, 'a')
        self.center.add_observer(rec, 'b', owner=owner)
        self.center.remove_observer(handle)
        del owner
        collect()
        self.assertEqual(self.center.get_n_observers(), 0)
        self.assertEqual(self.center.remove_observer(rec), 0)
        self.center.add_observer(rec, 'c')
        self.center.remove_all_observers()
        collect()
        self.assertEqual(self.center.remove_observer(rec), 0)
        observers = self.center.__dict__.get(
            '_notification_py_observers', {})
        self.assertEqual(observers, {})

    def test_context_observer_counted_once(self):
        # The destroy notify of an observer on a context runs when the
        # context next runs; removing the callable meanwhile finds nothing.
        rec = Recorder()
        context = GLib.MainContext.new()
        handle = self.center.add_observer(rec, 't', context=context)
        self.center.add_observer(rec, 'u', context=context)
        self.center.remove_observer(handle)
        self.assertEqual(self.center.remove_observer(rec), 1)
        self.assertEqual(self.center.remove_observer(rec), 0)
        while context.iteration(False):
            pass
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_callable_not_kept_alive_by_bookkeeping(self):
        rec = Recorder()
        ref = weakref.ref(rec)
        handle = self.center.add_observer(rec, 'a')
        del rec
        self.center.remove_observer(handle)
        collect()
        self.assertIsNone(ref())

    def test_from_the_callback(self):
        calls = []

        def on(type, sender):
            calls.append(type)
            self.assertEqual(self.center.remove_observer(on), 2)

        self.center.add_observer(on, 't')
        self.center.add_observer(on, 't')
        self.center.post('t')
        self.assertEqual(calls, ['t'], 'the second is not called')
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_wrong_argument(self):
        with self.assertRaises(TypeError):
            self.center.remove_observer('t')
        with self.assertRaises(TypeError):
            self.center.remove_observer(True)


if __name__ == '__main__':
    main()
