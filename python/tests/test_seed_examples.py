"""The seed pages' Python examples (tests/seed_examples/), each run as its own process against the real
server, as the user who wrote it would run it: the changes each file makes are marked in it."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from typing import Dict, List

import pytest

from conftest import World, client_env
from skyrun import Client
from support.server import PYTHON_IMAGE, User

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed_examples")
#: The pages poll every 30 to 300 s; their pauses are capped so the suite runs in minutes, not hours.
PRELUDE = (
    "import runpy, sys, time\n"
    "_sleep = time.sleep\n"
    "time.sleep = lambda seconds: _sleep(min(seconds, 0.2))\n"
    "runpy.run_path(sys.argv[1], run_name='__main__')\n"
)
#: Stand-ins for the users' own scripts the examples run from /arc: they print how they were called.
REPORT_ARGV = "import sys\nprint('argv:', sys.argv[1:])\n"
COPY_INPUT = "import sys, shutil\nshutil.copy(sys.argv[1], sys.argv[2])\nprint(f'Processed {sys.argv[1]} -> {sys.argv[2]}')\n"


def run_example(name: str, env: Dict[str, str], cwd: str, expect_exit: int = 0, timeout: float = 900) -> str:
    done = subprocess.run([sys.executable, "-c", PRELUDE, os.path.join(EXAMPLES, name)], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == expect_exit, f"{name} exited {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    return done.stdout if expect_exit == 0 else done.stdout + done.stderr


@pytest.fixture()
def env(world: World, user: User, isolated_home: str) -> Dict[str, str]:
    return client_env(world, user, isolated_home)


@pytest.fixture()
def client(world: World, user: User) -> Client:
    with Client(world.server.url, api_version="v0", token=user.token, ca_file=world.server.ca_file) as c:  # the pages speak v0
        yield c


def finished(client: Client, count: int, timeout: float = 300) -> List[dict]:
    """All of the user's sessions, once they ended (there must be ``count``)."""
    sessions = client.list()
    assert len(sessions) == count, [s.get("name") for s in sessions]
    result = client.wait_for([s["id"] for s in sessions], timeout=timeout)
    assert result.reached, result
    return result.sessions


def by_name(sessions: List[dict]) -> Dict[str, dict]:
    return {s["name"]: s for s in sessions}


# --- seed 001: Headless Container Execution Guide -------------------------------------

def test_seed001_client_usage_submits_three_jobs_waits_reads_logs_and_lists(world: World, user: User, env: Dict[str, str], client: Client,
                                                                             tmp_path: str) -> None:
    world.server.arc_file("/arc/projects/myproject/analysis.py", "print('analysis ran')\n", user.uid)
    out = run_example("seed001_client_usage.py", env, str(tmp_path))
    assert "Submitted job: ['" in out
    assert "Job completed with status: Succeeded" in out
    assert "Job Output:\nanalyze\n" in out  # the private image's /opt/private/analyze, pulled with the registry credentials
    sessions = by_name(finished(client, 3))
    assert all(s["status"] == "Succeeded" for s in sessions.values())
    for name in ("python-analysis", "heavy-computation", "private-job"):
        assert f"Job: {name} - Status: " in out
    assert client.logs(sessions["python-analysis"]["id"]) == "analysis ran\n"
    assert client.logs(sessions["heavy-computation"]["id"]) == (
        "heavy_process.sh [/arc/projects/data/large_dataset.h5] [/arc/projects/results/]\n"
        "OUTPUT_FORMAT=hdf5\nVERBOSE=true\nPROCESSING_THREADS=8\nOMP_NUM_THREADS=8\n")
    assert sessions["heavy-computation"]["requestedCPUCores"] == "8"


def test_seed001_example1_processes_three_fits_files_and_monitors_them(world: World, env: Dict[str, str], client: Client, tmp_path: str) -> None:
    out = run_example("seed001_example1_fits.py", env, str(tmp_path))
    assert out.count("completed with status: Succeeded") == 3
    assert out.rstrip().endswith("All jobs completed!")
    sessions = by_name(finished(client, 3))
    assert client.logs(sessions["process-field-002"]["id"]) == (
        "argv: ['--input', '/arc/projects/survey/raw/field002.fits', '--output', '/arc/projects/survey/processed/field002_processed.fits', "
        "'--catalog', '/arc/projects/survey/catalogs/reference.cat']\n")


