"""`pip install ./python` gives a package that works on its own: installed into a fresh virtual
environment, imported from elsewhere, talking to the real server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import Dict

from conftest import REAL_HOME, World, client_env
from support.server import DEMO_IMAGE, User

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_pip_installs_the_package_into_a_venv_where_it_runs_a_job(world: World, user: User, isolated_home: str, tmp_path: str) -> None:
    source = os.path.join(str(tmp_path), "src")
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__", ".pytest_cache"))
    venv = os.path.join(str(tmp_path), "venv")
    # As a user runs it: pip builds the package in an isolated environment with the setuptools it gets from
    # its index (these machines' pip has one; `pip download setuptools wheel` works here).
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, capture_output=True, timeout=300)
    installed = subprocess.run([os.path.join(venv, "bin", "pip"), "install", source], capture_output=True, text=True, timeout=600,
                               env={**os.environ, "HOME": REAL_HOME})
    assert installed.returncode == 0, installed.stdout + installed.stderr
    env: Dict[str, str] = client_env(world, user, isolated_home)
    del env["PYTHONPATH"]  # only the installed copy
    script = (
        "import os, skyrun\n"
        "from skyrun import Session\n"
        "assert os.path.exists(os.path.join(os.path.dirname(skyrun.__file__), 'py.typed'))\n"
        "print(skyrun.__file__)\n"
        f"ids = Session().create(name='installed', image='{DEMO_IMAGE}', cmd='echo', args=['from the installed package'])\n"
        "print(Session().wait(ids)['status'])\n"
    )
    run = subprocess.run([os.path.join(venv, "bin", "python"), "-c", script], cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    where, status = run.stdout.splitlines()
    assert where.startswith(venv) and status == "Succeeded"
