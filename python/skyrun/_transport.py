"""Blocking HTTP for the SDK, on the standard library's ``http.client``.

One attempt per call (retries are the core's business), keep-alive connections pooled
per client, credentials on every request, and one ClientError subclass per kind of
network or TLS failure, with a sentence saying what happened and to which server.
Thread-safe: the sync client's bulk calls and the async client's worker threads share
one transport.
"""

from __future__ import annotations

import errno
import http.client
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlencode, urlsplit

from .auth import TokenSource
from .errors import ClientError, ConnectionError, TlsError

#: The response header by which a skyrun server names itself and its version.
SKYRUN_VERSION_HEADER = "x-skyrun-version"
#: Idle connections older than this are not reused (servers close idle keep-alive connections).
_IDLE_SECONDS = 15.0


@dataclass(frozen=True)
class Call:
    """One call to the API, relative to the versioned base."""

    method: str
    #: e.g. ``session``, ``session/abc123de/logs``
    path: str
    query: Tuple[Tuple[str, str], ...] = ()
    #: An x-www-form-urlencoded body; repeated names allowed.
    form: Optional[Tuple[Tuple[str, str], ...]] = None
    json: Any = field(default=None, compare=False)
    headers: Tuple[Tuple[str, str], ...] = ()
    #: Sending it twice does no harm (GET, DELETE, renew): retried on any transient failure.
    idempotent: bool = True


@dataclass(frozen=True)
class Reply:
    """A whole response."""

    status: int
    #: Header names in lower case.
    headers: Dict[str, str]
    text: str

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def query_pairs(**params: Any) -> Tuple[Tuple[str, str], ...]:
    """Query parameters without the ``None`` ones; lists become repeated names; booleans ``true``/``false``."""
    pairs: List[Tuple[str, str]] = []
    for name, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if v is None:
                continue
            pairs.append((name, "true" if v is True else "false" if v is False else str(v)))
    return tuple(pairs)


_TRUST_CODES = {18, 19, 20, 21, 27, 7}  # self-signed, self-signed in chain, no local issuer, leaf unverifiable, untrusted, bad signature
_CLIENT_CERT_ALERTS = ("CERTIFICATE_REQUIRED", "BAD_CERTIFICATE", "UNKNOWN_CA", "CERTIFICATE_EXPIRED", "CERTIFICATE_REVOKED", "HANDSHAKE_FAILURE",
                       "ACCESS_DENIED", "CERTIFICATE_UNKNOWN")


def transport_error(e: BaseException, url: str, presented_certificate: bool, connected: bool, timeout: float) -> ClientError:
    """What the standard library raised, as a ClientError that says what happened and to which server."""
    if isinstance(e, ClientError):
        return e
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if isinstance(e, ssl.SSLCertVerificationError):
        code = e.verify_code
        if code == 10:
            return TlsError(f"The server's certificate at {origin} has expired.", "CERT_HAS_EXPIRED", url, "other")
        if code == 62:
            return TlsError(f"The server's certificate is not for {parts.hostname} ({e.verify_message}).", "ERR_TLS_CERT_ALTNAME_INVALID", url, "hostname")
        return TlsError(f"The server's certificate at {origin} is not trusted ({e.verify_message}); give its CA with ca=… (or SKYRUN_CA).", str(code), url, "ca")
    if isinstance(e, ssl.SSLError):
        reason = str(e.reason or e)
        if any(alert in reason for alert in _CLIENT_CERT_ALERTS):
            return TlsError(f"The server at {origin} refused the TLS connection: it wants a client certificate it trusts ({reason}).", reason, url, "client-certificate")
        if "WRONG_VERSION_NUMBER" in reason or "RECORD_LAYER" in reason or "PACKET_LENGTH_TOO_LONG" in reason:
            return TlsError(f"TLS with {origin} failed ({reason}): the server may not speak HTTPS on this port; try http://.", reason, url, "other")
        return TlsError(f"TLS with {origin} failed ({reason}).", reason, url, "other")
    if isinstance(e, socket.gaierror):
        return ConnectionError(f"Cannot reach {origin}: host name not found ({e.strerror}).", "ENOTFOUND", url, True)
    if isinstance(e, ConnectionRefusedError):
        return ConnectionError(f"Cannot reach {origin}: connection refused.", "ECONNREFUSED", url, True)
    if isinstance(e, (socket.timeout, TimeoutError)):
        return ConnectionError(f"No answer from {origin} within {timeout:g} s.", "TIMEOUT", url, not connected)
    maybe_certificate = " The server may want a client certificate, and none was given." if parts.scheme == "https" and not presented_certificate else ""
    if isinstance(e, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, http.client.IncompleteRead)):
        return ConnectionError(f"Cannot reach {origin}: connection closed by the server.{maybe_certificate}", "ECONNRESET", url, False)
    if isinstance(e, OSError) and e.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return ConnectionError(f"Cannot reach {origin}: {'host' if e.errno == errno.EHOSTUNREACH else 'network'} unreachable.", errno.errorcode[e.errno], url, True)
    if isinstance(e, (OSError, http.client.HTTPException)):
        return ConnectionError(f"Cannot reach {origin}: {e}.", type(e).__name__, url, not connected)
    raise e


