#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Matching, wildcards, order, removal, user info and the plain API."""

import os
import sys
import weakref

from common import (GLib, GObject, Notification, Recorder, TestCase,
                    collect, main, override_module)


class TestMatching(TestCase):
    def test_type_and_sender(self):
        a, b = GObject.Object(), GObject.Object()
        exact = Recorder()
        any_sender = Recorder()
        any_type = Recorder()
        everything = Recorder()
        self.center.add_observer(exact, 'stdout', a)
        self.center.add_observer(any_sender, 'stdout')
        self.center.add_observer(any_type, None, a)
        self.center.add_observer(everything)

        self.center.post('stdout', a, out_string='x')
        self.center.post('stdout', b)
        self.center.post('stderr', a)
        self.center.post('stderr')

        self.assertEqual(exact.calls, [('stdout', a, {'out_string': 'x'})])
        self.assertEqual([c[:2] for c in any_sender.calls],
                         [('stdout', a), ('stdout', b)])
        self.assertEqual([c[:2] for c in any_type.calls],
                         [('stdout', a), ('stderr', a)])
        self.assertEqual([c[:2] for c in everything.calls],
                         [('stdout', a), ('stdout', b), ('stderr', a),
                          ('stderr', None)])

    def test_null_sender_reaches_only_every_sender_observers(self):
        a = GObject.Object()
        specific, wildcard = Recorder(), Recorder()
        self.center.add_observer(specific, 'stdout', a)
        self.center.add_observer(wildcard, 'stdout')
        self.center.post('stdout')
        self.assertEqual(specific.calls, [])
        self.assertEqual(wildcard.calls, [('stdout', None, {})])

    def test_order_and_duplicates(self):
        log = []
        first = Recorder('first', log)
        second = Recorder('second', log)
        self.center.add_observer(first, 'stdout')
        self.center.add_observer(second)
        self.center.add_observer(first, 'stdout')
        self.center.post('stdout')
        self.assertEqual(log, ['first', 'second', 'first'])

    def test_ids_are_distinct(self):
        cb = Recorder()
        ids = {self.center.add_observer(cb) for _ in range(10)}
        self.assertEqual(len(ids), 10)
        self.assertNotIn(0, ids)

    def test_has_observers(self):
        a, b = GObject.Object(), GObject.Object()
        self.assertFalse(self.center.has_observers('stdout'))
        handle = self.center.add_observer(Recorder(), 'stdout', a)
        self.assertTrue(self.center.has_observers('stdout', a))
        self.assertFalse(self.center.has_observers('stdout', b))
        self.assertFalse(self.center.has_observers('stdout'))
        self.assertFalse(self.center.has_observers('stderr', a))
        self.center.remove_observer(handle)
        self.assertFalse(self.center.has_observers('stdout', a))
        self.center.add_observer(Recorder())
        self.assertTrue(self.center.has_observers('anything'))

    def test_default_center(self):
        center = Notification.Center.get_default()
        self.assertIs(center, Notification.Center.get_default())
        self.assertIsNot(center, self.center)
        rec = Recorder()
        with center.observing(rec, 'py-default'):
            center.post('py-default', n=1)
        self.assertEqual(rec.calls, [('py-default', None, {'n': 1})])
        # Independent centers do not see each other's posts.
        self.center.post('py-default', n=2)
        self.assertEqual(len(rec.calls), 1)


