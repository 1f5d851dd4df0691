#!/usr/bin/env python3
"""Exit 0 when TCP and UDP PORT are both bindable on 127.0.0.1.

  port_free.py PORT
"""
import socket, sys
p = int(sys.argv[1])
for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
    s = socket.socket(socket.AF_INET, kind)
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        sys.exit(1)
    finally:
        s.close()
