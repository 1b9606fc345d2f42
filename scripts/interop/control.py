#!/usr/bin/env python3
"""Send one JSON request to trackersim's control socket and print the reply.

Usage: control.py SOCKET 'JSON'   (exit status 1 when the reply says "ok": false)
"""
import json
import socket
import sys


def request(path, payload):
    """One request, one reply line, parsed."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(path)
        line = payload if isinstance(payload, str) else json.dumps(payload)
        sock.sendall(line.encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    return json.loads(reply)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    answer = request(sys.argv[1], sys.argv[2])
    print(json.dumps(answer, ensure_ascii=False))
    sys.exit(0 if answer.get("ok") else 1)
