#!/usr/bin/env python3
# stuck-listener.py PATH: a unix socket at PATH that never accepts, its queue full, so a
# blocking connect to it waits for good. Prints "full" once it is, then sleeps until killed.
import os
import socket
import sys
import time

path = sys.argv[1]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(0)
queued = []
while True:
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.setblocking(False)
    try:
        c.connect(path)
    except BlockingIOError:
        break
    queued.append(c)
print("full", flush=True)
while True:
    time.sleep(60)
