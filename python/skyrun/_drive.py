"""The one core, run two ways.

Every operation of the SDK is written once, as a *plan*: a generator that yields
effects (send this request, pause this long, run these plans side by side, hand this
value to the caller) and receives their results. A plan does no I/O itself, so the
same plan runs

- blocking, in :func:`run_sync` / :func:`iterate_sync`: requests on the calling
  thread, pauses with ``time.sleep``, side-by-side plans on a thread pool;
- on asyncio, in :func:`run_async` / :func:`iterate_async`: each request on a worker
  thread (``loop.run_in_executor``), pauses with ``asyncio.sleep``, side-by-side plans
  with ``asyncio.gather`` under a semaphore. Cancelling the task cancels at the next
  effect; a stream being read is closed.

Why worker threads rather than an HTTP client written on asyncio streams: the
standard library's ``http.client`` already does HTTP/1.1, chunked bodies, keep-alive
and TLS (client certificates included) correctly; a second HTTP implementation would
double the code that talks to the network. A worker thread per request in flight
(bounded by ``concurrency``) costs little for a batch-job client, and the loop never blocks.

A failure an effect raises as a :class:`~skyrun.errors.ClientError` is thrown into
the plan at its ``yield`` (so retries and fallbacks are plan logic, shared by both
drivers); anything else is a bug and propagates.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Generator, Iterator, List, Optional, Sequence, TypeVar, Union

from ._transport import Call, HttpTransport, Stream
from .errors import ClientError

T = TypeVar("T")
#: A plan: yields effects, receives their results, returns its value.
Plan = Generator[Any, Any, T]


@dataclass(frozen=True)
class Send:
    """Send one request (one attempt) → :class:`Reply`, whatever its status."""

    call: Call


@dataclass(frozen=True)
class Open:
    """Send one request and return at its headers → :class:`Stream`."""

    call: Call


@dataclass(frozen=True)
class Read:
    """The next bytes of a stream → ``bytes`` (empty at the end)."""

    stream: Stream


@dataclass(frozen=True)
class Pause:
    """Wait this many seconds → ``None``."""

    seconds: float


@dataclass(frozen=True)
class Gather:
    """Run plans side by side, at most ``concurrency`` at once → a list of :class:`Outcome`, in order."""

    plans: Sequence[Callable[[], Plan[Any]]]
    concurrency: int
    #: Called as each plan settles, with its outcome, how many settled and how many there are.
    on_settled: Optional[Callable[["Outcome", int, int], None]] = None


@dataclass(frozen=True)
class Emit:
    """Hand a value to the caller of an iterating plan → ``None``."""

    value: Any


@dataclass(frozen=True)
class Outcome:
    """What one plan of a Gather came to: a value, or the ClientError it raised."""

    index: int
    value: Any = None
    error: Optional[ClientError] = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _step(plan: Plan[Any], value: Any, error: Optional[ClientError]) -> Any:
    return plan.throw(error) if error is not None else plan.send(value)


class SyncIo:
    """Performs effects by blocking."""

    def __init__(self, transport: HttpTransport) -> None:
        self.transport = transport

    def perform(self, effect: Any) -> Any:
        if isinstance(effect, Send):
            return self.transport.send(effect.call)
        if isinstance(effect, Open):
            return self.transport.open(effect.call)
        if isinstance(effect, Read):
            return effect.stream.read()
        if isinstance(effect, Pause):
            if effect.seconds > 0:
                time.sleep(effect.seconds)
            return None
        if isinstance(effect, Gather):
            return self._gather(effect)
        raise TypeError(f"a plan yielded {effect!r}, which is not an effect")

    def _gather(self, effect: Gather) -> List[Outcome]:
        total = len(effect.plans)
        outcomes: List[Optional[Outcome]] = [None] * total
        if total == 0:
            return []
        settled = 0
        bug: Optional[BaseException] = None
        workers = max(1, min(effect.concurrency, total))
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="skyrun")
        try:
            futures = {pool.submit(self._settle, i, make): i for i, make in enumerate(effect.plans)}
            for future in concurrent.futures.as_completed(futures):
                try:
                    outcome = future.result()
                except BaseException as e:  # a bug in a plan: rethrown once all settled
                    bug = bug or e
                    continue
                outcomes[outcome.index] = outcome
                settled += 1
                if effect.on_settled is not None:
                    effect.on_settled(outcome, settled, total)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if bug is not None:
            raise bug
        return [o for o in outcomes if o is not None]

    def _settle(self, index: int, make: Callable[[], Plan[Any]]) -> Outcome:
        try:
            return Outcome(index, value=run_sync(make(), self))
        except ClientError as e:
            return Outcome(index, error=e)


def run_sync(plan: Plan[T], io: SyncIo) -> T:
    """Runs a plan to its value, blocking."""
    value: Any = None
    error: Optional[ClientError] = None
    try:
        while True:
            try:
                effect = _step(plan, value, error)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            value, error = None, None
            if isinstance(effect, Emit):
                raise TypeError("run_sync: this plan emits values; iterate it")
            try:
                value = io.perform(effect)
            except ClientError as e:
                error = e
    finally:
        plan.close()


def iterate_sync(plan: Plan[Any], io: SyncIo) -> Iterator[Any]:
    """Runs a plan, yielding what it emits; leaving the loop early closes the plan (and its streams)."""
    value: Any = None
    error: Optional[ClientError] = None
    try:
        while True:
            try:
                effect = _step(plan, value, error)
            except StopIteration:
                return
            value, error = None, None
            if isinstance(effect, Emit):
                yield effect.value
                continue
            try:
                value = io.perform(effect)
            except ClientError as e:
                error = e
    finally:
        plan.close()


class AsyncIo:
    """Performs effects on asyncio: blocking I/O on a private thread pool."""

    def __init__(self, transport: HttpTransport, concurrency: int) -> None:
        self.transport = transport
        # Sized for a full bulk call plus a few streams; threads start only when needed.
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=concurrency + 4, thread_name_prefix="skyrun-io")

    async def perform(self, effect: Any) -> Any:
        loop = asyncio.get_running_loop()
        if isinstance(effect, Send):
            return await loop.run_in_executor(self._pool, self.transport.send, effect.call)
        if isinstance(effect, Open):
            return await loop.run_in_executor(self._pool, self.transport.open, effect.call)
        if isinstance(effect, Read):
            try:
                return await loop.run_in_executor(self._pool, effect.stream.read)
            except asyncio.CancelledError:
                effect.stream.close()  # unblocks the worker thread's read
                raise
        if isinstance(effect, Pause):
            await asyncio.sleep(max(0.0, effect.seconds))
            return None
        if isinstance(effect, Gather):
            return await self._gather(effect)
        raise TypeError(f"a plan yielded {effect!r}, which is not an effect")

    async def _gather(self, effect: Gather) -> List[Outcome]:
        total = len(effect.plans)
        gate = asyncio.Semaphore(max(1, effect.concurrency))
        settled = 0

        async def settle(index: int, make: Callable[[], Plan[Any]]) -> Outcome:
            nonlocal settled
            async with gate:
                try:
                    outcome = Outcome(index, value=await run_async(make(), self))
                except ClientError as e:
                    outcome = Outcome(index, error=e)
            settled += 1
            if effect.on_settled is not None:
                effect.on_settled(outcome, settled, total)
            return outcome

        results: List[Union[Outcome, BaseException]] = await asyncio.gather(*(settle(i, m) for i, m in enumerate(effect.plans)), return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException):
                raise r
        return results  # type: ignore[return-value]

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


async def run_async(plan: Plan[T], io: AsyncIo) -> T:
    """Runs a plan to its value on the running event loop."""
    value: Any = None
    error: Optional[ClientError] = None
    try:
        while True:
            try:
                effect = _step(plan, value, error)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            value, error = None, None
            if isinstance(effect, Emit):
                raise TypeError("run_async: this plan emits values; iterate it")
            try:
                value = await io.perform(effect)
            except ClientError as e:
                error = e
    finally:
        plan.close()


async def iterate_async(plan: Plan[Any], io: AsyncIo) -> AsyncIterator[Any]:
    """Runs a plan, yielding what it emits; ``aclose()`` or cancellation closes the plan (and its streams)."""
    value: Any = None
    error: Optional[ClientError] = None
    try:
        while True:
            try:
                effect = _step(plan, value, error)
            except StopIteration:
                return
            value, error = None, None
            if isinstance(effect, Emit):
                yield effect.value
                continue
            try:
                value = await io.perform(effect)
            except ClientError as e:
                error = e
    finally:
        plan.close()