class Stream:
    """A response whose body is read as it arrives (a followed log)."""

    def __init__(self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse, url: str, error: Any) -> None:
        self.status = response.status
        self.headers = {k.lower(): v for k, v in response.getheaders()}
        self.url = url
        self._conn = conn
        self._response = response
        self._error = error
        self._closed = False

    def read(self) -> bytes:
        """The next bytes of the body; ``b""`` at its end or once closed. Raises ConnectionError if the connection breaks."""
        if self._closed:
            return b""
        try:
            return self._response.read1(65536)
        except (OSError, http.client.HTTPException, ValueError) as e:
            if self._closed:
                return b""
            raise self._error(e) from None

    def close(self) -> None:
        """Ends the stream; a read blocked in another thread returns. Idempotent, never raises."""
        if self._closed:
            return
        self._closed = True
        sock = self._conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._conn.close()


class HttpTransport:
    """HTTP to one server: base URL, credentials, per-attempt timeout, pooled connections."""

    def __init__(self, base_url: str, *, token: Optional[TokenSource], ssl_context: Optional[ssl.SSLContext], presents_certificate: bool,
                 timeout: float, user_agent: str) -> None:
        parts = urlsplit(base_url)
        self.base_url = base_url
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._base_path = parts.path.rstrip("/")
        self._token = token
        self._context = ssl_context if ssl_context is not None else (ssl.create_default_context() if self._https else None)
        self._presents_certificate = presents_certificate
        self.timeout = timeout
        self._user_agent = user_agent
        self._idle: List[Tuple[http.client.HTTPConnection, float]] = []
        self._lock = threading.Lock()
        self._closed = False

    def url(self, call: Call) -> str:
        query = f"?{urlencode(call.query)}" if call.query else ""
        return f"{self.base_url}/{call.path}{query}"

    def send(self, call: Call) -> Reply:
        """One attempt: sends the call and reads the whole answer, whatever its status."""
        conn, response, url = self._start(call)
        try:
            data = response.read()
        except BaseException as e:
            conn.close()
            raise transport_error(e, url, self._presents_certificate, True, self.timeout) from None
        headers = {k.lower(): v for k, v in response.getheaders()}
        if response.will_close:
            conn.close()
        else:
            self._release(conn)
        return Reply(response.status, headers, data.decode("utf-8", "replace"))

    def open(self, call: Call) -> Stream:
        """One attempt: sends the call and returns once the headers arrived; the body is read with ``Stream.read``."""
        conn, response, url = self._start(call)
        if conn.sock is not None:
            conn.sock.settimeout(None)  # a followed log may be quiet for long; the caller ends it with close()
        return Stream(conn, response, url, lambda e: transport_error(e, url, self._presents_certificate, True, self.timeout))

    def close(self) -> None:
        """Closes pooled connections."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn, _ in idle:
            conn.close()

    def _start(self, call: Call) -> Tuple[http.client.HTTPConnection, http.client.HTTPResponse, str]:
        url = self.url(call)
        headers: Dict[str, str] = {"user-agent": self._user_agent, "accept": "*/*"}
        headers.update({k.lower(): v for k, v in call.headers})
        body: Optional[bytes] = None
        if call.json is not None:
            body = json.dumps(call.json).encode()
            headers["content-type"] = "application/json"
        elif call.form is not None:
            body = urlencode(call.form).encode()
            # The platform reads a POST's parameters only from this exact media type.
            headers["content-type"] = "application/x-www-form-urlencoded"
        if self._token is not None:
            headers["authorization"] = f"Bearer {self._token.bearer()}"
        target = url[len(f"{'https' if self._https else 'http'}://"):]
        target = target[target.index("/"):]
        conn = self._acquire()
        try:
            conn.request(call.method, target, body=body, headers=headers)
            return conn, conn.getresponse(), url
        except BaseException as e:
            connected = conn.sock is not None
            conn.close()
            raise transport_error(e, url, self._presents_certificate, connected, self.timeout) from None

    def _acquire(self) -> http.client.HTTPConnection:
        now = time.monotonic()
        with self._lock:
            while self._idle:
                conn, since = self._idle.pop()
                if now - since < _IDLE_SECONDS:
                    return conn
                conn.close()
        if self._https:
            return http.client.HTTPSConnection(self._host, self._port, timeout=self.timeout, context=self._context)
        return http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)

    def _release(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < 64:
                self._idle.append((conn, time.monotonic()))
                return
        conn.close()
