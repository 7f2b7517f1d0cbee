# SPDX-License-Identifier: LGPL-2.1-or-later
"""The D-Bus bridge from Python (NotificationBridge-1.0), on a private bus."""

import os
import sys

sys.path.insert(0, os.environ['NOTIFICATION_PY_COMMON_DIR'])
from common import GLib, Notification, Recorder, collect, main  # noqa: E402

import unittest  # noqa: E402

import gi  # noqa: E402
gi.require_version('Gio', '2.0')
gi.require_version('NotificationBridge', '1.0')
from gi.repository import Gio, NotificationBridge  # noqa: E402


def spin_until(cond, timeout=10.0):
    context = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + int(timeout * 1e6)
    while not cond():
        if GLib.get_monotonic_time() > deadline:
            raise AssertionError('timed out')
        context.iteration(False)


class BridgeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bus = Gio.TestDBus.new(Gio.TestDBusFlags.NONE)
        cls.bus.up()

    @classmethod
    def tearDownClass(cls):
        cls.bus.down()

    def connect(self):
        conn = Gio.DBusConnection.new_for_address_sync(
            self.bus.get_bus_address(),
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        conn.set_exit_on_close(False)
        return conn

    def bridge(self, center, conn):
        results = []
        NotificationBridge.DBusBridge.new_async(
            center, conn, None, lambda source, result, *data: results.append(result))
        spin_until(lambda: results)
        return NotificationBridge.DBusBridge.new_finish(results[0])

    def test_export_import(self):
        center_a = Notification.Center.new()
        center_b = Notification.Center.new()
        conn_a, conn_b = self.connect(), self.connect()
        bridge_b = self.bridge(center_b, conn_b)
        bridge_b.subscribe('stdout')
        recorder = Recorder()
        center_b.add_observer(recorder, 'stdout')
        bridge_a = self.bridge(center_a, conn_a)
        self.assertEqual(bridge_a.dup_exported_types(), ['stdout'])

        center_a.post('stdout', None, out_string='hi', n=GLib.Variant('i', 3))
        spin_until(lambda: recorder.calls)
        type, sender, user_info = recorder.calls[0]
        self.assertEqual(type, 'stdout')
        self.assertEqual(user_info, {'out_string': 'hi', 'n': 3})
        self.assertIsInstance(sender, NotificationBridge.RemoteSender)
        self.assertEqual(sender.get_peer(), conn_a.get_unique_name())
        self.assertEqual(sender.props.sender_id, '')
        self.assertEqual(bridge_b.props.n_received, 1)
        self.assertEqual(bridge_b.get_n_rejected(), 0)
        del sender, recorder.calls[:]

        bridge_b.unsubscribe('stdout')
        spin_until(lambda: bridge_a.dup_exported_types() == [])
        bridge_a.props.export_all = True
        self.assertEqual(bridge_a.dup_exported_types(), [''])

        del bridge_a, bridge_b
        conn_a.close_sync(None)
        conn_b.close_sync(None)
        collect()


if __name__ == '__main__':
    main()
