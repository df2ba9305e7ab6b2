"""Typed errors of the SDK.

Every failure the SDK reports is a :class:`ClientError`; the subclass says what went
wrong and carries what a caller needs to react (status and server text, the network
error code, the file at fault). Messages are sentences for people; classify with
``isinstance`` or ``kind``, never by matching the message. The names follow the
TypeScript SDK (``src/client/client-error.ts``).
"""

from __future__ import annotations

import builtins
from typing import Any, Dict, Mapping, Optional, Sequence


class ClientError(Exception):
    """Base of every error the SDK raises on purpose."""

    kind: str = "client"

    @property
    def retryable(self) -> bool:
        """True when trying the same call again later may succeed."""
        return False


class ApiError(ClientError):
    """The server answered with an error status; ``text`` is its body (skaha errors are text/plain sentences)."""

    kind = "api"

    def __init__(self, status: int, text: str, method: str, url: str, retry_after_seconds: Optional[float] = None) -> None:
        super().__init__(f"{method} {url}: {status}{' ' + text if text else ''}")
        self.status = status
        self.text = text
        self.method = method
        self.url = url
        #: Seconds the server asked us to wait (``Retry-After``), when it said.
        self.retry_after_seconds = retry_after_seconds

    @property
    def retryable(self) -> bool:
        return self.status in (502, 503, 504)


class ConnectionError(ClientError, builtins.ConnectionError):  # noqa: A001 - the TypeScript SDK's name; also a builtins.ConnectionError
    """The server could not be reached, or the connection broke (refused, DNS, reset, timeout)."""

    kind = "connection"

    def __init__(self, message: str, code: str, url: str, before_sending: bool) -> None:
        super().__init__(message)
        #: ECONNREFUSED, ENOTFOUND, ECONNRESET, TIMEOUT, …
        self.code = code
        self.url = url
        #: True when nothing was sent (connection refused, name not found): safe to retry any call.
        self.before_sending = before_sending

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    @property
    def retryable(self) -> bool:
        return True


class TlsError(ClientError):
    """The TLS handshake failed: an untrusted or mismatched server certificate, or ours was refused.

    ``hint`` is what the user can do about it: ``ca`` (trust the server's CA, e.g.
    ``ca=``), ``client-certificate``, ``hostname`` or ``other``.
    """

    kind = "tls"

    def __init__(self, message: str, code: str, url: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.url = url
        self.hint = hint


class CredentialsError(ClientError):
    """Our own credentials cannot be used: a certificate file missing, unreadable, malformed, expired or not yet valid."""

    kind = "credentials"

    def __init__(self, message: str, path: Optional[str] = None) -> None:
        super().__init__(message)
        self.path = path


class InvalidRequestError(ClientError, ValueError):
    """A request the SDK refuses before sending it: a bad name, a bad env entry, too many replicas."""

    kind = "invalid"

    def __init__(self, message: str, parameter: Optional[str] = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class UnsupportedError(ClientError):
    """The server cannot do this: a skyrun extension asked of the platform's skaha, say."""

    kind = "unsupported"


class ProtocolError(ClientError):
    """The server answered 2xx with something the skaha API does not send (a proxy's HTML page, say)."""

    kind = "protocol"

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


class SessionFailedError(ClientError):
    """``wait``/``monitor`` with ``check=True``: a session ended Failed (or Error).

    ``sessions`` holds the final state of every session waited for; ``failed`` those that failed.
    """

    kind = "failed"

    def __init__(self, message: str, sessions: Sequence[Mapping[str, Any]], failed: Sequence[Mapping[str, Any]]) -> None:
        super().__init__(message)
        self.sessions = sessions
        self.failed = failed


class WaitTimeoutError(ClientError, builtins.TimeoutError):
    """``wait``/``monitor`` gave up before every session was done; ``sessions`` is their last state."""

    kind = "timeout"

    def __init__(self, message: str, sessions: Sequence[Mapping[str, Any]]) -> None:
        super().__init__(message)
        self.sessions = sessions

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class SessionRequestError(ClientError):
    """A call on several sessions (or replicas) where some failed, raised after all of them were tried.

    ``operation`` names the call (``create``, ``info``, ``logs``, ``destroy`` …),
    ``results`` what succeeded (by id, or for ``create`` the ids created) and
    ``errors`` what failed and why, by session id or, for ``create``, by 1-based replica
    number. This is the shape of the platform client's later ``errors="raise"`` mode.
    """

    kind = "partial"

    def __init__(self, operation: str, results: Any, errors: Dict[Any, ClientError]) -> None:
        first = next(iter(errors.values()), None)
        super().__init__(f"{operation}: {len(errors)} of {len(errors) + _count(results)} failed" + (f"; first: {first}" if first else ""))
        self.operation = operation
        self.results = results
        self.errors = errors


def _count(results: Any) -> int:
    try:
        return len(results)
    except TypeError:
        return 0


__all__ = [
    "ApiError",
    "ClientError",
    "ConnectionError",
    "CredentialsError",
    "InvalidRequestError",
    "ProtocolError",
    "SessionFailedError",
    "SessionRequestError",
    "TlsError",
    "UnsupportedError",
    "WaitTimeoutError",
]
