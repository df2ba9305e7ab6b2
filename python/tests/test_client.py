"""Client: the TypeScript SDK's calls in Python, against the real server (blocking side)."""

from __future__ import annotations

import socket
from typing import Iterator, List

import pytest

from conftest import World
from skyrun import (
    ApiError, Client, ConnectionError, InvalidRequestError, RetryPolicy, SessionSpec, TlsError, UnsupportedError, WaitProgress, run_bulk,
)
from support.fault_proxy import FaultProxy
from support.server import DEMO_IMAGE, PYTHON_IMAGE, User

FAST_RETRY = RetryPolicy(retries=4, min_delay=0.01, max_delay=0.05)


@pytest.fixture()
def client(world: World, user: User) -> Iterator[Client]:
    with Client(world.server.url, token=user.token, ca_file=world.server.ca_file) as c:
        yield c


def test_the_server_names_itself_and_the_url_forms_all_reach_the_same_api(world: World, user: User, client: Client) -> None:
    info = client.server()
    assert info.kind == "skyrun" and info.version
    assert client.base_url == f"{world.server.url}/skaha/v1" and client.api_version == "v1"
    with Client(f"{world.server.url}/skaha/v0/", token=user.token, ca_file=world.server.ca_file) as v0:
        assert (v0.base_url, v0.api_version) == (f"{world.server.url}/skaha/v0", "v0")
    assert client.list() == []


def test_argv_lists_reach_the_program_exactly_and_env_values_may_hold_equals_or_be_empty(client: Client) -> None:
    result = client.create(name="argv", image=PYTHON_IMAGE,
                           cmd=["python", "-c", "import os, sys; print(sys.argv[1:]); print(os.environ['A'], repr(os.environ['B']))"],
                           args=["two words", "it's \"quoted\"", "$HOME", ""], env={"A": "x=1=2", "B": ""})
    (sid,) = result.ids
    assert client.wait_for(sid, timeout=120).sessions[0]["status"] == "Completed"
    assert client.logs(sid) == "['two words', 'it\\'s \"quoted\"', '$HOME', '']\nx=1=2 ''\n"


def test_replicas_are_one_request_named_with_replica_numbers(client: Client) -> None:
    progress: List[tuple] = []
    result = client.create(SessionSpec(name="sweep", image=DEMO_IMAGE, cmd=["sh", "-c", "echo $REPLICA_ID/$REPLICA_COUNT"], replicas=3),
                           on_progress=lambda *p: progress.append(p))
    assert len(result.ids) == 3 and progress == [(3, 0, 3)]
    done = client.wait_for(result.ids, timeout=120)
    assert sorted(s["name"] for s in done.sessions) == ["sweep-1", "sweep-2", "sweep-3"]
    assert sorted(client.logs(i) for i in result.ids) == ["1/3\n", "2/3\n", "3/3\n"]


def test_a_dependent_session_starts_only_after_its_dependency_succeeded(client: Client) -> None:
    (first,) = client.create(name="first", image=DEMO_IMAGE, cmd=["sh", "-c", "sleep 1; echo first"]).ids
    (second,) = client.create(name="second", image=DEMO_IMAGE, cmd=["echo", "second"], depends_on=[first]).ids
    assert client.info(second)["dependsOn"] == [first]
    a, b = client.wait_for([first, second], timeout=120).sessions
    assert (a["status"], b["status"]) == ("Completed", "Completed")
    assert b["startTime"] >= a["endTime"]


def test_waiting_reports_progress_and_gives_up_at_the_timeout(client: Client) -> None:
    (sid,) = client.create(name="long", image=DEMO_IMAGE, cmd=["sleep", "600"]).ids
    seen: List[WaitProgress] = []
    running = client.wait_for(sid, until="running", timeout=120, on_progress=seen.append)
    assert running.reached and running.sessions[0]["status"] == "Running"
    assert seen[-1].reached == 1 and seen[-1].by_status == {"Running": 1}
    late = client.wait_for(sid, timeout=0.5, poll_interval=0.1)
    assert late.timed_out and not late.reached and late.sessions[0]["status"] == "Running"
    client.delete(sid)
    client.delete(sid)  # harmless when repeated
    gone = client.wait_for(sid, timeout=60)
    assert gone.failed[0]["statusMessage"] == "Deleted by user"


def test_an_unknown_id_is_missing_from_a_wait_and_a_404_elsewhere(client: Client) -> None:
    result = client.wait_for(["nosuch00"], timeout=10)
    assert not result.reached and result.missing[0].id == "nosuch00"
    with pytest.raises(ApiError) as e:
        client.info("nosuch00")
    assert e.value.status == 404 and "nosuch00" in e.value.text and not e.value.retryable


