// SPDX-License-Identifier: LGPL-2.1-or-later
//
// GJS binding test of main-context delivery (ES module, run with
// `gjs -m`); prints TAP. All the observers of a center on one
// GLib.MainContext share one queue: posting order across observers,
// coalescing, the queue limit and its counters, priority.

import GLib from 'gi://GLib';
import Notification from 'gi://Notification?version=1.0';
import GObject from 'gi://GObject';
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

const nInfo = n => new GLib.Variant('a{sv}', {n: new GLib.Variant('i', n)});
const nOf = info => info.recursiveUnpack().n;

function drain(context) {
    while (context.pending())
        context.iteration(false);
}

test('order across two observers on one context', () => {
    const center = Notification.Center.new();
    const context = new GLib.MainContext();
    const log = [];
    center.add_observer_full('stdout', null, null, context,
        (c, type, sender, info) => log.push(`stdout:${nOf(info)}`));
    center.add_observer_full('finished', null, null, context,
        () => log.push(`finished:${log.length}`));
    for (let n = 0; n < 1000; n++)
        center.post('stdout', null, nInfo(n));
    center.post('finished', null, null);
    assertEqual(log, [], 'not delivered synchronously');
    drain(context);
    const expected = Array.from({length: 1000}, (_, n) => `stdout:${n}`);
    expected.push('finished:1000');
    assertEqual(log, expected, 'finished after every line');
    center.remove_all_observers();
    drain(context);
});

test('calls of one post adjacent, in add order', () => {
    const center = Notification.Center.new();
    const context = new GLib.MainContext();
    const log = [];
    center.add_observer_full(null, null, null, context,
        (c, type, sender, info) => log.push(`every:${type}:${nOf(info)}`));
    center.add_observer_full('a', null, null, context,
        (c, type, sender, info) => log.push(`a:${nOf(info)}`));
    center.add_observer_full('b', null, null, context,
        (c, type, sender, info) => log.push(`b:${nOf(info)}`));
    for (let n = 0; n < 3; n++) {
        center.post('a', null, nInfo(n));
        center.post('b', null, nInfo(n));
    }
    drain(context);
    assertEqual(log, [
        'every:a:0', 'a:0', 'every:b:0', 'b:0',
        'every:a:1', 'a:1', 'every:b:1', 'b:1',
        'every:a:2', 'a:2', 'every:b:2', 'b:2',
    ]);
    center.remove_all_observers();
    drain(context);
});

test('add_observer_with_flags with COALESCE', () => {
    const center = Notification.Center.new();
    const context = new GLib.MainContext();
    const worker = new GObject.Object();
    const log = [];
    center.add_observer_with_flags('progress', null, null, context,
        Notification.ObserverFlags.COALESCE,
        (c, type, sender, info) => log.push(`p:${sender === worker ? 'w' : '-'}:${nOf(info)}`));
    center.add_observer_full('stdout', null, null, context,
        (c, type, sender, info) => log.push(`l:${nOf(info)}`));
    for (let n = 0; n < 10000; n++)
        center.post('progress', null, nInfo(n));
    center.post('progress', worker, nInfo(7));   // another sender
    center.post('stdout', null, nInfo(1));
    center.post('progress', null, nInfo(10000));
    drain(context);
    // The latest of each, in the order of their latest posts.
    assertEqual(log, ['p:w:7', 'l:1', 'p:-:10000']);
    center.remove_all_observers();
    drain(context);
});

test('COALESCE without a context is an ordinary observer', () => {
    const center = Notification.Center.new();
    const got = [];
    center.add_observer_with_flags('t', null, null, null,
        Notification.ObserverFlags.COALESCE,
        (c, type, sender, info) => got.push(nOf(info)));
    for (let n = 0; n < 3; n++)
        center.post('t', null, nInfo(n));
    assertEqual(got, [0, 1, 2], 'synchronous, every post');
    center.remove_all_observers();
});

test('set_queue_limit, n_dropped, get_dropped_before_call', () => {
    const center = Notification.Center.new();
    const context = new GLib.MainContext();
    const dropped = [];
    center.set_queue_limit(context, 10);
    center.add_observer_full('t', null, null, context,
        c => dropped.push(c.get_dropped_before_call()));
    for (let n = 0; n < 25; n++)
        center.post('t', null, nInfo(n));
    assertEqual(center.get_n_dropped(), 15, 'get_n_dropped()');
    assertEqual(center.n_dropped, 15, 'n_dropped property');
    drain(context);
    assertEqual(dropped.length, 10, 'calls made');
    assertEqual(dropped.reduce((a, b) => a + b, 0), 15, 'dropped before the calls');
    assertEqual(center.get_dropped_before_call(), 0, 'outside a call');

    center.set_queue_limit(context, 0);
    for (let n = 0; n < 100; n++)
        center.post('t', null, nInfo(n));
    drain(context);
    assertEqual(dropped.length, 110, 'no limit');
    assertEqual(center.n_dropped, 15, 'nothing more dropped');
    center.remove_all_observers();
    drain(context);
});

test('set_queue_priority', () => {
    const center = Notification.Center.new();
    const context = new GLib.MainContext();
    const log = [];
    const addIdle = () => {
        const source = GLib.idle_source_new();   // G_PRIORITY_DEFAULT_IDLE
        source.set_callback(() => {
            log.push('idle');
            return GLib.SOURCE_REMOVE;
        });
        source.attach(context);
    };
    center.add_observer_full('t', null, null, context,
        (c, type, sender, info) => log.push(nOf(info)));
    addIdle();
    center.post('t', null, nInfo(1));
    drain(context);
    center.set_queue_priority(context, GLib.PRIORITY_LOW);
    addIdle();
    center.post('t', null, nInfo(2));
    drain(context);
    assertEqual(log, [1, 'idle', 'idle', 2]);
    center.remove_all_observers();
    drain(context);
});

test('removal drops queued calls', () => {
    const center = Notification.Center.new();
    const context = new GLib.MainContext();
    const got = [];
    const id = center.add_observer_full('t', null, null, context,
        (c, type, sender, info) => got.push(nOf(info)));
    for (let n = 0; n < 5; n++)
        center.post('t', null, nInfo(n));
    center.remove_observer(id);
    assertEqual(center.get_n_observers(), 0, 'removed');
    drain(context);
    assertEqual(got, [], 'no call after removal');
});

test('strict-schemas checks an unobserved post of a declared type', () => {
    const schema = Notification.Schema.new();
    schema.add_key('out_string', 's', true);
    const lenient = Notification.Center.new();
    const strict = new Notification.Center({strict_schemas: true});
    assert(!lenient.strict_schemas, 'off by default');
    assert(strict.get_strict_schemas(), 'on when asked');
    for (const center of [lenient, strict])
        center.register_schema('stdout', schema);
    // post_checked checks in both; the property only changes what skips
    // building user info (post_values, the Python override).
    let threw = false;
    try {
        strict.post_checked('stdout', null, nInfo(1));
    } catch (e) {
        threw = e.matches(Notification.Error, Notification.Error.MISSING_KEY);
    }
    assert(threw, 'missing key reported');
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
