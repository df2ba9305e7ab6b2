"""One real skyrun for the whole run: built from this checkout, HTTPS with its own CA, real Podman, a
private registry with htpasswd, an OIDC issuer and a CA for proxy certificates. Every test gets a
fresh user (and token), so tests never see each other's sessions, and HOME pointing at an empty
folder, so no developer settings leak in."""

from __future__ import annotations

import os
import random
import shutil
import string
import subprocess
import sys
from dataclasses import dataclass
from typing import Dict, Iterator

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
#: The real HOME, before tests point it elsewhere: pip's own configuration (its index) lives there.
REAL_HOME = os.environ.get("HOME", "")
sys.path.insert(0, os.path.dirname(HERE))  # import skyrun from this checkout (test_install.py checks the installed package)

from support.oidc_issuer import OidcIssuer  # noqa: E402
from support.pki import Credentials, Pki  # noqa: E402
from support.registry import Registry  # noqa: E402
from support.server import ROOT, SEEDS_IMAGE, TEST_ROOT, SkyrunServer, User, build, engine_socket, ensure_images  # noqa: E402

#: The credential of the private registry; the secret holds ':' as Harbor CLI secrets may.
REGISTRY_USER = "harbor-user"
REGISTRY_SECRET = "cli:secret-42"
#: The user whose proxy certificate the certificate tests present.
CERT_USER = "majorb"
CERT_DN = "/C=ca/O=hia/OU=cadc/CN=majorb"
OIDC_USER = "oidcuser"


@dataclass
class World:
    server: SkyrunServer
    pki: Pki
    cert: Credentials
    registry: Registry
    #: The seeds image with /opt/analysis.py added, in the private registry.
    private_image: str
    issuer: OidcIssuer
    root: str


def _private_image(registry: Registry, root: str) -> str:
    """A private image as the seed pages' private examples name one: the seeds image plus the script seed 003 runs."""
    context = os.path.join(root, "private-image")
    os.makedirs(context, exist_ok=True)
    with open(os.path.join(context, "Containerfile"), "w") as f:
        f.write(f"FROM {SEEDS_IMAGE}\nCOPY analysis.py /opt/analysis.py\n")
    shutil.copy(os.path.join(ROOT, "scripts", "seed-image", "analyze.py"), os.path.join(context, "analysis.py"))
    subprocess.run(["podman", "build", "-q", "-t", "localhost/skyrun-python-test-private:latest", context], check=True, capture_output=True, timeout=600)
    return registry.push_from_engine("localhost/skyrun-python-test-private:latest", "private/analyzer:latest")


@pytest.fixture(scope="session")
def world() -> Iterator[World]:
    root = os.path.join(TEST_ROOT, "python-" + "".join(random.choices(string.ascii_lowercase, k=6)))
    os.makedirs(root)
    if os.environ.get("SKYRUN_PYTHON_TESTS_PREBUILT") != "1":  # scripts/test.sh has just built it
        build()
    ensure_images()
    socket = engine_socket()
    pki = Pki(os.path.join(root, "pki"))
    cert = pki.user(CERT_USER, CERT_DN)
    registry = Registry(os.path.join(root, "registry"), REGISTRY_USER, REGISTRY_SECRET)
    issuer = OidcIssuer(os.path.join(root, "oidc"), audience="skyrun", username=OIDC_USER)
    server = None
    try:
        private = _private_image(registry, root)
        data = os.path.join(root, "data")
        # The pages ask for up to 8 cores and 32 GB per job: this server offers a node of 16 cores and 64 GB.
        server = SkyrunServer(data, ["--cores", "16", "--ram", "64", "--client-ca", pki.ca_file, "--insecure-registry", registry.host,
                                     "--oidc-issuer", issuer.issuer, "--oidc-audience", "skyrun"], socket)
        server.add_user(CERT_USER, "--dn", CERT_DN)
        server.add_user(OIDC_USER)
        yield World(server, pki, cert, registry, private, issuer, root)
    finally:
        if server is not None:
            server.stop()
        registry.stop()
        issuer.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def user(world: World) -> User:
    """A user of their own for this test, with an API token."""
    return world.server.add_user("py" + "".join(random.choices(string.ascii_lowercase, k=8)))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> str:
    """HOME is an empty folder and no SKYRUN_* variable is set: settings come only from what a test gives."""
    home = str(tmp_path_factory.mktemp("home"))
    monkeypatch.setenv("HOME", home)
    for name in list(os.environ):
        if name.startswith("SKYRUN_") and name not in ("SKYRUN_TEST_ROOT",) and not name.startswith("SKYRUN_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return home


def client_env(world: World, user: User, home: str) -> Dict[str, str]:
    """The environment of a user's own script: where the server is, their token, the server's CA."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKYRUN_") or k.startswith("SKYRUN_TEST_")}
    env.update({
        "HOME": home,
        "SKYRUN_URL": world.server.url,
        "SKYRUN_TOKEN": user.token,
        "SKYRUN_CA": world.server.ca_file,
        "REQUESTS_CA_BUNDLE": world.server.ca_file,
        "SKYRUN_PRIVATE_IMAGE": world.private_image,
        "SKYRUN_ARC": os.path.join(world.server.data_dir, "arc"),
        "PYTHONPATH": os.path.dirname(HERE),
        "PYTHONUNBUFFERED": "1",
    })
    return env
