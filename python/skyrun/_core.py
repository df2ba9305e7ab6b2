"""The SDK's operations, each written once as a plan (see ``_drive``).

These are the TypeScript SDK's operations (``src/client/skyrun-client.ts``) in Python:
where skyrun and the platform's skaha differ (replicas, following logs, events as
JSON, extensions) the core detects skyrun by its ``x-skyrun-version`` header and
otherwise does what the platform's own client does.
"""

from __future__ import annotations

import codecs
import json
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import quote
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ._drive import Emit, Gather, Open, Outcome, Pause, Plan, Read, Send
from ._retry import RetryPolicy, may_retry, retry_delay
from ._transport import SKYRUN_VERSION_HEADER, Call, Reply, Stream, query_pairs
from .auth import TokenSource
from .errors import ApiError, ClientError, InvalidRequestError, ProtocolError, UnsupportedError
from .results import (
    BulkOutcome, BulkResult, CreateFailure, CreateResult, ItemResult, MissingSession, ServerInfo, WaitProgress, WaitResult,
)
from .spec import (
    PLATFORM_MAX_REPLICAS, RegistryCredential, SessionSpec, check_spec, registry_auth_header, to_platform_form, to_skyrun_body,
)
from .wire import (
    SessionEvent, SessionJson, has_started_status, is_done_status, is_failed_status, is_session_id, parse_event_table, parse_id_lines,
)

#: skyrun's JSON opt-in for the calls the platform answers in text (create, events, bulk actions).
JSON_OPT_IN = "application/vnd.skyrun+json"
_ACCEPT_JSON = (("accept", "application/json"),)
_ACCEPT_OPT_IN = (("accept", JSON_OPT_IN),)


class Core:
    """What every plan needs to know about the client: where, how to retry, which server."""

    def __init__(self, *, base_url: str, api_version: str, retry: RetryPolicy, concurrency: int, registry_auth: Optional[RegistryCredential],
                 server: str, token: Optional[TokenSource], url_of: Callable[[Call], str]) -> None:
        self.base_url = base_url
        self.api_version = api_version
        self.retry = retry
        self.concurrency = max(1, int(concurrency))
        self.registry_auth = registry_auth
        self.token = token
        self.url_of = url_of
        self._fixed = server in ("skyrun", "platform")
        self.detected: Optional[ServerInfo] = ServerInfo(server) if self._fixed else None

    def note(self, reply_headers: Mapping[str, str]) -> None:
        if not self._fixed:
            version = reply_headers.get(SKYRUN_VERSION_HEADER)
            self.detected = ServerInfo("skyrun", version) if version is not None else ServerInfo("platform")

    def status_word(self, status: Optional[str]) -> Optional[str]:
        """v0 says Succeeded and v1 Completed: a filter in the other version's word would match nothing on the platform."""
        if status is not None and status.lower() in ("succeeded", "completed"):
            return "Succeeded" if self.api_version == "v0" else "Completed"
        return status


def _path(*segments: str) -> str:
    """A call's path with each id segment escaped."""
    return "/".join(quote(s, safe="") if i else s for i, s in enumerate(segments))


def session_path(session_id: str, *rest: str) -> str:
    """``session/<id>[/…]``, the id escaped."""
    return _path("session", session_id, *rest)


def _retry_after(value: Optional[str]) -> Optional[float]:
    if value is None:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(timezone.utc)).total_seconds())
    except (TypeError, ValueError):
        return None


def _api_error(core: Core, call: Call, status: int, text: str, headers: Mapping[str, str]) -> ApiError:
    return ApiError(status, text.strip(), call.method, core.url_of(call), _retry_after(headers.get("retry-after")))


