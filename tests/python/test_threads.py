#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Posting, adding and removing from Python threading workers."""

import threading

from common import GObject, TestCase, collect, main

N_THREADS = 4
N_POSTS = 500


class TestThreads(TestCase):
    def test_concurrent_posts(self):
        lock = threading.Lock()
        counts = {}

        def observer(type, sender, worker=None, i=None):
            with lock:
                counts.setdefault(worker, []).append(i)

        self.center.add_observer(observer, 'work')
        senders = [GObject.Object() for _ in range(N_THREADS)]

        def worker(n):
            for i in range(N_POSTS):
                self.center.post('work', senders[n], worker=n, i=i)

        threads = [threading.Thread(target=worker, args=(n,))
                   for n in range(N_THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(counts), list(range(N_THREADS)))
        for n in range(N_THREADS):
            # Each worker's posts arrive once each, in its own order.
            self.assertEqual(counts[n], list(range(N_POSTS)))

    def test_add_remove_while_posting(self):
        stop = threading.Event()
        errors = []
        hits = [0]

        def observer(type, sender, **kw):
            hits[0] += 1

        def poster():
            try:
                while not stop.is_set():
                    self.center.post('churn', k='v')
            except Exception as e:  # pragma: no cover
                errors.append(e)

        def churner():
            try:
                for _ in range(300):
                    h = self.center.add_observer(observer, 'churn')
                    self.center.remove_observer(h)
            except Exception as e:  # pragma: no cover
                errors.append(e)

        posters = [threading.Thread(target=poster) for _ in range(2)]
        churners = [threading.Thread(target=churner) for _ in range(2)]
        for t in posters + churners:
            t.start()
        for t in churners:
            t.join()
        stop.set()
        for t in posters:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_no_call_after_remove_returns(self):
        removed = threading.Event()
        late = []
        stop = threading.Event()

        def observer(type, sender, **kw):
            if removed.is_set():
                late.append(1)

        handle = self.center.add_observer(observer, 'race')

        def poster():
            while not stop.is_set():
                self.center.post('race')

        threads = [threading.Thread(target=poster) for _ in range(2)]
        for t in threads:
            t.start()
        self.center.remove_observer(handle)
        # A call that started before removal may still be running; wait
        # for the GIL to have been handed around, then require silence.
        removed.set()
        stop.set()
        for t in threads:
            t.join()
        # Calls that began before remove_observer() returned may observe
        # the flag set; none may begin afterwards, so at most one per
        # poster thread.
        self.assertLessEqual(len(late), len(threads))

    def test_default_center_from_threads(self):
        from common import Notification
        results = []

        def worker():
            results.append(Notification.Center.get_default())
        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertTrue(all(r is results[0] for r in results))

    def test_remove_callable_and_weak_methods_from_threads(self):
        # Workers add (some weakly held bound methods of short-lived
        # objects) and remove by callable while another thread posts.
        stop = threading.Event()
        errors = []

        class Plain:
            def on(self, type, sender, **info):
                pass

        def poster():
            while not stop.is_set():
                self.center.post('work', n=1)

        def worker(n):
            try:
                def on(type, sender, **info):
                    pass
                for i in range(200):
                    self.center.add_observer(on, 'work')
                    obj = Plain()
                    self.center.add_observer(obj.on, 'work', weak=True)
                    self.center.add_observer(on, None)
                    del obj  # its observer goes with it
                    if self.center.remove_observer(on) != 2:
                        errors.append((n, i))
            except Exception as e:  # pragma: no cover
                errors.append(e)

        post_thread = threading.Thread(target=poster)
        post_thread.start()
        threads = [threading.Thread(target=worker, args=(n,))
                   for n in range(N_THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        post_thread.join()
        collect()
        self.assertEqual(errors, [])
        self.assertEqual(self.center.get_n_observers(), 0)


if __name__ == '__main__':
    main()
