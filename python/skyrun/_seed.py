"""Plans of the seed pages' ``Session`` interface, built on the core's plans.

Return shapes are those of the platform's Python client (``create`` a list of ids,
``info`` a list of dicts, ``logs`` a dict of id to text, ``destroy`` a dict of id to
bool …) and, for the methods the seed pages use that the platform's client never had
(``get``, ``get_logs``, ``list``, ``delete``, ``submit``, ``monitor``), the shapes the
pages' examples read. Session dicts also carry ``phase`` and ``kind``, the names the
pages read, besides the platform's ``status`` and ``type``.
"""

from __future__ import annotations

import logging
import re
from typing import IO, Any, Callable, Dict, List, Optional, Sequence, Union

from . import _core as core
from ._drive import Plan
from ._transport import Call
from .errors import ApiError, ClientError, InvalidRequestError, SessionFailedError, SessionRequestError, WaitTimeoutError
from .results import BulkResult, WaitProgress
from .spec import Argv, Env, RegistryCredential, SessionSpec
from .wire import SessionJson, has_started_status, is_done_status, is_failed_status, with_seed_names

log = logging.getLogger("skyrun.session")

#: The platform client's session kinds; ``fetch(x)`` with one of these is a kind filter, anything else an id.
KINDS = ("desktop", "notebook", "carta", "headless", "firefly", "desktop-app", "contributed")
#: A job reference: an id, or the list of ids ``create`` returned.
JobRef = Union[str, Sequence[str]]


def ids_of(job: JobRef) -> List[str]:
    """The ids a job reference names: an id, or the list ``create`` returned (which, for one session, holds one id)."""
    if isinstance(job, str):
        return [job]
    if isinstance(job, (list, tuple)) and all(isinstance(i, str) for i in job):
        if not job:
            raise InvalidRequestError("No session id: the list is empty (did create fail?).", "id")
        return list(job)
    raise InvalidRequestError(f"A session id is a string (or the list create returned), not {type(job).__name__}.", "id")


def _one_or_many(job: JobRef, values: List[Any]) -> Any:
    return values[0] if len(values) == 1 and (isinstance(job, str) or len(job) == 1) else values


def _check_errors(errors: str) -> None:
    if errors not in ("raise", "ignore"):
        raise InvalidRequestError(f"errors must be 'raise' or 'ignore', not {errors!r}.", "errors")


def _settle(operation: str, result: BulkResult[Any, Any], errors: str) -> Dict[Any, Any]:
    failures = result.errors()
    for key, error in failures.items():
        log.warning("%s %s failed: %s", operation, key, error)
    if failures and errors == "raise":
        raise SessionRequestError(operation, result.values(), failures)
    return result.values()


def create(c: core.Core, *, name: str, image: str, cores: Optional[float], ram: Optional[float], kind: str, gpu: Optional[int], cmd: Optional[Argv],
           args: Optional[Argv], env: Optional[Env], replicas: int, registry_auth: Optional[RegistryCredential], errors: str,
           extensions: Dict[str, Any]) -> Plan[List[str]]:
    """``Session.create``: the ids created (several with replicas)."""
    _check_errors(errors)
    if kind != "headless" and (cmd is not None or args is not None or env is not None):
        raise InvalidRequestError(f"cmd, args and env are only for headless sessions, not {kind}.", "kind")
    spec = SessionSpec(name=name, image=image, kind=kind, cores=cores, ram=ram, gpus=gpu, cmd=cmd, args=args, env=env, replicas=replicas,
                       registry_auth=registry_auth, **extensions)
    try:
        result = yield from core.create(c, spec)
    except ClientError as e:
        if errors == "raise":
            raise
        log.error("create %s failed: %s", name, e)
        return []
    if result.failed:
        for failure in result.failed:
            log.warning("create %s (replica %d) failed: %s", failure.name, failure.replica, failure.error)
        if errors == "raise":
            raise SessionRequestError("create", result.ids, {f.replica: f.error for f in result.failed})
    return result.ids


