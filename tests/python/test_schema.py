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

    def assertRejected(self, code, pattern, **user_info):
        # Every schema violation is one exception type: a GLib.Error of the
        # Notification.Error domain; nothing is delivered.
        before = len(self.rec.calls), len(self.wire)
        with self.assertRaisesRegex(GLib.Error, pattern) as cm:
            self.center.post('stdout', **user_info)
        self.assertNotificationError(cm, code)
        self.assertEqual((len(self.rec.calls), len(self.wire)), before)
        return cm.exception

    def test_wrong_python_type(self):
        wrong = Notification.Error.WRONG_TYPE
        self.assertRejected(wrong, r"stdout.*'count'.*'i'.*an int.*str",
                            out_string='x', count='3')
        self.assertRejected(wrong, r"'out_string'.*'s'.*a str.*int",
                            out_string=3)
        self.assertRejected(wrong, r"'flag'.*'b'", out_string='x',
                            flag=1)
        self.assertRejected(wrong, r"'count'.*'i'.*bool",
                            out_string='x', count=True)
        self.assertRejected(wrong, r"'lines'.*'as'", out_string='x',
                            lines=[1, 2])
        self.assertRejected(wrong, r"'count'.*'i'.*'x'",
                            out_string='x', count=GLib.Variant('x', 1))
        self.assertRejected(wrong, r"'anything'", out_string='x',
                            anything=object())
        self.assertRejected(wrong, r"'pair'.*'\(su\)'.*tuple or list of 2",
                            out_string='x', pair=('s',))

    def test_str_is_not_a_string_array(self):
        error = self.assertRejected(Notification.Error.WRONG_TYPE,
                                    r"'lines'.*'as'.*not a str.*str",
                                    out_string='x', lines='notalist')
        self.assertIn('lines', error.message)

    def test_out_of_range(self):
        # A value of the right kind that does not fit: the same exception,
        # WRONG_TYPE, with the reason.
        self.assertRejected(Notification.Error.WRONG_TYPE,
                            r"'count'.*out of range", out_string='x',
                            count=2 ** 31)
        self.assertRejected(Notification.Error.WRONG_TYPE, r"'path'",
                            out_string='x', path='not a path')

    def test_unknown_key_unconvertible_value(self):
        # Unknown first: not a TypeError about the value.
        self.assertRejected(Notification.Error.UNKNOWN_KEY,
                            r"'extra'.*not declared.*out_string",
                            out_string='x', extra=object())

    def test_one_exception_type(self):
        for user_info in ({'count': 1}, {'out_string': 1},
                          {'out_string': 'x', 'count': 2 ** 40},
                          {'out_string': 'x', 'nope': 1},
                          {'out_string': 'x', 'lines': 'abc'}):
            with self.assertRaises(GLib.Error, msg=user_info) as cm:
                self.center.post('stdout', **user_info)
            self.assertEqual(cm.exception.domain,
                             GLib.quark_to_string(Notification.error_quark()))
        self.assertEqual(self.rec.calls, [])

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
        with self.assertRaises(GLib.Error) as cm:
            self.center.post('open', n=-1)
        self.assertNotificationError(cm, Notification.Error.WRONG_TYPE)
        self.assertIn("'u'", cm.exception.message)
        # An allowed unknown key whose value cannot convert at all.
        with self.assertRaises(GLib.Error) as cm:
            self.center.post('open', n=1, extra=object())
        self.assertNotificationError(cm,
                                     Notification.Error.INVALID_USER_INFO)
        self.assertIn('extra', cm.exception.message)
        self.assertEqual(len(rec.calls), 1)

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


