"""``Session`` and ``AsyncSession``: the interface the platform's documentation shows for its Python client.

``Session().create(name=…, image=…, kind="headless", cores=…, ram=…, cmd=…, args=[…],
env={…}, registry_auth=…)`` returns a list of ids, as the platform's client does;
``get``, ``get_logs``, ``list``, ``delete``, ``fetch``, ``info``, ``logs``, ``events``,
``submit``, ``monitor``, ``destroy`` and ``destroy_with`` take an id or that list. On top
of those, what skyrun adds: ``wait`` (raises when a session failed), ``watch`` (events
as they happen), ``follow_logs``, and the full client as ``session.client``.

A thin layer: every method is a plan of ``_seed`` run by the session's
:class:`~skyrun.client.Client` (or :class:`~skyrun.client.AsyncClient`). The default
API version is ``v0``, whose ``Succeeded`` the seed pages' loops look for (the
platform's v1 says ``Completed``); a URL ending in ``/v1`` or ``api_version="v1"`` changes it.
"""

from __future__ import annotations

import sys
from typing import IO, Any, AsyncIterator, Callable, Dict, Iterator, List, Optional, Union

from . import _seed as seed
from .client import AsyncClient, Client
from .errors import InvalidRequestError
from .results import WaitProgress
from .spec import Argv, Env, RegistryCredential
from .wire import SessionEvent

_SEED_API_VERSION = "v0"
JobRef = seed.JobRef


def _extensions(**given: Any) -> Dict[str, Any]:
    return {k: v for k, v in given.items() if v is not None}


