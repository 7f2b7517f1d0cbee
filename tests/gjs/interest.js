// SPDX-License-Identifier: LGPL-2.1-or-later
//
// GJS binding test of watch_interest (ES module, run with `gjs -m`);
// prints TAP.

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

function drain(context) {
    while (context.pending())
        context.iteration(false);
}

const noop = () => {};

test('first observer and last observer', () => {
    const center = Notification.Center.new();
    const context = GLib.MainContext.new();
    const reports = [];
    const id = center.watch_interest(context, (c, type, sender, observed) => {
        assert(c === center, 'center argument');
        reports.push([type, sender, observed]);
    });
    assert(id > 0, 'watcher id');
    const a = center.add_observer('stdout', null, noop);
    const b = center.add_observer('stdout', null, noop);
    assertEqual(reports, [], 'reported on the context only');
    drain(context);
    assertEqual(reports, [['stdout', null, true]]);
    center.remove_observer(a);
    center.remove_observer(b);
    drain(context);
    assertEqual(reports, [['stdout', null, true], ['stdout', null, false]]);
    center.unwatch_interest(id);
});

test('pairs observed before, senders, every type', () => {
    const center = Notification.Center.new();
    const context = GLib.MainContext.new();
    const interpreter = new GObject.Object();
    center.add_observer(null, interpreter, noop);
    const reports = [];
    const id = center.watch_interest(context, (c, type, sender, observed) =>
        reports.push([type, sender === interpreter, observed]));
    drain(context);
    assertEqual(reports, [[null, true, true]], 'the pair observed at the start');
    center.remove_all_observers();
    drain(context);
    assertEqual(reports, [[null, true, true], [null, true, false]], 'then its loss');
    // Gained and lost before the watcher was told: nothing to tell.
    center.add_observer('t', interpreter, noop);
    center.remove_all_observers();
    drain(context);
    assertEqual(reports.length, 2, 'coalesced');
    center.unwatch_interest(id);
});

test('list_interests', () => {
    const center = Notification.Center.new();
    const interpreter = new GObject.Object();
    center.add_observer('stdout', interpreter, noop);
    center.add_observer('stdout', interpreter, noop);
    const interests = center.list_interests();
    assertEqual(interests.length, 1, 'one pair');
    assert(interests[0] instanceof Notification.Interest, 'a Notification.Interest');
    assertEqual(interests[0].get_notification_type(), 'stdout');
    assert(interests[0].get_sender() === interpreter, 'its sender');
    center.remove_all_observers();
    assertEqual(center.list_interests().length, 0, 'nothing observed');
});

test('signal handlers are not reported', () => {
    const center = Notification.Center.new();
    const context = GLib.MainContext.new();
    const reports = [];
    const id = center.watch_interest(context, (c, type) => reports.push(type));
    const handler = center.connect('notification::t', noop);
    assert(center.has_observers('t', null), 'has_observers counts the handler');
    drain(context);
    assertEqual(reports, []);
    center.disconnect(handler);
    center.unwatch_interest(id);
});

test('unwatch drops queued reports', () => {
    const center = Notification.Center.new();
    const context = GLib.MainContext.new();
    const reports = [];
    const id = center.watch_interest(context, (c, type) => reports.push(type));
    center.add_observer('t', null, noop);
    center.unwatch_interest(id);
    drain(context);
    assertEqual(reports, []);
    center.unwatch_interest(id);
});

test('default main context', () => {
    const center = Notification.Center.new();
    const reports = [];
    const id = center.watch_interest(null, (c, type, sender, observed) =>
        reports.push([type, observed]));
    center.add_observer('t', null, noop);
    drain(GLib.MainContext.default());
    assertEqual(reports, [['t', true]]);
    center.unwatch_interest(id);
});

test('a FORWARDER observer is not reported', () => {
    const center = Notification.Center.new();
    const context = new GLib.MainContext();
    const reports = [];
    const got = [];
    const id = center.watch_interest(context, (c, type, sender, observed) =>
        reports.push([type, observed]));
    const forwarder = center.add_observer_with_flags('t', null, null, null,
        Notification.ObserverFlags.FORWARDER, (c, type) => got.push(type));
    drain(context);
    assertEqual(reports, []);
    assertEqual(center.list_interests().length, 0, 'list_interests');
    center.post('t', null, null);
    assertEqual(got, ['t']);
    const real = center.add_observer('t', null, noop);
    drain(context);
    assertEqual(reports, [['t', true]]);
    center.remove_observer(real);
    drain(context);
    assertEqual(reports, [['t', true], ['t', false]]);
    center.remove_observer(forwarder);
    drain(context);
    assertEqual(reports.length, 2);
    center.unwatch_interest(id);
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
