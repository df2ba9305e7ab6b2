"""What the SDK's calls return, beyond the server's own JSON (which stays plain dicts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Generic, List, Optional, TypeVar

from .errors import ClientError
from .wire import SessionJson

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class ServerInfo:
    """Which server a client talks to: ``skyrun`` (which names itself in ``x-skyrun-version``) or ``platform``."""

    kind: str
    version: Optional[str] = None


@dataclass(frozen=True)
class CreateFailure:
    """A replica that could not be created (on the platform, where each replica is its own request)."""

    replica: int
    name: str
    error: ClientError


@dataclass(frozen=True)
class CreateResult:
    """Sessions created by one ``create`` call."""

    #: Ids of the sessions created, in replica order.
    ids: List[str]
    #: The new sessions as skyrun describes them; empty when the server answers only ids (the platform).
    sessions: List[SessionJson] = field(default_factory=list)
    #: Replicas that could not be created, and why (only on the platform).
    failed: List[CreateFailure] = field(default_factory=list)


@dataclass(frozen=True)
class ItemResult(Generic[K, V]):
    """The outcome of one item of a bulk call: ``value`` when ``ok``, else ``error``."""

    key: K
    ok: bool
    value: Optional[V] = None
    error: Optional[ClientError] = None


@dataclass(frozen=True)
class BulkResult(Generic[K, V]):
    """Per-item results of a bulk call, in the order of the keys given. A bulk call never stops at the first failure."""

    items: List[ItemResult[K, V]]

    @property
    def succeeded(self) -> List[ItemResult[K, V]]:
        return [i for i in self.items if i.ok]

    @property
    def failed(self) -> List[ItemResult[K, V]]:
        return [i for i in self.items if not i.ok]

    def values(self) -> Dict[K, V]:
        """The successful items' values by key."""
        return {i.key: i.value for i in self.items if i.ok}  # type: ignore[misc]

    def errors(self) -> Dict[K, ClientError]:
        """The failed items' errors by key."""
        return {i.key: i.error for i in self.items if i.error is not None}


@dataclass(frozen=True)
class BulkOutcome:
    """One session a bulk action by selector touched (``delete_matching``, ``renew_matching``)."""

    id: str
    #: ``deleted``, ``renewed``, or why not (the server's word)
    outcome: str
    #: The HTTP status it would have had on its own (200, 404, …), when the server said.
    status: Optional[int] = None
    message: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.status is None or 200 <= self.status < 300


@dataclass(frozen=True)
class WaitProgress:
    """Passed to ``on_progress`` after every poll of a wait."""

    total: int
    #: Sessions that reached the target.
    reached: int
    #: Sessions by status word, e.g. ``{"Pending": 3, "Running": 5, "Completed": 2}``; ``NotFound`` for unknown ids.
    by_status: Dict[str, int]
    #: Seconds since the wait began.
    elapsed: float


@dataclass(frozen=True)
class MissingSession:
    """An id the server does not know (or that is another user's), with the error it answered."""

    id: str
    error: ClientError


@dataclass(frozen=True)
class WaitResult:
    """Where a wait ended."""

    #: The last state seen of every session found, in the order of the ids given.
    sessions: List[SessionJson]
    #: True when every session reached the target (some may have failed).
    reached: bool
    timed_out: bool
    #: Sessions that ended Failed (or Error).
    failed: List[SessionJson]
    missing: List[MissingSession]
    #: Seconds the wait took.
    elapsed: float


__all__ = [
    "BulkOutcome",
    "BulkResult",
    "CreateFailure",
    "CreateResult",
    "ItemResult",
    "MissingSession",
    "ServerInfo",
    "WaitProgress",
    "WaitResult",
]

