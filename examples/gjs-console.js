// gjs-console.js: libnotification from GJS
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Run with `gjs -m gjs-console.js`; in a build tree set GI_TYPELIB_PATH and
// LD_LIBRARY_PATH to <build>/notification. A "interpreter" posts `stdout`
// and `progress` notifications from a main-loop timeout, a frontend
// observes them with add_observer() and with the detailed
// `notification::TYPE` signal.

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Notification from 'gi://Notification?version=1.0';
import System from 'system';

const N_STEPS = 5;

const center = Notification.Center.get_default();
const interpreter = new GObject.Object();   // the sender
const loop = new GLib.MainLoop(null, false);
const shown = [];

// User info is an a{sv} GLib.Variant (or null).
const userInfo = obj => new GLib.Variant('a{sv}', obj);

// An observer: type filter, sender filter (null: every one), callback.
const stdoutId = center.add_observer('stdout', interpreter, (c, type, sender, info) => {
    const {out_string: text} = info.recursiveUnpack();
    shown.push(text);
    print(`frontend: ${text.trimEnd()}`);
});

// The same through a GObject signal, detailed with the type.
const progressHandler = center.connect('notification::progress', (c, type, sender, info) => {
    const {fraction} = info.recursiveUnpack();
    print(`frontend: ${Math.round(fraction * 100)} % done`);
});

let step = 0;
GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10, () => {
    step++;
    // Skip building user info nobody would read.
    if (center.has_observers('stdout', interpreter))
        center.post('stdout', interpreter, userInfo({out_string: new GLib.Variant('s', `step ${step} of ${N_STEPS}\n`)}));
    center.post('progress', interpreter, userInfo({fraction: new GLib.Variant('d', step / N_STEPS)}));
    if (step < N_STEPS)
        return GLib.SOURCE_CONTINUE;
    loop.quit();
    return GLib.SOURCE_REMOVE;
});
loop.run();

center.remove_observer(stdoutId);
center.disconnect(progressHandler);

const expected = Array.from({length: N_STEPS}, (_, i) => `step ${i + 1} of ${N_STEPS}\n`);
if (JSON.stringify(shown) !== JSON.stringify(expected)) {
    printerr(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(shown)}`);
    System.exit(1);
}
if (center.has_observers('stdout', interpreter)) {
    printerr('an observer is left');
    System.exit(1);
}
print('gjs example: OK');
