// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The D-Bus bridge from GJS (NotificationBridge-1.0) on a private bus;
// prints TAP.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Notification from 'gi://Notification?version=1.0';
import NotificationBridge from 'gi://NotificationBridge?version=1.0';
import System from 'system';

function assert(cond, what) {
    if (!cond)
        throw new Error(`assertion failed: ${what}`);
}

function spinUntil(cond) {
    const context = GLib.MainContext.default();
    const deadline = GLib.get_monotonic_time() + 10 * 1000000;
    while (!cond()) {
        if (GLib.get_monotonic_time() > deadline)
            throw new Error('timed out');
        context.iteration(false);
    }
}

// A private bus of our own: GTestDBus's watcher is a fork of the test
// process, which does not go well with a GJS process.
function startBus() {
    const daemon = Gio.Subprocess.new(
        ['dbus-daemon', '--session', '--nofork', '--nopidfile', '--print-address=1'],
        Gio.SubprocessFlags.STDOUT_PIPE);
    const stream = new Gio.DataInputStream({base_stream: daemon.get_stdout_pipe()});
    const [line] = stream.read_line_utf8(null);
    return {daemon, address: line.trim()};
}

function connect(bus) {
    const conn = Gio.DBusConnection.new_for_address_sync(bus.address,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
        Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, null, null);
    conn.set_exit_on_close(false);
    return conn;
}

function bridge(center, conn) {
    let result = null;
    NotificationBridge.DBusBridge.new_async(center, conn, null, (source, res) => {
        result = res;
    });
    spinUntil(() => result !== null);
    return NotificationBridge.DBusBridge.new_finish(result);
}

print('1..1');
const bus = startBus();
let failed = false;
try {
    const centerA = Notification.Center.new();
    const centerB = Notification.Center.new();
    const connA = connect(bus), connB = connect(bus);
    const bridgeB = bridge(centerB, connB);
    bridgeB.subscribe('stdout');
    const got = [];
    centerB.add_observer('stdout', null, (c, type, sender, info) => {
        got.push([type, sender, info.deepUnpack()]);
    });
    const bridgeA = bridge(centerA, connA);
    assert(bridgeA.dup_exported_types().join() === 'stdout', 'exports stdout');

    centerA.post('stdout', null, new GLib.Variant('a{sv}', {out_string: new GLib.Variant('s', 'hi')}));
    spinUntil(() => got.length === 1);
    assert(got[0][0] === 'stdout', 'type');
    assert(got[0][1] instanceof NotificationBridge.RemoteSender, 'a remote sender');
    assert(got[0][1].get_peer() === connA.get_unique_name(), 'its peer');
    assert(got[0][2].out_string.unpack() === 'hi', 'user info');
    assert(bridgeB.n_received === 1, 'n-received');

    connA.close_sync(null);
    connB.close_sync(null);
    print('ok 1 export and import');
} catch (e) {
    failed = true;
    print(`not ok 1 export and import # ${e.message}`);
    printerr(e.stack);
}
bus.daemon.force_exit();
bus.daemon.wait(null);
System.exit(failed ? 1 : 0);