def test_seed001_example2_runs_a_script_from_arc_and_prints_its_output(world: World, user: User, env: Dict[str, str], tmp_path: str) -> None:
    world.server.arc_file("/arc/projects/survey/scripts/stellar_photometry.py",
                          "import os, sys\nprint('photometry', sys.argv[1:], os.environ['PYTHONPATH'], os.environ['OMP_NUM_THREADS'])\n", user.uid)
    out = run_example("seed001_example2_stellar.py", env, str(tmp_path))
    assert "✅ Analysis completed successfully!" in out
    assert ("photometry ['--input', '/arc/projects/survey/data/field001.fits', '--output', '/arc/projects/survey/results/', '--catalog', "
            "'/arc/projects/survey/catalogs/stars.csv', '--threads', '4'] /arc/projects/survey/lib 4") in out


def test_seed001_example4_stops_at_its_first_session_name_which_the_platform_and_skyrun_refuse(env: Dict[str, str], client: Client,
                                                                                               tmp_path: str) -> None:
    # The page names its sessions f"sim-T{temp}-P{press}", e.g. sim-T100-P1.0: a '.' is not allowed in a
    # session name ([A-Za-z0-9-]+ on the platform too). The SDK says so before sending anything.
    out = run_example("seed001_example4_sweep.py", env, str(tmp_path), expect_exit=1)
    assert "InvalidRequestError: Invalid value for 'name': 'sim-T100-P1.0'. Use only letters, digits and '-'." in out
    assert client.list() == []


def test_seed001_example5_runs_a_private_image_with_registry_auth(world: World, env: Dict[str, str], client: Client, tmp_path: str) -> None:
    run_example("seed001_example5_private.py", env, str(tmp_path))
    (session,) = finished(client, 1)
    assert session["status"] == "Succeeded" and session["image"] == world.private_image
    assert client.logs(session["id"]) == (
        "analyze [--config] [/arc/projects/myproject/config.yaml] [--data] [/arc/projects/myproject/datasets/large_survey.h5]\nOMP_NUM_THREADS=4\n")


def test_seed001_from_docker_runs_a_relative_script_in_the_home_folder(world: World, user: User, env: Dict[str, str], client: Client,
                                                                       tmp_path: str) -> None:
    world.server.arc_file(f"/arc/home/{user.name}/process.py", REPORT_ARGV, user.uid)
    run_example("seed001_from_docker.py", env, str(tmp_path))
    (session,) = finished(client, 1)
    assert client.logs(session["id"]) == "argv: ['/arc/projects/myproject/input', '/arc/projects/myproject/output']\n"


# --- seed 003: Batch Jobs and Headless Processing ---------------------------------------

def test_seed003_submit_reduction_script(world: World, user: User, env: Dict[str, str], client: Client, tmp_path: str) -> None:
    world.server.arc_file("/arc/projects/survey/pipelines/reduce_night.py", REPORT_ARGV, user.uid)
    out = run_example("seed003_submit_reduction.py", env, str(tmp_path))
    assert "Submitted job: ['" in out
    (session,) = finished(client, 1)
    assert session["name"].startswith("nightly-reduction-") and session["requestedCPUCores"] == "8"
    assert client.logs(session["id"]).startswith("argv: ['/arc/projects/survey/data/")


def test_seed003_client_usage_fetches_waits_reads_logs_deletes_and_runs_ten_more(world: World, user: User, env: Dict[str, str], client: Client,
                                                                                 tmp_path: str) -> None:
    world.server.arc_file("/arc/projects/myproject/analysis.py", "print('analysis ran')\n", user.uid)
    world.server.arc_file("/arc/projects/study/analyze.py", REPORT_ARGV, user.uid)
    out = run_example("seed003_client_usage.py", env, str(tmp_path))
    assert "Active sessions: 3" in out
    assert "Job completed with status: Succeeded" in out
    assert "Job output:\n{'" in out and "': 'argv: []\\n'}" in out  # the private image's /opt/analysis.py
    assert "Completed: 10/10" in out and out.rstrip().endswith("All jobs completed!")
    studies = [s for s in client.list() if s["name"].startswith("parameter-study-")]
    assert sorted(client.logs(s["id"]) for s in studies) == sorted(f"argv: ['--param={i}']\n" for i in range(10))
    assert "private-image-job" not in {s["name"] for s in client.list()}  # session.delete(job_id) removed it


