"""Debian's ``docker-registry`` on loopback over plain HTTP with htpasswd authentication; images go in
with ``skopeo`` from the engine's storage, as an operator pushes them. (As test/support/registry-server.ts.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.error
import urllib.request

from .polling import wait_until
from .ports import free_port


class Registry:
    def __init__(self, directory: str, username: str, password: str) -> None:
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.username = username
        self.password = password
        self.dir = directory
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(os.path.join(directory, "data"))
        htpasswd = subprocess.run(["htpasswd", "-Bbn", username, password], check=True, capture_output=True, text=True).stdout
        with open(os.path.join(directory, "htpasswd"), "w") as f:
            f.write(htpasswd)
        config = os.path.join(directory, "config.yml")
        with open(config, "w") as f:
            f.write(f"version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {directory}/data\nhttp:\n  addr: {self.host}\n"
                    f"auth:\n  htpasswd:\n    realm: skyrun-python-test\n    path: {directory}/htpasswd\n")
        self._log = open(os.path.join(directory, "registry.log"), "wb")
        self._child = subprocess.Popen(["docker-registry", "serve", config], stdout=subprocess.DEVNULL, stderr=self._log)
        wait_until("the registry to answer", self._answers, timeout=30)

    def _answers(self) -> bool:
        if self._child.poll() is not None:
            with open(self._log.name) as f:
                raise RuntimeError(f"docker-registry exited {self._child.returncode}: {f.read()}")
        try:
            urllib.request.urlopen(f"http://{self.host}/v2/", timeout=2).close()
        except urllib.error.HTTPError as e:
            return e.code == 401
        except OSError:
            return False
        return True

    def push_from_engine(self, source: str, repository_and_tag: str) -> str:
        """Copies an image from the engine's storage into the registry; returns its reference there."""
        subprocess.run(["skopeo", "copy", "--quiet", f"containers-storage:{source}", f"docker://{self.host}/{repository_and_tag}", "--dest-tls-verify=false",
                        "--dest-creds", f"{self.username}:{self.password}"], check=True, capture_output=True, timeout=300)
        return f"{self.host}/{repository_and_tag}"

    def stop(self) -> None:
        self._child.terminate()
        try:
            self._child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._child.kill()
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
