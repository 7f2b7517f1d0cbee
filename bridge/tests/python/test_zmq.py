# SPDX-License-Identifier: LGPL-2.1-or-later
"""The ZeroMQ bridge from Python (NotificationBridge.ZmqPublisher and
ZmqSubscriber)."""

import os
import sys

sys.path.insert(0, os.environ['NOTIFICATION_PY_COMMON_DIR'])
from common import GLib, Notification, Recorder, main  # noqa: E402

import unittest  # noqa: E402

import gi  # noqa: E402
gi.require_version('Gio', '2.0')
gi.require_version('NotificationBridge', '1.0')
from gi.repository import Gio, NotificationBridge  # noqa: E402


def wait_until(cond, timeout=10.0):
    context = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + int(timeout * 1e6)
    tick = GLib.timeout_add(50, lambda: True)
    try:
        while not cond():
            if GLib.get_monotonic_time() > deadline:
                raise AssertionError('timed out')
            context.iteration(True)
    finally:
        GLib.source_remove(tick)


class ZmqTest(unittest.TestCase):
    def pair(self, center_a, center_b):
        pub = NotificationBridge.ZmqPublisher.new(
            center_a, 'tcp://127.0.0.1:*', NotificationBridge.ZmqFlags.BIND)
        sub = NotificationBridge.ZmqSubscriber.new(
            center_b, pub.dup_last_endpoint(), NotificationBridge.ZmqFlags.NONE)
        return pub, sub

    def test_delivery(self):
        center_a = Notification.Center.new()
        center_b = Notification.Center.new()
        pub, sub = self.pair(center_a, center_b)
        recorder = Recorder()
        center_b.add_observer(recorder, 'stdout')
        sub.subscribe('stdout')
        wait_until(lambda: pub.is_wanted('stdout'))
        self.assertEqual(pub.dup_exported_types(), ['stdout'])
        self.assertEqual(pub.props.n_subscriptions, 1)

        center_a.post('stdout', None, GLib.Variant('a{sv}', {
            'out_string': GLib.Variant('s', 'hi'),
            'n': GLib.Variant('x', -5),
        }))
        center_a.post('stderr', None, None)   # not subscribed: not sent
        wait_until(lambda: recorder.calls)
        type_, sender, info = recorder.calls[0]
        self.assertEqual(type_, 'stdout')
        self.assertEqual(info, {'out_string': 'hi', 'n': -5})
        self.assertTrue(NotificationBridge.RemoteSender.is_remote(sender))
        self.assertTrue(sender.get_peer().startswith('zmq:'))
        self.assertEqual(sub.props.n_received, 1)
        self.assertEqual(pub.props.n_sent, 1)
        self.assertEqual(pub.props.n_dropped, 0)
        self.assertEqual(sub.props.n_gaps, 0)

    def test_errors(self):
        center = Notification.Center.new()
        with self.assertRaises(GLib.Error) as caught:
            NotificationBridge.ZmqPublisher.new(
                center, 'tcp://0.0.0.0:*', NotificationBridge.ZmqFlags.BIND)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(),
                                                 Gio.IOErrorEnum.PERMISSION_DENIED))
        with self.assertRaises(GLib.Error):
            NotificationBridge.ZmqSubscriber.new(
                center, 'bogus://x', NotificationBridge.ZmqFlags.NONE)

    def test_properties_and_init(self):
        center_a = Notification.Center.new()
        pub = NotificationBridge.ZmqPublisher(center=center_a, endpoint='tcp://127.0.0.1:*',
                                              bind=True, high_water_mark=5, linger=100)
        pub.init(None)
        self.assertEqual(pub.props.high_water_mark, 5)
        self.assertTrue(pub.get_bind())
        self.assertTrue(pub.dup_last_endpoint().startswith('tcp://127.0.0.1:'))

    def test_shutdown_busy(self):
        center = Notification.Center.new()
        pub = NotificationBridge.ZmqPublisher.new(
            center, 'inproc://python-shutdown', NotificationBridge.ZmqFlags.BIND)
        with self.assertRaises(GLib.Error):
            NotificationBridge.zmq_shutdown()
        del pub


if __name__ == '__main__':
    main()