class TestRemoval(TestCase):
    def test_remove_by_id(self):
        a, b = Recorder(), Recorder()
        ha = self.center.add_observer(a, 'stdout')
        self.center.add_observer(b, 'stdout')
        self.center.remove_observer(ha)
        self.center.post('stdout')
        self.assertEqual(a.calls, [])
        self.assertEqual(len(b.calls), 1)

    def test_remove_all(self):
        recs = [Recorder() for _ in range(3)]
        for r in recs:
            self.center.add_observer(r)
        self.center.remove_all_observers()
        self.assertFalse(self.center.has_observers('stdout'))
        self.center.post('stdout')
        self.assertTrue(all(r.calls == [] for r in recs))

    def test_observing_context_manager(self):
        rec = Recorder()
        with self.center.observing(rec, 'stdout') as handle:
            self.assertIsInstance(handle, int)
            self.center.post('stdout', n=1)
        self.center.post('stdout', n=2)
        self.assertEqual(rec.calls, [('stdout', None, {'n': 1})])
        self.assertFalse(self.center.has_observers('stdout'))

    def test_observing_removes_on_exception(self):
        rec = Recorder()
        with self.assertRaises(KeyError):
            with self.center.observing(rec, 'stdout'):
                raise KeyError('boom')
        self.assertFalse(self.center.has_observers('stdout'))
        self.center.post('stdout')
        self.assertEqual(rec.calls, [])

    def test_callable_held_until_removed(self):
        # A lambda with no other reference keeps working (blinker's weak
        # receivers would drop it) and is released once removed.
        hits = []
        handle = self.center.add_observer(lambda t, s, **kw: hits.append(t))
        collect()
        self.center.post('stdout')
        self.assertEqual(hits, ['stdout'])

        class Callback:
            def __call__(self, type, sender, **kw):
                hits.append(type)

        cb = Callback()
        ref = weakref.ref(cb)
        handle = self.center.add_observer(cb, 'x')
        del cb
        collect()
        self.assertIsNotNone(ref())
        self.center.remove_observer(handle)
        collect()
        self.assertIsNone(ref())

    def test_remove_all_releases_callables(self):
        class Callback:
            def __call__(self, type, sender, **kw):
                pass
        refs = []
        for _ in range(3):
            cb = Callback()
            refs.append(weakref.ref(cb))
            self.center.add_observer(cb)
        del cb
        collect()
        self.assertTrue(all(r() is not None for r in refs))
        self.center.remove_all_observers()
        collect()
        self.assertTrue(all(r() is None for r in refs))

    def test_center_finalized_releases_callables(self):
        class Callback:
            def __call__(self, type, sender, **kw):
                pass
        center = Notification.Center.new()
        cb = Callback()
        ref = weakref.ref(cb)
        center.add_observer(cb)
        del cb, center
        collect()
        self.assertIsNone(ref())


class TestUserInfo(TestCase):
    def roundtrip(self, **user_info):
        rec = Recorder()
        self.center.add_observer(rec, 'info')
        self.center.post('info', **user_info)
        self.assertEqual(len(rec.calls), 1)
        return rec.calls[0][2]

    def test_scalars(self):
        got = self.roundtrip(s='hé\n\'"\\', t=True, f=False, i=-42,
                             big=2 ** 40, d=1.5, b=b'\x00\xff', e='')
        self.assertEqual(got, {'s': 'hé\n\'"\\', 't': True, 'f': False,
                               'i': -42, 'big': 2 ** 40, 'd': 1.5,
                               'b': b'\x00\xff', 'e': ''})
        self.assertIs(type(got['t']), bool)
        self.assertIs(type(got['i']), int)
        self.assertIs(type(got['d']), float)
        self.assertIs(type(got['b']), bytes)

    def test_int_ranges(self):
        got = self.roundtrip(lo=-2 ** 63, hi=2 ** 63 - 1, u=2 ** 64 - 1)
        self.assertEqual(got, {'lo': -2 ** 63, 'hi': 2 ** 63 - 1,
                               'u': 2 ** 64 - 1})
        rec = Recorder()
        self.center.add_observer(rec, 'info')
        for bad in (2 ** 64, -2 ** 63 - 1):
            with self.assertRaisesRegex(ValueError, "'n'"):
                self.center.post('info', n=bad)
        self.assertEqual(rec.calls, [])

    def test_containers(self):
        got = self.roundtrip(strs=['a', 'b'], ints=(1, 2, 3), mixed=[1, 'a'],
                             empty=[], d={'k': 'v', 'n': {'x': 1.0}},
                             blobs=[b'a', bytearray(b'b')], ba=bytearray(b'z'))
        self.assertEqual(got, {'strs': ['a', 'b'], 'ints': [1, 2, 3],
                               'mixed': [1, 'a'], 'empty': [],
                               'd': {'k': 'v', 'n': {'x': 1.0}},
                               'blobs': [b'a', b'b'], 'ba': b'z'})

    def test_wire_types(self):
        seen = []
        self.center.connect('notification::wire',
                            lambda c, t, s, info: seen.append(info))
        self.center.post('wire', s='x', b=True, i=1, d=1.0, y=b'', l=['a'],
                         m=[1, 'a'], n={'a': 1}, u=2 ** 63)
        info = seen[0]
        types = {info.get_child_value(i).get_child_value(0).get_string():
                 info.get_child_value(i).get_child_value(1).get_variant()
                 .get_type_string()
                 for i in range(info.n_children())}
        self.assertEqual(types, {'s': 's', 'b': 'b', 'i': 'x', 'd': 'd',
                                 'y': 'ay', 'l': 'as', 'm': 'av',
                                 'n': 'a{sv}', 'u': 't'})

    def test_accelerator_conversion_matches_glib(self):
        # The accelerator builds the a{sv} GLib builds, whatever the sizes.
        values = ['', 'é' * 100, 'x' * 300, 'y' * 70000, True, False, 0,
                  -1, 2 ** 62, -2 ** 63, 2 ** 63, 1.5, float('inf'), b'',
                  b'\0' * 9]

        def natural_type(v):
            if isinstance(v, bool):
                return 'b'
            if isinstance(v, int):
                return 'x' if v < 2 ** 63 else 't'
            return {str: 's', float: 'd', bytes: 'ay'}[type(v)]
        to_variant = override_module._notification.to_variant
        for n in range(0, len(values) + 1):
            kwargs = {'key%d' % i + 'k' * i: v
                      for i, v in enumerate(values[:n])}
            expected = GLib.Variant('a{sv}', {
                k: GLib.Variant(natural_type(v), v)
                for k, v in kwargs.items()})
            self.assertEqual(to_variant(kwargs), expected.print_(True))
        with self.assertRaisesRegex(ValueError, 'NUL'):
            to_variant({'a': 'nul\0'})
        with self.assertRaisesRegex(ValueError, 'int64 or uint64'):
            to_variant(2 ** 64)
        self.assertEqual(to_variant(['a'], 'as'), "['a']")
        with self.assertRaises(TypeError):
            to_variant('notalist', 'as')
        got = self.roundtrip(big=2 ** 63)
        self.assertEqual(got, {'big': 2 ** 63})
        with self.assertRaisesRegex(ValueError, "'a'.*NUL"):
            self.center.post('info', a='nul\0inside')

    def test_variant_passthrough(self):
        got = self.roundtrip(v=GLib.Variant('(iu)', (-1, 2)),
                             o=GLib.Variant('o', '/a/b'))
        self.assertEqual(got, {'v': (-1, 2), 'o': '/a/b'})

    def test_keys_named_like_parameters(self):
        rec = []
        self.center.add_observer(lambda t, s, **kw: rec.append(kw), 'info')
        self.center.post('info', None, type='t', sender='s', user_info=1)
        self.assertEqual(rec, [{'type': 't', 'sender': 's', 'user_info': 1}])

    def test_user_info_variant_and_dict(self):
        rec = Recorder()
        self.center.add_observer(rec, 'info')
        a = GObject.Object()
        self.center.post('info', a, GLib.Variant('a{sv}', {
            'x': GLib.Variant('s', 'y')}))
        self.center.post('info', a, {'not-an-identifier': 1}, z=2)
        self.assertEqual(rec.calls, [
            ('info', a, {'x': 'y'}),
            ('info', a, {'not-an-identifier': 1, 'z': 2})])

    def test_values_are_fresh_per_observer(self):
        # Observers may mutate what they get without affecting others.
        got = []

        def mutate(t, s, **kw):
            kw['l'].append('mutated')
            got.append(kw)
        self.center.add_observer(mutate)
        self.center.add_observer(mutate)
        lst = ['x']
        self.center.post('info', l=lst)
        self.assertEqual(lst, ['x'])
        self.assertEqual(got, [{'l': ['x', 'mutated']}] * 2)


