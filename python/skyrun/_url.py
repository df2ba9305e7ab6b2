"""Where the API lives: the versioned base for a server address."""

from __future__ import annotations

import re
from typing import Optional, Tuple
from urllib.parse import urlsplit, urlunsplit

from .errors import InvalidRequestError

#: The skaha API versions: v0 says ``Succeeded`` where v1 says ``Completed``.
API_VERSIONS = ("v0", "v1")


def resolve_service_url(url: str, version: Optional[str] = None, default_version: str = "v1") -> Tuple[str, str]:
    """The versioned API base and version for a server address.

    Accepted forms: a server root (``http://127.0.0.1:8080`` → ``…/skaha/v1``), the
    service (``https://ws-uv.canfar.net/skaha`` → ``…/skaha/v1``), or a versioned base
    (``…/skaha/v0``, whose version wins over ``version``).
    """
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise InvalidRequestError(f"Invalid server URL {url!r}: give http(s)://host[:port], e.g. https://ws-uv.canfar.net/skaha.", "url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequestError(f"Invalid server URL {url!r}: give http(s)://host[:port], e.g. https://ws-uv.canfar.net/skaha.", "url")
    if parts.username or parts.password:
        raise InvalidRequestError("Do not put credentials in the server URL; use a token or a certificate.", "url")
    if version is not None and version not in API_VERSIONS:
        raise InvalidRequestError(f"Unsupported API version {version!r}: use v0 or v1.", "api_version")
    path = parts.path.rstrip("/")
    versioned = re.search(r"/(v\d+)$", path)
    if versioned:
        found = versioned.group(1)
        if found not in API_VERSIONS:
            raise InvalidRequestError(f"Unsupported API version {found} in {url}: use v0 or v1.", "url")
        return urlunsplit((parts.scheme, parts.netloc, path, "", "")), found
    chosen = version or default_version
    path = f"{path}/{chosen}" if path.endswith("/skaha") else f"{path}/skaha/{chosen}"
    return urlunsplit((parts.scheme, parts.netloc, path, "", "")), chosen
