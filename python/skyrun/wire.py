"""Wire shapes of the skaha session API, as ``src/contracts`` describes them.

"Session" is the platform's wire word for a job. Sessions, events and the rest arrive
as plain dicts (as the platform's own Python client returns them); the TypedDicts here
only name their keys for type checkers. Fields after ``isFixedResources`` are skyrun's
additive extensions, absent on the real platform.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, TypedDict


class AttemptJson(TypedDict, total=False):
    """One attempt of a session that may be retried (skyrun ``retries``)."""

    attempt: int
    status: str
    startTime: str
    endTime: str
    exitCode: int
    statusMessage: str


class SessionJson(TypedDict, total=False):
    """A session as ``GET /session`` and ``GET /session/{id}`` return it."""

    id: str
    userid: str
    runAsUID: str
    runAsGID: str
    supplementalGroups: List[int]
    appid: str
    image: str
    #: ``headless``, ``notebook``, … (the platform's ``type``; its Python client calls it kind)
    type: str
    status: str
    name: str
    startTime: str
    expiryTime: str
    connectURL: str
    requestedRAM: str
    requestedCPUCores: str
    requestedGPUCores: str
    ramInUse: str
    gpuRAMInUse: str
    cpuCoresInUse: str
    gpuUtilization: str
    isFixedResources: bool
    # skyrun
    phase: str
    exitCode: int
    endTime: str
    createdTime: str
    statusMessage: str
    replicaId: int
    replicaCount: int
    dependsOn: List[str]
    # skyrun extensions being built (see docs/python.md)
    labels: Dict[str, str]
    setId: str
    attempt: int
    retries: int
    attempts: List[AttemptJson]
    maxRunning: int
    walltime: int
    workdir: str
    stdout: str
    stderr: str
    notify: str
    # the seed interface (skyrun.Session) adds the names the seed pages read
    kind: str


class SessionEvent(TypedDict, total=False):
    """One event of a session (kubectl's pod events on the platform)."""

    #: ``Normal`` or ``Warning``
    type: str
    #: One CamelCase word: Scheduled, Pulling, Started, Failed, …
    reason: str
    message: str
    #: ISO 8601, absent when the server did not say (``<none>``)
    firstTime: str
    lastTime: str
    #: How many times it happened (skyrun only)
    count: int


class BulkOutcomeJson(TypedDict, total=False):
    """One item of a bulk action by selector (``DELETE /session?label=…``)."""

    id: str
    outcome: str
    status: int
    message: str


#: Statuses after which a session never changes again (v0 ``Succeeded``, v1 ``Completed``).
DONE_STATUSES = ("Succeeded", "Completed", "Failed", "Error")
#: Statuses that mean the session ended without success.
FAILED_STATUSES = ("Failed", "Error")


def is_done_status(status: Optional[str]) -> bool:
    """True when the session ended (succeeded or failed); case-insensitive."""
    return status is not None and status.lower() in {s.lower() for s in DONE_STATUSES}


def is_failed_status(status: Optional[str]) -> bool:
    """True when the session ended without success; case-insensitive."""
    return status is not None and status.lower() in {s.lower() for s in FAILED_STATUSES}


def has_started_status(status: Optional[str]) -> bool:
    """True once the session has started or ended: Running, Terminating or done."""
    return status is not None and (status.lower() in ("running", "terminating") or is_done_status(status))


_COLUMNS = ("TYPE", "REASON", "MESSAGE", "FIRST-TIME", "LAST-TIME")


def _column_starts(header: str) -> Optional[List[int]]:
    if " ".join(header.split()) != " ".join(_COLUMNS):
        return None
    starts: List[int] = []
    at = 0
    for column in _COLUMNS:
        at = header.index(column, at)
        starts.append(at)
        at += len(column)
    return starts


def _cut(row: str, starts: Sequence[int]) -> List[str]:
    return [row[start:(starts[i + 1] if i + 1 < len(starts) else len(row))].strip() for i, start in enumerate(starts)]


def parse_event_table(text: str) -> List[SessionEvent]:
    """Parses the platform's event table into event dicts.

    The table is kubectl's ``TYPE REASON MESSAGE FIRST-TIME LAST-TIME`` with a header
    row (or just ``<none>``). Columns are cut where the header's columns start, so
    messages with runs of spaces survive; without a header, rows are split on two or
    more spaces and only five-column rows are kept, as the platform's CLI does. Never
    raises: unreadable rows are skipped.
    """
    lines = [line for line in re.split(r"\r?\n", text) if line.strip() not in ("", "<none>")]
    starts = _column_starts(lines[0]) if lines else None
    rows = [_cut(line, starts) for line in lines[1:]] if starts else [re.split(r"\s{2,}", line.strip()) for line in lines]
    events: List[SessionEvent] = []
    for cells in rows:
        if len(cells) != len(_COLUMNS):
            continue
        kind, reason, message, first, last = cells
        if not kind or not reason:
            continue
        event: SessionEvent = {"type": kind, "reason": reason, "message": message}
        if first and first != "<none>":
            event["firstTime"] = first
        if last and last != "<none>":
            event["lastTime"] = last
        events.append(event)
    return events


def parse_id_lines(text: str) -> List[str]:
    """Session ids from a ``text/plain`` create answer: one per line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


_ID = re.compile(r"^[A-Za-z0-9-]+$")


def is_session_id(text: str) -> bool:
    """Whether ``text`` looks like a session id (the platform's ids are letters, digits and '-')."""
    return bool(_ID.match(text))


def with_seed_names(session: Dict[str, Any]) -> Dict[str, Any]:
    """A copy of a session dict that also carries ``phase`` and ``kind``, the names the seed pages read.

    The platform names them ``status`` and ``type``; skyrun already sends ``phase``. The
    pages also read ``startTime`` directly, which the servers leave out until a session
    starts: here it is then ``None``.
    """
    out = dict(session)
    out.setdefault("startTime", None)
    if "phase" not in out and "status" in out:
        out["phase"] = out["status"]
    if "kind" not in out and "type" in out:
        out["kind"] = out["type"]
    return out


__all__ = [
    "AttemptJson",
    "BulkOutcomeJson",
    "DONE_STATUSES",
    "FAILED_STATUSES",
    "SessionEvent",
    "SessionJson",
    "has_started_status",
    "is_done_status",
    "is_failed_status",
    "is_session_id",
    "parse_event_table",
    "parse_id_lines",
    "with_seed_names",
]
