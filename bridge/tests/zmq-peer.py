#!/usr/bin/python3
# zmq-peer.py: another implementation of the ZeroMQ bridge's wire format,
# written from doc/zeromq-bridge.md ("Wire format") alone: pyzmq for the
# sockets, GLib's GVariant (gi.repository.GLib, not the bridge library)
# for the body. It publishes to notification-monitor and subscribes to
# notification-post, the C side.
#
# Usage: zmq-peer.py   (NOTIFICATION_MONITOR, NOTIFICATION_POST: the tools)
# Prints TAP.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import json
import os
import struct
import subprocess
import sys

import zmq
from gi.repository import GLib

TIMEOUT_MS = 10000
BODY_TYPE = "(sa{sv})"
n_tests = 0


def ok(cond, name):
    global n_tests
    n_tests += 1
    print(("ok %d %s" if cond else "not ok %d %s") % (n_tests, name), flush=True)
    if not cond:
        sys.exit(1)


def encode(type_, identity, sequence, sender, user_info):
    """The two frames of a notification."""
    body = GLib.Variant(BODY_TYPE, (sender, user_info)).get_normal_form()
    if sys.byteorder == "big":
        body = body.byteswap()
    header = struct.pack("<B7x16sQ", 1, identity, sequence)
    return [type_.encode() + b"\0", header + body.get_data_as_bytes().get_data()]


def decode(frames):
    assert len(frames) == 2, "two frames"
    topic, frame = frames
    assert topic.endswith(b"\0") and b"\0" not in topic[:-1]
    version, identity, sequence = struct.unpack_from("<B7x16sQ", frame)
    assert version == 1 and frame[1:8] == bytes(7)
    body = GLib.Variant.new_from_bytes(GLib.VariantType(BODY_TYPE),
                                       GLib.Bytes(frame[32:]), False)
    if sys.byteorder == "big":
        body = body.byteswap()
    assert body.is_normal_form()
    return topic[:-1].decode(), identity, sequence, body.get_child_value(0).get_string(), body.get_child_value(1)


def publish_to_monitor(ctx):
    """pyzmq publishes, notification-monitor --zmq receives."""
    xpub = ctx.socket(zmq.XPUB)
    xpub.linger = 1000
    port = xpub.bind_to_random_port("tcp://127.0.0.1")
    monitor = subprocess.Popen([os.environ["NOTIFICATION_MONITOR"], "--zmq",
                                "tcp://127.0.0.1:%d" % port, "--type", "stdout",
                                "--count", "1", "--json"],
                               stdout=subprocess.PIPE, text=True)
    # the subscription: 0x01, the type, its NUL
    ok(xpub.poll(TIMEOUT_MS) == zmq.POLLIN, "the monitor subscribed")
    ok(xpub.recv() == b"\x01stdout\x00", "to stdout and its terminator")

    identity = os.urandom(16)
    # what the monitor must drop: an unknown version, then another type
    bad = encode("stdout", identity, 1, "", {})
    bad[1] = b"\x02" + bad[1][1:]
    xpub.send_multipart(bad)
    xpub.send_multipart(encode("stdout", identity, 2, "7", {
        "out_string": GLib.Variant("s", "from python"),
        "n": GLib.Variant("i", 3),
    }))
    out, _ = monitor.communicate(timeout=TIMEOUT_MS / 1000)
    ok(monitor.returncode == 0, "the monitor exited 0")
    got = json.loads(out.splitlines()[0])
    ok(got["type"] == "stdout", "the type")
    ok(got["user_info"] == {"out_string": "from python", "n": 3}, "the user info")
    ok(got["sender"] == "zmq:%s/7" % identity.hex(), "the sender: identity and sender id")
    xpub.close()


def subscribe_to_post(ctx):
    """notification-post --zmq publishes, pyzmq receives."""
    sub = ctx.socket(zmq.SUB)
    sub.linger = 0
    sub.setsockopt(zmq.SUBSCRIBE, b"progress\0")
    port = sub.bind_to_random_port("tcp://127.0.0.1")
    post = subprocess.Popen([os.environ["NOTIFICATION_POST"], "--zmq",
                             "tcp://127.0.0.1:%d" % port, "progress", "fraction=0.5",
                             "label=half"])
    # a bound socket attaches a new connection (and sends it the
    # subscriptions) only when the program calls into it: poll, do not
    # just wait for the process
    ok(sub.poll(TIMEOUT_MS) == zmq.POLLIN, "a message came")
    ok(post.wait(timeout=TIMEOUT_MS / 1000) == 0, "the post exited 0 (it saw the subscription)")
    type_, identity, sequence, sender, user_info = decode(sub.recv_multipart())
    ok(type_ == "progress", "the type")
    ok(len(identity) == 16, "a 16-byte identity")
    ok(sequence == 1, "the first of its type")
    ok(sender == "", "no sender")
    ok(user_info.unpack() == {"fraction": 0.5, "label": "half"}, "the user info")
    sub.close()


def main():
    print("1..13", flush=True)
    ctx = zmq.Context()
    publish_to_monitor(ctx)
    subscribe_to_post(ctx)
    ctx.term()


if __name__ == "__main__":
    main()
