"""Bearer credentials: an API token, a callable, or OIDC tokens fetched and refreshed by the SDK.

skyrun accepts two kinds of bearer token: its own API tokens (``skyrun tokens
create``) and OIDC access tokens (JWTs) from the issuer it is configured with. Any
object with the two methods of :class:`TokenSource` can be passed as ``token=``; the
SDK asks it for a token before every request (in a worker thread, so it may block)
and tells it after a 401, retrying once when it says a fresh token may help.
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Dict, Optional, Protocol, Union

from .errors import ConnectionError, CredentialsError



class TokenSource(Protocol):
    """Where the SDK gets the bearer token for each request."""

    def bearer(self) -> str:
        """The token to send now. May block (it runs in a worker thread)."""
        ...

    def invalidate(self) -> bool:
        """The server refused the last token (401): forget it. True when a new one may be accepted."""
        ...


class StaticToken:
    """A fixed token (an API token, or an access token got elsewhere)."""

    def __init__(self, token: str) -> None:
        self._token = token.strip()

    def bearer(self) -> str:
        return self._token

    def invalidate(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"StaticToken('…{self._token[-4:]}')"


class CallableToken:
    """A function returning the current token, called before every request (e.g. reading a file a sidecar refreshes)."""

    def __init__(self, get: Callable[[], str]) -> None:
        self._get = get

    def bearer(self) -> str:
        return self._get().strip()

    def invalidate(self) -> bool:
        return True


TokenLike = Union[str, TokenSource, Callable[[], str]]


def as_token_source(token: Optional[TokenLike]) -> Optional[TokenSource]:
    """``token=`` as a TokenSource: a string is a StaticToken, a plain callable a CallableToken."""
    if token is None:
        return None
    if isinstance(token, str):
        return StaticToken(token)
    if hasattr(token, "bearer") and hasattr(token, "invalidate"):
        return token
    if callable(token):
        return CallableToken(token)
    raise TypeError(f"token must be a string, a callable or a TokenSource, not {type(token).__name__}")


class _OidcTokens:
    """Access tokens from an OIDC issuer's token endpoint, cached until shortly before they expire."""

    #: A token expiring within this many seconds is renewed before use.
    refresh_margin = 30.0

    def __init__(self, issuer: str, client_id: str, client_secret: Optional[str], *, scope: Optional[str], audience: Optional[str],
                 ca_file: Optional[str], timeout: float) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.scope = scope
        self.audience = audience
        self.timeout = timeout
        self._context = ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
        self._lock = threading.Lock()
        self._token_endpoint: Optional[str] = None
        self._access: Optional[str] = None
        self._expires_at = 0.0
        #: How many tokens were obtained from the issuer (for tests and diagnostics).
        self.grants = 0

    def bearer(self) -> str:
        with self._lock:
            if self._access is None or time.monotonic() >= self._expires_at - self.refresh_margin:
                self._renew()
            assert self._access is not None
            return self._access

    def invalidate(self) -> bool:
        with self._lock:
            self._access = None
        return True

    def _grant(self) -> Dict[str, str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def _renew(self) -> None:
        params = self._grant()
        if self.scope:
            params["scope"] = self.scope
        if self.audience:
            params["audience"] = self.audience
        headers = {"content-type": "application/x-www-form-urlencoded", "accept": "application/json"}
        if self._client_secret is not None:
            pair = f"{urllib.parse.quote(self.client_id, safe='')}:{urllib.parse.quote(self._client_secret, safe='')}"
            headers["authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            params["client_id"] = self.client_id
        answer = self._post(self._endpoint(), params, headers)
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise CredentialsError(f"The OIDC issuer {self.issuer} answered without an access_token.")
        self._access = token
        expires_in = answer.get("expires_in")
        self._expires_at = time.monotonic() + (float(expires_in) if isinstance(expires_in, (int, float)) else 300.0)
        self.grants += 1
        self._received(answer)

    def _received(self, answer: Dict[str, Any]) -> None:
        """Hook for grants that get more than an access token back."""

    def _endpoint(self) -> str:
        if self._token_endpoint is None:
            document = self._get(f"{self.issuer}/.well-known/openid-configuration")
            if str(document.get("issuer", "")).rstrip("/") != self.issuer:
                raise CredentialsError(f"The OIDC discovery document of {self.issuer} names another issuer ({document.get('issuer')!r}).")
            endpoint = document.get("token_endpoint")
            if not isinstance(endpoint, str):
                raise CredentialsError(f"The OIDC issuer {self.issuer} publishes no token_endpoint.")
            self._token_endpoint = endpoint
        return self._token_endpoint

    def _get(self, url: str) -> Dict[str, Any]:
        return self._call(urllib.request.Request(url, headers={"accept": "application/json"}))

    def _post(self, url: str, params: Dict[str, str], headers: Dict[str, str]) -> Dict[str, Any]:
        return self._call(urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(), headers=headers, method="POST"))

    def _call(self, request: urllib.request.Request) -> Dict[str, Any]:
        url = request.full_url
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self._context if url.startswith("https:") else None) as response:
                body = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace")
            try:
                detail = json.loads(text)
                why = f"{detail.get('error', '')}: {detail.get('error_description', '')}".strip(": ")
            except ValueError:
                why = text.strip()[:200]
            raise CredentialsError(f"The OIDC issuer {self.issuer} refused: {e.code} {why}".rstrip()) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise ConnectionError(f"Cannot reach the OIDC issuer at {url}: {reason}.", "OIDC", url, True) from None
        try:
            data = json.loads(body)
        except ValueError:
            raise CredentialsError(f"The OIDC issuer at {url} did not answer JSON.") from None
        if not isinstance(data, dict):
            raise CredentialsError(f"The OIDC issuer at {url} answered {type(data).__name__}, not an object.")
        return data


