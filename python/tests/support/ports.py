"""Free loopback ports in this worktree's agreed range (SKYRUN_TEST_SERVICE_PORT_FIRST..LAST)."""

from __future__ import annotations

import os
import random
import socket

FIRST = int(os.environ.get("SKYRUN_TEST_SERVICE_PORT_FIRST", "5500"))
LAST = int(os.environ.get("SKYRUN_TEST_SERVICE_PORT_LAST", "5599"))
_taken: set = set()


def free_port() -> int:
    """A port nothing listens on now, from a random start so parallel runs rarely collide."""
    span = LAST - FIRST + 1
    start = random.randrange(span)
    for i in range(span):
        port = FIRST + (start + i) % span
        if port in _taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _taken.add(port)
        return port
    raise RuntimeError(f"no free port in {FIRST}-{LAST}")
