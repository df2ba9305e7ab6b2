"""AsyncClient and AsyncSession: the same core on asyncio, against the real server. Each test runs its
own event loop with asyncio.run (no plugin needed)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Dict, List

import pytest

from conftest import World
from skyrun import AsyncClient, AsyncSession, SessionFailedError, run_bulk_async
from support.server import DEMO_IMAGE, User


def options(world: World, user: User) -> Dict[str, Any]:
    return {"token": user.token, "ca_file": world.server.ca_file}


def test_the_prefect_shape_submit_watch_and_wait(world: World, user: User) -> None:
    """What docs/workflows.md shows a Prefect task doing, minus Prefect."""

    async def task() -> Dict[str, Any]:
        async with AsyncSession(world.server.url, **options(world, user)) as session:
            job = await session.submit(name="reduce", image=DEMO_IMAGE, cmd=["sh", "-c", "echo reduced night 20261201"])
            reasons = [event["reason"] async for event in session.watch(job)]
            assert reasons[0] == "Queued" and reasons[-1] == "Completed"
            result: Dict[str, Any] = await session.wait(job)
            assert await session.get_logs(job) == "reduced night 20261201\n"
            return result

    assert asyncio.run(task())["status"] == "Succeeded"


def test_a_failed_job_fails_the_awaiting_task(world: World, user: User) -> None:
    async def task() -> None:
        async with AsyncSession(world.server.url, **options(world, user)) as session:
            await session.wait(await session.submit(name="bad", image=DEMO_IMAGE, cmd="false"))

    with pytest.raises(SessionFailedError):
        asyncio.run(task())


def test_many_calls_run_side_by_side_without_blocking_the_loop(world: World, user: User) -> None:
    async def main() -> None:
        async with AsyncClient(world.server.url, **options(world, user)) as client:
            created = await client.create(name="fan", image=DEMO_IMAGE, cmd=["true"], replicas=6)
            ticks = 0

            async def ticker() -> None:
                nonlocal ticks
                while True:
                    ticks += 1
                    await asyncio.sleep(0.01)

            beat = asyncio.ensure_future(ticker())
            waited = await client.wait_for(created.ids, timeout=120, poll_interval=0.2)
            infos = await client.info_many(created.ids + ["nosuch00"])
            logs = await asyncio.gather(*(client.logs(i) for i in created.ids))
            beat.cancel()
            assert waited.reached and len(waited.sessions) == 6
            assert [i.ok for i in infos.items] == [True] * 6 + [False]
            assert logs == [""] * 6
            assert ticks > 5  # the loop kept running while requests were in flight
            bulk = await run_bulk_async(created.ids, lambda sid, i: client.delete(sid), concurrency=3)
            assert all(i.ok for i in bulk.items)

    asyncio.run(main())


def test_cancelling_a_wait_or_a_follow_stops_at_once(world: World, user: User) -> None:
    async def main() -> None:
        async with AsyncClient(world.server.url, **options(world, user)) as client:
            (sid,) = (await client.create(name="forever", image=DEMO_IMAGE, cmd=["sh", "-c", "echo started; sleep 600"])).ids
            await client.wait_for(sid, until="running", timeout=120)
            started = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.wait_for(sid, poll_interval=5.0), timeout=0.5)
            chunks: List[str] = []

            async def follow() -> None:
                async for chunk in client.follow_logs(sid):
                    chunks.append(chunk)

            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(follow(), timeout=2.0)
            assert time.monotonic() - started < 10
            assert "".join(chunks) == "started\n"
            await client.delete(sid)

    asyncio.run(main())
    # The followed stream was closed: no worker thread is left blocked reading it.
    deadline = time.monotonic() + 10
    while any(t.name.startswith("skyrun-io") for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [t.name for t in threading.enumerate() if t.name.startswith("skyrun-io")]


def test_the_async_seed_interface_matches_the_blocking_one(world: World, user: User) -> None:
    async def main() -> None:
        async with AsyncSession(world.server.url, **options(world, user)) as session:
            ids = await session.create(name="twin", image=DEMO_IMAGE, cmd="echo", args=["twin"], replicas=2)
            done = await session.wait(ids)
            assert [s["phase"] for s in done] == ["Succeeded", "Succeeded"]
            assert await session.logs(ids) == {i: "twin\n" for i in ids}
            assert sorted(s["name"] for s in await session.fetch()) == ["twin-1", "twin-2"]
            assert await session.destroy_with("twin") == {i: True for i in ids}

    asyncio.run(main())
