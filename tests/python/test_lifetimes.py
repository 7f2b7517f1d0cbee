#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Observers tied to a sender's or an owner's lifetime."""

import weakref

from common import GObject, Recorder, TestCase, collect, main


class Owner(GObject.Object):
    """A Python subclass of GObject.Object, as owners usually are."""


class Frontend(GObject.Object):
    """Observes 'stdout' through its own method, tied to its own lifetime."""

    def __init__(self, center, log):
        super().__init__()
        self.lines = []
        self.log = log
        center.add_observer(self.on_stdout, 'stdout', owner=self)

    def on_stdout(self, type, sender, out_string=''):
        self.lines.append(out_string)
        self.log.append(out_string)


class Callback:
    def __init__(self):
        self.calls = []

    def __call__(self, type, sender, **user_info):
        self.calls.append(type)


class TestLifetimes(TestCase):
    def test_sender_finalized_removes_observer(self):
        sender = GObject.Object()
        sender_ref = weakref.ref(sender)
        cb = Callback()
        cb_ref = weakref.ref(cb)
        self.center.add_observer(cb, 'stdout', sender)
        self.center.post('stdout', sender)
        self.assertEqual(cb.calls, ['stdout'])
        self.assertEqual(self.center.get_n_observers(), 1)
        del cb
        collect()
        self.assertIsNotNone(cb_ref(), 'held while the observer exists')

        del sender
        collect()
        self.assertIsNone(sender_ref(), 'the center holds the sender weakly')
        self.assertEqual(self.center.get_n_observers(), 0)
        self.assertIsNone(cb_ref(), 'destroy notify released the callable')

    def test_new_sender_does_not_inherit_observers(self):
        rec = Recorder()
        for _ in range(50):
            sender = GObject.Object()
            self.center.add_observer(rec, 'stdout', sender)
            del sender
            collect()
        # Objects allocated now may reuse the freed addresses.
        senders = [GObject.Object() for _ in range(50)]
        for sender in senders:
            self.assertFalse(self.center.has_observers('stdout', sender))
            self.center.post('stdout', sender)
        self.assertEqual(rec.calls, [])
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_owner_finalized_removes_observer(self):
        owner = GObject.Object()
        cb = Callback()
        cb_ref = weakref.ref(cb)
        self.center.add_observer(cb, 'stdout', owner=owner)
        other = Recorder()
        self.center.add_observer(other, 'stdout')
        self.center.post('stdout')
        self.assertEqual(cb.calls, ['stdout'])
        del cb, owner
        collect()
        self.assertIsNone(cb_ref())
        self.assertEqual(self.center.get_n_observers(), 1)
        self.center.post('stdout')
        self.assertEqual(len(other.calls), 2)

    def test_owner_is_not_kept_alive(self):
        owner = GObject.Object()
        owner_ref = weakref.ref(owner)
        self.center.add_observer(Callback(), owner=owner)
        del owner
        collect()
        self.assertIsNone(owner_ref())
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_owner_function(self):
        # An observer tied to its owner's lifetime, through a callback that
        # does not reference the owner: dropping the owner removes it.
        log = []

        def on_stdout(type, sender, out_string=''):
            log.append(out_string)

        owner = Owner()
        owner_ref = weakref.ref(owner)
        other = Recorder()
        self.center.add_observer(other, 'stdout')
        self.center.add_observer(on_stdout, 'stdout', owner=owner)
        self.center.post('stdout', out_string='hi')
        self.assertEqual(log, ['hi'])
        self.assertEqual(self.center.get_n_observers(), 2)

        del owner
        collect()
        self.assertIsNone(owner_ref(), 'the center holds the owner weakly')
        self.assertEqual(self.center.get_n_observers(), 1)
        self.center.post('stdout', out_string='after')
        self.assertEqual(log, ['hi'])
        self.assertEqual(len(other.calls), 2)

    def test_owner_bound_method_called(self):
        # The frontend pattern: an object observing through its own method,
        # with itself as the owner. What works today, checked apart from the
        # expected failure below so that it cannot hide a failure here.
        log = []
        frontend = Frontend(self.center, log)
        self.center.post('stdout', out_string='hi')
        self.assertEqual(log, ['hi'])
        self.assertEqual(frontend.lines, ['hi'])
        self.assertEqual(self.center.get_n_observers(), 1)

    # A bound method holds its instance: the observer holds it weakly when
    # its instance is the owner, so owner=self does not keep self alive.
    def test_owner_bound_method_removed_with_owner(self):
        log = []
        frontend = Frontend(self.center, log)
        self.center.post('stdout', out_string='hi')
        self.assertEqual(log, ['hi'])
        self.assertEqual(self.center.get_n_observers(), 1)

        frontend_ref = weakref.ref(frontend)
        del frontend
        collect()
        self.assertIsNone(frontend_ref(), 'the owner is not kept alive')
        self.assertEqual(self.center.get_n_observers(), 0)
        self.center.post('stdout', out_string='after')
        self.assertEqual(log, ['hi'])

    def test_sender_and_owner_same_object(self):
        obj = GObject.Object()
        cb = Callback()
        self.center.add_observer(cb, 't', obj, owner=obj)
        self.center.post('t', obj)
        del obj
        collect()
        self.assertEqual(self.center.get_n_observers(), 0)
        self.assertEqual(cb.calls, ['t'])

    def test_observing_after_owner_gone(self):
        owner = GObject.Object()
        cb = Callback()
        with self.center.observing(cb, 't', owner=owner):
            del owner
            collect()
            self.assertEqual(self.center.get_n_observers(), 0)
        # remove_observer() of an already removed id on exit is harmless.
        self.center.post('t')
        self.assertEqual(cb.calls, [])

    def test_owner_bound_method_of_another_owner_strong(self):
        # owner= another object: the bound method is not the owner's, so it
        # is held strongly (as before) and goes with that owner.
        log = []
        owner = Owner()
        target = Frontend.__new__(Frontend)
        GObject.Object.__init__(target)
        target.lines, target.log = [], log
        target_ref = weakref.ref(target)
        self.center.add_observer(target.on_stdout, 'stdout', owner=owner)
        del target
        collect()
        self.assertIsNotNone(target_ref(), 'held strongly')
        self.center.post('stdout', out_string='hi')
        self.assertEqual(log, ['hi'])
        del owner
        collect()
        self.assertEqual(self.center.get_n_observers(), 0)
        self.assertIsNone(target_ref(), 'released with the observer')

    def test_owner_held_by_c_keeps_its_observer(self):
        # An owner without instance attributes, also referenced from C: its
        # Python wrapper would go with the last Python reference, and the
        # weakly held method with it. The wrapper is kept as long as the
        # GObject: the observer stays while the owner lives, and goes
        # when it is finalized.
        class Bare(GObject.Object):
            def on(self, type, sender, **info):
                calls.append(type)

        calls = []
        owner = Bare()
        from_c = GObject.Value(GObject.Object, owner)
        self.center.add_observer(owner.on, 't', owner=owner)
        ref = weakref.ref(owner)
        del owner
        collect()
        self.assertIsNotNone(ref(), 'the wrapper lives with the GObject')
        self.center.post('t')
        self.assertEqual(calls, ['t'])
        from_c.unset()
        del from_c
        collect()
        self.assertIsNone(ref())
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_weak_plain_object_method(self):
        # weak=True, a plain Python object: its collection removes the
        # observer through a weakref.finalize.
        class Plain:
            def __init__(self):
                self.seen = []

            def on(self, type, sender, **info):
                self.seen.append(info)

        obj = Plain()
        obj_ref = weakref.ref(obj)
        other = Recorder()
        self.center.add_observer(other, 't')
        self.center.add_observer(obj.on, 't', weak=True)
        self.center.post('t', n=1)
        self.assertEqual(obj.seen, [{'n': 1}])
        self.assertEqual(self.center.get_n_observers(), 2)
        del obj
        collect()
        self.assertIsNone(obj_ref(), 'weak=True does not keep the instance')
        self.assertEqual(self.center.get_n_observers(), 1)
        self.center.post('t', n=2)
        self.assertEqual(len(other.calls), 2)

    def test_weak_gobject_method_without_owner(self):
        log = []
        frontend = Frontend.__new__(Frontend)
        GObject.Object.__init__(frontend)
        frontend.lines, frontend.log = [], log
        ref = weakref.ref(frontend)
        self.center.add_observer(frontend.on_stdout, 'stdout', weak=True)
        self.center.post('stdout', out_string='a')
        del frontend
        collect()
        self.assertIsNone(ref())
        self.assertEqual(self.center.get_n_observers(), 0)
        self.assertEqual(log, ['a'])

    def test_weak_observer_removed_first_detaches(self):
        # Removed by id before its instance goes: the instance's collection
        # later finds nothing to remove and keeps other observers.
        class Plain:
            def on(self, type, sender, **info):
                pass
        obj = Plain()
        handle = self.center.add_observer(obj.on, 't', weak=True)
        self.center.remove_observer(handle)
        rec = Recorder()
        self.center.add_observer(rec, 't')
        del obj
        collect()
        self.assertEqual(self.center.get_n_observers(), 1)

    def test_functions_and_lambdas_stay_strong(self):
        calls = []
        self.center.add_observer(lambda type, sender: calls.append(1), 't')

        def on(type, sender):
            calls.append(2)
        on_ref = weakref.ref(on)
        self.center.add_observer(on, 't')
        del on
        collect()
        self.assertIsNotNone(on_ref())
        self.center.post('t')
        self.assertEqual(calls, [1, 2])
        with self.assertRaisesRegex(TypeError, 'bound methods only'):
            self.center.add_observer(lambda type, sender: None, 't',
                                     weak=True)
        self.assertEqual(self.center.get_n_observers(), 2)

    def test_weak_method_in_observing(self):
        class Plain:
            def on(self, type, sender, **info):
                pass
        obj = Plain()
        ref = weakref.ref(obj)
        with self.center.observing(obj.on, 't', weak=True):
            del obj
            collect()
            self.assertIsNone(ref())
            self.assertEqual(self.center.get_n_observers(), 0)


if __name__ == '__main__':
    main()
