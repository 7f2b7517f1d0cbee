#!/usr/bin/python3
# python-jupyter.py: a real Jupyter kernel's output, live, as notifications
#   /usr/bin/python3 examples/python-jupyter.py CONNECTION_FILE [CODE]
# (start a kernel with: /usr/bin/python3 -m ipykernel_launcher -f kernel.json;
# from a build tree, see doc/jupyter.md "Try it": GI_TYPELIB_PATH etc.)
# SPDX-License-Identifier: LGPL-2.1-or-later
import sys
import gi
gi.require_version("Notification", "1.0")
gi.require_version("NotificationBridge", "1.0")
from gi.repository import GLib, Notification, NotificationBridge

code = sys.argv[2] if len(sys.argv) > 2 else \
    "import time\nfor i in range(5):\n    print(f'line {i}', flush=True)\n    time.sleep(0.3)"
center, loop, results = Notification.Center.new(), GLib.MainLoop(), []
client = NotificationBridge.JupyterClient.new_for_connection_file(center, sys.argv[1])
# The same observer a local interpreter's `stdout` would have.
center.add_observer(lambda type, sender, out_string, **ids: print("frontend:", out_string, end=""), "stdout", client)
# Finish outside the callbacks: an error raised in one would not end the loop.
client.connect_async(None, lambda c, r: (results.append(r), loop.quit()))
loop.run()
client.connect_finish(results.pop())
client.execute_async(code, None, lambda c, r: (results.append(r), loop.quit()))
loop.run()
try:
    sys.exit(0 if client.execute_finish(results.pop()) == "ok" else 1)
except GLib.Error as error:  # the kernel died
    sys.exit(f"python-jupyter: {error.message}")
