#!/usr/bin/python3
# python-console.py: libnotification from Python (PyGObject)
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A worker thread plays the interpreter and posts `stdout` and `progress`
# notifications; the "frontend" observes them on the main loop, so its
# callbacks run in the main thread, in posting order. Run with Debian's
# /usr/bin/python3 (it has PyGObject); in a build tree set GI_TYPELIB_PATH
# and LD_LIBRARY_PATH to <build>/notification and PYTHONPATH to
# <source>/introspection (the override).

import sys
import threading

import gi
gi.require_version("Notification", "1.0")
from gi.repository import GLib, GObject, Notification

# Steps of the long-running block; the test suite also runs thousands.
N_STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 5

center = Notification.Center.get_default()
interpreter = GObject.Object()          # the sender: "who printed this"
loop = GLib.MainLoop()
shown = []


def on_stdout(type, sender, out_string):
    # Keyword arguments are the user info, unpacked.
    assert threading.current_thread() is threading.main_thread()
    shown.append(out_string)
    if N_STEPS <= 10:
        print("frontend:", out_string, end="")


def on_progress(type, sender, fraction):
    if N_STEPS <= 10:
        print(f"frontend: {fraction:4.0%} done")


def on_finished(type, sender, **user_info):
    # The one queue of the main context: every line came before this.
    assert len(shown) == N_STEPS, (len(shown), N_STEPS)
    loop.quit()


def run_block():
    for step in range(1, N_STEPS + 1):
        # Keywords become an a{sv} dictionary, built only if someone
        # observes this type from this sender.
        center.post("stdout", interpreter, out_string=f"step {step} of {N_STEPS}\n")
        center.post("progress", interpreter, fraction=step / N_STEPS)
    center.post("finished", interpreter)


context = GLib.MainContext.default()
ids = [
    center.add_observer(on_stdout, "stdout", interpreter, context=context),
    center.add_observer(on_progress, "progress", interpreter, context=context),
    center.add_observer(on_finished, "finished", interpreter, context=context),
]

worker = threading.Thread(target=run_block)
worker.start()
loop.run()
worker.join()

for handle in ids:
    center.remove_observer(handle)
assert shown == [f"step {step} of {N_STEPS}\n" for step in range(1, N_STEPS + 1)], shown

# Nobody observes now: posting costs a constant and converts nothing.
assert not center.has_observers("stdout", interpreter)
center.post("stdout", interpreter, out_string="nobody sees this\n")

# A synchronous observer for the length of a `with` block, every sender.
seen = []
with center.observing(lambda type, sender, **info: seen.append(info), "stdout"):
    center.post("stdout", None, out_string="seen\n", line=3)
center.post("stdout", None, out_string="not seen\n")
assert seen == [{"out_string": "seen\n", "line": 3}], seen
print("python example: OK")
