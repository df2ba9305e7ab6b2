"""Your own bulk work, at most ``concurrency`` calls at a time, with per-item results (the TypeScript SDK's ``runBulk``)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Awaitable, Callable, List, Optional, Sequence, TypeVar

from .errors import ClientError
from .results import BulkResult, ItemResult

K = TypeVar("K")
V = TypeVar("V")


def run_bulk(keys: Sequence[K], call: Callable[[K, int], V], *, concurrency: int = 32,
             on_settled: Optional[Callable[[ItemResult[K, V], int, int], None]] = None) -> BulkResult[K, V]:
    """Runs ``call(key, index)`` for every key on up to ``concurrency`` threads and reports each outcome.

    Never stops at the first failure: a ClientError becomes that item's failure;
    anything else is a bug and is raised once every call has settled.
    """
    items: List[Optional[ItemResult[K, V]]] = [None] * len(keys)
    bug: Optional[BaseException] = None
    settled = 0
    if not keys:
        return BulkResult([])
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(keys))), thread_name_prefix="skyrun-bulk") as pool:
        futures = {pool.submit(call, key, i): i for i, key in enumerate(keys)}
        for future in concurrent.futures.as_completed(futures):
            i = futures[future]
            try:
                item: ItemResult[K, V] = ItemResult(keys[i], True, future.result())
            except ClientError as e:
                item = ItemResult(keys[i], False, error=e)
            except BaseException as e:
                bug = bug or e
                continue
            items[i] = item
            settled += 1
            if on_settled is not None:
                on_settled(item, settled, len(keys))
    if bug is not None:
        raise bug
    return BulkResult([i for i in items if i is not None])


async def run_bulk_async(keys: Sequence[K], call: Callable[[K, int], Awaitable[V]], *, concurrency: int = 32,
                         on_settled: Optional[Callable[[ItemResult[K, V], int, int], None]] = None) -> BulkResult[K, V]:
    """The asyncio form of :func:`run_bulk`: ``call`` is a coroutine function."""
    gate = asyncio.Semaphore(max(1, concurrency))
    settled = 0

    async def one(i: int, key: K) -> ItemResult[K, V]:
        nonlocal settled
        async with gate:
            try:
                item: ItemResult[K, V] = ItemResult(key, True, await call(key, i))
            except ClientError as e:
                item = ItemResult(key, False, error=e)
        settled += 1
        if on_settled is not None:
            on_settled(item, settled, len(keys))
        return item

    results = await asyncio.gather(*(one(i, k) for i, k in enumerate(keys)), return_exceptions=True)
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return BulkResult(list(results))  # type: ignore[arg-type]
