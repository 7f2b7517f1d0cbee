#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Observers that post, add and remove observers while being called."""

from common import Recorder, TestCase, main


class TestReentrancy(TestCase):
    def test_observer_posts(self):
        log = []

        def relay(type, sender, depth=0):
            log.append((type, depth))
            if depth < 3:
                self.center.post('relay', depth=depth + 1)
        self.center.add_observer(relay, 'relay')
        self.center.post('relay')
        self.assertEqual(log, [('relay', 0), ('relay', 1), ('relay', 2),
                               ('relay', 3)])

    def test_nested_post_of_other_user_info(self):
        # The nested post's observers get their own user info, not the
        # outer one's (the override reuses the keyword values only for its
        # own post).
        got = []
        self.center.add_observer(
            lambda t, s, **kw: (got.append(kw),
                                self.center.post('inner', v='inner')),
            'outer')
        self.center.add_observer(lambda t, s, **kw: got.append(kw), 'inner')
        self.center.post('outer', v='outer')
        self.assertEqual(got, [{'v': 'outer'}, {'v': 'inner'}])

    def test_observer_removes_itself(self):
        calls = []

        def once(type, sender, **kw):
            calls.append(type)
            self.center.remove_observer(handle)
        handle = self.center.add_observer(once, 't')
        self.center.post('t')
        self.center.post('t')
        self.assertEqual(calls, ['t'])
        self.assertFalse(self.center.has_observers('t'))

    def test_removed_before_its_turn_is_not_called(self):
        log = []
        later = Recorder('later', log)

        def remover(type, sender, **kw):
            log.append('remover')
            self.center.remove_observer(later_id)
        self.center.add_observer(remover, 't')
        later_id = self.center.add_observer(later, 't')
        self.center.post('t')
        self.assertEqual(log, ['remover'])

    def test_added_during_post_waits_for_next_post(self):
        log = []
        added = Recorder('added', log)

        def adder(type, sender, **kw):
            log.append('adder')
            if len(log) == 1:
                self.center.add_observer(added, 't')
        self.center.add_observer(adder, 't')
        self.center.post('t')
        self.assertEqual(log, ['adder'])
        self.center.post('t')
        self.assertEqual(log, ['adder', 'adder', 'added'])

    def test_remove_all_from_observer(self):
        log = []
        self.center.add_observer(
            lambda t, s, **kw: (log.append('first'),
                                self.center.remove_all_observers()))
        self.center.add_observer(Recorder('second', log))
        self.center.post('t')
        self.assertEqual(log, ['first'])
        self.assertEqual(self.center.get_n_observers(), 0)

    def test_observing_inside_observer(self):
        log = []

        def outer(type, sender, **kw):
            with self.center.observing(Recorder('inner', log), 'inner'):
                self.center.post('inner')
            log.append('outer')
        self.center.add_observer(outer, 'outer')
        self.center.post('outer')
        self.assertEqual(log, ['inner', 'outer'])
        self.assertEqual(self.center.get_n_observers(), 1)


if __name__ == '__main__':
    main()
