#!/usr/bin/python3
# Captures real ipykernel messages as seeds of fuzz-jupyter-message:
#   /usr/bin/python3 tests/fuzz/capture-jupyter-seeds.py tests/fuzz/corpus/fuzz-jupyter-message
# Each seed is the frames of one message, each frame as a 4-byte
# big-endian length then its bytes; the signature is redone with the
# target's key, "fuzz-key" (fuzz-jupyter-message.c).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import hashlib
import hmac
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import uuid

import zmq

FUZZ_KEY = b'fuzz-key'
CELLS = [
    "print('hello')",
    "import sys; print('oops', file=sys.stderr)",
    "6 * 7",
    "from IPython.display import display; display({'text/plain': 'x', 'text/html': '<b>x</b>'}, raw=True)",
    "1/0",
    "[1, 'a', None, 2.5, [True, {}]]",
]


def encode(frames):
    return b''.join(struct.pack('>I', len(f)) + f for f in frames)


def resign(frames):
    i = frames.index(b'<IDS|MSG>')
    sig = hmac.new(FUZZ_KEY, b''.join(frames[i + 2:i + 6]), hashlib.sha256).hexdigest()
    return frames[:i + 1] + [sig.encode()] + frames[i + 2:]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    d = tempfile.mkdtemp()
    path = os.path.join(d, 'kernel.json')
    kernel = subprocess.Popen(['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', path],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not os.path.exists(path) or os.path.getsize(path) == 0:
            time.sleep(0.05)
        time.sleep(0.2)
        info = json.load(open(path))
        key = info['key'].encode()
        ctx = zmq.Context()
        sub = ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.SUBSCRIBE, b'')
        sub.connect('tcp://%s:%d' % (info['ip'], info['iopub_port']))
        shell = ctx.socket(zmq.DEALER)
        shell.connect('tcp://%s:%d' % (info['ip'], info['shell_port']))
        time.sleep(0.5)  # a capture script, not the library: the slow joiner

        def send(msg_type, content):
            header = json.dumps({'msg_id': str(uuid.uuid4()), 'session': 's', 'username': 'u',
                                 'date': '2026-01-01T00:00:00Z', 'msg_type': msg_type,
                                 'version': '5.3'}).encode()
            parts = [header, b'{}', b'{}', json.dumps(content).encode()]
            sig = hmac.new(key, b''.join(parts), hashlib.sha256).hexdigest().encode()
            shell.send_multipart([b'<IDS|MSG>', sig] + parts)

        n = 0
        for cell in CELLS:
            send('execute_request', {'code': cell, 'silent': False, 'store_history': True,
                                     'user_expressions': {}, 'allow_stdin': False})
            deadline = time.time() + 5
            replied = idle = False
            while time.time() < deadline and not (replied and idle):
                for sock in zmq.select([sub, shell], [], [], 0.2)[0]:
                    frames = sock.recv_multipart()
                    header = json.loads(frames[frames.index(b'<IDS|MSG>') + 2])
                    t = header['msg_type']
                    if t == 'execute_reply':
                        replied = True
                    if t == 'status' and b'idle' in frames[-1]:
                        idle = True
                    n += 1
                    with open(os.path.join(out, '%02d-%s' % (n, t)), 'wb') as f:
                        f.write(encode(resign(frames)))
        print('captured', n, 'messages')
    finally:
        kernel.terminate()
        kernel.wait()


main()
