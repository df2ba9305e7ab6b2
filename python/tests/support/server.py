"""A real ``skyrun server`` for the Python tests: the built CLI, real Podman, real SQLite, HTTPS with
its own CA, started and stopped as an operator would (see test/support/server-process.ts)."""

from __future__ import annotations

import os
import re
import signal
import ssl
import subprocess
import urllib.request
from dataclasses import dataclass
from typing import Dict, List, Optional

from .polling import wait_until
from .ports import free_port

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
TEST_ROOT = os.environ.get("SKYRUN_TEST_ROOT", "/tmp/skyrun-test")
DEMO_IMAGE = "localhost/skyrun-demo:latest"
PYTHON_IMAGE = "localhost/skyrun-python:latest"
#: The python image plus stand-ins, at the same paths, for the tools the seed pages call.
SEEDS_IMAGE = "localhost/skyrun-seeds:latest"


def skyrun_cli(*args: str, env: Optional[Dict[str, str]] = None, stdin: Optional[str] = None) -> str:
    """Runs the built ``skyrun`` CLI as a user would and returns its stdout."""
    done = subprocess.run(["node", os.path.join(ROOT, "bin", "skyrun.js"), *args], cwd=ROOT, capture_output=True, text=True, input=stdin,
                          env={**os.environ, **(env or {})}, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"skyrun {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def build() -> None:
    """Compiles the server from the current sources (tests run the built CLI, as users do)."""
    subprocess.run(["npm", "run", "--silent", "build"], cwd=ROOT, check=True)


def ensure_images() -> None:
    """The local images the tests run (scripts/build-images.sh builds only those missing)."""
    subprocess.run(["bash", "scripts/build-images.sh", "--python"], cwd=ROOT, check=True)


def engine_socket() -> str:
    """The Podman Engine API socket the vitest suite uses too: started if it is not running."""
    script = (
        "import { ensureEngineSocket } from './dist/src/executors/local/engine-socket.js';"
        "import { pino } from 'pino';"
        f"const s = await ensureEngineSocket({{ socketPath: process.env.SKYRUN_TEST_SOCKET ?? '', stateDir: {TEST_ROOT + '/podman'!r}, log: pino({{ level: 'warn' }}) }});"
        "process.stdout.write(s);"
    )
    return subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT, check=True, capture_output=True, text=True, timeout=60).stdout.strip()


@dataclass(frozen=True)
class User:
    name: str
    uid: int
    token: str


class SkyrunServer:
    """``skyrun server --data-dir … --listen 127.0.0.1:PORT`` with its generated TLS, until ``stop()``."""

    def __init__(self, data_dir: str, extra_args: List[str], socket: str) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self._log = open(os.path.join(os.path.dirname(data_dir), f"server-{self.port}.log"), "wb")
        self._child = subprocess.Popen(
            ["node", os.path.join(ROOT, "bin", "skyrun.js"), "server", "--data-dir", data_dir, "--listen", f"127.0.0.1:{self.port}", *extra_args],
            cwd=ROOT, env={**os.environ, "SKYRUN_PODMAN_SOCKET": socket, "SKYRUN_LOG_LEVEL": "warn"},
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
        )
        wait_until("the server to answer /healthz", self._healthy, timeout=90)
        #: skyrun's own CA, made on first start: what clients trust.
        self.ca_file = os.path.join(data_dir, "tls", "ca.pem")

    def _healthy(self) -> bool:
        if self._child.poll() is not None:
            raise RuntimeError(f"skyrun server exited {self._child.returncode}: {self.log()}")
        unverified = ssl.create_default_context()
        unverified.check_hostname = False
        unverified.verify_mode = ssl.CERT_NONE  # a readiness probe only; the tests' clients verify
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=3, context=unverified) as r:
                return bool(r.status == 200)
        except OSError:
            return False

    def log(self) -> str:
        with open(self._log.name, encoding="utf-8", errors="replace") as f:
            return f.read()[-4000:]

    def add_user(self, name: str, *extra: str) -> User:
        """An operator adds a user and gives them a token (beside the running server)."""
        added = skyrun_cli("users", "add", name, "--data-dir", self.data_dir, *extra)
        match = re.search(r"uid (\d+)", added)
        if match is None:
            raise RuntimeError(f"unexpected output of users add: {added!r}")
        token = skyrun_cli("tokens", "create", name, "--data-dir", self.data_dir).strip().splitlines()[-1]
        return User(name, int(match.group(1)), token)

    def arc_path(self, path: str) -> str:
        """Where a path under /arc lives on this machine (the data directory's ``arc/``)."""
        assert path.startswith("/arc/"), path
        return os.path.join(self.data_dir, "arc", path[len("/arc/"):])

    def arc_file(self, path: str, content: str, owner: int) -> None:
        """A file the user keeps on /arc before submitting (their scripts and data), folders owned by them."""
        full = self.arc_path(path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(content)
        self.arc_dir(os.path.dirname(path), owner)

    def arc_dir(self, path: str, owner: int) -> str:
        """A folder on /arc the user may write to (and its parents below /arc/projects or /arc/home)."""
        full = self.arc_path(path)
        os.makedirs(full, exist_ok=True)
        stop = os.path.join(self.data_dir, "arc")
        d = full
        while d.startswith(stop + os.sep) and d not in (os.path.join(stop, "projects"), os.path.join(stop, "home")):
            os.chown(d, owner, owner)
            d = os.path.dirname(d)
        return full

    def stop(self) -> None:
        if self._child.poll() is None:
            self._child.send_signal(signal.SIGTERM)
            try:
                self._child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._child.kill()
                self._child.wait()
        self._log.close()
