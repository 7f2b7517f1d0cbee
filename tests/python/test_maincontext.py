#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Delivery through a GLib.MainContext, as a GTK frontend receives stdout."""

import threading

from common import GLib, GObject, TestCase, main


class TestMainContext(TestCase):
    def run_until(self, loop, predicate, timeout=10):
        def check():
            if predicate():
                loop.quit()
                return GLib.SOURCE_REMOVE
            return GLib.SOURCE_CONTINUE
        GLib.timeout_add(5, check)
        timed_out = []
        GLib.timeout_add_seconds(timeout, lambda: (timed_out.append(1),
                                                   loop.quit()))
        loop.run()
        self.assertFalse(timed_out, 'timed out')

    def test_delivered_from_the_loop_in_order(self):
        loop = GLib.MainLoop()
        got = []
        main_thread = threading.get_ident()
        self.center.add_observer(
            lambda t, s, n=0, **kw: got.append((n, threading.get_ident())),
            'stdout', context=GLib.MainContext.default())
        for n in range(20):
            self.center.post('stdout', n=n)
        self.assertEqual(got, [], 'not called on the posting thread')
        self.run_until(loop, lambda: len(got) == 20)
        self.assertEqual([n for n, _ in got], list(range(20)))
        self.assertTrue(all(t == main_thread for _, t in got))

    def test_worker_thread_posts_to_main_loop(self):
        loop = GLib.MainLoop()
        interpreter = GObject.Object()
        got = []
        main_thread = threading.get_ident()

        def on_stdout(type, sender, out_string=None, seq=None):
            got.append((sender, out_string, seq, threading.get_ident()))

        self.center.add_observer(on_stdout, 'stdout', interpreter,
                                 context=GLib.MainContext.default())

        def worker():
            for i in range(50):
                self.center.post('stdout', interpreter,
                                 out_string='line %d\n' % i, seq=[i])
        thread = threading.Thread(target=worker)
        thread.start()
        self.run_until(loop, lambda: len(got) == 50)
        thread.join()
        self.assertEqual([g[2] for g in got], [[i] for i in range(50)])
        self.assertEqual(got[7][1], 'line 7\n')
        self.assertTrue(all(g[0] is interpreter for g in got))
        self.assertTrue(all(g[3] == main_thread for g in got))

    def test_own_context(self):
        context = GLib.MainContext.new()
        got = []
        handle = self.center.add_observer(
            lambda t, s, **kw: got.append(kw), 't', context=context)
        self.center.post('t', a='b')
        self.assertEqual(got, [])
        GLib.MainContext.default().iteration(False)
        self.assertEqual(got, [])
        while context.pending():
            context.iteration(False)
        self.assertEqual(got, [{'a': 'b'}])
        self.center.remove_observer(handle)
        self.center.post('t', a='c')
        while context.pending():
            context.iteration(False)
        self.assertEqual(got, [{'a': 'b'}])

    def test_exception_in_context_observer_reported(self):
        import sys
        reported = []
        context = GLib.MainContext.new()
        got = []

        def bad(t, s, **kw):
            raise ValueError('in context')
        self.center.add_observer(bad, 't', context=context)
        self.center.add_observer(lambda t, s, **kw: got.append(kw), 't',
                                 context=context)
        self.center.post('t', k=1)
        old = sys.excepthook
        sys.excepthook = lambda *a: reported.append(a)
        try:
            while context.pending():
                context.iteration(False)
        finally:
            sys.excepthook = old
        self.assertEqual(got, [{'k': 1}])
        self.assertIs(reported[0][0], ValueError)


if __name__ == '__main__':
    main()