def test_seed003_higher_level_submit_monitor_logs_delete(world: World, user: User, env: Dict[str, str], client: Client, tmp_path: str) -> None:
    world.server.arc_file("/arc/projects/myproject/scripts/reduce_data.py", "print('reduced')\n", user.uid)
    out = run_example("seed003_higher_level.py", env, str(tmp_path))
    lines = out.splitlines()
    assert any(line.endswith(" data-reduction: Succeeded") for line in lines), out
    assert "': 'reduced\\n'}" in out
    assert client.list() == []  # deleted after completion


# --- seed 002: Batch Processing and Headless Jobs (requests, against the API) ----------------

def _mygroup(world: World, user: User) -> None:
    world.server.arc_file("/arc/projects/mygroup/scripts/process_data.py", COPY_INPUT, user.uid)
    for n in (1, 2, 3):
        world.server.arc_file(f"/arc/projects/mygroup/data/obs{n}.fits", f"SIMPLE  = T / observation {n}\n", user.uid)
    world.server.arc_dir("/arc/projects/mygroup/results", user.uid)


def test_seed002_single_job_gets_the_servers_sentence_for_a_name_with_a_dot(world: World, user: User, env: Dict[str, str], client: Client,
                                                                            tmp_path: str) -> None:
    # The page names the job after the file (process-observation1.fits); '.' is not allowed in a name,
    # on the platform too. skyrun answers 400 with a sentence naming the parameter, never a 500.
    _mygroup(world, user)
    out = run_example("seed002_launch_single_job.py", env, str(tmp_path))
    assert out.startswith("Error: 400 - Invalid value for 'name'"), out
    assert client.list() == []


def test_seed002_parallel_batch_then_collects_the_results(world: World, user: User, env: Dict[str, str], client: Client, tmp_path: str) -> None:
    _mygroup(world, user)
    out = run_example("seed002_parallel_batch.py", env, str(tmp_path))
    assert "Launched 3 jobs (batch 1)" in out
    assert all(s["status"] == "Succeeded" for s in finished(client, 3))
    collected = run_example("seed002_collect_results.py", env, str(tmp_path))
    assert collected.splitlines() == ["Found 3 result files:", "  processed_obs1.fits: 0.0 MB", "  processed_obs2.fits: 0.0 MB",
                                      "  processed_obs3.fits: 0.0 MB"]


def test_seed002_parameter_sweep_of_eighteen_jobs_monitored_to_the_end(world: World, user: User, env: Dict[str, str], client: Client,
                                                                       tmp_path: str) -> None:
    world.server.arc_file("/arc/projects/mygroup/scripts/analysis_with_params.py", REPORT_ARGV, user.uid)
    out = run_example("seed002_sweep_and_monitor.py", env, str(tmp_path))
    assert out.count("Launched parameter job") == 18
    assert "🎉 All jobs completed!" in out and "✅ Successful: 18" in out and "❌ Failed: 0" in out
    logs = {client.logs(s["id"]) for s in finished(client, 18)}
    assert "argv: ['--threshold', '0.5', '--sigma', '2.0', '--method', 'tophat']\n" in logs


def test_seed002_resource_check_and_robust_launcher(world: World, user: User, env: Dict[str, str], client: Client, tmp_path: str) -> None:
    _mygroup(world, user)
    out = run_example("seed002_resources_and_retries.py", env, str(tmp_path))
    assert "  Active sessions: 0/3" in out and "Launched: " in out
    (session,) = finished(client, 1)
    assert session["status"] == "Succeeded"
    assert os.path.exists(world.server.arc_path("/arc/projects/mygroup/results/robust.fits"))


def test_seed002_robust_batch_script_fails_cleanly_in_a_job_and_logs_why(world: World, user: User, client: Client) -> None:
    with open(os.path.join(EXAMPLES, "seed002_robust_batch_script.py")) as f:
        world.server.arc_file("/arc/projects/mygroup/scripts/robust_batch_script.py", f.read(), user.uid)
    (sid,) = client.create(name="robust-batch", image=PYTHON_IMAGE, cmd=["python", "/arc/projects/mygroup/scripts/robust_batch_script.py", "in.fits"]).ids
    (session,) = client.wait_for(sid, timeout=180).sessions
    assert session["status"] == "Failed" and session["exitCode"] == 1
    log = client.logs(sid)
    assert f"INFO - Starting batch job {sid}" in log  # SKAHA_SESSION_ID is the session's id
    assert "ERROR - Job failed with error: name 'process_data' is not defined" in log
    (written,) = glob.glob(world.server.arc_path(f"/arc/projects/mygroup/logs/job_{sid}_*.log"))
    with open(written) as f:
        assert "Job failed with error" in f.read()