def request(core: Core, call: Call) -> Plan[Reply]:
    """Sends a call and returns a 2xx reply; retries per the policy; raises ClientError.

    After a 401 a token source that can get a fresh token (OIDC) is asked once.
    """
    attempt = 0
    refreshed = False
    while True:
        try:
            reply: Reply = yield Send(call)
        except ClientError as e:
            error: ClientError = e
        else:
            core.note(reply.headers)
            if reply.status < 300:
                return reply
            if 300 <= reply.status < 400:
                raise ProtocolError(f"The server redirected {call.method} {core.url_of(call)} to {reply.headers.get('location', '?')}; give that address as the URL.", core.url_of(call))
            if reply.status == 401 and not refreshed and core.token is not None and core.token.invalidate():
                refreshed = True
                continue
            error = _api_error(core, call, reply.status, reply.text, reply.headers)
        if attempt >= core.retry.retries or not may_retry(error, call.idempotent):
            raise error
        yield Pause(retry_delay(core.retry, attempt, error))
        attempt += 1


def open_stream(core: Core, call: Call) -> Plan[Stream]:
    """Like :func:`request`, returning at the headers; the caller reads and closes the stream."""
    attempt = 0
    while True:
        try:
            stream: Stream = yield Open(call)
        except ClientError as e:
            error: ClientError = e
        else:
            core.note(stream.headers)
            if stream.status < 400:
                return stream
            try:
                body = b""
                while True:
                    chunk = yield Read(stream)
                    if not chunk:
                        break
                    body += chunk
            finally:
                stream.close()
            error = _api_error(core, call, stream.status, body.decode("utf-8", "replace"), stream.headers)
        if attempt >= core.retry.retries or not may_retry(error, call.idempotent):
            raise error
        yield Pause(retry_delay(core.retry, attempt, error))
        attempt += 1


def parse_json(core: Core, reply: Reply, call: Call) -> Any:
    try:
        return json.loads(reply.text)
    except ValueError:
        raise ProtocolError(f"The server at {core.base_url} did not answer JSON ({reply.text[:60]!r}…); is the URL a skaha service?", core.url_of(call)) from None


def get_json(core: Core, path: str, query: Tuple[Tuple[str, str], ...] = ()) -> Plan[Any]:
    call = Call("GET", path, query=query, headers=_ACCEPT_JSON)
    reply = yield from request(core, call)
    return parse_json(core, reply, call)


def server(core: Core) -> Plan[ServerInfo]:
    """Which server this is, asking it once if no call has told yet (any answer carries the header, an error too)."""
    if core.detected is None:
        try:
            yield from request(core, Call("GET", "context", headers=_ACCEPT_JSON))
        except ApiError:
            pass
    return core.detected or ServerInfo("platform")


def is_skyrun(core: Core) -> Plan[bool]:
    info = yield from server(core)
    return info.kind == "skyrun"


def require_skyrun(core: Core, feature: str) -> Plan[None]:
    """Raises UnsupportedError naming the extension when the server is the platform's skaha."""
    if not (yield from is_skyrun(core)):
        raise UnsupportedError(f"{feature} is a skyrun extension; this server ({core.base_url}, the platform's skaha) does not support it.")


# --- sessions ---------------------------------------------------------------------

def _registry_headers(core: Core, spec: SessionSpec) -> Tuple[Tuple[str, str], ...]:
    auth = spec.registry_auth if spec.registry_auth is not None else core.registry_auth
    return (("x-skaha-registry-auth", registry_auth_header(auth)),) if auth is not None else ()


def _created(core: Core, reply: Reply, call: Call) -> Tuple[List[str], List[SessionJson]]:
    """Ids (and, with skyrun's JSON opt-in, the sessions) from a create answer, whichever the server sent."""
    if reply.content_type.endswith("json"):
        parsed = parse_json(core, reply, call)
        sessions: List[SessionJson] = parsed if isinstance(parsed, list) else [parsed]
        return [str(s.get("sessionId") or s.get("id")) for s in sessions], sessions
    ids = parse_id_lines(reply.text)
    if not ids or not all(is_session_id(i) for i in ids):
        raise ProtocolError(f"The server answered {reply.text[:60]!r} instead of session ids.", core.url_of(call))
    return ids, []


