#!/usr/bin/python3
# The Jupyter client from Python, against a real kernel (issue 17).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import ctypes
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import unittest

# common.py points gi at the override and accelerator under test.
sys.path.insert(0, os.environ['NOTIFICATION_PY_COMMON_DIR'])
from common import GLib, Notification  # noqa: E402

import gi  # noqa: E402
gi.require_version('NotificationBridge', '1.0')
from gi.repository import NotificationBridge  # noqa: E402

HAVE_KERNEL = importlib.util.find_spec('ipykernel') is not None


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(('127.0.0.1', 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def _die_with_parent():
    # the kernel must not outlive a test process that is killed
    if sys.platform.startswith('linux'):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_kernel(directory):
    path = os.path.join(directory, 'kernel.json')
    shell, iopub, stdin, control, hb = free_ports(5)
    with open(path, 'w') as f:
        json.dump({'shell_port': shell, 'iopub_port': iopub, 'stdin_port': stdin,
                   'control_port': control, 'hb_port': hb, 'ip': '127.0.0.1',
                   'key': 'python-test-key', 'transport': 'tcp',
                   'signature_scheme': 'hmac-sha256', 'kernel_name': ''}, f)
    proc = subprocess.Popen(['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', path],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=_die_with_parent)
    return proc, path


@unittest.skipUnless(HAVE_KERNEL, 'ipykernel is not installed (Debian python3-ipykernel)')
class JupyterClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.kernel, cls.path = start_kernel(cls.dir.name)

    @classmethod
    def tearDownClass(cls):
        cls.kernel.send_signal(signal.SIGTERM)
        cls.kernel.wait(10)
        cls.dir.cleanup()

    def run_loop(self, loop, seconds=30):
        def timeout():
            loop.quit()
            self.fail('timed out')
        source = GLib.timeout_add_seconds(seconds, timeout)
        loop.run()
        GLib.source_remove(source)

    def test_execute(self):
        center = Notification.Center.new()
        client = NotificationBridge.JupyterClient.new_for_connection_file(center, self.path)
        loop = GLib.MainLoop()
        seen = []

        def on_notification(type, sender, **info):
            seen.append((type, sender, info))
        center.add_observer(on_notification, None, client)

        def connected(client, result):
            client.connect_finish(result)
            loop.quit()
        client.connect_async(None, connected)
        self.run_loop(loop)
        self.assertTrue(client.props.connected)
        seen.clear()

        status = []

        def done(client, result):
            status.append(client.execute_finish(result))
            loop.quit()
        msg_id = client.execute_async("print('hello'); 6 * 7", None, done)
        self.run_loop(loop)
        self.assertEqual(status, ['ok'])
        ours = [(t, i) for t, s, i in seen if i.get('parent_msg_id') == msg_id]
        types = [t for t, i in ours]
        self.assertIn('stdout', types)
        self.assertIn('jupyter.execute_result', types)
        self.assertIn('jupyter.execute_reply', types)
        out = [i for t, i in ours if t == 'stdout']
        self.assertEqual(''.join(i['out_string'] for i in out), 'hello\n')
        result = [i for t, i in ours if t == 'jupyter.execute_result'][0]
        self.assertEqual(result['data']['text/plain'], '42')
        self.assertTrue(all(s is client for t, s, i in seen))
        self.assertEqual(client.props.n_dropped, 0)

        # plain execute(): returns the id at once
        msg_id = client.execute('1/0')
        self.assertIsInstance(msg_id, str)

        def on_reply(type, sender, **info):
            if info['parent_msg_id'] == msg_id:
                status.append(info['status'])
                loop.quit()
        handle = center.add_observer(on_reply, 'jupyter.execute_reply', client)
        self.run_loop(loop)
        center.remove_observer(handle)
        self.assertEqual(status[-1], 'error')

    def test_example(self):
        example = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'examples', 'python-jupyter.py')
        out = subprocess.run([sys.executable, example, self.path], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        # one "frontend:" per chunk; the kernel may split a print's text and newline
        self.assertEqual(out.stdout.replace('frontend: ', ''), ''.join('line %d\n' % i for i in range(5)))
        out = subprocess.run([sys.executable, example, self.path, '1/0'], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 1, out.stderr)

    def test_example_kernel_dies(self):
        # a cell that kills its kernel: execute_finish() raises (the
        # heartbeat, ~3 s); the example must still end its loop and exit 1
        example = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'examples', 'python-jupyter.py')
        with tempfile.TemporaryDirectory() as directory:
            kernel, path = start_kernel(directory)
            try:
                out = subprocess.run([sys.executable, example, path, 'import os; os.kill(os.getpid(), 9)'],
                                     capture_output=True, text=True, timeout=30)
            finally:
                kernel.kill()
                kernel.wait(10)
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertIn('stopped answering', out.stderr)

    def test_bad_file(self):
        center = Notification.Center.new()
        bad = os.path.join(self.dir.name, 'bad.json')
        with open(bad, 'w') as f:
            f.write('{"ip": "127.0.0.1"}')
        with self.assertRaises(GLib.Error):
            NotificationBridge.JupyterClient.new_for_connection_file(center, bad)


if __name__ == '__main__':
    unittest.main(verbosity=2)
