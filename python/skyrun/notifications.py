"""Checking skyrun's completion notifications (a ``notify=<url>`` session or set).

Each POST carries ``x-skyrun-signature: t=<unix seconds>,v1=<hex>``, where ``<hex>`` is
HMAC-SHA256, keyed with your notification key (``GET /skaha/v1/notifications/key``, the
text itself as UTF-8), of ``"<t>."`` followed by the raw body bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "x-skyrun-signature"
DELIVERY_HEADER = "x-skyrun-delivery"
EVENT_HEADER = "x-skyrun-event"


def verify_notification_signature(body: bytes | str, header: str | None, key: str, *, tolerance_seconds: float = 300, now: float | None = None) -> bool:
    """True when ``header`` signs ``body`` (exactly the bytes received) with ``key`` and its time is within ``tolerance_seconds`` of ``now``.

    Never raises on a malformed header; it is simply not valid. Drop repeats by the ``x-skyrun-delivery`` header:
    a notification retried after a restart carries the same one.
    """
    if not header:
        return False
    parts = [p.strip() for p in header.split(",")]
    t = next((p[2:] for p in parts if p.startswith("t=")), None)
    if t is None or not t.isdigit() or len(t) > 12:
        return False
    current = time.time() if now is None else now
    if abs(current - int(t)) > tolerance_seconds:
        return False
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    expected = hmac.new(key.encode("utf-8"), t.encode("ascii") + b"." + raw, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(p[3:].lower(), expected) for p in parts if p.startswith("v1="))
