"""Waiting for a condition with a deadline: the tests never sleep a fixed time."""

from __future__ import annotations

import time
from typing import Callable, Optional, TypeVar

T = TypeVar("T")


def wait_until(what: str, check: Callable[[], Optional[T]], timeout: float = 60.0, interval: float = 0.1) -> T:
    """Calls ``check`` until it returns something other than None (or False), at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last_error: Optional[BaseException] = None
    while True:
        try:
            value = check()
            if value is not None and value is not False:
                return value
        except Exception as e:  # noqa: BLE001 - reported if the deadline passes
            last_error = e
        if time.monotonic() >= deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:g} s" + (f" (last error: {last_error})" if last_error else ""))
        time.sleep(interval)
        interval = min(1.0, interval * 1.5)