class TestBadInput(TestCase):
    def test_unsupported_value_names_key(self):
        rec = Recorder()
        self.center.add_observer(rec)
        for value in (None, object(), GObject.Object(), {1: 'x'},
                      [None], 1j):
            with self.assertRaisesRegex(TypeError, "'bad'"):
                self.center.post('info', ok='fine', bad=value)
        self.assertEqual(rec.calls, [])

    def test_unobserved_post_does_not_convert(self):
        # Documented: nobody observes, so nothing is converted or checked.
        self.center.post('nobody', bad=object())

    def test_bad_user_info_argument(self):
        rec = Recorder()
        self.center.add_observer(rec)
        with self.assertRaises(TypeError):
            self.center.post('info', None, GLib.Variant('s', 'x'))
        with self.assertRaises(TypeError):
            self.center.post('info', None, GLib.Variant('a{sv}', {}), x=1)
        with self.assertRaises(TypeError):
            self.center.post('info', None, ['not', 'a', 'dict'])
        self.assertEqual(rec.calls, [])

    def test_bad_type(self):
        rec = Recorder()
        self.center.add_observer(rec)
        with self.assertRaises(ValueError):
            self.center.post('')
        with self.assertRaises(GLib.Error) as cm:
            self.center.post_checked('', None, None)
        self.assertNotificationError(cm, Notification.Error.INVALID_TYPE)
        with self.assertRaises(TypeError):
            self.center.post(None)
        with self.assertRaises(TypeError):
            self.center.post(42)
        with self.assertRaises(ValueError):
            self.center.add_observer(rec, '')
        with self.assertRaises(TypeError):
            self.center.add_observer('not callable')
        # Any sender may post; one that cannot be weakly referenced
        # cannot be observed specifically.
        self.center.post('info', object())
        with self.assertRaises(TypeError):
            self.center.add_observer(rec, 'info', object())
        self.assertEqual(len(rec.calls), 1)

    def test_observer_exception_is_reported_and_others_called(self):
        reported = []
        log = []

        def bad(type, sender, **kw):
            log.append('bad')
            raise RuntimeError('observer failed')

        good = Recorder('good', log)
        self.center.add_observer(bad, 'info')
        self.center.add_observer(good, 'info')
        old_hook = sys.excepthook
        sys.excepthook = lambda *exc_info: reported.append(exc_info)
        try:
            self.center.post('info', n=1)   # synchronous path
            self.center.post('info')        # no user info
            self.center.post('info', l=[1])  # unpacking path
        finally:
            sys.excepthook = old_hook
        self.assertEqual(log, ['bad', 'good'] * 3)
        self.assertEqual(len(reported), 3)
        self.assertIs(reported[0][0], RuntimeError)
        self.assertEqual(str(reported[0][1]), 'observer failed')

    def test_observer_signature_mismatch_is_reported(self):
        reported = []
        good = Recorder()
        self.center.add_observer(lambda type, sender: None, 'info')
        self.center.add_observer(good, 'info')
        old_hook = sys.excepthook
        sys.excepthook = lambda *exc_info: reported.append(exc_info)
        try:
            self.center.post('info', unexpected=1)
        finally:
            sys.excepthook = old_hook
        self.assertIs(reported[0][0], TypeError)
        self.assertEqual(len(good.calls), 1)


