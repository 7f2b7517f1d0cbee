#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The accelerator: Python to Python without GVariant, C receivers of
the same post, conversions."""

import os
import subprocess
import sys
import unittest

from common import GLib, Notification, TestCase, main, override_module


class TestNativeUserInfo(TestCase):
    def test_python_observers_get_the_posted_objects(self):
        text = ''.join(['hello', ' world'])  # a fresh object
        big = 10 ** 12 + 1
        got = []
        self.center.add_observer(lambda t, s, **kw: got.append(kw), 't')
        self.center.add_observer(lambda t, s, **kw: got.append(kw), 't')
        self.center.post('t', None, text=text, n=big, blob=b'x')
        self.assertEqual(len(got), 2)
        for kw in got:
            self.assertIs(kw['text'], text)
            self.assertIs(kw['n'], big)

    def test_signal_handler_and_python_observer_of_one_post(self):
        py, sig = [], []
        self.center.add_observer(lambda t, s, **kw: py.append(kw), 't')
        self.center.connect('notification::t',
                            lambda c, t, s, info: sig.append(info.unpack()))
        self.center.post('t', None, text='x', n=3, f=0.5, ok=True)
        expected = {'text': 'x', 'n': 3, 'f': 0.5, 'ok': True}
        self.assertEqual(py, [expected])
        self.assertEqual(sig, [expected])

    def test_c_observer_variant_is_the_built_dictionary(self):
        # The raw introspected observer gets the a{sv} as a GLib.Variant.
        raw = []
        self.center.add_observer_with_flags(
            't', None, None, None, Notification.ObserverFlags.DEFAULT,
            lambda c, t, s, info: raw.append(info))
        self.center.post('t', None, a='b', n=2 ** 63)
        self.assertEqual(raw[0].get_type_string(), 'a{sv}')
        self.assertEqual(raw[0].unpack(), {'a': 'b', 'n': 2 ** 63})
        self.assertEqual(raw[0].lookup_value('n', None).get_type_string(),
                         't')

    def test_containers_are_fresh_per_observer(self):
        got = []
        self.center.add_observer(lambda t, s, **kw: got.append(kw['l']), 't')
        self.center.add_observer(lambda t, s, **kw: got.append(kw['l']), 't')
        posted = [1, 2]
        self.center.post('t', None, l=posted)
        self.assertEqual(got, [[1, 2], [1, 2]])
        self.assertIsNot(got[0], got[1])
        self.assertIsNot(got[0], posted)

    def test_keys_that_are_no_gvariant_string_raise(self):
        # A NUL was cut off in the a{sv} ('a\0b' reached C as 'a'), a
        # lone surrogate made the build pass NULL to g_variant_new_string().
        raw, py = [], []
        self.center.add_observer(lambda t, s, **kw: py.append(kw), 't')
        self.center.add_observer_with_flags(
            't', None, None, None, Notification.ObserverFlags.DEFAULT,
            lambda c, t, s, info: raw.append(info.unpack()))
        for key in ('a\0b', '\udc80'):
            with self.assertRaises(ValueError) as caught:
                self.center.post('t', None, {key: 1})
            self.assertIn(repr(key), str(caught.exception))
            with self.assertRaises(ValueError):
                self.center.post('t', None, **{key: 1})
        self.center.register_schema('s', a=('x', False))
        self.center.add_observer(lambda t, s, **kw: py.append(kw), 's')
        with self.assertRaises(ValueError):
            self.center.post('s', None, {'a\0': 1})
        self.assertEqual((raw, py), ([], []))
        self.center.post('t', None, {'': 1, 'é': 2})
        self.assertEqual(raw, [{'': 1, 'é': 2}])

    def test_type_with_nul_raises(self):
        # 'a\0b' reached the core as 'a': it was delivered to observers
        # of 'a' (with type 'a\0b'), and observing it observed 'a'.
        got = []
        self.center.add_observer(lambda t, s, **kw: got.append(t), 'a')
        with self.assertRaises(ValueError):
            self.center.post('a\0b')
        with self.assertRaises(ValueError):
            self.center.add_observer(lambda t, s, **kw: None, 'a\0b')
        with self.assertRaises(ValueError):
            self.center.has_observers('a\0b')
        self.assertEqual(got, [])

    def test_unconvertible_raises_even_without_c_receivers(self):
        self.center.add_observer(lambda t, s, **kw: None, 't')
        with self.assertRaisesRegex(TypeError, "'bad'"):
            self.center.post('t', None, bad=None)
        with self.assertRaisesRegex(ValueError, "'big'"):
            self.center.post('t', None, big=2 ** 64)


class TestConversion(TestCase):
    def convert(self, value, type_string=None):
        to_variant = override_module._notification.to_variant
        if type_string is None:
            return to_variant(value)
        return to_variant(value, type_string)

    def test_every_basic_type(self):
        for type_string, value in (('b', True), ('y', 255), ('n', -32768),
                                   ('q', 65535), ('i', -2 ** 31),
                                   ('u', 2 ** 32 - 1), ('x', -2 ** 63),
                                   ('t', 2 ** 64 - 1), ('h', 3),
                                   ('d', 1.5), ('s', 'é'), ('o', '/a/b'),
                                   ('g', 'a{sv}')):
            expected = GLib.Variant(type_string, value).print_(True)
            self.assertEqual(self.convert(value, type_string), expected)

    def test_ranges_and_kinds(self):
        for type_string, bad in (('y', 256), ('y', -1), ('n', 2 ** 15),
                                 ('u', -1), ('x', 2 ** 63), ('t', -1),
                                 ('i', True), ('d', True), ('b', 1),
                                 ('s', b'x'), ('o', 'no'), ('g', '(('),
                                 ('as', 'notalist'), ('ay', 'str'),
                                 ('a{sv}', [('a', 1)]), ('(is)', (1,)),
                                 ('(is)', (1, 2))):
            with self.assertRaises(TypeError, msg=(type_string, bad)):
                self.convert(bad, type_string)

    def test_containers(self):
        self.assertEqual(self.convert({'a': {'b': [1, 2]}}, 'a{sv}'),
                         "{'a': <{'b': <[int64 1, 2]>}>}")
        self.assertEqual(self.convert((1, 'x'), '(is)'), "(1, 'x')")
        self.assertEqual(self.convert(None, 'mi'), '@mi nothing')
        self.assertEqual(self.convert(4, 'mi'), '@mi 4')
        self.assertEqual(self.convert({'k': 1}, 'a{si}'), "{'k': 1}")
        self.assertEqual(self.convert([b'a'], 'aay'), '[[byte 0x61]]')
        self.assertEqual(self.convert(1, 'v'), '<int64 1>')
        self.assertEqual(self.convert([1, 'a']), "[<int64 1>, <'a'>]")
        self.assertEqual(self.convert(()), '@av []')
        self.assertEqual(self.convert(GLib.Variant('(ii)', (1, 2)), 'r'),
                         '(1, 2)')
        with self.assertRaises(TypeError):
            self.convert({1: 'x'})

    def test_self_referencing_containers_raise(self):
        # Used to recurse in C until the stack overflowed (SIGSEGV).
        got = []
        self.center.add_observer(lambda t, s, **kw: got.append(kw), 't')
        looped = []
        looped.append(looped)
        with self.assertRaises(RecursionError):
            self.center.post('t', None, l=[looped])
        loop_dict = {}
        loop_dict['d'] = loop_dict
        with self.assertRaises(RecursionError):
            self.center.post('t', None, d=loop_dict)
        with self.assertRaises(RecursionError):
            self.convert(looped)
        self.assertEqual(got, [])
        # Deep but finite nesting still converts.
        deep = 1
        for _ in range(100):
            deep = [deep]
        self.center.post('t', None, x=deep)
        self.assertEqual(got, [{'x': deep}])


class TestWithoutAccelerator(unittest.TestCase):
    def test_override_fails_loudly(self):
        # Only the in-tree override, without the build tree's accelerator.
        code = ('import gi, gi.overrides, sys\n'
                'gi.overrides.__path__.insert(0, sys.argv[1])\n'
                'gi.require_version("Notification", "1.0")\n'
                'try:\n'
                '    from gi.repository import Notification\n'
                '    Notification.Center\n'
                'except ImportError as e:\n'
                '    print("ImportError:", e)\n')
        env = dict(os.environ)
        env.pop('NOTIFICATION_ACCEL_DIR', None)
        env['PYTHONPATH'] = ''
        override_dir = os.path.dirname(override_module.__file__)
        probe = subprocess.run(
            [sys.executable, '-c', 'import gi.overrides._notification'],
            env=env, capture_output=True)
        if probe.returncode == 0:
            self.skipTest('an installed accelerator is on the path')
        out = subprocess.run([sys.executable, '-c', code, override_dir],
                             env=env, capture_output=True, text=True)
        self.assertIn('ImportError:', out.stdout, out.stderr)
        self.assertIn('_notification', out.stdout)


if __name__ == '__main__':
    main()
