// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The Jupyter client from GJS (NotificationBridge-1.0) against a real
// kernel it starts (python3-ipykernel; skipped without); prints TAP.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Notification from 'gi://Notification?version=1.0';
import NotificationBridge from 'gi://NotificationBridge?version=1.0';
import System from 'system';

function assert(cond, what) {
    if (!cond)
        throw new Error(`assertion failed: ${what}`);
}

// Blocks in the main context (woken by its sources) until cond() holds.
function waitUntil(cond, seconds) {
    const context = GLib.MainContext.default();
    let timedOut = false;
    const id = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, seconds, () => {
        timedOut = true;
        return GLib.SOURCE_REMOVE;
    });
    while (!cond() && !timedOut)
        context.iteration(true);
    if (!cond())
        throw new Error('timed out');
    if (!timedOut)
        GLib.source_remove(id);
}

function freePort() {
    const listener = new Gio.SocketListener();
    const port = listener.add_any_inet_port(null);
    listener.close();
    return port;
}

print('1..1');
const probe = Gio.Subprocess.new(['/usr/bin/python3', '-c', 'import ipykernel'],
    Gio.SubprocessFlags.STDOUT_SILENCE | Gio.SubprocessFlags.STDERR_SILENCE);
probe.wait(null);
const status = probe.get_successful() ? 0 : 1;
if (status !== 0) {
    print('ok 1 # SKIP ipykernel is not installed (Debian python3-ipykernel)');
    System.exit(0);
}

const dir = GLib.dir_make_tmp('jupyter-gjs-XXXXXX');
const path = GLib.build_filenamev([dir, 'kernel.json']);
GLib.file_set_contents(path, JSON.stringify({
    shell_port: freePort(), iopub_port: freePort(), stdin_port: freePort(),
    control_port: freePort(), hb_port: freePort(), ip: '127.0.0.1', key: 'gjs-key',
    transport: 'tcp', signature_scheme: 'hmac-sha256', kernel_name: '',
}));
const kernel = Gio.Subprocess.new(['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', path],
    Gio.SubprocessFlags.STDOUT_SILENCE | Gio.SubprocessFlags.STDERR_SILENCE);
try {
    const center = Notification.Center.new();
    const client = NotificationBridge.JupyterClient.new_for_connection_file(center, path);
    let connected = null;
    client.connect_async(null, (c, res) => {
        connected = c.connect_finish(res);
    });
    waitUntil(() => connected !== null, 30);
    assert(client.connected, 'connected');

    let out = '';
    center.add_observer('stdout', client, (c, type, sender, info) => {
        out += info.lookup_value('out_string', null).unpack();
    });
    let result = null;
    const msgId = client.execute_async("print('from gjs')", null, (c, res) => {
        result = c.execute_finish(res);
    });
    assert(typeof msgId === 'string' && msgId.length > 0, 'a msg_id');
    waitUntil(() => result !== null, 30);
    assert(result === 'ok', `status ${result}`);
    assert(out === 'from gjs\n', `output ${JSON.stringify(out)}`);
    print('ok 1 /jupyter/gjs/execute');
} catch (e) {
    print(`not ok 1 /jupyter/gjs/execute # ${e}`);
    kernel.force_exit();
    System.exit(1);
} finally {
    kernel.send_signal(15);
    kernel.wait(null);
    GLib.unlink(path);
    GLib.rmdir(dir);
}