def create(core: Core, spec: SessionSpec, on_progress: Optional[Callable[[int, int, int], None]] = None) -> Plan[CreateResult]:
    """Creates sessions: one request with ``replicas`` on skyrun; one request per replica on the platform.

    On the platform replicas are sent ``concurrency`` at a time, named ``name-1`` …
    ``name-N`` with REPLICA_ID and REPLICA_COUNT. Raises when nothing was created;
    partial failures are in ``failed``.
    """
    check_spec(spec)
    headers = _registry_headers(core, spec)
    count = spec.replicas
    if (yield from is_skyrun(core)):
        call = Call("POST", "session", json=to_skyrun_body(spec), headers=_ACCEPT_OPT_IN + headers, idempotent=False)
        reply = yield from request(core, call)
        ids, sessions = _created(core, reply, call)
        if on_progress is not None:
            on_progress(len(ids), 0, count)
        return CreateResult(ids, sessions)
    if count > PLATFORM_MAX_REPLICAS:
        raise UnsupportedError(f"replicas={count}: the platform's clients create at most {PLATFORM_MAX_REPLICAS} replicas at once.")
    forms = [to_platform_form(spec, i + 1, count) for i in range(count)]
    tally = {"created": 0, "failed": 0}

    def one(form: List[Tuple[str, str]]) -> Callable[[], Plan[str]]:
        def plan() -> Plan[str]:
            call = Call("POST", "session", form=tuple(form), headers=headers, idempotent=False)
            reply = yield from request(core, call)
            ids, _ = _created(core, reply, call)
            return ids[0]
        return plan

    def settled(outcome: Outcome, _n: int, total: int) -> None:
        tally["created" if outcome.ok else "failed"] += 1
        if on_progress is not None:
            on_progress(tally["created"], tally["failed"], total)

    outcomes: List[Outcome] = yield Gather([one(f) for f in forms], core.concurrency, settled)
    failed = [CreateFailure(o.index + 1, forms[o.index][0][1], o.error) for o in outcomes if o.error is not None]
    ids = [o.value for o in outcomes if o.ok]
    if not ids and failed:
        raise failed[0].error
    return CreateResult(ids, [], failed)


def create_set(core: Core, specs: Sequence[SessionSpec], *, max_running: Optional[int], max_running_label: Optional[str],
               notify: Optional[str]) -> Plan[CreateResult]:
    """Differently-specified sessions in one request: one set, created together or not at all (skyrun).

    On the platform each spec is its own request (set-wide options are refused).
    """
    for spec in specs:
        check_spec(spec)
    set_wide = {"maxRunning": max_running, "maxRunningLabel": max_running_label, "notify": notify}
    if (yield from is_skyrun(core)):
        items = [dict(to_skyrun_body(s), **{k: v for k, v in set_wide.items() if v is not None}) for s in specs]
        registry = {h for s in specs for h in _registry_headers(core, s)}
        if len(registry) > 1:
            raise UnsupportedError("One request carries one registry credential: create sessions with different registry credentials separately.")
        call = Call("POST", "session", json=items, headers=_ACCEPT_OPT_IN + tuple(registry), idempotent=False)
        reply = yield from request(core, call)
        ids, sessions = _created(core, reply, call)
        return CreateResult(ids, sessions)
    given = [k for k, v in set_wide.items() if v is not None]
    if given:
        raise UnsupportedError(f"{', '.join(given)}: set-wide options are a skyrun extension; the platform's skaha does not support them.")
    def one(spec: SessionSpec) -> Callable[[], Plan[CreateResult]]:
        return lambda: create(core, spec)

    outcomes: List[Outcome] = yield Gather([one(s) for s in specs], core.concurrency)
    ids = [i for o in outcomes if o.ok for i in o.value.ids]
    failed = [CreateFailure(o.index + 1, specs[o.index].name, o.error) for o in outcomes if o.error is not None]
    if not ids and failed:
        raise failed[0].error
    return CreateResult(ids, [], failed)


def _instant(value: Union[str, datetime]) -> str:
    if isinstance(value, str):
        return value
    moment = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _name_matches(pattern: str, name: Optional[str]) -> bool:
    return name is not None and (name.startswith(pattern[:-1]) if pattern.endswith("*") else name == pattern)


