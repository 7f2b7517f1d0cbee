#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Declared types: conversion with the schema's types, clear errors."""

from common import GLib, Notification, Recorder, TestCase, main


class TestSchema(TestCase):
    def setUp(self):
        super().setUp()
        schema = Notification.Schema.new()
        schema.add_key('out_string', 's', True)
        schema.add_key('count', 'i', False)
        schema.add_key('ratio', 'd', False)
        schema.add_key('flag', 'b', False)
        schema.add_key('blob', 'ay', False)
        schema.add_key('path', 'o', False)
        schema.add_key('lines', 'as', False)
        schema.add_key('pair', '(su)', False)
        schema.add_key('anything', 'v', False)
        self.center.register_schema('stdout', schema)
        self.rec = Recorder()
        self.center.add_observer(self.rec, 'stdout')
        self.wire = []
        self.center.connect('notification::stdout',
                            lambda c, t, s, info: self.wire.append(info))

    def wire_type(self, key):
        return self.wire[-1].lookup_value(key, None).get_type_string()

    def test_lookup(self):
        schema = self.center.lookup_schema('stdout')
        self.assertIsNotNone(schema)
        self.assertEqual(schema.get_key_type('count').dup_string(), 'i')
        self.assertIsNone(schema.get_key_type('nope'))
        self.assertTrue(schema.get_key_required('out_string'))
        self.assertIsNone(self.center.lookup_schema('undeclared'))

    def test_converts_with_declared_types(self):
        self.center.post('stdout', out_string='x', count=3, ratio=2,
                         flag=True, blob=bytearray(b'\x01'), path='/a/b',
                         lines=('a', 'b'), pair=['s', 7],
                         anything=[1, 2])
        self.assertEqual(self.rec.calls[-1][2], {
            'out_string': 'x', 'count': 3, 'ratio': 2.0, 'flag': True,
            'blob': b'\x01', 'path': '/a/b', 'lines': ['a', 'b'],
            'pair': ('s', 7), 'anything': [1, 2]})
        self.assertIs(type(self.rec.calls[-1][2]['ratio']), float)
        for key, type_string in (('count', 'i'), ('ratio', 'd'),
                                 ('blob', 'ay'), ('path', 'o'),
                                 ('lines', 'as'), ('pair', '(su)'),
                                 ('anything', 'v')):
            self.assertEqual(self.wire_type(key), type_string)

    def test_variant_of_declared_type(self):
        self.center.post('stdout', out_string=GLib.Variant('s', 'v'),
                         count=GLib.Variant('i', 5))
        self.assertEqual(self.rec.calls[-1][2], {'out_string': 'v',
                                                 'count': 5})

    def assertRejected(self, exc, pattern, **user_info):
        before = len(self.rec.calls), len(self.wire)
        with self.assertRaisesRegex(exc, pattern):
            self.center.post('stdout', **user_info)
        self.assertEqual((len(self.rec.calls), len(self.wire)), before)

    def test_wrong_python_type(self):
        self.assertRejected(TypeError, r"stdout.*'count'.*'i'.*str",
                            out_string='x', count='3')
        self.assertRejected(TypeError, r"'out_string'.*'s'.*int",
                            out_string=3)
        self.assertRejected(TypeError, r"'flag'.*'b'", out_string='x',
                            flag=1)
        self.assertRejected(TypeError, r"'count'.*'i'.*bool",
                            out_string='x', count=True)
        self.assertRejected(TypeError, r"'lines'.*'as'", out_string='x',
                            lines=[1, 2])
        self.assertRejected(TypeError, r"'count'.*'i'.*'x'",
                            out_string='x', count=GLib.Variant('x', 1))
        self.assertRejected(TypeError, r"'anything'", out_string='x',
                            anything=object())

    def test_out_of_range(self):
        self.assertRejected(ValueError, r"'count'", out_string='x',
                            count=2 ** 31)
        self.assertRejected(ValueError, r"'path'", out_string='x',
                            path='not a path')

    def test_missing_required_key(self):
        with self.assertRaises(GLib.Error) as cm:
            self.center.post('stdout', count=1)
        self.assertNotificationError(cm, Notification.Error.MISSING_KEY)
        self.assertIn('out_string', cm.exception.message)
        self.assertIn('stdout', cm.exception.message)
        self.assertEqual(self.rec.calls, [])

    def test_unobserved_post_not_checked(self):
        center = Notification.Center.new()
        center.register_schema('stdout', self.center.lookup_schema('stdout'))
        self.assertFalse(center.get_strict_schemas())
        center.post('stdout', count=1)  # nobody observes: nothing built

    def test_strict_schemas_check_unobserved_post(self):
        center = Notification.Center(strict_schemas=True)
        center.register_schema('stdout', self.center.lookup_schema('stdout'))
        self.assertTrue(center.props.strict_schemas)
        with self.assertRaises(GLib.Error) as cm:
            center.post('stdout', count=1)
        self.assertNotificationError(cm, Notification.Error.MISSING_KEY)
        center.post('stdout', out_string='ok\n')
        center.post('other', count=1)  # no schema: nothing to check

    def test_unknown_key(self):
        with self.assertRaises(GLib.Error) as cm:
            self.center.post('stdout', out_string='x', extra=1)
        self.assertNotificationError(cm, Notification.Error.UNKNOWN_KEY)
        self.assertIn('extra', cm.exception.message)
        self.assertEqual(self.rec.calls, [])

    def test_allow_unknown_keys(self):
        schema = Notification.Schema.new()
        schema.add_key('n', 'u', True)
        schema.set_allow_unknown_keys(True)
        self.center.register_schema('open', schema)
        rec = Recorder()
        self.center.add_observer(rec, 'open')
        self.center.post('open', n=1, extra='e')
        self.assertEqual(rec.calls, [('open', None, {'n': 1, 'extra': 'e'})])
        with self.assertRaises(ValueError):
            self.center.post('open', n=-1)

    def test_checked_post_of_outside_data(self):
        with self.assertRaises(GLib.Error) as cm:
            self.center.post_checked('stdout', None, GLib.Variant('a{sv}', {
                'out_string': GLib.Variant('i', 1)}))
        self.assertNotificationError(cm, Notification.Error.WRONG_TYPE)
        self.assertIn('out_string', cm.exception.message)
        with self.assertRaises(GLib.Error) as cm:
            self.center.post('stdout', None, GLib.Variant('a{sv}', {
                'out_string': GLib.Variant('i', 1)}))
        self.assertNotificationError(cm, Notification.Error.WRONG_TYPE)
        self.assertEqual(self.rec.calls, [])

    def test_schema_validate(self):
        schema = self.center.lookup_schema('stdout')
        ok = GLib.Variant('a{sv}', {'out_string': GLib.Variant('s', 'x')})
        self.assertTrue(schema.validate('stdout', ok))
        with self.assertRaises(GLib.Error):
            schema.validate('stdout', GLib.Variant('a{sv}', {}))

    def test_bad_schema_declaration(self):
        schema = Notification.Schema.new()
        with self.assertRaises(GLib.Error) as cm:
            schema.add_key('k', 'not a type', False)
        self.assertNotificationError(cm, Notification.Error.INVALID_SCHEMA)

    def test_unobserved_post_is_not_checked(self):
        # Documented trade-off: nobody observes, nothing is converted.
        schema = Notification.Schema.new()
        schema.add_key('n', 'i', True)
        self.center.register_schema('quiet', schema)
        self.center.post('quiet', n='not an int')


if __name__ == '__main__':
    main()