class Session:
    """The seed pages' ``Session``, on skyrun or the platform. Arguments are :class:`~skyrun.client.Client`'s.

    ``errors`` is what calls on several sessions do when some fail: ``raise`` (a
    :class:`~skyrun.errors.SessionRequestError` after all were tried, the default) or
    ``ignore`` (leave them out and log them, as the platform's client 1.4 does).
    """

    def __init__(self, url: Optional[str] = None, *, errors: str = "raise", api_version: Optional[str] = None, **options: Any) -> None:
        if errors not in ("raise", "ignore"):
            raise InvalidRequestError(f"errors must be 'raise' or 'ignore', not {errors!r}.", "errors")
        self.errors = errors
        #: The full client (the TypeScript SDK's calls), sharing this session's connections.
        self.client = Client(url, api_version=api_version, _default_api_version=_SEED_API_VERSION, **options)
        self._core = self.client._core
        self._run = self.client._run

    # -- submitting -------------------------------------------------------------------

    def create(self, name: str, image: str, cores: Optional[float] = None, ram: Optional[float] = None, kind: str = "headless",
               gpu: Optional[int] = None, cmd: Optional[Argv] = None, args: Optional[Argv] = None, env: Optional[Env] = None, replicas: int = 1,
               *, registry_auth: Optional[RegistryCredential] = None, errors: Optional[str] = None, depends_on: Optional[List[str]] = None,
               labels: Optional[Dict[str, str]] = None, retries: Optional[int] = None, max_running: Optional[int] = None,
               max_running_label: Optional[str] = None, notify: Optional[str] = None, walltime: Optional[Union[int, str]] = None,
               workdir: Optional[str] = None, stdout: Optional[str] = None, stderr: Optional[str] = None, disk: Optional[float] = None) -> List[str]:
        """Creates a session (``replicas`` of them) and returns the ids created.

        ``cmd`` a string is the server's ``cmd`` as is (skyrun splits ``"python x.py"``
        into words); ``args`` a list is passed exactly, one element per argument;
        ``env`` a dict. ``registry_auth``: base64 of ``username:secret`` (as the seed
        pages build it) or a :class:`~skyrun.spec.RegistryAuth`. The keywords after
        ``errors`` are skyrun extensions. With replicas > 1 the sessions are named
        ``name-1`` … ``name-N`` and get REPLICA_ID and REPLICA_COUNT.
        """
        ext = _extensions(depends_on=depends_on, labels=labels, retries=retries, max_running=max_running, max_running_label=max_running_label,
                          notify=notify, walltime=walltime, workdir=workdir, stdout=stdout, stderr=stderr, disk=disk)
        return self._run(seed.create(self._core, name=name, image=image, cores=cores, ram=ram, kind=kind, gpu=gpu, cmd=cmd, args=args, env=env,
                                     replicas=replicas, registry_auth=registry_auth, errors=errors or self.errors, extensions=ext))

    def submit(self, name: str, image: str, cmd: Optional[Argv] = None, *, args: Optional[Argv] = None, env: Optional[Env] = None,
               cores: Optional[float] = None, ram: Optional[float] = None, kind: str = "headless", gpu: Optional[int] = None,
               registry_auth: Optional[RegistryCredential] = None, **extensions: Any) -> str:
        """Creates one session and returns its id; raises if it could not be created."""
        return self._run(seed.submit(self._core, name=name, image=image, cmd=cmd, args=args, env=env, cores=cores, ram=ram, kind=kind, gpu=gpu,
                                     registry_auth=registry_auth, extensions=extensions))

    # -- looking -----------------------------------------------------------------------

    def get(self, job: JobRef) -> Any:
        """The session's dict (a list of dicts for several ids); ``job`` is an id or the list ``create`` returned."""
        return self._run(seed.get(self._core, job))

    def get_logs(self, job: JobRef) -> Any:
        """The session's stdout and stderr as text (a dict of id to text for several ids)."""
        return self._run(seed.get_logs(self._core, job))

    def list(self, kind: Optional[str] = None, status: Optional[str] = None) -> List[Dict[str, Any]]:
        """Your sessions, optionally of one kind and status."""
        return self._run(seed.list_sessions(self._core, kind, status))

    def fetch(self, kind: Optional[Union[str, List[str]]] = None, status: Optional[str] = None, view: Optional[str] = None) -> Any:
        """The platform client's ``fetch(kind, status, view)``: your sessions (``view="all"``: everyone's).

        ``fetch(job_id)`` — an id rather than a kind, as seed 003 calls it — is that session's dict.
        """
        return self._run(seed.fetch(self._core, kind, None, status, view))

    def info(self, ids: JobRef, *, errors: Optional[str] = None) -> List[Dict[str, Any]]:
        """The platform client's ``info``: a list of the sessions' dicts."""
        return self._run(seed.info(self._core, ids, errors or self.errors))

    def logs(self, ids: JobRef, verbose: bool = False, *, errors: Optional[str] = None) -> Optional[Dict[str, str]]:
        """The platform client's ``logs``: id → output (``verbose``: to the ``skyrun.session`` logger, returns None)."""
        return self._run(seed.logs(self._core, ids, verbose, errors or self.errors))

    def events(self, ids: JobRef, verbose: bool = False, *, errors: Optional[str] = None) -> Optional[List[Dict[str, str]]]:
        """The platform client's ``events``: ``[{id: event table text}]``. Parsed events: :meth:`watch`, ``client.events``."""
        return self._run(seed.events(self._core, ids, verbose, errors or self.errors))

    def stats(self) -> Dict[str, Any]:
        """Capacity and allocation (``view=stats``)."""
        return self.client.stats()

    # -- waiting -----------------------------------------------------------------------

    def wait(self, job: JobRef, *, until: str = "done", timeout: Optional[float] = None, poll_interval: float = 5.0, check: bool = True,
             on_progress: Optional[Callable[[WaitProgress], None]] = None) -> Any:
        """Waits until the session is done (``until="running"``: has started) and returns its final dict (a list for several).

        Raises :class:`~skyrun.errors.SessionFailedError` when one ended Failed (unless
        ``check=False``) and :class:`~skyrun.errors.WaitTimeoutError` after ``timeout`` seconds.
        """
        return self._run(seed.wait(self._core, job, until=until, timeout=timeout, poll_interval=poll_interval, check=check, on_progress=on_progress))

    def monitor(self, job: JobRef, *, timeout: Optional[float] = None, poll_interval: float = 5.0, out: Optional[IO[str]] = None,
                check: bool = False) -> Any:
        """Waits until the session is done, printing each status change (to stdout, or ``out``); returns its final dict."""
        return self._run(seed.wait(self._core, job, until="done", timeout=timeout, poll_interval=poll_interval, check=check, on_progress=None,
                                   out=out or sys.stdout))

    def watch(self, session_id: JobRef, *, poll_interval: float = 2.0) -> Iterator[SessionEvent]:
        """Each new event of the session as it happens (Scheduled, Pulled, Started, …); ends once the session has ended."""
        return self.client.watch(seed.ids_of(session_id)[0], poll_interval=poll_interval)

    def follow_logs(self, session_id: JobRef, *, tail: Optional[int] = None) -> Iterator[str]:
        """The session's output as it is written; ends when the session ends."""
        return self.client.follow_logs(seed.ids_of(session_id)[0], tail=tail)

    # -- ending ------------------------------------------------------------------------

    def delete(self, job: JobRef) -> Any:
        """Deletes (stops) the session: True once done (a dict for several ids); raises if it cannot be deleted."""
        return self._run(seed.delete(self._core, job))

    def destroy(self, ids: JobRef) -> Dict[str, bool]:
        """The platform client's ``destroy``: id → whether it was deleted (failures logged, not raised)."""
        return self._run(seed.destroy(self._core, ids))

    def destroy_with(self, prefix: str, *, kind: str = "headless", status: str = "Completed") -> Dict[str, bool]:
        """Deletes your sessions of ``kind`` and ``status`` whose name starts with ``prefix`` (a regex if it has metacharacters).

        ``Completed`` and ``Succeeded`` mean the same on either API version.
        """
        return self._run(seed.destroy_with(self._core, prefix, kind, status))

    def renew(self, ids: JobRef, *, errors: Optional[str] = None) -> Dict[str, bool]:
        """Extends running sessions' expiry: id → whether renewed."""
        return self._run(seed.renew(self._core, ids, errors or self.errors))

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Session({self.client.base_url!r})"