def list_sessions(core: Core, *, kind: Optional[str] = None, status: Optional[str] = None, labels: Optional[Mapping[str, str]] = None,
                  name: Optional[str] = None, changed_since: Optional[Union[str, datetime]] = None, set_id: Optional[str] = None) -> Plan[List[SessionJson]]:
    """The caller's sessions, filtered. ``name`` is exact, or a prefix with a trailing ``*``."""
    if labels or changed_since is not None or set_id is not None:
        yield from require_skyrun(core, "Listing by label, changedSince or set")
    query = query_pairs(type=kind, status=core.status_word(status), label=[f"{k}={v}" for k, v in (labels or {}).items()], name=name,
                        changedSince=_instant(changed_since) if changed_since is not None else None, set=set_id)
    sessions: List[SessionJson] = yield from get_json(core, "session", query)
    # Checked here too: the platform has no name filter, and a server that predates one would ignore it.
    if name is not None:
        sessions = [s for s in sessions if _name_matches(name, s.get("name"))]
    if labels:
        sessions = [s for s in sessions if all((s.get("labels") or {}).get(k) == v for k, v in labels.items())]
    return sessions


def list_all(core: Core, *, kind: Optional[str] = None, status: Optional[str] = None) -> Plan[List[Dict[str, Any]]]:
    """``view=all``: every user's sessions, limited fields (on skyrun, administrators only)."""
    result: List[Dict[str, Any]] = yield from get_json(core, "session", query_pairs(view="all", type=kind, status=core.status_word(status)))
    return result


def info(core: Core, session_id: str) -> Plan[SessionJson]:
    result: SessionJson = yield from get_json(core, _path("session", session_id))
    return result


def bulk(core: Core, keys: Sequence[Any], make: Callable[[Any], Plan[Any]]) -> Plan[BulkResult[Any, Any]]:
    """Runs ``make(key)`` for every key, ``concurrency`` at a time, and reports each outcome; never stops at a failure."""
    def one(key: Any) -> Callable[[], Plan[Any]]:
        return lambda: make(key)

    outcomes: List[Outcome] = yield Gather([one(k) for k in keys], core.concurrency)
    return BulkResult([ItemResult(keys[o.index], o.ok, o.value, o.error) for o in outcomes])


def _last_lines(text: str, lines: int) -> str:
    if lines <= 0:
        return ""
    body = text[:-1] if text.endswith("\n") else text
    if body == "":
        return text
    parts = body.split("\n")
    return text if len(parts) <= lines else "\n".join(parts[-lines:]) + ("\n" if text.endswith("\n") else "")


def logs(core: Core, session_id: str, *, tail: Optional[int] = None, attempt: Optional[int] = None) -> Plan[str]:
    """The session's whole output (stdout and stderr), or its last ``tail`` lines; ``attempt`` an earlier attempt's (skyrun)."""
    skyrun = yield from is_skyrun(core)
    if attempt is not None and not skyrun:
        raise UnsupportedError("Logs of an earlier attempt are a skyrun extension; the platform's skaha keeps only the current log.")
    query = query_pairs(view="logs", tail=tail if skyrun else None, attempt=attempt)
    reply = yield from request(core, Call("GET", _path("session", session_id), query=query))
    return _last_lines(reply.text, tail) if tail is not None and not skyrun else reply.text


def follow_logs(core: Core, session_id: str, *, tail: Optional[int] = None, poll_interval: float = 2.0) -> Plan[None]:
    """Emits the session's output as it is written, ending when the session ends.

    skyrun streams it; on the platform the log is polled and only new text is emitted.
    """
    if (yield from is_skyrun(core)):
        stream = yield from open_stream(core, Call("GET", _path("session", session_id, "logs"), query=query_pairs(follow=True, tail=tail)))
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        try:
            while True:
                chunk = yield Read(stream)
                if not chunk:
                    break
                text = decoder.decode(chunk)
                if text:
                    yield Emit(text)
            rest = decoder.decode(b"", final=True)
            if rest:
                yield Emit(rest)
        finally:
            stream.close()
        return
    seen: Optional[str] = None
    while True:
        # The status is read before the log, so a log read after "done" is known to be complete.
        status = (yield from info(core, session_id)).get("status")
        reply = yield from request(core, Call("GET", _path("session", session_id), query=(("view", "logs"),)))
        text = reply.text
        if seen is None:
            first = text if tail is None else _last_lines(text, tail)
            if first:
                yield Emit(first)
        elif text.startswith(seen):
            if len(text) > len(seen):
                yield Emit(text[len(seen):])
        elif text:
            yield Emit(text)  # the log was replaced (the run restarted): show it from its start
        seen = text
        if is_done_status(status):
            return
        yield Pause(poll_interval)