class TestPythonicSchemas(TestCase):
    def setUp(self):
        super().setUp()
        self.rec = Recorder()
        self.center.add_observer(self.rec)

    def test_register_with_keywords(self):
        schema = self.center.register_schema('progress', fraction='d',
                                             label=('s', False))
        self.assertTrue(schema.get_sealed())
        self.assertIs(self.center.lookup_schema('progress'), schema)
        self.assertEqual(schema.get_key_type('fraction').dup_string(), 'd')
        self.assertTrue(schema.get_key_required('fraction'))
        self.assertFalse(schema.get_key_required('label'))
        self.center.post('progress', fraction=1)
        self.center.post('progress', fraction=0.5, label='half')
        self.assertEqual([c[2] for c in self.rec.calls],
                         [{'fraction': 1.0}, {'fraction': 0.5,
                                              'label': 'half'}])
        with self.assertRaises(GLib.Error) as cm:
            self.center.post('progress', label='no fraction')
        self.assertNotificationError(cm, Notification.Error.MISSING_KEY)

    def test_register_schema_object_still_works(self):
        schema = Notification.Schema.new()
        schema.add_key('n', 'i')
        self.assertIs(self.center.register_schema('t', schema), schema)
        with self.assertRaises(TypeError):
            self.center.register_schema('u', schema, n='i')
        with self.assertRaises(TypeError):
            self.center.register_schema('u', 'i')

    def test_bad_spec(self):
        for spec in (1, ('s',), ('s', 'yes'), ['s', True]):
            with self.assertRaisesRegex(TypeError, "'k'", msg=spec):
                self.center.register_schema('bad', k=spec)
        self.assertIsNone(self.center.lookup_schema('bad'))

    def test_bad_type_string_names_the_valid_ones(self):
        with self.assertRaises(GLib.Error) as cm:
            self.center.register_schema('bad', fraction='z')
        self.assertNotificationError(cm, Notification.Error.INVALID_SCHEMA)
        message = cm.exception.message
        self.assertIn("'fraction'", message)
        self.assertIn("'z'", message)
        for valid in ('valid GVariant type strings', 'a{sv}', ' d ', 'm<T>'):
            self.assertIn(valid, message)
        self.assertIsNone(self.center.lookup_schema('bad'))

    def test_add_key_required_by_default(self):
        schema = Notification.Schema.new()
        self.assertTrue(schema.add_key('name', 's'))
        self.assertTrue(schema.add_key('size', 't', required=False))
        self.assertTrue(schema.get_key_required('name'))
        self.assertFalse(schema.get_key_required('size'))

    def test_add_key_twice(self):
        schema = Notification.Schema.new()
        schema.add_key('name', 's')
        with self.assertRaises(GLib.Error) as cm:
            schema.add_key('name', 'i')
        self.assertNotificationError(cm, Notification.Error.INVALID_SCHEMA)

    def test_add_key_after_registration_raises(self):
        schema = self.center.register_schema('sealed', name='s')
        with self.assertRaises(GLib.Error) as cm:
            schema.add_key('late', 's')  # no critical, no False
        self.assertNotificationError(cm, Notification.Error.INVALID_SCHEMA)
        self.assertIn('sealed', cm.exception.message)
        self.assertIn("'late'", cm.exception.message)
        self.assertIsNone(schema.get_key_type('late'))

    def test_dict_converts_for_a_sv(self):
        self.center.register_schema('meta', info='a{sv}', names=('a{ss}', False),
                                    nested=('aas', False),
                                    maybe=('mi', False))
        info = {'k': 1, 's': 'x', 'inner': {'deep': [1, 2], 'b': True}}
        self.center.post('meta', info=info, names={'a': 'b'},
                         nested=[['x', 'y'], []], maybe=None)
        self.assertEqual(self.rec.calls[-1][2],
                         {'info': info, 'names': {'a': 'b'},
                          'nested': [['x', 'y'], []], 'maybe': None})
        self.center.post('meta', info={}, maybe=3)
        self.assertEqual(self.rec.calls[-1][2], {'info': {}, 'maybe': 3})
        self.center.post('meta', info=GLib.Variant('a{sv}', {}))
        for bad in ({'info': [('k', 1)]}, {'info': 'k'},
                    {'info': {}, 'names': {'a': 1}},
                    {'info': {}, 'nested': ['xy']},
                    {'info': {}, 'nested': 'xy'},
                    {'info': {}, 'maybe': 'x'}):
            with self.assertRaises(GLib.Error, msg=bad) as cm:
                self.center.post('meta', **bad)
            self.assertNotificationError(cm, Notification.Error.WRONG_TYPE)
        self.assertEqual(len(self.rec.calls), 3)

    def test_indefinite_type(self):
        self.center.register_schema('loose', any_array=('a*', False),
                                    basic=('?', False))
        self.center.post('loose', any_array=['a', 'b'], basic=3)
        self.center.post('loose', any_array=GLib.Variant('ai', [1]))
        self.assertEqual([c[2] for c in self.rec.calls],
                         [{'any_array': ['a', 'b'], 'basic': 3},
                          {'any_array': [1]}])
        for bad in ({'any_array': 'x'}, {'basic': [1]}, {'basic': object()}):
            with self.assertRaises(GLib.Error, msg=bad) as cm:
                self.center.post('loose', **bad)
            self.assertNotificationError(cm, Notification.Error.WRONG_TYPE)

    def test_long_array(self):
        self.center.register_schema('many', tags='as')
        tags = ['t%d' % i for i in range(1000)]
        self.center.post('many', tags=tags)
        self.assertEqual(self.rec.calls[-1][2], {'tags': tags})

    def test_variant_for_v_key(self):
        self.center.register_schema('any', value='v')
        self.center.post('any', value=GLib.Variant('i', 4))
        self.center.post('any', value={'a': [1]})
        self.assertEqual([c[2] for c in self.rec.calls],
                         [{'value': 4}, {'value': {'a': [1]}}])


if __name__ == '__main__':
    main()
