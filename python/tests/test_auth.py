"""How the SDK proves who is calling: API tokens, client and proxy certificates, OIDC tokens, and the
settings `skyrun login` saves — each against the real server (and a real OIDC issuer)."""

from __future__ import annotations

import os
import shutil
import stat
from datetime import datetime, timedelta, timezone

import pytest

from conftest import CERT_USER, OIDC_USER, World
from skyrun import (
    ApiError, Client, CredentialsError, OidcClientCredentials, OidcRefreshToken, Session, load_settings,
)
from skyrun._tls import check_certificate_file
from skyrun.settings import parse_settings_yaml
from support.server import DEMO_IMAGE, User, skyrun_cli


def whoami(client: Client) -> str:
    (sid,) = client.create(name="whoami", image=DEMO_IMAGE, cmd=["true"]).ids
    return client.info(sid)["userid"]


def test_an_api_token_is_a_bearer_and_a_bad_one_gets_the_servers_reason(world: World, user: User) -> None:
    with Client(world.server.url, token=user.token, ca_file=world.server.ca_file) as c:
        assert whoami(c) == user.name
    with Client(world.server.url, token=user.token[:-2] + "xx", ca_file=world.server.ca_file) as bad:
        with pytest.raises(ApiError) as e:
            bad.list()
        assert e.value.status == 401 and e.value.text


def test_a_cadc_proxy_certificate_identifies_its_user(world: World) -> None:
    with Client(world.server.url, certificate=world.cert.proxy_file, ca_file=world.server.ca_file) as c:
        assert whoami(c) == CERT_USER


def test_a_certificate_and_a_separate_key_file_work_too(world: World) -> None:
    with Client(world.server.url, certificate=world.cert.cert_file, key_file=world.cert.key_file, ca_file=world.server.ca_file) as c:
        assert isinstance(c.list(), list)


def test_the_proxy_certificate_in_ssl_cadcproxy_pem_is_used_when_nothing_else_is_given(world: World, isolated_home: str) -> None:
    os.makedirs(os.path.join(isolated_home, ".ssl"))
    shutil.copy(world.cert.proxy_file, os.path.join(isolated_home, ".ssl", "cadcproxy.pem"))
    with Session(world.server.url, ca_file=world.server.ca_file) as s:  # as the platform's client does
        ids = s.create(name="proxy", image=DEMO_IMAGE, cmd="true")
        assert s.get(ids)["userid"] == CERT_USER


def test_certificate_files_that_cannot_work_are_refused_before_connecting(world: World, tmp_path: str) -> None:
    with pytest.raises(CredentialsError) as missing:
        Client(world.server.url, certificate=str(tmp_path) + "/nope.pem")
    assert missing.value.path.endswith("nope.pem") and "does not exist" in str(missing.value)
    only_cert = os.path.join(str(tmp_path), "cert-only.pem")
    shutil.copy(world.cert.cert_file, only_cert)
    with pytest.raises(CredentialsError) as keyless:
        Client(world.server.url, certificate=only_cert)
    assert "holds no private key" in str(keyless.value)
    later = datetime.now(timezone.utc) + timedelta(days=40)
    with pytest.raises(CredentialsError) as expired:
        check_certificate_file(world.cert.proxy_file, now=later)
    assert "expired on" in str(expired.value) and "cadc-get-cert" in str(expired.value)
    with pytest.raises(CredentialsError) as early:
        check_certificate_file(world.cert.proxy_file, now=datetime(2001, 1, 1, tzinfo=timezone.utc))
    assert "not valid before" in str(early.value)


def test_an_oidc_access_token_is_accepted_as_a_bearer(world: World) -> None:
    with Client(world.server.url, token=world.issuer.token(), ca_file=world.server.ca_file) as c:
        assert whoami(c) == OIDC_USER


def test_oidc_client_credentials_are_fetched_once_and_renewed_after_a_401(world: World) -> None:
    issuer = world.issuer
    issuer.grants.clear()
    tokens = OidcClientCredentials(issuer.issuer, issuer.client_id, issuer.client_secret)
    with Client(world.server.url, token=tokens, ca_file=world.server.ca_file) as c:
        assert whoami(c) == OIDC_USER
        c.list()
        assert issuer.grants == ["client_credentials"]  # cached while valid
        issuer.next_token_unpublished = True
        tokens.invalidate()
        assert isinstance(c.list(), list)  # the server refused the first new token; the SDK got another and sent the call again
        assert issuer.grants == ["client_credentials"] * 3


