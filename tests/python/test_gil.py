#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The GIL and the core: C threads calling Python observers while the
main thread adds, removes and posts, with forced interleavings.

A thread "in C" is a Python thread calling the C function
notification_center_post() through ctypes, which releases the GIL for
the call: the core then calls the accelerator's trampoline on a thread
that does not hold the GIL, as any C thread would.
"""

import ctypes
import os
import re
import threading

from common import GLib, Recorder, TestCase, main

TIMEOUT = 10



def _find_library(name='libnotification-1.0.so.0'):
    for directory in os.environ.get('LD_LIBRARY_PATH', '').split(':'):
        if directory and os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    return name  # the installed one


_lib = ctypes.CDLL(_find_library())
_lib.notification_center_post.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                          ctypes.c_void_p, ctypes.c_void_p]
_lib.notification_center_post.restype = None


def c_pointer(gobject):
    """The C address of a GObject wrapper (from its repr)."""
    found = re.search(r'\((\w+) at (0x[0-9a-f]+)\)', repr(gobject))
    return int(found.group(2), 16)


def c_post(center, type):
    """Posts from C, without the GIL."""
    _lib.notification_center_post(c_pointer(center), type.encode(), None,
                                  None)


class TestGil(TestCase):
    def test_c_thread_calls_observer_while_main_adds_and_removes(self):
        entered = threading.Event()
        release = threading.Event()
        calls = []

        def blocking(type, sender, **kw):
            calls.append(threading.current_thread().name)
            entered.set()
            # Waiting releases the GIL: the main thread runs meanwhile,
            # with this thread inside the core's delivery.
            self.assertTrue(release.wait(TIMEOUT))

        h = self.center.add_observer(blocking, 'c')
        worker = threading.Thread(target=c_post, args=(self.center, 'c'),
                                  name='c-poster')
        worker.start()
        self.assertTrue(entered.wait(TIMEOUT))
        # The core is calling a Python observer on the C thread: the main
        # thread adds, posts, removes (the one being called, too).
        rec = Recorder()
        others = [self.center.add_observer(rec, 'c') for _ in range(20)]
        self.center.post('other')
        for o in others:
            self.center.remove_observer(o)
        self.center.remove_observer(h)
        release.set()
        worker.join(TIMEOUT)
        self.assertFalse(worker.is_alive(), 'deadlock')
        self.assertEqual(calls, ['c-poster'])
        # The observers added during the post were not called by it.
        self.assertEqual(rec.calls, [])
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_c_thread_waits_for_gil_while_main_removes(self):
        # The C thread is about to enter the observer (it waits for the
        # GIL, held here) when the main thread removes it: remove must
        # not wait for the call, and the call may still run once.
        calls = []

        def observer(type, sender, **kw):
            calls.append(type)

        h = self.center.add_observer(observer, 'c')
        barrier = threading.Barrier(2, timeout=TIMEOUT)

        def poster():
            barrier.wait()
            c_post(self.center, 'c')

        worker = threading.Thread(target=poster)
        worker.start()
        barrier.wait()
        self.center.remove_observer(h)
        worker.join(TIMEOUT)
        self.assertFalse(worker.is_alive(), 'deadlock')
        self.assertLessEqual(len(calls), 1)
        c_post(self.center, 'c')
        self.assertLessEqual(len(calls), 1)

    def test_many_c_threads_and_python_posters(self):
        counts = {'c': 0, 'py': 0}
        lock = threading.Lock()

        def observer(type, sender, **kw):
            with lock:
                counts[type] += 1

        self.center.add_observer(observer, 'c')
        self.center.add_observer(observer, 'py')
        barrier = threading.Barrier(6, timeout=TIMEOUT)
        n = 300

        def c_worker():
            barrier.wait()
            for _ in range(n):
                c_post(self.center, 'c')

        def py_worker():
            barrier.wait()
            for i in range(n):
                self.center.post('py', None, i=i, text='x')

        def churn():
            barrier.wait()
            for _ in range(n):
                self.center.remove_observer(
                    self.center.add_observer(Recorder(), 'c'))

        threads = ([threading.Thread(target=c_worker) for _ in range(2)] +
                   [threading.Thread(target=py_worker) for _ in range(2)] +
                   [threading.Thread(target=churn) for _ in range(2)])
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT * 3)
            self.assertFalse(t.is_alive(), 'deadlock')
        self.assertEqual(counts, {'c': 2 * n, 'py': 2 * n})

    def test_queued_python_post_from_threads_to_main_loop(self):
        context = GLib.MainContext.new()
        got = []
        self.center.add_observer(lambda t, s, **kw: got.append(kw['i']),
                                 'q', context=context)
        barrier = threading.Barrier(3, timeout=TIMEOUT)

        def worker(base):
            barrier.wait()
            for i in range(200):
                self.center.post('q', None, i=base + i)

        threads = [threading.Thread(target=worker, args=(k * 1000,))
                   for k in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT)
        while context.iteration(False):
            pass
        self.assertEqual(sorted(got), sorted(
            k * 1000 + i for k in range(3) for i in range(200)))
        # Each worker's posts in its own order.
        for k in range(3):
            mine = [i for i in got if i // 1000 == k]
            self.assertEqual(mine, sorted(mine))


if __name__ == '__main__':
    main()