def submit(c: core.Core, *, name: str, image: str, cmd: Optional[Argv], args: Optional[Argv], env: Optional[Env], cores: Optional[float],
           ram: Optional[float], kind: str, gpu: Optional[int], registry_auth: Optional[RegistryCredential], extensions: Dict[str, Any]) -> Plan[str]:
    """``Session.submit``: one session, its id."""
    ids = yield from create(c, name=name, image=image, cores=cores, ram=ram, kind=kind, gpu=gpu, cmd=cmd, args=args, env=env, replicas=1,
                            registry_auth=registry_auth, errors="raise", extensions=extensions)
    return ids[0]


def get(c: core.Core, job: JobRef) -> Plan[Any]:
    """``Session.get``: the session's dict (a list of dicts for several ids)."""
    ids = ids_of(job)
    if len(ids) == 1:
        return with_seed_names(dict((yield from core.info(c, ids[0]))))
    result = yield from core.bulk(c, ids, lambda i: core.info(c, i))
    return [with_seed_names(dict(s)) for s in _settle("get", result, "raise").values()]


def get_logs(c: core.Core, job: JobRef) -> Plan[Any]:
    """``Session.get_logs``: the session's output as text (a dict of id to text for several ids)."""
    ids = ids_of(job)
    if len(ids) == 1:
        return (yield from core.logs(c, ids[0]))
    result = yield from core.bulk(c, ids, lambda i: core.logs(c, i))
    return _settle("get_logs", result, "raise")


def list_sessions(c: core.Core, kind: Optional[str], status: Optional[str]) -> Plan[List[Dict[str, Any]]]:
    sessions = yield from core.list_sessions(c, kind=kind, status=status)
    return [with_seed_names(dict(s)) for s in sessions]


def fetch(c: core.Core, selector: Optional[JobRef], kind: Optional[str], status: Optional[str], view: Optional[str]) -> Plan[Any]:
    """``Session.fetch``: the platform client's listing, or (as seed 003 calls it) one session by id."""
    if selector is not None and not (isinstance(selector, str) and selector in KINDS):
        return (yield from get(c, selector))
    kind = selector if selector is not None else kind
    if view is not None:
        if view != "all":
            raise InvalidRequestError(f"Invalid view {view!r}: the only listing view is 'all'.", "view")
        everyone = yield from core.list_all(c, kind=kind, status=status)
        return [with_seed_names(dict(s)) for s in everyone]
    return (yield from list_sessions(c, kind, status))


def info(c: core.Core, ids: JobRef, errors: str) -> Plan[List[Dict[str, Any]]]:
    """``Session.info``: dicts of the sessions found, in order."""
    _check_errors(errors)
    result = yield from core.bulk(c, ids_of(ids), lambda i: core.info(c, i))
    return [with_seed_names(dict(s)) for s in _settle("info", result, errors).values()]


def logs(c: core.Core, ids: JobRef, verbose: bool, errors: str) -> Plan[Optional[Dict[str, str]]]:
    """``Session.logs``: id → output; with ``verbose`` the logs go to the ``skyrun.session`` logger instead."""
    _check_errors(errors)
    result = yield from core.bulk(c, ids_of(ids), lambda i: core.logs(c, i))
    texts = _settle("logs", result, errors)
    if verbose:
        for sid, text in texts.items():
            log.info("logs of %s:\n%s", sid, text)
        return None
    return texts


def _event_table(c: core.Core, sid: str) -> Plan[str]:
    """The events as the server's own text table (the platform client's shape); the platform's 404 before a pod exists is ''."""
    try:
        reply = yield from core.request(c, Call("GET", core.session_path(sid), query=(("view", "events"),)))
    except ApiError as e:
        if e.status != 404 or (yield from core.is_skyrun(c)):
            raise
        yield from core.info(c, sid)
        return ""
    return reply.text


def events(c: core.Core, ids: JobRef, verbose: bool, errors: str) -> Plan[Optional[List[Dict[str, str]]]]:
    """``Session.events``: ``[{id: table}]`` as the platform client returns them; parsed events: ``Session.watch``/``client.events``."""
    _check_errors(errors)
    result = yield from core.bulk(c, ids_of(ids), lambda i: _event_table(c, i))
    tables = _settle("events", result, errors)
    if verbose:
        for sid, text in tables.items():
            log.info("events of %s:\n%s", sid, text)
        return None
    return [{sid: text} for sid, text in tables.items()]