def test_following_a_log_yields_output_as_written_and_ends_with_the_job(client: Client) -> None:
    (sid,) = client.create(name="talk", image=DEMO_IMAGE, cmd=["sh", "-c", "for i in 1 2 3; do echo line $i; sleep 0.3; done"]).ids
    chunks = list(client.follow_logs(sid))
    assert "".join(chunks) == "line 1\nline 2\nline 3\n"
    assert client.logs(sid, tail=1) == "line 3\n"


def test_events_and_watch_tell_what_happened_in_order(client: Client) -> None:
    (sid,) = client.create(name="events", image=DEMO_IMAGE, cmd=["sh", "-c", "exit 3"]).ids
    watched = [e["reason"] for e in client.watch(sid, poll_interval=0.2)]
    assert watched[0] == "Queued" and "Started" in watched
    events = client.events(sid)
    assert [e["reason"] for e in events] == watched
    assert events[-1]["type"] == "Warning" and "code 3" in events[-1]["message"]
    assert client.info(sid)["exitCode"] == 3


def test_bulk_calls_report_each_item_and_never_stop_at_a_failure(client: Client) -> None:
    ids = client.create(name="bulk", image=DEMO_IMAGE, cmd=["true"], replicas=2).ids
    info = client.info_many([ids[0], "nosuch00", ids[1]])
    assert [i.ok for i in info.items] == [True, False, True]
    assert info.failed[0].key == "nosuch00" and isinstance(info.failed[0].error, ApiError)
    assert set(info.values()) == set(ids)
    client.wait_for(ids, timeout=120)
    settled: List[int] = []
    mine = run_bulk([ids[0], "nosuch00"], lambda sid, i: client.info(sid)["name"], concurrency=2, on_settled=lambda item, n, total: settled.append(n))
    assert [(i.ok, i.value) for i in mine.items] == [(True, "bulk-1"), (False, None)] and sorted(settled) == [1, 2]
    with pytest.raises(ZeroDivisionError):  # a bug in the caller's function is raised, not counted as a failed item
        run_bulk(ids, lambda sid, i: 1 // 0)
    deleted = client.delete_many(ids)
    assert [i.ok for i in deleted.items] == [True, True]


def test_listing_filters_by_kind_status_and_name_and_status_words_fit_the_version(world: World, user: User, client: Client) -> None:
    ok = client.create(name="keep-a", image=DEMO_IMAGE, cmd=["true"]).ids + client.create(name="other", image=DEMO_IMAGE, cmd=["true"]).ids
    bad = client.create(name="keep-b", image=DEMO_IMAGE, cmd=["false"]).ids
    client.wait_for(ok + bad, timeout=120)
    assert {s["name"] for s in client.list(name="keep*")} == {"keep-a", "keep-b"}
    assert [s["name"] for s in client.list(name="keep-a")] == ["keep-a"]
    assert {s["name"] for s in client.list(status="Succeeded")} == {"keep-a", "other"}  # v1 says Completed
    assert [s["name"] for s in client.list(kind="headless", status="Failed")] == ["keep-b"]
    with Client(world.server.url, api_version="v0", token=user.token, ca_file=world.server.ca_file) as v0:
        assert {s["status"] for s in v0.list(status="Completed")} == {"Succeeded"}


def test_resources_images_and_per_session_stats(client: Client) -> None:
    context = client.context()
    assert 16 in context["cores"]["options"] and "memoryGB" in context
    assert any(i["id"] == DEMO_IMAGE and "headless" in i["types"] for i in client.images("headless"))
    assert isinstance(client.repositories(), list)
    assert "cores" in client.stats()
    (sid,) = client.create(name="stats", image=DEMO_IMAGE, cmd=["sleep", "600"], cores=2, ram=1).ids
    client.wait_for(sid, until="running", timeout=120)
    usage = client.session_stats(sid)
    assert usage["requestedCPUCores"] == 2 and usage["status"] == "Running"
    client.renew(sid)
    assert client.renew_many([sid]).items[0].ok
    client.delete(sid)


def test_what_both_servers_refuse_is_refused_before_sending(client: Client) -> None:
    for bad, parameter in [(dict(name="a.b"), "name"), (dict(image=""), "image"), (dict(cores=0), "cores"), (dict(env=["NOEQUALS"]), "env"),
                           (dict(cmd=[]), "cmd"), (dict(labels={"Bad Key": "x"}), "labels"), (dict(retries=11), "retries")]:
        fields = {"name": "ok", "image": DEMO_IMAGE, **bad}
        with pytest.raises(InvalidRequestError) as e:
            client.create(**fields)
        assert e.value.parameter == parameter
    with pytest.raises(InvalidRequestError):
        client.create(name="x", image=DEMO_IMAGE, colour="blue")
    assert client.list() == []


def test_the_servers_400_arrives_as_its_sentence(client: Client) -> None:
    with pytest.raises(ApiError) as e:
        client.create(name="big", image=DEMO_IMAGE, cores=64)
    assert e.value.status == 400 and "cores" in e.value.text


def test_transient_failures_are_retried_only_where_that_is_safe(world: World, user: User) -> None:
    proxy = FaultProxy(world.server.url, world.server.ca_file)
    try:
        with Client(proxy.url, token=user.token, retry=FAST_RETRY) as c:
            proxy.faults = ["503", "drop"]
            assert c.list() == []  # a GET: retried after a 503 and after a dropped connection
            assert len(proxy.seen) == 3
            proxy.faults = ["503"]
            (sid,) = c.create(name="retried", image=DEMO_IMAGE, cmd=["true"]).ids  # a 503 is refused before anything was created
            proxy.faults = ["drop"]
            with pytest.raises(ConnectionError) as e:
                c.create(name="once", image=DEMO_IMAGE, cmd=["true"])  # sent, no answer: maybe created, so not sent again
            assert not e.value.before_sending and e.value.retryable
            assert [s["name"] for s in c.list()] == ["retried"]
        with Client(proxy.url, token=user.token, retry=RetryPolicy(retries=0)) as no_retries:
            proxy.faults = ["503"]
            with pytest.raises(ApiError) as busy:
                no_retries.info(sid)
            assert busy.value.status == 503 and busy.value.retryable and busy.value.retry_after_seconds == 0
    finally:
        proxy.stop()


def test_network_and_tls_failures_say_what_went_wrong(world: World, user: User) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    with Client(f"http://127.0.0.1:{closed}", token=user.token, retry=RetryPolicy(retries=0)) as c:
        with pytest.raises(ConnectionError) as e:
            c.list()
        assert e.value.code == "ECONNREFUSED" and e.value.before_sending and "connection refused" in str(e.value)
    with Client(world.server.url, token=user.token) as untrusting:  # the system's CAs only
        with pytest.raises(TlsError) as t:
            untrusting.list()
        assert t.value.hint == "ca" and "not trusted" in str(t.value)
    with Client(world.server.url.replace("https:", "http:"), token=user.token, retry=RetryPolicy(retries=0)) as plain:
        with pytest.raises(ConnectionError):
            plain.list()


def test_against_the_platform_extensions_are_refused_naming_them(world: World, user: User) -> None:
    with Client(world.server.url, token=user.token, ca_file=world.server.ca_file, server="platform") as platform:
        assert platform.server().kind == "platform"
        for call, word in [
            (lambda: platform.create(name="x", image=DEMO_IMAGE, labels={"run": "a"}), "'labels'"),
            (lambda: platform.create(name="x", image=DEMO_IMAGE, depends_on=["abc"]), "'depends_on'"),
            (lambda: platform.create(name="x", image=DEMO_IMAGE, retries=2, walltime="1:00:00"), "'retries', 'walltime'"),
            (lambda: platform.list(labels={"run": "a"}), "label"),
            (lambda: platform.logs("abc", attempt=1), "attempt"),
            (lambda: platform.session_stats("abc"), "Per-session stats"),
            (lambda: platform.delete_matching(labels={"run": "a"}), "label"),
            (lambda: platform.create(name="x", image=DEMO_IMAGE, cmd=["echo", "two words"]), "splits 'args' on spaces"),
        ]:
            with pytest.raises(UnsupportedError) as e:
                call()
            assert word in str(e.value)
        assert platform.list() == []  # nothing was sent


def test_against_the_platform_the_sdk_speaks_its_dialect(world: World, user: User) -> None:
    """The platform's way, against skyrun's skaha API: one form request per replica, text events, polled logs."""
    world.server.arc_file(f"/arc/home/{user.name}/talk.sh", "echo $REPLICA_ID; sleep 0.5; echo done\n", user.uid)
    with Client(world.server.url, token=user.token, ca_file=world.server.ca_file, server="platform") as platform:
        created = platform.create(name="plat", image=DEMO_IMAGE, cmd=["sh", f"/arc/home/{user.name}/talk.sh"], replicas=2)
        assert len(created.ids) == 2 and created.sessions == [] and created.failed == []
        assert "".join(platform.follow_logs(created.ids[0], poll_interval=0.2)) == "1\ndone\n"
        platform.wait_for(created.ids, timeout=120)
        assert sorted(s["name"] for s in platform.list()) == ["plat-1", "plat-2"]
        assert platform.logs(created.ids[1], tail=1) == "done\n"
        assert [e["reason"] for e in platform.events(created.ids[1])][-1] == "Completed"
        outcomes = platform.delete_matching(name="plat-*")
        assert sorted((o.id, o.outcome) for o in outcomes) == sorted((i, "deleted") for i in created.ids)
