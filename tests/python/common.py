# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared set-up of the Python binding tests.

Loads the in-tree override (NOTIFICATION_OVERRIDE_DIR, else PYTHONPATH's
gi/overrides) ahead of any installed copy, and the typelib from
GI_TYPELIB_PATH.  Exits with 77 (skipped) only when PyGObject is missing.
"""

import gc
import os
import sys
import unittest

try:
    import gi
    import gi.overrides
except ImportError as e:  # pragma: no cover
    print('SKIP: PyGObject (gi) is not available: %s' % e)
    sys.exit(77)

_override_dir = os.environ.get('NOTIFICATION_OVERRIDE_DIR')
if _override_dir:
    # An installed Notification.py in PyGObject's own overrides directory
    # would otherwise shadow the one under test.
    gi.overrides.__path__.insert(0, os.path.join(_override_dir, 'gi', 'overrides'))
_accel_dir = os.environ.get('NOTIFICATION_ACCEL_DIR')
if _accel_dir:
    # The accelerator gi.overrides._notification, in the build tree.
    gi.overrides.__path__.insert(1, os.path.join(_accel_dir, 'gi', 'overrides'))

gi.require_version('GLib', '2.0')
gi.require_version('GObject', '2.0')
gi.require_version('Notification', '1.0')
from gi.repository import GLib, GObject, Notification  # noqa: E402

import gi.overrides.Notification as override_module  # noqa: E402

if _override_dir:
    assert os.path.realpath(override_module.__file__).startswith(
        os.path.realpath(_override_dir)), override_module.__file__

__all__ = ['GLib', 'GObject', 'Notification', 'Recorder', 'TestCase',
           'collect', 'main', 'override_module']


def collect():
    for _ in range(3):
        gc.collect()


class Recorder:
    """A callable that records (type, sender, user_info) calls."""

    def __init__(self, name=None, log=None):
        self.name = name
        self.calls = []
        self.log = log

    def __call__(self, type, sender, **user_info):
        self.calls.append((type, sender, user_info))
        if self.log is not None:
            self.log.append(self.name)


class TestCase(unittest.TestCase):
    def setUp(self):
        self.center = Notification.Center.new()

    def tearDown(self):
        self.center.remove_all_observers()
        del self.center
        collect()

    def assertNotificationError(self, cm, code):
        error = cm.exception
        self.assertTrue(error.matches(Notification.error_quark(), code),
                        '%s is not NotificationError %s' % (error, code))


def main():
    unittest.main(verbosity=2)
