"""A real OIDC issuer on loopback, as skyrun's server consults one: discovery document, JWKS and a
token endpoint (client credentials and refresh token grants) issuing RS256 JWTs signed with the
``openssl`` command. (The Python counterpart of test/support/oidc-issuer.ts, plus a token endpoint.)"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional

from .ports import free_port


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class OidcIssuer:
    """Tokens for ``username`` with audience ``audience``. ``client_id``/``client_secret`` and ``refresh_token`` are what the grants accept."""

    def __init__(self, directory: str, *, audience: str, username: str, client_id: str = "pipeline", client_secret: str = "s3cret-with:colon",
                 refresh_token: str = "refresh-1") -> None:
        os.makedirs(directory, exist_ok=True)
        self.audience = audience
        self.username = username
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}/realms/skyrun"
        self._published = os.path.join(directory, "published.pem")
        self._unpublished = os.path.join(directory, "unpublished.pem")
        for path in (self._published, self._unpublished):
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path], check=True, capture_output=True)
        modulus = subprocess.run(["openssl", "rsa", "-in", self._published, "-noout", "-modulus"], check=True, capture_output=True, text=True).stdout
        n = bytes.fromhex(modulus.strip().split("=", 1)[1])
        self._jwk = {"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig", "n": _b64url(n), "e": "AQAB"}
        #: Grants answered, in order: the grant type of each.
        self.grants: List[str] = []
        #: Seconds of validity the token endpoint announces (``expires_in``).
        self.expires_in = 600
        #: When set, the next token is signed with a key the JWKS does not publish (the server will refuse it).
        self.next_token_unpublished = False
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def token(self, claims: Optional[Dict[str, Any]] = None, *, unpublished: bool = False) -> str:
        now = int(time.time())
        payload = {"iss": self.issuer, "aud": self.audience, "sub": f"sub-{self.username}", "preferred_username": self.username,
                   "iat": now, "exp": now + 600, **(claims or {})}
        header = {"alg": "RS256", "typ": "JWT", "kid": "k2" if unpublished else "k1"}
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(payload).encode())}"
        key = self._unpublished if unpublished else self._published
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing_input.encode(), check=True, capture_output=True).stdout
        return f"{signing_input}.{_b64url(signature)}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def _json(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/realms/skyrun/.well-known/openid-configuration":
                    self._json(200, {"issuer": issuer.issuer, "jwks_uri": f"{issuer.issuer}/certs", "token_endpoint": f"{issuer.issuer}/token"})
                elif self.path == "/realms/skyrun/certs":
                    self._json(200, {"keys": [issuer._jwk]})
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                if self.path != "/realms/skyrun/token":
                    return self._json(404, {"error": "not_found"})
                length = int(self.headers.get("content-length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                grant = form.get("grant_type")
                if grant == "client_credentials":
                    basic = self.headers.get("authorization", "")
                    pair = base64.b64decode(basic[6:]).decode() if basic.startswith("Basic ") else ""
                    user, _, secret = pair.partition(":")
                    if urllib.parse.unquote(user) != issuer.client_id or urllib.parse.unquote(secret) != issuer.client_secret:
                        return self._json(401, {"error": "invalid_client", "error_description": "bad client credentials"})
                elif grant == "refresh_token":
                    if form.get("refresh_token") != issuer.refresh_token or form.get("client_id") != issuer.client_id:
                        return self._json(400, {"error": "invalid_grant", "error_description": "refresh token not valid"})
                    issuer.refresh_token = issuer.refresh_token + "+"  # rotates, as many issuers do
                else:
                    return self._json(400, {"error": "unsupported_grant_type"})
                issuer.grants.append(grant)
                unpublished, issuer.next_token_unpublished = issuer.next_token_unpublished, False
                answer = {"access_token": issuer.token(unpublished=unpublished), "token_type": "Bearer", "expires_in": issuer.expires_in}
                if grant == "refresh_token":
                    answer["refresh_token"] = issuer.refresh_token
                self._json(200, answer)

        return Handler