class OidcClientCredentials(_OidcTokens):
    """OIDC access tokens by the client credentials grant: for pipelines and services that run unattended.

    ``issuer`` is the issuer URL (its ``/.well-known/openid-configuration`` names the
    token endpoint); the client secret is sent with HTTP Basic (client_secret_basic).
    """

    def __init__(self, issuer: str, client_id: str, client_secret: str, *, scope: Optional[str] = None, audience: Optional[str] = None,
                 ca_file: Optional[str] = None, timeout: float = 30.0) -> None:
        super().__init__(issuer, client_id, client_secret, scope=scope, audience=audience, ca_file=ca_file, timeout=timeout)

    def _grant(self) -> Dict[str, str]:
        return {"grant_type": "client_credentials"}

    def __repr__(self) -> str:
        return f"OidcClientCredentials(issuer={self.issuer!r}, client_id={self.client_id!r})"


class OidcRefreshToken(_OidcTokens):
    """OIDC access tokens from a refresh token (got once by an interactive login).

    When the issuer rotates refresh tokens, the new one is kept and handed to
    ``on_refresh_token`` so the caller can save it.
    """

    def __init__(self, issuer: str, client_id: str, refresh_token: str, *, client_secret: Optional[str] = None, scope: Optional[str] = None,
                 audience: Optional[str] = None, ca_file: Optional[str] = None, timeout: float = 30.0,
                 on_refresh_token: Optional[Callable[[str], None]] = None) -> None:
        super().__init__(issuer, client_id, client_secret, scope=scope, audience=audience, ca_file=ca_file, timeout=timeout)
        self._refresh = refresh_token
        self._on_refresh_token = on_refresh_token

    def _grant(self) -> Dict[str, str]:
        return {"grant_type": "refresh_token", "refresh_token": self._refresh}

    def _received(self, answer: Dict[str, Any]) -> None:
        rotated = answer.get("refresh_token")
        if isinstance(rotated, str) and rotated and rotated != self._refresh:
            self._refresh = rotated
            if self._on_refresh_token is not None:
                self._on_refresh_token(rotated)

    def __repr__(self) -> str:
        return f"OidcRefreshToken(issuer={self.issuer!r}, client_id={self.client_id!r})"


__all__ = ["CallableToken", "OidcClientCredentials", "OidcRefreshToken", "StaticToken", "TokenLike", "TokenSource", "as_token_source"]