def events(core: Core, session_id: str) -> Plan[List[SessionEvent]]:
    """What happened to the session, as event dicts.

    skyrun answers JSON when asked (and a table otherwise, which is parsed); the
    platform's table is parsed, and its 404 for a session without a pod yet becomes no events.
    """
    call = Call("GET", _path("session", session_id), query=(("view", "events"),), headers=_ACCEPT_OPT_IN)
    try:
        reply = yield from request(core, call)
    except ApiError as e:
        if e.status != 404 or (yield from is_skyrun(core)):
            raise
        yield from info(core, session_id)  # still 404: the session itself is unknown
        return []
    if reply.content_type.endswith("json"):
        parsed: List[SessionEvent] = parse_json(core, reply, call)
        return parsed
    return parse_event_table(reply.text)


def _event_key(e: SessionEvent) -> Tuple[str, str, str, str]:
    return (e.get("type", ""), e.get("reason", ""), e.get("message", ""), e.get("firstTime", ""))


def watch(core: Core, session_id: str, *, poll_interval: float = 2.0) -> Plan[None]:
    """Emits each new event of a session (and again when one recurs), ending once the session has ended.

    Polls start a quarter second apart and slow down to ``poll_interval``. The
    status is read before the events, so the events read after "done" are complete.
    """
    seen: Dict[Tuple[str, str, str, str], int] = {}
    pause = min(0.25, poll_interval)
    while True:
        status = (yield from info(core, session_id)).get("status")
        for event in (yield from events(core, session_id)):
            key = _event_key(event)
            count = int(event.get("count", 1) or 1)
            if key not in seen or seen[key] < count:
                seen[key] = count
                yield Emit(event)
        if is_done_status(status):
            return
        yield Pause(pause)
        pause = min(poll_interval, pause * 1.5)


def delete(core: Core, session_id: str) -> Plan[None]:
    """Deletes (stops) a session. Deleting again is harmless."""
    yield from request(core, Call("DELETE", _path("session", session_id)))


def renew(core: Core, session_id: str) -> Plan[None]:
    """Extends a running session's expiry by the server's renewal period."""
    yield from request(core, Call("POST", _path("session", session_id), form=(("action", "renew"),)))


def _selector(labels: Optional[Mapping[str, str]], name: Optional[str], set_id: Optional[str]) -> Tuple[Tuple[str, str], ...]:
    query = query_pairs(label=[f"{k}={v}" for k, v in (labels or {}).items()], name=name, set=set_id)
    if not query:
        raise InvalidRequestError("Give at least one selector (labels, name or set_id): a bulk action never touches all sessions.", "selector")
    return query


def _outcomes(core: Core, reply: Reply, call: Call) -> List[BulkOutcome]:
    if reply.content_type.endswith("json"):
        return [BulkOutcome(str(i.get("id")), str(i.get("outcome", "")), i.get("status"), i.get("message")) for i in parse_json(core, reply, call)]
    result: List[BulkOutcome] = []
    for line in reply.text.splitlines():
        if line.strip():
            sid, _, outcome = line.strip().partition(" ")
            result.append(BulkOutcome(sid, outcome.strip()))
    return result


def act_matching(core: Core, action: str, *, labels: Optional[Mapping[str, str]], name: Optional[str], set_id: Optional[str]) -> Plan[List[BulkOutcome]]:
    """Deletes or renews every session of the caller that matches (skyrun); one outcome per session.

    On the platform, a name selector is done by listing and acting one by one;
    labels and sets are refused.
    """
    query = _selector(labels, name, set_id)
    if (yield from is_skyrun(core)):
        call = (Call("DELETE", "session", query=query, headers=_ACCEPT_OPT_IN) if action == "delete"
                else Call("POST", "session", query=(("action", "renew"),) + query, headers=_ACCEPT_OPT_IN))
        reply = yield from request(core, call)
        return _outcomes(core, reply, call)
    if labels or set_id is not None:
        raise UnsupportedError(f"{action.capitalize()} by label or set is a skyrun extension; the platform's skaha does not support it.")
    sessions = yield from list_sessions(core, name=name)
    ids = [s["id"] for s in sessions if "id" in s]
    result = yield from bulk(core, ids, (lambda i: delete(core, i)) if action == "delete" else (lambda i: renew(core, i)))
    word = "deleted" if action == "delete" else "renewed"
    return [BulkOutcome(i.key, word if i.ok else "failed", 200 if i.ok else getattr(i.error, "status", None), None if i.ok else str(i.error))
            for i in result.items]