class AsyncSession:
    """The asyncio twin of :class:`Session` (as the platform's client has one): the same methods, as coroutines.

    ``await session.wait(job_id)`` and ``async for event in session.watch(job_id)`` are
    what a workflow task (Prefect, say) needs.
    """

    def __init__(self, url: Optional[str] = None, *, errors: str = "raise", api_version: Optional[str] = None, **options: Any) -> None:
        if errors not in ("raise", "ignore"):
            raise InvalidRequestError(f"errors must be 'raise' or 'ignore', not {errors!r}.", "errors")
        self.errors = errors
        self.client = AsyncClient(url, api_version=api_version, _default_api_version=_SEED_API_VERSION, **options)
        self._core = self.client._core
        self._run = self.client._run

    async def create(self, name: str, image: str, cores: Optional[float] = None, ram: Optional[float] = None, kind: str = "headless",
                     gpu: Optional[int] = None, cmd: Optional[Argv] = None, args: Optional[Argv] = None, env: Optional[Env] = None, replicas: int = 1,
                     *, registry_auth: Optional[RegistryCredential] = None, errors: Optional[str] = None, depends_on: Optional[List[str]] = None,
                     labels: Optional[Dict[str, str]] = None, retries: Optional[int] = None, max_running: Optional[int] = None,
                     max_running_label: Optional[str] = None, notify: Optional[str] = None, walltime: Optional[Union[int, str]] = None,
                     workdir: Optional[str] = None, stdout: Optional[str] = None, stderr: Optional[str] = None, disk: Optional[float] = None) -> List[str]:
        ext = _extensions(depends_on=depends_on, labels=labels, retries=retries, max_running=max_running, max_running_label=max_running_label,
                          notify=notify, walltime=walltime, workdir=workdir, stdout=stdout, stderr=stderr, disk=disk)
        return await self._run(seed.create(self._core, name=name, image=image, cores=cores, ram=ram, kind=kind, gpu=gpu, cmd=cmd, args=args, env=env,
                                           replicas=replicas, registry_auth=registry_auth, errors=errors or self.errors, extensions=ext))

    async def submit(self, name: str, image: str, cmd: Optional[Argv] = None, *, args: Optional[Argv] = None, env: Optional[Env] = None,
                     cores: Optional[float] = None, ram: Optional[float] = None, kind: str = "headless", gpu: Optional[int] = None,
                     registry_auth: Optional[RegistryCredential] = None, **extensions: Any) -> str:
        return await self._run(seed.submit(self._core, name=name, image=image, cmd=cmd, args=args, env=env, cores=cores, ram=ram, kind=kind, gpu=gpu,
                                           registry_auth=registry_auth, extensions=extensions))

    async def get(self, job: JobRef) -> Any:
        return await self._run(seed.get(self._core, job))

    async def get_logs(self, job: JobRef) -> Any:
        return await self._run(seed.get_logs(self._core, job))

    async def list(self, kind: Optional[str] = None, status: Optional[str] = None) -> List[Dict[str, Any]]:
        return await self._run(seed.list_sessions(self._core, kind, status))

    async def fetch(self, kind: Optional[Union[str, List[str]]] = None, status: Optional[str] = None, view: Optional[str] = None) -> Any:
        return await self._run(seed.fetch(self._core, kind, None, status, view))

    async def info(self, ids: JobRef, *, errors: Optional[str] = None) -> List[Dict[str, Any]]:
        return await self._run(seed.info(self._core, ids, errors or self.errors))

    async def logs(self, ids: JobRef, verbose: bool = False, *, errors: Optional[str] = None) -> Optional[Dict[str, str]]:
        return await self._run(seed.logs(self._core, ids, verbose, errors or self.errors))

    async def events(self, ids: JobRef, verbose: bool = False, *, errors: Optional[str] = None) -> Optional[List[Dict[str, str]]]:
        return await self._run(seed.events(self._core, ids, verbose, errors or self.errors))

    async def stats(self) -> Dict[str, Any]:
        return await self.client.stats()

    async def wait(self, job: JobRef, *, until: str = "done", timeout: Optional[float] = None, poll_interval: float = 5.0, check: bool = True,
                   on_progress: Optional[Callable[[WaitProgress], None]] = None) -> Any:
        """Waits until the session is done and returns its final dict; raises SessionFailedError if it failed (``check``)."""
        return await self._run(seed.wait(self._core, job, until=until, timeout=timeout, poll_interval=poll_interval, check=check, on_progress=on_progress))

    async def monitor(self, job: JobRef, *, timeout: Optional[float] = None, poll_interval: float = 5.0, out: Optional[IO[str]] = None,
                      check: bool = False) -> Any:
        return await self._run(seed.wait(self._core, job, until="done", timeout=timeout, poll_interval=poll_interval, check=check, on_progress=None,
                                         out=out or sys.stdout))

    def watch(self, session_id: JobRef, *, poll_interval: float = 2.0) -> AsyncIterator[SessionEvent]:
        """``async for event in session.watch(job_id)``: each new event as it happens, ending once the session has ended."""
        return self.client.watch(seed.ids_of(session_id)[0], poll_interval=poll_interval)

    def follow_logs(self, session_id: JobRef, *, tail: Optional[int] = None) -> AsyncIterator[str]:
        return self.client.follow_logs(seed.ids_of(session_id)[0], tail=tail)

    async def delete(self, job: JobRef) -> Any:
        return await self._run(seed.delete(self._core, job))

    async def destroy(self, ids: JobRef) -> Dict[str, bool]:
        return await self._run(seed.destroy(self._core, ids))

    async def destroy_with(self, prefix: str, *, kind: str = "headless", status: str = "Completed") -> Dict[str, bool]:
        return await self._run(seed.destroy_with(self._core, prefix, kind, status))

    async def renew(self, ids: JobRef, *, errors: Optional[str] = None) -> Dict[str, bool]:
        return await self._run(seed.renew(self._core, ids, errors or self.errors))

    async def aclose(self) -> None:
        await self.client.aclose()

    async def __aenter__(self) -> "AsyncSession":
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncSession({self.client.base_url!r})"
