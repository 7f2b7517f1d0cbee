// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The ZeroMQ bridge from GJS (NotificationBridge.ZmqPublisher and
// ZmqSubscriber); prints TAP.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Notification from 'gi://Notification?version=1.0';
import NotificationBridge from 'gi://NotificationBridge?version=1.0';
import System from 'system';

function assert(cond, what) {
    if (!cond)
        throw new Error(`assertion failed: ${what}`);
}

function waitUntil(cond) {
    const context = GLib.MainContext.default();
    const deadline = GLib.get_monotonic_time() + 10 * 1000000;
    const tick = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 50, () => GLib.SOURCE_CONTINUE);
    try {
        while (!cond()) {
            if (GLib.get_monotonic_time() > deadline)
                throw new Error('timed out');
            context.iteration(true);
        }
    } finally {
        GLib.source_remove(tick);
    }
}

const tests = [
    ['delivery over tcp', () => {
        const a = Notification.Center.new();
        const b = Notification.Center.new();
        const pub = NotificationBridge.ZmqPublisher.new(a, 'tcp://127.0.0.1:*',
            NotificationBridge.ZmqFlags.BIND);
        const sub = NotificationBridge.ZmqSubscriber.new(b, pub.dup_last_endpoint(),
            NotificationBridge.ZmqFlags.NONE);
        const got = [];
        b.add_observer('stdout', null, (center, type, sender, info) => {
            got.push([type, sender, info]);
        });
        sub.subscribe('stdout');
        waitUntil(() => pub.is_wanted('stdout'));
        a.post('stdout', null, new GLib.Variant('a{sv}', {
            out_string: new GLib.Variant('s', 'from gjs'),
        }));
        waitUntil(() => got.length === 1);
        assert(got[0][0] === 'stdout', 'the type');
        assert(got[0][2].deepUnpack().out_string.unpack() === 'from gjs', 'the user info');
        assert(NotificationBridge.RemoteSender.is_remote(got[0][1]), 'a remote sender');
        assert(sub.n_received === 1, 'n-received');
        assert(pub.n_dropped === 0, 'n-dropped');
    }],
    ['a plain public bind is refused', () => {
        const center = Notification.Center.new();
        let error = null;
        try {
            NotificationBridge.ZmqPublisher.new(center, 'tcp://0.0.0.0:*',
                NotificationBridge.ZmqFlags.BIND);
        } catch (e) {
            error = e;
        }
        assert(error !== null && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.PERMISSION_DENIED),
            'PERMISSION_DENIED');
        const pub = NotificationBridge.ZmqPublisher.new(center, 'tcp://0.0.0.0:*',
            NotificationBridge.ZmqFlags.BIND | NotificationBridge.ZmqFlags.ALLOW_INSECURE);
        assert(pub.allow_insecure, 'allow-insecure');
    }],
];

print(`1..${tests.length}`);
let failed = false;
tests.forEach(([name, test], i) => {
    try {
        test();
        print(`ok ${i + 1} ${name}`);
    } catch (e) {
        print(`not ok ${i + 1} ${name} # ${e.message}`);
        printerr(e.stack);
        failed = true;
    }
});
System.exit(failed ? 1 : 0);