class TestPlainApi(TestCase):
    def test_signal_by_detail(self):
        stdout, everything = [], []
        a = GObject.Object()
        self.center.connect('notification::stdout',
                            lambda c, t, s, info: stdout.append((c, t, s, info)))
        self.center.connect('notification',
                            lambda c, t, s, info: everything.append(t))
        self.assertTrue(self.center.has_observers('stdout'))
        self.center.post_checked('stdout', a, GLib.Variant('a{sv}', {
            'out_string': GLib.Variant('s', 'hello\n')}))
        self.center.post('stderr', a, err_string='oops')
        self.center.post('stdout')
        self.assertEqual(everything, ['stdout', 'stderr', 'stdout'])
        self.assertEqual(len(stdout), 2)
        center, ntype, sender, info = stdout[0]
        self.assertIs(center, self.center)
        self.assertEqual(ntype, 'stdout')
        self.assertIs(sender, a)
        self.assertEqual(info.unpack(), {'out_string': 'hello\n'})
        self.assertIsNone(stdout[1][3])

    def test_observers_run_before_signal_handlers(self):
        log = []
        self.center.connect('notification::t', lambda *a: log.append('signal'))
        self.center.add_observer(Recorder('observer', log), 't')
        self.center.post('t')
        self.assertEqual(log, ['observer', 'signal'])

    def test_add_observer_full_plain(self):
        got = []
        handle = self.center.add_observer_full(
            't', None, None, None,
            lambda c, t, s, info, data: got.append((t, info.unpack(), data)),
            'data')
        self.center.post('t', k='v')
        self.center.remove_observer(handle)
        self.center.post('t', k='v')
        self.assertEqual(got, [('t', {'k': 'v'}, 'data')])

    def test_emits_signal_property(self):
        self.assertTrue(self.center.props.emits_signal)
        quiet = Notification.Center(emits_signal=False)
        self.assertFalse(quiet.get_emits_signal())
        signalled = []
        quiet.connect('notification', lambda *a: signalled.append(a))
        self.assertFalse(quiet.has_observers('t'))
        rec = Recorder()
        quiet.add_observer(rec, 't')
        quiet.post('t', n=1)
        self.assertEqual(signalled, [])
        self.assertEqual(rec.calls, [('t', None, {'n': 1})])
        quiet.remove_all_observers()

    def test_n_observers(self):
        self.assertEqual(self.center.get_n_observers(), 0)
        h = self.center.add_observer(Recorder())
        self.center.add_observer(Recorder(), 'x')
        self.assertEqual(self.center.get_n_observers(), 2)
        self.center.remove_observer(h)
        self.assertEqual(self.center.get_n_observers(), 1)

    def test_override_is_in_tree(self):
        self.assertTrue(hasattr(Notification.Center, 'observing'))
        # post() and has_observers() are the accelerator's methods.
        for name in ('post', 'has_observers'):
            self.assertEqual(type(Notification.Center.__dict__[name]).__name__,
                             'method_descriptor')
        accel = override_module._notification.__file__
        if os.environ.get('NOTIFICATION_ACCEL_DIR'):
            self.assertTrue(accel.startswith(
                os.environ['NOTIFICATION_ACCEL_DIR']), accel)


if __name__ == '__main__':
    main()
