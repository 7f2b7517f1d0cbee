#!/usr/bin/python3
# jupyter-bench.py: libnotification's Jupyter client beside jupyter_client,
# against one real kernel, in the same run (doc/jupyter.md, Benchmark).
#
#   /usr/bin/python3 bridge/bench/jupyter-bench.py build/bridge/bench/jupyter-bench [ROUNDS]
#
# Each round runs the C bench, then jupyter_client's BlockingKernelClient
# doing the same: the delay from a stream message's header.date to
# get_iopub_msg() returning it, and execute('pass') to the reply
# (get_shell_msg) and to reply + idle; then, for the floor, a bare pyzmq
# SUB reading the same kind of cell (delay only).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client import BlockingKernelClient

N_STREAM = 200
N_EXECUTE = 300


def q(values, p):
    values = sorted(values)
    return values[int(p * (len(values) - 1) + 0.5)]


def jc_bench(path):
    kc = BlockingKernelClient(connection_file=path)
    kc.load_connection_file()
    kc.start_channels()
    kc.wait_for_ready(timeout=30)
    delays = []
    code = 'import time\nfor i in range(%d):\n    print(i, flush=True)\n    time.sleep(0.005)\n' % N_STREAM
    msg_id = kc.execute(code)
    while True:
        msg = kc.get_iopub_msg(timeout=30)
        now = datetime.datetime.now(datetime.timezone.utc)
        if msg['parent_header'].get('msg_id') != msg_id:
            continue
        if msg['msg_type'] == 'stream':
            delays.append((now - msg['header']['date']).total_seconds() * 1000)
        if msg['msg_type'] == 'status' and msg['content']['execution_state'] == 'idle':
            break
    kc.get_shell_msg(timeout=30)
    replies, idles = [], []
    for i in range(20 + N_EXECUTE):
        start = time.monotonic()
        msg_id = kc.execute('pass')
        while kc.get_shell_msg(timeout=30)['parent_header'].get('msg_id') != msg_id:
            pass
        reply = time.monotonic()
        while True:
            msg = kc.get_iopub_msg(timeout=30)
            if (msg['parent_header'].get('msg_id') == msg_id and msg['msg_type'] == 'status'
                    and msg['content']['execution_state'] == 'idle'):
                break
        done = time.monotonic()
        if i >= 20:
            replies.append((reply - start) * 1000)
            idles.append((done - start) * 1000)
    kc.stop_channels()
    return {'client': 'jupyter_client', 'stream_n': len(delays),
            'delay_median_ms': statistics.median(delays), 'delay_p99_ms': q(delays, 0.99),
            'execute_n': len(replies), 'reply_median_ms': statistics.median(replies),
            'reply_p99_ms': q(replies, 0.99), 'reply_idle_median_ms': statistics.median(idles),
            'reply_idle_p99_ms': q(idles, 0.99)}


def raw_bench(path):
    # The floor for a Python reader: a bare pyzmq SUB, header.date parsed
    # on arrival, no deserialisation of the rest, no signature check.
    import zmq
    info = json.load(open(path))
    kc = BlockingKernelClient(connection_file=path)
    kc.load_connection_file()
    kc.start_channels()
    kc.wait_for_ready(timeout=30)
    ctx = zmq.Context.instance()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b'')
    sub.connect('tcp://%s:%d' % (info['ip'], info['iopub_port']))
    # slow joiner: wait until our SUB sees a kernel_info answer
    while True:
        msg_id = kc.kernel_info()
        if sub.poll(100):
            sub.recv_multipart()
            break
    while sub.poll(200):
        sub.recv_multipart()
    code = 'import time\nfor i in range(%d):\n    print(i, flush=True)\n    time.sleep(0.005)\n' % N_STREAM
    msg_id = kc.execute(code)
    delays = []
    while True:
        frames = sub.recv_multipart()
        now = datetime.datetime.now(datetime.timezone.utc)
        i = frames.index(b'<IDS|MSG>')
        header = json.loads(frames[i + 2])
        if json.loads(frames[i + 3]).get('msg_id') != msg_id:
            continue
        if header['msg_type'] == 'stream':
            date = datetime.datetime.fromisoformat(header['date'].replace('Z', '+00:00'))
            delays.append((now - date).total_seconds() * 1000)
        if header['msg_type'] == 'status' and b'idle' in frames[i + 5]:
            break
    sub.close()
    kc.stop_channels()
    nan = float('nan')
    return {'client': 'raw pyzmq SUB', 'stream_n': len(delays),
            'delay_median_ms': statistics.median(delays), 'delay_p99_ms': q(delays, 0.99),
            'execute_n': 0, 'reply_median_ms': nan, 'reply_p99_ms': nan,
            'reply_idle_median_ms': nan, 'reply_idle_p99_ms': nan}


def main():
    bench = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    d = tempfile.mkdtemp()
    path = os.path.join(d, 'kernel.json')
    kernel = subprocess.Popen(['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', path],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not os.path.exists(path) or os.path.getsize(path) == 0:
            time.sleep(0.05)  # the kernel writes the file; wait_for_ready/connect do the rest
        time.sleep(0.1)
        results = []
        for r in range(rounds):
            out = subprocess.run([bench, path, str(N_STREAM), str(N_EXECUTE)], check=True,
                                 capture_output=True, text=True).stdout
            results.append(json.loads(out))
            results.append(jc_bench(path))
            results.append(raw_bench(path))
        keys = ['delay_median_ms', 'delay_p99_ms', 'reply_median_ms', 'reply_p99_ms',
                'reply_idle_median_ms', 'reply_idle_p99_ms']
        print('%-16s ' % 'client' + ' '.join('%20s' % k for k in keys))
        for res in results:
            print('%-16s ' % res['client'] + ' '.join('%20.3f' % res[k] for k in keys))
        for k in ['delay_median_ms', 'reply_median_ms', 'reply_idle_median_ms']:
            ours = statistics.median(r[k] for r in results if r['client'] == 'libnotification')
            theirs = statistics.median(r[k] for r in results if r['client'] == 'jupyter_client')
            print('%s: libnotification %.3f, jupyter_client %.3f, ratio %.2f' % (k, ours, theirs, ours / theirs))
    finally:
        kernel.terminate()
        kernel.wait()


main()