def destroy(c: core.Core, ids: JobRef) -> Plan[Dict[str, bool]]:
    """``Session.destroy``: id → whether it was deleted (failures are logged, never raised, as on the platform)."""
    result = yield from core.bulk(c, ids_of(ids), lambda i: core.delete(c, i))
    for item in result.failed:
        log.warning("destroy %s failed: %s", item.key, item.error)
    return {item.key: item.ok for item in result.items}


def _name_pattern(prefix: str) -> "re.Pattern[str]":
    """The platform client's rule: with a regex metacharacter the selector is a regex (searched), else a literal prefix."""
    if any(ch in prefix for ch in ".^$*+?{}[]()|"):
        try:
            return re.compile(prefix)
        except re.error as e:
            raise ValueError(f"Invalid name pattern {prefix!r}: {e}") from None
    return re.compile("^" + re.escape(prefix))


def destroy_with(c: core.Core, prefix: str, kind: str, status: str) -> Plan[Dict[str, bool]]:
    """``Session.destroy_with``: deletes the sessions of ``kind`` and ``status`` whose name matches ``prefix``."""
    pattern = _name_pattern(prefix)
    sessions = yield from core.list_sessions(c, kind=kind, status=status)
    ids = [s["id"] for s in sessions if "id" in s and pattern.search(s.get("name", ""))]
    if not ids:
        return {}
    return (yield from destroy(c, ids))


def delete(c: core.Core, job: JobRef) -> Plan[Any]:
    """``Session.delete``: True once deleted (raises if it cannot be); a dict for several ids."""
    ids = ids_of(job)
    if len(ids) == 1:
        yield from core.delete(c, ids[0])
        return True
    result = yield from core.bulk(c, ids, lambda i: core.delete(c, i))
    _settle("delete", result, "raise")
    return {i: True for i in ids}


def renew(c: core.Core, ids: JobRef, errors: str) -> Plan[Dict[str, bool]]:
    """``Session.renew``: id → whether it was renewed."""
    _check_errors(errors)
    result = yield from core.bulk(c, ids_of(ids), lambda i: core.renew(c, i))
    _settle("renew", result, errors)
    return {item.key: item.ok for item in result.items}


def wait(c: core.Core, job: JobRef, *, until: str, timeout: Optional[float], poll_interval: float, check: bool,
         on_progress: Optional[Callable[[WaitProgress], None]], out: Optional[IO[str]] = None) -> Plan[Any]:
    """``Session.wait``/``monitor``: the final session dict (a list for several ids).

    Raises WaitTimeoutError on timeout, ApiError for an unknown id and, with
    ``check``, SessionFailedError when one failed. ``out``: print each status change there.
    """
    ids = ids_of(job)
    last: Dict[str, str] = {}

    def report(sessions: Sequence[SessionJson]) -> None:
        for s in sessions:
            sid, status = s.get("id", "?"), s.get("status", "?")
            if out is not None and last.get(sid) != status:
                last[sid] = status
                name = f" {s['name']}" if s.get("name") else ""
                print(f"{sid}{name}: {status}", file=out, flush=True)

    result = yield from core.wait_for(c, ids, until=until, timeout=timeout, poll_interval=poll_interval, on_progress=on_progress,
                                      on_poll=report if out is not None else None)
    if result.missing:
        raise result.missing[0].error
    sessions = [with_seed_names(dict(s)) for s in result.sessions]
    if result.timed_out:
        reached = is_done_status if until == "done" else has_started_status
        open_ids = [s.get("id", "?") for s in sessions if not reached(s.get("status"))]
        raise WaitTimeoutError(f"Gave up after {result.elapsed:.0f} s: {', '.join(open_ids)} not {'done' if until == 'done' else 'running'} yet.", sessions)
    failed = [s for s in sessions if is_failed_status(s.get("status"))]
    if check and failed:
        reasons = "; ".join(f"{s.get('id')} {s.get('status')}" + (f" ({s['statusMessage']})" if s.get("statusMessage") else "") for s in failed)
        raise SessionFailedError(f"{len(failed)} of {len(sessions)} session(s) failed: {reasons}", sessions, failed)
    return _one_or_many(job, sessions)
