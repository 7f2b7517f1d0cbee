# SPDX-License-Identifier: LGPL-2.1-or-later
"""CURVE keys and allow-lists from Python (NotificationBridge-1.0)."""

import os
import stat
import sys
import tempfile

sys.path.insert(0, os.environ['NOTIFICATION_PY_COMMON_DIR'])
from common import GLib, Notification, Recorder, main  # noqa: E402

import unittest  # noqa: E402

import gi  # noqa: E402
gi.require_version('NotificationBridge', '1.0')
from gi.repository import Gio, NotificationBridge  # noqa: E402


def spin_until(cond, timeout=10.0):
    context = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + int(timeout * 1e6)
    while not cond():
        if GLib.get_monotonic_time() > deadline:
            raise AssertionError('timed out')
        context.iteration(True)


class KeysTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, 'host.key')

    def tearDown(self):
        self.dir.cleanup()

    def test_generate_save_load(self):
        public, secret = NotificationBridge.zmq_generate_curve_keypair()
        self.assertEqual(len(public), NotificationBridge.ZMQ_CURVE_KEY_LENGTH)
        self.assertTrue(NotificationBridge.zmq_curve_key_is_valid(secret))
        self.assertEqual(NotificationBridge.zmq_curve_public_key_for_secret(secret), public)
        NotificationBridge.zmq_save_curve_keypair(self.path, public, secret, False)
        self.assertEqual(stat.S_IMODE(os.stat(self.path).st_mode), 0o600)
        self.assertEqual(NotificationBridge.zmq_load_curve_keypair(self.path), (public, secret))
        self.assertEqual(NotificationBridge.zmq_load_curve_public_key(self.path + '.pub'), public)
        self.assertEqual(NotificationBridge.zmq_load_curve_allowed_keys(self.path + '.pub'), [public])
        with self.assertRaises(GLib.Error) as caught:
            NotificationBridge.zmq_save_curve_keypair(self.path, public, secret, False)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.EXISTS))

    def test_errors(self):
        with self.assertRaises(GLib.Error) as caught:
            NotificationBridge.zmq_load_curve_keypair(self.path)
        self.assertTrue(caught.exception.matches(GLib.file_error_quark(), GLib.FileError.NOENT))
        with open(self.path, 'w') as f:
            f.write('short\n')
        with self.assertRaises(GLib.Error) as caught:
            NotificationBridge.zmq_load_curve_allowed_keys(self.path)
        self.assertIn('line 1', caught.exception.message)
        self.assertNotIn('short', caught.exception.message)


class AllowListTest(unittest.TestCase):
    def test_only_the_allowed_key_receives(self):
        server_public, server_secret = NotificationBridge.zmq_generate_curve_keypair()
        allowed_public, allowed_secret = NotificationBridge.zmq_generate_curve_keypair()
        a = Notification.Center()
        b = Notification.Center()
        c = Notification.Center()
        pub = NotificationBridge.ZmqPublisher(center=a, endpoint='tcp://127.0.0.1:*', bind=True,
                                              curve_secret_key=server_secret,
                                              curve_allowed_keys=[allowed_public])
        pub.init(None)
        endpoint = pub.dup_last_endpoint()

        denied = NotificationBridge.ZmqSubscriber(center=c, endpoint=endpoint,
                                                  curve_server_key=server_public)
        denied.init(None)
        denied.subscribe('py')
        spin_until(lambda: pub.get_n_clients_denied() >= 1)

        good = NotificationBridge.ZmqSubscriber(center=b, endpoint=endpoint,
                                                curve_server_key=server_public,
                                                curve_public_key=allowed_public,
                                                curve_secret_key=allowed_secret)
        good.init(None)
        good.subscribe('py')
        got_b, got_c = Recorder(), Recorder()
        b.add_observer(got_b)
        c.add_observer(got_c)
        spin_until(lambda: pub.is_wanted('py'))
        a.post('py', None, n=GLib.Variant('i', 1))
        spin_until(lambda: len(got_b.calls) == 1)
        for _ in range(20):
            GLib.MainContext.default().iteration(False)
        self.assertEqual([call[0] for call in got_b.calls], ['py'])
        self.assertEqual(got_b.calls[0][2]['n'], 1)
        self.assertEqual(got_c.calls, [])
        self.assertGreaterEqual(pub.props.n_clients_denied, 1)


if __name__ == '__main__':
    main()
