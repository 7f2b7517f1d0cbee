// SPDX-License-Identifier: LGPL-2.1-or-later
//
// CURVE keys and an allow-list from GJS (NotificationBridge-1.0); prints TAP.

import GLib from 'gi://GLib';
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
        context.iteration(true);
    }
}

// GJS 1.74 ignores (skip) on a return value: the boolean comes first.
function outs(result) {
    return result.length === 3 && typeof result[0] === 'boolean' ? result.slice(1) : result;
}

const tests = [
    ['key files', () => {
        const dir = GLib.dir_make_tmp('gjs-zmq-keys-XXXXXX');
        const path = GLib.build_filenamev([dir, 'host.key']);
        const [pub, sec] = outs(NotificationBridge.zmq_generate_curve_keypair());
        assert(NotificationBridge.zmq_curve_key_is_valid(pub), 'a public key');
        NotificationBridge.zmq_save_curve_keypair(path, pub, sec, false);
        const [pub2, sec2] = outs(NotificationBridge.zmq_load_curve_keypair(path));
        assert(pub2 === pub && sec2 === sec, 'loaded back');
        const allowed = NotificationBridge.zmq_load_curve_allowed_keys(`${path}.pub`);
        assert(allowed.length === 1 && allowed[0] === pub, 'the .pub file is an allow-list');
        let threw = false;
        try {
            NotificationBridge.zmq_load_curve_public_key(`${path}.missing`);
        } catch (e) {
            threw = e.matches(GLib.FileError, GLib.FileError.NOENT);
        }
        assert(threw, 'a missing file is a GLib.FileError');
        GLib.unlink(path);
        GLib.unlink(`${path}.pub`);
        GLib.rmdir(dir);
    }],
    ['allow-list', () => {
        const [serverPublic, serverSecret] = outs(NotificationBridge.zmq_generate_curve_keypair());
        const [clientPublic, clientSecret] = outs(NotificationBridge.zmq_generate_curve_keypair());
        const a = Notification.Center.new(), b = Notification.Center.new(), c = Notification.Center.new();
        const pub = new NotificationBridge.ZmqPublisher({
            center: a, endpoint: 'tcp://127.0.0.1:*', bind: true,
            curve_secret_key: serverSecret, curve_allowed_keys: [clientPublic],
        });
        pub.init(null);
        const endpoint = pub.dup_last_endpoint();
        const denied = new NotificationBridge.ZmqSubscriber({
            center: c, endpoint, curve_server_key: serverPublic,
        });
        denied.init(null);
        denied.subscribe('js');
        spinUntil(() => pub.get_n_clients_denied() >= 1);
        const good = new NotificationBridge.ZmqSubscriber({
            center: b, endpoint, curve_server_key: serverPublic,
            curve_public_key: clientPublic, curve_secret_key: clientSecret,
        });
        good.init(null);
        good.subscribe('js');
        const gotB = [], gotC = [];
        b.add_observer(null, null, (center, type) => gotB.push(type));
        c.add_observer(null, null, (center, type) => gotC.push(type));
        spinUntil(() => pub.is_wanted('js'));
        a.post('js', null, null);
        spinUntil(() => gotB.length === 1);
        for (let i = 0; i < 20; i++)
            GLib.MainContext.default().iteration(false);
        assert(gotB[0] === 'js', 'the allowed client got it');
        assert(gotC.length === 0, 'the denied client got nothing');
        assert(pub.n_clients_denied >= 1, 'n-clients-denied');
    }],
];

print(`1..${tests.length}`);
let failed = false;
tests.forEach(([name, body], i) => {
    try {
        body();
        print(`ok ${i + 1} ${name}`);
    } catch (e) {
        failed = true;
        print(`not ok ${i + 1} ${name} # ${e.message}`);
        printerr(e.stack);
    }
});
System.exit(failed ? 1 : 0);