def session_stats(core: Core, session_id: str) -> Plan[Dict[str, Any]]:
    """What one session asked for and uses (skyrun's ``/session/{id}/stats``)."""
    yield from require_skyrun(core, "Per-session stats")
    result: Dict[str, Any] = yield from get_json(core, _path("session", session_id, "stats"))
    return result


# --- waiting ----------------------------------------------------------------------

#: Up to this many ids are polled one by one; more are read from one listing.
_LIST_THRESHOLD = 4


def wait_for(core: Core, ids: Sequence[str], *, until: str = "done", timeout: Optional[float] = None, poll_interval: float = 5.0,
             on_progress: Optional[Callable[[WaitProgress], None]] = None,
             on_poll: Optional[Callable[[List[SessionJson]], None]] = None) -> Plan[WaitResult]:
    """Polls until every session reached ``until`` (``done`` or ``running``), or ``timeout`` seconds passed.

    Many sessions cost one listing per poll, not one request each; ids missing from
    the listing are asked for one by one, and a 404 marks the id missing instead of
    failing the wait. Polls start 250 ms apart and slow down by half each time, up to
    ``poll_interval`` seconds.
    """
    if until not in ("done", "running"):
        raise ValueError(f"until must be 'done' or 'running', not {until!r}")
    reached_target = is_done_status if until == "done" else has_started_status
    wanted = list(dict.fromkeys(ids))
    latest: Dict[str, SessionJson] = {}
    missing: Dict[str, ClientError] = {}
    started = time.monotonic()
    max_pause = max(0.05, poll_interval)
    pause = min(0.25, max_pause)

    def still_open() -> List[str]:
        return [i for i in wanted if i not in missing and not (i in latest and reached_target(latest[i].get("status")))]

    def look_up(session_id: str) -> Plan[None]:
        try:
            latest[session_id] = yield from info(core, session_id)
        except ApiError as e:
            if e.status != 404:
                raise
            missing[session_id] = e

    while True:
        pending = still_open()
        if len(pending) > _LIST_THRESHOLD:
            listed = {s.get("id"): s for s in (yield from list_sessions(core))}
            for i in pending:
                if i in listed:
                    latest[i] = listed[i]
            for i in [i for i in pending if i not in listed]:
                yield from look_up(i)
        else:
            for i in pending:
                yield from look_up(i)
        elapsed = time.monotonic() - started
        by_status: Dict[str, int] = {}
        for i in wanted:
            word = "NotFound" if i in missing else latest.get(i, {}).get("status", "Unknown")
            by_status[word] = by_status.get(word, 0) + 1
        remaining = still_open()
        if on_progress is not None:
            on_progress(WaitProgress(len(wanted), len(wanted) - len(remaining) - len(missing), by_status, elapsed))
        if on_poll is not None:
            on_poll([latest[i] for i in wanted if i in latest])
        if not remaining or (timeout is not None and elapsed >= timeout):
            sessions = [latest[i] for i in wanted if i in latest]
            return WaitResult(sessions, not remaining and not missing, bool(remaining), [s for s in sessions if is_failed_status(s.get("status"))],
                              [MissingSession(i, e) for i, e in missing.items()], elapsed)
        yield Pause(pause if timeout is None else max(0.0, min(pause, timeout - elapsed)))
        pause = min(max_pause, pause * 1.5)


def images(core: Core, kind: Optional[str] = None) -> Plan[List[Dict[str, Any]]]:
    result: List[Dict[str, Any]] = yield from get_json(core, "image", query_pairs(type=kind))
    return result