def test_oidc_tokens_close_to_expiry_are_renewed_before_use(world: World) -> None:
    issuer = world.issuer
    issuer.grants.clear()
    issuer.expires_in = 5  # within the 30 s margin: every call needs a fresh one
    try:
        with Client(world.server.url, token=OidcClientCredentials(issuer.issuer, issuer.client_id, issuer.client_secret), ca_file=world.server.ca_file) as c:
            c.list()
            c.list()
        assert len(issuer.grants) == 2
    finally:
        issuer.expires_in = 600


def test_an_oidc_refresh_token_is_used_and_its_rotation_handed_back(world: World) -> None:
    issuer = world.issuer
    rotated: list = []
    tokens = OidcRefreshToken(issuer.issuer, issuer.client_id, issuer.refresh_token, on_refresh_token=rotated.append)
    with Client(world.server.url, token=tokens, ca_file=world.server.ca_file) as c:
        assert whoami(c) == OIDC_USER
    assert rotated == [issuer.refresh_token]


def test_an_oidc_issuer_that_refuses_says_why(world: World) -> None:
    with Client(world.server.url, token=OidcClientCredentials(world.issuer.issuer, "pipeline", "wrong"), ca_file=world.server.ca_file) as c:
        with pytest.raises(CredentialsError) as e:
            c.list()
        assert "invalid_client" in str(e.value) and world.issuer.issuer in str(e.value)


def test_session_uses_what_skyrun_login_saved(world: World, user: User, isolated_home: str) -> None:
    env = {"HOME": isolated_home}
    skyrun_cli("login", world.server.url, "--token-stdin", "--ca", world.server.ca_file, env=env, stdin=user.token)
    path = os.path.join(isolated_home, ".config", "skyrun", "config.yaml")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with Session() as s:
        assert s.client.base_url == f"{world.server.url}/skaha/v0"  # the seed interface speaks v0 unless told
        ids = s.create(name="saved", image=DEMO_IMAGE, cmd="echo", args=["from settings"])
        assert s.wait(ids)["status"] == "Succeeded" and s.get_logs(ids) == "from settings\n"
    skyrun_cli("config", "set", "apiVersion", "v1", env=env)
    with Session() as s, Client() as c:
        assert s.client.api_version == c.api_version == "v1"


def test_the_environment_wins_over_the_file_and_credentials_come_from_one_level(world: World, user: User, isolated_home: str,
                                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    skyrun_cli("login", world.server.url, "--token-stdin", "--ca", world.server.ca_file, env={"HOME": isolated_home}, stdin=user.token)
    monkeypatch.setenv("SKYRUN_CERT", world.cert.proxy_file)
    loaded = load_settings()
    assert loaded.settings.token is None and loaded.settings.cert == world.cert.proxy_file  # the file's token does not ride along
    assert loaded.sources == {"url": "file", "ca": "file", "cert": "env"}
    with Client() as c:
        assert whoami(c) == CERT_USER


def test_a_readable_settings_file_with_a_token_is_warned_about(world: World, user: User, isolated_home: str) -> None:
    skyrun_cli("login", world.server.url, "--token-stdin", "--ca", world.server.ca_file, env={"HOME": isolated_home}, stdin=user.token)
    path = os.path.join(isolated_home, ".config", "skyrun", "config.yaml")
    os.chmod(path, 0o644)
    with pytest.warns(UserWarning, match="chmod 600"):
        Client().close()


def test_without_a_url_anywhere_the_error_says_how_to_give_one() -> None:
    with pytest.raises(Exception, match="skyrun login URL"):
        Client()


def test_the_settings_reader_takes_what_the_clis_yaml_writer_produces() -> None:
    text = ('url: https://127.0.0.1:8080\ntoken: skyrun_ab12_x:y\ncert: /home/a b/#x.pem\nca: "/long path/word word word word word word word word\n'
            '  word word"\napiVersion: \'v0\'\n')
    assert parse_settings_yaml(text) == {"url": "https://127.0.0.1:8080", "token": "skyrun_ab12_x:y", "cert": "/home/a b/#x.pem",
                                         "ca": "/long path/word word word word word word word word word word", "apiVersion": "v0"}
    with pytest.raises(Exception, match="line 1"):
        parse_settings_yaml("url:\n  nested: 1\n")
