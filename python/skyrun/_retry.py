"""When and how long to wait before trying a failed call again."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

from .errors import ApiError, ClientError, ConnectionError


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter: a random wait between 0 and a cap that doubles per attempt.

    Many clients retrying together spread out instead of hammering the server in step.
    """

    #: Attempts after the first; 0 disables retries.
    retries: int = 4
    #: Cap of the first wait, in seconds; it doubles per attempt.
    min_delay: float = 0.25
    #: Longest wait between two attempts, in seconds (also caps a server's Retry-After).
    max_delay: float = 8.0


def retry_delay(policy: RetryPolicy, attempt: int, error: ClientError, draw: Callable[[], float] = random.random) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 0).

    A server's ``Retry-After`` wins when it is longer than the drawn wait, up to ``max_delay``.
    """
    ceiling = min(policy.max_delay, policy.min_delay * 2.0**attempt)
    drawn = draw() * ceiling
    asked: float = error.retry_after_seconds if isinstance(error, ApiError) and error.retry_after_seconds is not None else 0.0
    return min(policy.max_delay, max(drawn, asked))


def may_retry(error: ClientError, idempotent: bool) -> bool:
    """Whether a failed call may be sent again.

    Idempotent calls (GET, DELETE, renew) are retried on 502/503/504 and on any
    connection failure. Creating sessions is retried only when the server surely did
    nothing: a 503 (skyrun refuses before creating anything; the platform is assumed to
    do the same) or a connection refused before the request was sent.
    """
    if not error.retryable:
        return False
    if idempotent:
        return True
    if isinstance(error, ApiError):
        return error.status == 503
    return isinstance(error, ConnectionError) and error.before_sending
