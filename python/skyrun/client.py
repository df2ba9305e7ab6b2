"""``Client`` and ``AsyncClient``: the TypeScript SDK's client (``src/client``) in Python spelling.

Both run the same plans (``_core``) — one blocking, one on asyncio — so they behave
alike call for call. For the seed pages' interface see :mod:`skyrun.session`.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import fields as dataclass_fields, replace
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, TypeVar, Union

from . import _core as core
from ._drive import AsyncIo, Plan, SyncIo, iterate_async, iterate_sync, run_async, run_sync
from ._retry import RetryPolicy
from ._tls import make_ssl_context
from ._transport import HttpTransport
from ._url import resolve_service_url
from ._version import __version__
from .auth import TokenLike, as_token_source
from .errors import InvalidRequestError
from .results import BulkOutcome, BulkResult, CreateResult, ServerInfo, WaitProgress, WaitResult
from .settings import load_settings
from .spec import RegistryCredential, SessionSpec
from .wire import SessionEvent, SessionJson

T = TypeVar("T")
_DEFAULT_API_VERSION = "v1"


_SPEC_FIELDS = {f.name for f in dataclass_fields(SessionSpec)}


def _spec(spec: Optional[SessionSpec], fields: Dict[str, Any]) -> SessionSpec:
    unknown = sorted(set(fields) - _SPEC_FIELDS)
    if unknown:
        raise InvalidRequestError(f"Unknown parameter {', '.join(repr(u) for u in unknown)} for create. Parameters: {', '.join(sorted(_SPEC_FIELDS))}.", unknown[0])
    if spec is None:
        if "name" not in fields or "image" not in fields:
            raise InvalidRequestError("create needs a name and an image (or a SessionSpec).", "name" if "name" not in fields else "image")
        return SessionSpec(**fields)
    return replace(spec, **fields) if fields else spec


class _Connection:
    """Builds the transport and the core from the options: explicit ones, or the saved settings."""

    def __init__(self, url: Optional[str], *, api_version: Optional[str], token: Optional[TokenLike], certificate: Optional[str],
                 key_file: Optional[str], ca_file: Optional[str], timeout: float, retry: Optional[RetryPolicy], concurrency: int,
                 server: str, registry_auth: Optional[RegistryCredential], user_agent: Optional[str], default_api_version: str) -> None:
        settings_version: Optional[str] = None
        if url is None:
            loaded = load_settings()
            for message in loaded.warnings:
                warnings.warn(message, stacklevel=4)
            s = loaded.settings
            if s.url is None:
                raise InvalidRequestError("No server URL: pass url=…, run `skyrun login URL`, or set SKYRUN_URL.", "url")
            url = s.url
            if token is None and certificate is None:
                token, certificate = s.token, s.cert
            ca_file = ca_file if ca_file is not None else s.ca
            settings_version = s.api_version
        elif token is None and certificate is None:
            proxy = os.path.expanduser("~/.ssl/cadcproxy.pem")
            certificate = proxy if os.path.exists(proxy) else None
        if server not in ("auto", "skyrun", "platform"):
            raise InvalidRequestError(f"server must be 'auto', 'skyrun' or 'platform', not {server!r}.", "server")
        self.base_url, self.api_version = resolve_service_url(url, api_version or settings_version, default_api_version)
        https = self.base_url.startswith("https:")
        context = make_ssl_context(certificate, key_file, ca_file) if https and (certificate or ca_file) else None
        source = as_token_source(token)
        self.transport = HttpTransport(self.base_url, token=source, ssl_context=context, presents_certificate=certificate is not None,
                                       timeout=timeout, user_agent=user_agent or f"skyrun-python/{__version__}")
        self.core = core.Core(base_url=self.base_url, api_version=self.api_version, retry=retry or RetryPolicy(), concurrency=concurrency,
                              registry_auth=registry_auth, server=server, token=source, url_of=self.transport.url)


class Client:
    """A blocking client for the skaha session API of skyrun and of the platform.

    ``url`` is the server (``http://127.0.0.1:8080``), the service
    (``https://ws-uv.canfar.net/skaha``) or a versioned base (``…/skaha/v0``).
    Without ``url``, the server and credentials are those ``skyrun login`` saved (or
    ``SKYRUN_URL``, ``SKYRUN_TOKEN``, ``SKYRUN_CERT``, ``SKYRUN_CA``). With ``url``,
    credentials come only from the arguments, or ``~/.ssl/cadcproxy.pem`` when it exists.

    Args:
        api_version: ``v0`` or ``v1`` (default v1, unless the URL or the settings name one).
        token: an API token, an OIDC access token, a callable returning one, or a
            :class:`~skyrun.auth.TokenSource` such as :class:`~skyrun.auth.OidcClientCredentials`.
        certificate: PEM file with client certificate and key (and chain), e.g. ``~/.ssl/cadcproxy.pem``.
        key_file: PEM key file, when the key is not inside ``certificate``.
        ca_file: PEM CA certificates to trust besides the system's (skyrun's own CA is ``<data-dir>/tls/ca.pem``).
        timeout: per attempt, in seconds: connect, and each read.
        retry: how transient failures are retried (default: 4 retries, 0.25 s doubling to 8 s).
        concurrency: calls in flight at once in bulk calls.
        server: ``auto`` (detect by the ``x-skyrun-version`` header), ``skyrun`` or ``platform``.
        registry_auth: sent with every creation unless the spec has its own.
    """

    def __init__(self, url: Optional[str] = None, *, api_version: Optional[str] = None, token: Optional[TokenLike] = None,
                 certificate: Optional[str] = None, key_file: Optional[str] = None, ca_file: Optional[str] = None, timeout: float = 30.0,
                 retry: Optional[RetryPolicy] = None, concurrency: int = 32, server: str = "auto",
                 registry_auth: Optional[RegistryCredential] = None, user_agent: Optional[str] = None,
                 _default_api_version: str = _DEFAULT_API_VERSION) -> None:
        self._connection = _Connection(url, api_version=api_version, token=token, certificate=certificate, key_file=key_file, ca_file=ca_file,
                                       timeout=timeout, retry=retry, concurrency=concurrency, server=server, registry_auth=registry_auth,
                                       user_agent=user_agent, default_api_version=_default_api_version)
        self._core = self._connection.core
        self._io = SyncIo(self._connection.transport)

    @property
    def base_url(self) -> str:
        """The versioned API base, e.g. ``https://127.0.0.1:8080/skaha/v1``."""
        return self._connection.base_url

    @property
    def api_version(self) -> str:
        return self._connection.api_version

    def _run(self, plan: Plan[T]) -> T:
        return run_sync(plan, self._io)

    def server(self) -> ServerInfo:
        """Which server this is (skyrun and its version, or the platform), asking it once if no call has told yet."""
        return self._run(core.server(self._core))

    def create(self, spec: Optional[SessionSpec] = None, *, on_progress: Optional[Callable[[int, int, int], None]] = None, **fields: Any) -> CreateResult:
        """Creates sessions from a :class:`~skyrun.spec.SessionSpec` (or its fields as keywords).

        One request with ``replicas`` on skyrun; one request per replica on the
        platform, ``concurrency`` at a time. Raises when nothing was created; replicas
        that failed on the platform are in ``failed``.
        """
        return self._run(core.create(self._core, _spec(spec, fields), on_progress))

    def create_set(self, specs: Sequence[SessionSpec], *, max_running: Optional[int] = None, max_running_label: Optional[str] = None,
                   notify: Optional[str] = None) -> CreateResult:
        """Differently-specified sessions created together as one set (skyrun); on the platform, one request each."""
        return self._run(core.create_set(self._core, specs, max_running=max_running, max_running_label=max_running_label, notify=notify))

    def list(self, *, kind: Optional[str] = None, status: Optional[str] = None, labels: Optional[Mapping[str, str]] = None,
             name: Optional[str] = None, changed_since: Any = None, set_id: Optional[str] = None) -> List[SessionJson]:
        """The caller's sessions. ``status`` ``Completed`` and ``Succeeded`` mean the same on either API version;
        ``name`` is exact or a prefix ending in ``*``; ``labels``, ``changed_since`` and ``set_id`` are skyrun's."""
        return self._run(core.list_sessions(self._core, kind=kind, status=status, labels=labels, name=name, changed_since=changed_since, set_id=set_id))

    def list_all(self, *, kind: Optional[str] = None, status: Optional[str] = None) -> List[Dict[str, Any]]:
        """``view=all``: every user's sessions, limited fields (on skyrun, administrators only)."""
        return self._run(core.list_all(self._core, kind=kind, status=status))

    def info(self, session_id: str) -> SessionJson:
        return self._run(core.info(self._core, session_id))

    def info_many(self, ids: Sequence[str]) -> BulkResult[str, SessionJson]:
        """``info`` for many ids, ``concurrency`` at a time, with per-id results."""
        return self._run(core.bulk(self._core, list(ids), lambda i: core.info(self._core, i)))

    def logs(self, session_id: str, *, tail: Optional[int] = None, attempt: Optional[int] = None) -> str:
        """All of the session's stdout and stderr, or its last ``tail`` lines; ``attempt``: an earlier attempt's (skyrun)."""
        return self._run(core.logs(self._core, session_id, tail=tail, attempt=attempt))

    def follow_logs(self, session_id: str, *, tail: Optional[int] = None, poll_interval: float = 2.0) -> Iterator[str]:
        """The session's output as it is written; the iteration ends when the session ends (break to stop early)."""
        return iterate_sync(core.follow_logs(self._core, session_id, tail=tail, poll_interval=poll_interval), self._io)

    def events(self, session_id: str) -> List[SessionEvent]:
        """What happened to the session: ``[{type, reason, message, firstTime, lastTime, count?}]``."""
        return self._run(core.events(self._core, session_id))

    def watch(self, session_id: str, *, poll_interval: float = 2.0) -> Iterator[SessionEvent]:
        """Each new event of the session as it happens; the iteration ends once the session has ended."""
        return iterate_sync(core.watch(self._core, session_id, poll_interval=poll_interval), self._io)

    def stats(self) -> Dict[str, Any]:
        """The platform's allocation and capacity (``view=stats``)."""
        return self._run(core.get_json(self._core, "session", (("view", "stats"),)))

    def session_stats(self, session_id: str) -> Dict[str, Any]:
        """What one session asked for and uses (skyrun)."""
        return self._run(core.session_stats(self._core, session_id))

    def delete(self, session_id: str) -> None:
        """Deletes (stops) a session. Deleting again is harmless."""
        self._run(core.delete(self._core, session_id))

    def delete_many(self, ids: Sequence[str]) -> BulkResult[str, None]:
        return self._run(core.bulk(self._core, list(ids), lambda i: core.delete(self._core, i)))

    def delete_matching(self, *, labels: Optional[Mapping[str, str]] = None, name: Optional[str] = None, set_id: Optional[str] = None) -> List[BulkOutcome]:
        """Deletes every session of yours that matches all selectors; one outcome per session (labels and sets: skyrun)."""
        return self._run(core.act_matching(self._core, "delete", labels=labels, name=name, set_id=set_id))

    def renew(self, session_id: str) -> None:
        """Extends a running session's expiry by the server's renewal period (a no-op while plenty remains)."""
        self._run(core.renew(self._core, session_id))

    def renew_many(self, ids: Sequence[str]) -> BulkResult[str, None]:
        return self._run(core.bulk(self._core, list(ids), lambda i: core.renew(self._core, i)))

    def renew_matching(self, *, labels: Optional[Mapping[str, str]] = None, name: Optional[str] = None, set_id: Optional[str] = None) -> List[BulkOutcome]:
        """Renews every session of yours that matches all selectors (labels and sets: skyrun)."""
        return self._run(core.act_matching(self._core, "renew", labels=labels, name=name, set_id=set_id))

    def context(self) -> Dict[str, Any]:
        """What a session may ask for: cores, RAM (GB) and GPU options and defaults."""
        return self._run(core.get_json(self._core, "context"))

    def images(self, kind: Optional[str] = None) -> List[Dict[str, Any]]:
        """Images the server offers (``{id, types, digest}``), optionally only those of one session type."""
        return self._run(core.images(self._core, kind))

    def repositories(self) -> List[str]:
        """Registry hosts images may come from."""
        return self._run(core.get_json(self._core, "repository"))

    def wait_for(self, ids: Union[str, Sequence[str]], *, until: str = "done", timeout: Optional[float] = None, poll_interval: float = 5.0,
                 on_progress: Optional[Callable[[WaitProgress], None]] = None) -> WaitResult:
        """Waits until every session is done (or, ``until="running"``, has started); see :class:`~skyrun.results.WaitResult`."""
        wanted = [ids] if isinstance(ids, str) else list(ids)
        return self._run(core.wait_for(self._core, wanted, until=until, timeout=timeout, poll_interval=poll_interval, on_progress=on_progress))

    def close(self) -> None:
        """Closes pooled connections."""
        self._connection.transport.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client({self.base_url!r})"


class AsyncClient:
    """The asyncio twin of :class:`Client`: the same arguments and methods, as coroutines and async iterators.

    Requests run on a private pool of worker threads, so the event loop never blocks;
    cancelling a task stops it at its next request or pause.
    """

    def __init__(self, url: Optional[str] = None, *, api_version: Optional[str] = None, token: Optional[TokenLike] = None,
                 certificate: Optional[str] = None, key_file: Optional[str] = None, ca_file: Optional[str] = None, timeout: float = 30.0,
                 retry: Optional[RetryPolicy] = None, concurrency: int = 32, server: str = "auto",
                 registry_auth: Optional[RegistryCredential] = None, user_agent: Optional[str] = None,
                 _default_api_version: str = _DEFAULT_API_VERSION) -> None:
        self._connection = _Connection(url, api_version=api_version, token=token, certificate=certificate, key_file=key_file, ca_file=ca_file,
                                       timeout=timeout, retry=retry, concurrency=concurrency, server=server, registry_auth=registry_auth,
                                       user_agent=user_agent, default_api_version=_default_api_version)
        self._core = self._connection.core
        self._io = AsyncIo(self._connection.transport, self._core.concurrency)

    @property
    def base_url(self) -> str:
        return self._connection.base_url

    @property
    def api_version(self) -> str:
        return self._connection.api_version

    async def _run(self, plan: Plan[T]) -> T:
        return await run_async(plan, self._io)

    async def server(self) -> ServerInfo:
        return await self._run(core.server(self._core))

    async def create(self, spec: Optional[SessionSpec] = None, *, on_progress: Optional[Callable[[int, int, int], None]] = None, **fields: Any) -> CreateResult:
        return await self._run(core.create(self._core, _spec(spec, fields), on_progress))

    async def create_set(self, specs: Sequence[SessionSpec], *, max_running: Optional[int] = None, max_running_label: Optional[str] = None,
                         notify: Optional[str] = None) -> CreateResult:
        return await self._run(core.create_set(self._core, specs, max_running=max_running, max_running_label=max_running_label, notify=notify))

    async def list(self, *, kind: Optional[str] = None, status: Optional[str] = None, labels: Optional[Mapping[str, str]] = None,
                   name: Optional[str] = None, changed_since: Any = None, set_id: Optional[str] = None) -> List[SessionJson]:
        return await self._run(core.list_sessions(self._core, kind=kind, status=status, labels=labels, name=name, changed_since=changed_since, set_id=set_id))

    async def list_all(self, *, kind: Optional[str] = None, status: Optional[str] = None) -> List[Dict[str, Any]]:
        return await self._run(core.list_all(self._core, kind=kind, status=status))

    async def info(self, session_id: str) -> SessionJson:
        return await self._run(core.info(self._core, session_id))

    async def info_many(self, ids: Sequence[str]) -> BulkResult[str, SessionJson]:
        return await self._run(core.bulk(self._core, list(ids), lambda i: core.info(self._core, i)))

    async def logs(self, session_id: str, *, tail: Optional[int] = None, attempt: Optional[int] = None) -> str:
        return await self._run(core.logs(self._core, session_id, tail=tail, attempt=attempt))

    def follow_logs(self, session_id: str, *, tail: Optional[int] = None, poll_interval: float = 2.0) -> AsyncIterator[str]:
        return iterate_async(core.follow_logs(self._core, session_id, tail=tail, poll_interval=poll_interval), self._io)

    async def events(self, session_id: str) -> List[SessionEvent]:
        return await self._run(core.events(self._core, session_id))

    def watch(self, session_id: str, *, poll_interval: float = 2.0) -> AsyncIterator[SessionEvent]:
        """Each new event of the session as it happens: ``async for event in client.watch(id)``."""
        return iterate_async(core.watch(self._core, session_id, poll_interval=poll_interval), self._io)

    async def stats(self) -> Dict[str, Any]:
        return await self._run(core.get_json(self._core, "session", (("view", "stats"),)))

    async def session_stats(self, session_id: str) -> Dict[str, Any]:
        return await self._run(core.session_stats(self._core, session_id))

    async def delete(self, session_id: str) -> None:
        await self._run(core.delete(self._core, session_id))

    async def delete_many(self, ids: Sequence[str]) -> BulkResult[str, None]:
        return await self._run(core.bulk(self._core, list(ids), lambda i: core.delete(self._core, i)))

    async def delete_matching(self, *, labels: Optional[Mapping[str, str]] = None, name: Optional[str] = None,
                              set_id: Optional[str] = None) -> List[BulkOutcome]:
        return await self._run(core.act_matching(self._core, "delete", labels=labels, name=name, set_id=set_id))

    async def renew(self, session_id: str) -> None:
        await self._run(core.renew(self._core, session_id))

    async def renew_many(self, ids: Sequence[str]) -> BulkResult[str, None]:
        return await self._run(core.bulk(self._core, list(ids), lambda i: core.renew(self._core, i)))

    async def renew_matching(self, *, labels: Optional[Mapping[str, str]] = None, name: Optional[str] = None,
                             set_id: Optional[str] = None) -> List[BulkOutcome]:
        return await self._run(core.act_matching(self._core, "renew", labels=labels, name=name, set_id=set_id))

    async def context(self) -> Dict[str, Any]:
        return await self._run(core.get_json(self._core, "context"))

    async def images(self, kind: Optional[str] = None) -> List[Dict[str, Any]]:
        return await self._run(core.images(self._core, kind))

    async def repositories(self) -> List[str]:
        return await self._run(core.get_json(self._core, "repository"))

    async def wait_for(self, ids: Union[str, Sequence[str]], *, until: str = "done", timeout: Optional[float] = None, poll_interval: float = 5.0,
                       on_progress: Optional[Callable[[WaitProgress], None]] = None) -> WaitResult:
        wanted = [ids] if isinstance(ids, str) else list(ids)
        return await self._run(core.wait_for(self._core, wanted, until=until, timeout=timeout, poll_interval=poll_interval, on_progress=on_progress))

    async def aclose(self) -> None:
        """Closes pooled connections and the worker threads."""
        self._connection.transport.close()
        self._io.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncClient({self.base_url!r})"
