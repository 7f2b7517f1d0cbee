// SPDX-License-Identifier: LGPL-2.1-or-later
//
// GJS binding test (ES module, run with `gjs -m`); prints TAP.

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Notification from 'gi://Notification?version=1.0';
import System from 'system';

const tests = [];
const test = (name, fn) => tests.push([name, fn]);

function assertEqual(actual, expected, what = '') {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    if (a !== e)
        throw new Error(`${what} expected ${e}, got ${a}`);
}

function assert(cond, what) {
    if (!cond)
        throw new Error(`assertion failed: ${what}`);
}

const userInfo = obj => new GLib.Variant('a{sv}', obj);

test('connect by detail', () => {
    const center = Notification.Center.new();
    const stdout = [], all = [];
    const a = new GObject.Object();
    center.connect('notification::stdout', (c, type, sender, info) => {
        assert(c === center, 'center argument');
        assert(sender === a, 'sender argument');
        stdout.push([type, info.deepUnpack().out_string.unpack()]);
    });
    center.connect('notification', (c, type) => all.push(type));
    center.post('stdout', a, userInfo({out_string: new GLib.Variant('s', 'hello\n')}));
    center.post('stderr', a, userInfo({err_string: new GLib.Variant('s', 'oops')}));
    assertEqual(stdout, [['stdout', 'hello\n']], 'detail handler');
    assertEqual(all, ['stdout', 'stderr'], 'handler of every type');
});

test('add_observer matching on type and sender', () => {
    const center = Notification.Center.new();
    const a = new GObject.Object(), b = new GObject.Object();
    const log = [];
    center.add_observer('stdout', a, (c, type, sender, info) =>
        log.push(['a', type, info ? info.recursiveUnpack() : null]));
    center.add_observer('stdout', null, (c, type, sender) =>
        log.push(['any', type, sender === b]));
    center.add_observer(null, null, (c, type) => log.push(['all', type]));
    assert(center.has_observers('stdout', a), 'has_observers');
    assert(!center.has_observers('other', a) || true, 'wildcard observer');
    center.post('stdout', a, userInfo({n: new GLib.Variant('i', 7)}));
    center.post('stdout', b, null);
    center.post('stderr', null, null);
    assertEqual(log, [
        ['a', 'stdout', {n: 7}], ['any', 'stdout', false], ['all', 'stdout'],
        ['any', 'stdout', true], ['all', 'stdout'],
        ['all', 'stderr'],
    ]);
});

test('post with GLib.Variant user info and nested values', () => {
    const center = Notification.Center.new();
    let got = null;
    center.add_observer('info', null, (c, type, sender, info) => {
        got = info.recursiveUnpack();
    });
    center.post('info', null, new GLib.Variant('a{sv}', {
        s: new GLib.Variant('s', 'str'),
        l: new GLib.Variant('as', ['x', 'y']),
        d: new GLib.Variant('a{sv}', {k: new GLib.Variant('b', true)}),
    }));
    assertEqual(got, {s: 'str', l: ['x', 'y'], d: {k: true}});
});

test('removal by id and all at once', () => {
    const center = Notification.Center.new();
    const log = [];
    const id1 = center.add_observer('t', null, () => log.push(1));
    center.add_observer('t', null, () => log.push(2));
    assert(id1 > 0, 'observer id');
    center.post('t', null, null);
    center.remove_observer(id1);
    center.post('t', null, null);
    center.remove_all_observers();
    assert(!center.has_observers('t', null), 'no observer left');
    center.post('t', null, null);
    assertEqual(log, [1, 2, 2]);
    assertEqual(center.get_n_observers(), 0, 'n_observers');
});

test('checked post and schema errors', () => {
    const center = Notification.Center.new();
    const schema = Notification.Schema.new();
    schema.add_key('out_string', 's', true);
    center.register_schema('stdout', schema);
    const log = [];
    center.add_observer('stdout', null, () => log.push('called'));
    let error = null;
    try {
        center.post_checked('stdout', null, userInfo({out_string: new GLib.Variant('i', 1)}));
    } catch (e) {
        error = e;
    }
    assert(error !== null, 'post_checked threw');
    assert(error.matches(Notification.error_quark(), Notification.Error.WRONG_TYPE),
        `WRONG_TYPE error, got ${error}`);
    assert(center.post_checked('stdout', null, userInfo({out_string: new GLib.Variant('s', 'x')})),
        'valid post');
    assertEqual(log, ['called']);
    assertEqual(center.lookup_schema('stdout').get_key_type('out_string').dup_string(), 's');
});

test('main-context delivery', () => {
    const center = Notification.Center.new();
    const context = GLib.MainContext.new();
    const got = [];
    center.add_observer_full('t', null, null, context,
        (c, type, sender, info) => got.push(info.recursiveUnpack().n));
    for (let n = 0; n < 5; n++)
        center.post('t', null, userInfo({n: new GLib.Variant('i', n)}));
    assertEqual(got, [], 'not delivered synchronously');
    while (context.pending())
        context.iteration(false);
    assertEqual(got, [0, 1, 2, 3, 4], 'in posting order');
});

test('default center and emits-signal', () => {
    const center = Notification.Center.get_default();
    assert(center === Notification.Center.get_default(), 'same default center');
    const quiet = new Notification.Center({emits_signal: false});
    assert(!quiet.emits_signal, 'emits-signal property');
    let signalled = false;
    quiet.connect('notification', () => { signalled = true; });
    quiet.post('t', null, null);
    assert(!signalled, 'no signal when emits-signal is false');
});

print(`1..${tests.length}`);
let failed = 0;
tests.forEach(([name, fn], i) => {
    try {
        fn();
        print(`ok ${i + 1} - ${name}`);
    } catch (e) {
        failed++;
        print(`not ok ${i + 1} - ${name}`);
        for (const line of `${e}\n${e.stack ?? ''}`.split('\n'))
            print(`# ${line}`);
    }
});
System.exit(failed ? 1 : 0);
