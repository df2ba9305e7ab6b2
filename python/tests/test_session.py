"""Session: the seed pages' interface and the platform client's return shapes, against the real server."""

from __future__ import annotations

import io
import logging
from typing import Iterator

import pytest

from conftest import World
from skyrun import ApiError, InvalidRequestError, Session, SessionFailedError, SessionRequestError, WaitTimeoutError
from skyrun.image import Image
from support.server import DEMO_IMAGE, User


@pytest.fixture()
def session(world: World, user: User) -> Iterator[Session]:
    with Session(world.server.url, token=user.token, ca_file=world.server.ca_file) as s:
        yield s


def test_create_returns_the_list_of_ids_and_get_fetch_info_accept_it(session: Session) -> None:
    ids = session.create(name="shapes", image=DEMO_IMAGE, cmd="echo", args=["hello", "world"], env={"GREETING": "hi"})
    assert isinstance(ids, list) and len(ids) == 1
    done = session.wait(ids)
    assert done["status"] == done["phase"] == "Succeeded" and done["kind"] == "headless"
    assert session.get(ids)["id"] == session.get(ids[0])["id"] == session.fetch(ids)["id"] == ids[0]
    assert [s["id"] for s in session.info(ids)] == ids
    assert session.get_logs(ids) == "hello world\n"
    assert session.logs(ids) == {ids[0]: "hello world\n"}
    (table,) = session.events(ids)
    assert list(table) == ids and table[ids[0]].startswith("TYPE") and "Completed" in table[ids[0]]


def test_listing_by_kind_and_status_and_fetch_with_a_kind(session: Session) -> None:
    ids = session.create(name="lister", image=DEMO_IMAGE, cmd="true", replicas=2)
    session.wait(ids)
    assert sorted(s["name"] for s in session.list()) == ["lister-1", "lister-2"]
    assert len(session.fetch("headless", status="Completed")) == 2  # Completed means Succeeded on v0
    assert session.fetch("notebook") == [] and session.list(status="Running") == []


def test_destroy_and_destroy_with_report_per_id(session: Session) -> None:
    keep = session.create(name="other-job", image=DEMO_IMAGE, cmd="true")
    sweep = session.create(name="sweep", image=DEMO_IMAGE, cmd="true", replicas=3)
    session.wait(keep + sweep)
    assert session.destroy_with("^sweep-[12]$") == {i: True for i in sweep[:2]}  # a regex
    assert session.destroy_with("sweep") == {sweep[2]: True}  # a literal prefix
    assert session.destroy(keep + ["nosuch00"]) == {keep[0]: True, "nosuch00": False}
    assert session.list() == []


def test_submit_monitor_and_delete_the_higher_level_calls(session: Session) -> None:
    out = io.StringIO()
    sid = session.submit(name="hl", image=DEMO_IMAGE, cmd="sh -c 'sleep 0.5; echo done'")
    assert isinstance(sid, str)
    final = session.monitor(sid, poll_interval=0.2, out=out)
    assert final["status"] == "Succeeded"
    lines = out.getvalue().splitlines()
    assert lines[-1] == f"{sid} hl: Succeeded" and len(lines) == len(set(lines))
    assert session.delete(sid) is True


def test_wait_raises_when_a_session_failed_or_took_too_long(session: Session) -> None:
    failing = session.create(name="fails", image=DEMO_IMAGE, cmd="false")
    with pytest.raises(SessionFailedError) as e:
        session.wait(failing)
    assert e.value.failed[0]["id"] == failing[0] and "Failed" in str(e.value)
    assert session.wait(failing, check=False)["exitCode"] == 1
    slow = session.create(name="slow", image=DEMO_IMAGE, cmd="sleep", args=["600"])
    assert session.wait(slow, until="running")["status"] == "Running"
    with pytest.raises(WaitTimeoutError) as t:
        session.wait(slow, timeout=0.3, poll_interval=0.1)
    assert slow[0] in str(t.value) and isinstance(t.value, TimeoutError)
    assert session.renew(slow) == {slow[0]: True}
    session.delete(slow)
    with pytest.raises(ApiError):
        session.wait(["nosuch00"])


def test_errors_raise_by_default_and_ignore_as_the_platforms_client_does(world: World, user: User, session: Session,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(ApiError) as e:
        session.create(name="huge", image=DEMO_IMAGE, cores=999)
    assert e.value.status == 400
    with pytest.raises(SessionRequestError) as partial:
        session.info(["nosuch00"])
    assert list(partial.value.errors) == ["nosuch00"] and partial.value.operation == "info"
    with Session(world.server.url, token=user.token, ca_file=world.server.ca_file, errors="ignore") as lenient, caplog.at_level(logging.WARNING):
        assert lenient.create(name="huge", image=DEMO_IMAGE, cores=999) == []
        assert lenient.info(["nosuch00"]) == []
    assert "create huge failed" in caplog.text and "nosuch00" in caplog.text
    with pytest.raises(InvalidRequestError):
        session.create(name="nb", image=DEMO_IMAGE, kind="notebook", cmd="echo")  # cmd/args/env are for headless sessions only


def test_watch_and_follow_logs_from_the_session(session: Session) -> None:
    sid = session.submit(name="watched", image=DEMO_IMAGE, cmd=["sh", "-c", "echo one; sleep 0.3; echo two"])
    assert "".join(session.follow_logs(sid)) == "one\ntwo\n"
    assert [e["reason"] for e in session.watch(sid)][-1] == "Completed"


def test_the_platform_clients_image_listing(world: World, user: User) -> None:
    images = Image(world.server.url, token=user.token, ca_file=world.server.ca_file)
    assert DEMO_IMAGE in images.fetch("headless")
    assert all({"id", "types", "digest"} <= set(i) for i in images.details())
    images.close()
