#!/usr/bin/env python3
"""tests/root/groups.sh's program (copied under distinctive names):

  groups_traffic.py SERVER_ADDR PORT CLIENT_ADDR N SEND REPLY READY GO

A server on SERVER_ADDR:PORT and N connections to it from CLIENT_ADDR, all
in this process: each client sends SEND bytes, the server answers REPLY
bytes on each. Then the file READY is written (one JSON line: pid), and
everything stays open until the file GO exists; then all is closed.
"""
import json, os, socket, sys, time

saddr, port, caddr, n, send, reply, ready, go = sys.argv[1:9]
port, n, send, reply = int(port), int(n), int(send), int(reply)


def read_exactly(s, count):
    got = 0
    while got < count:
        b = s.recv(min(65536, count - got))
        if not b:
            raise SystemExit("connection closed early")
        got += len(b)


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((saddr, port))
srv.listen(16)
pairs = []
for i in range(n):
    c = socket.socket()
    c.bind((caddr, 0))
    c.connect((saddr, port))
    a, _ = srv.accept()
    c.sendall(b"c" * send)
    read_exactly(a, send)
    a.sendall(b"s" * reply)
    read_exactly(c, reply)
    pairs.append((c, a))
with open(ready + ".tmp", "w") as f:
    f.write(json.dumps({"pid": os.getpid()}) + "\n")
os.rename(ready + ".tmp", ready)
while not os.path.exists(go):
    time.sleep(0.05)
for c, a in pairs:
    c.close()
    a.close()
srv.close()
