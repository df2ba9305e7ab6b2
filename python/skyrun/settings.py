"""The settings ``skyrun login`` saves, read the way the CLI reads them (``src/client/client-settings.ts``).

Where a client finds its server and credentials, later ones winning:

1. ``~/.ssl/cadcproxy.pem``, if it exists and nothing else gives credentials (as the platform's client does);
2. the settings file: ``$SKYRUN_CONFIG``, else ``$XDG_CONFIG_HOME/skyrun/config.yaml``, else
   ``~/.config/skyrun/config.yaml``; keys ``url``, ``token``, ``cert``, ``ca``, ``apiVersion``;
3. the environment: ``SKYRUN_URL``, ``SKYRUN_TOKEN``, ``SKYRUN_CERT``, ``SKYRUN_CA``, ``SKYRUN_API_VERSION``.

Credentials come from one level only: the highest level that gives a token or a
certificate supplies both, so a token in the file never rides along with a
certificate from the environment.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field, replace
from typing import Dict, List, Mapping, Optional, Tuple

from ._url import API_VERSIONS
from .errors import InvalidRequestError

SETTINGS_KEYS = ("url", "token", "cert", "ca", "apiVersion")
_CREDENTIALS = ("token", "cert")


@dataclass(frozen=True)
class ClientSettings:
    """Where a client connects and how it proves who it is. File paths are absolute once loaded."""

    url: Optional[str] = None
    token: Optional[str] = None
    cert: Optional[str] = None
    ca: Optional[str] = None
    api_version: Optional[str] = None

    def __repr__(self) -> str:
        token = f"'…{self.token[-4:]}'" if self.token else None
        return f"ClientSettings(url={self.url!r}, token={token}, cert={self.cert!r}, ca={self.ca!r}, api_version={self.api_version!r})"


@dataclass(frozen=True)
class LoadedSettings:
    settings: ClientSettings
    #: Where each setting came from: ``default``, ``file`` or ``env``.
    sources: Dict[str, str] = field(default_factory=dict)
    #: The settings file consulted (it may not exist).
    path: str = ""
    #: Things the user should know, e.g. a settings file others can read.
    warnings: List[str] = field(default_factory=list)


def settings_path(env: Optional[Mapping[str, str]] = None) -> str:
    """``$SKYRUN_CONFIG``, else ``$XDG_CONFIG_HOME/skyrun/config.yaml``, else ``~/.config/skyrun/config.yaml``."""
    env = os.environ if env is None else env
    if env.get("SKYRUN_CONFIG"):
        return os.path.abspath(env["SKYRUN_CONFIG"])
    xdg = env.get("XDG_CONFIG_HOME", "")
    base = xdg if xdg and os.path.isabs(xdg) else os.path.join(env.get("HOME") or os.path.expanduser("~"), ".config")
    return os.path.join(base, "skyrun", "config.yaml")


def _scalar(raw: str, path: str, line_no: int) -> str:
    text = raw.strip()
    if text.startswith('"'):
        if not text.endswith('"') or len(text) < 2:
            raise InvalidRequestError(f"The settings file {path}, line {line_no}: an unterminated double-quoted value.", "config")
        try:
            value: str = json.loads(text)
        except ValueError:
            raise InvalidRequestError(f"The settings file {path}, line {line_no}: a double-quoted value this reader cannot decode.", "config") from None
        return value
    if text.startswith("'"):
        if not text.endswith("'") or len(text) < 2:
            raise InvalidRequestError(f"The settings file {path}, line {line_no}: an unterminated single-quoted value.", "config")
        return text[1:-1].replace("''", "'")
    if text[:1] in ("|", ">", "[", "{", "&", "*", "!"):
        raise InvalidRequestError(f"The settings file {path}, line {line_no}: only plain or quoted string values are understood; fix it or run skyrun login again.", "config")
    return re.sub(r"\s+#.*$", "", text)


def parse_settings_yaml(text: str, path: str = "<settings>") -> Dict[str, str]:
    """Reads the flat mapping of strings ``skyrun config`` writes (a small subset of YAML: no nesting).

    Plain, single- and double-quoted scalars are read, including double-quoted or plain
    values folded over several lines; anything else is refused with the line number.
    """
    entries: List[Tuple[str, List[str], int]] = []
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#") or line.strip() in ("---", "..."):
            continue
        if line[:1] in (" ", "\t"):
            if not entries:
                raise InvalidRequestError(f"The settings file {path}, line {line_no}: indented text before any key.", "config")
            entries[-1][1].append(line.strip())
            continue
        match = re.match(r"^([A-Za-z][A-Za-z0-9_]*)\s*:(?:\s+(.*))?$", line.rstrip())
        if not match:
            raise InvalidRequestError(f"The settings file {path}, line {line_no}: expected 'key: value'; run skyrun login again or fix the file.", "config")
        entries.append((match.group(1), [match.group(2) or ""], line_no))
    values: Dict[str, str] = {}
    for key, parts, line_no in entries:
        joined = " ".join(p for p in parts if p != "") if not parts[0].startswith('"') else parts[0] + "".join(" " + p for p in parts[1:])
        plain = not joined.startswith(("'", '"'))
        if joined == "" or (plain and (re.search(r":(\s|$)", joined) or joined.startswith("- "))):
            raise InvalidRequestError(f"The settings file {path}, line {line_no}: '{key}' needs one string value (skyrun's settings are not nested).", "config")
        values[key] = _scalar(joined, path, line_no)
    return values


def _check(key: str, value: str, origin: str) -> str:
    if key not in SETTINGS_KEYS:
        raise InvalidRequestError(f"Unknown setting '{key}' in {origin}. Settings: {', '.join(SETTINGS_KEYS)}.", key)
    if not value.strip():
        raise InvalidRequestError(f"Setting '{key}' in {origin} must be a non-empty string.", key)
    if key == "apiVersion" and value.strip() not in API_VERSIONS:
        raise InvalidRequestError(f"Setting 'apiVersion' in {origin} must be one of {', '.join(API_VERSIONS)}, not {value!r}.", key)
    return value.strip()


def _absolute(path: Optional[str], base: str) -> Optional[str]:
    if path is None:
        return None
    return os.path.normpath(os.path.join(base, os.path.expanduser(path)))


def read_settings_file(path: str) -> ClientSettings:
    """The settings in a file; a missing file is no settings. Relative paths in it are relative to its folder."""
    if not os.path.exists(path):
        return ClientSettings()
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise InvalidRequestError(f"The settings file {path} cannot be read ({e.strerror}).", "config") from None
    raw = {key: _check(key, value, path) for key, value in parse_settings_yaml(text, path).items()}
    folder = os.path.dirname(path)
    return ClientSettings(url=raw.get("url"), token=raw.get("token"), cert=_absolute(raw.get("cert"), folder), ca=_absolute(raw.get("ca"), folder),
                          api_version=raw.get("apiVersion"))


def load_settings(env: Optional[Mapping[str, str]] = None, path: Optional[str] = None) -> LoadedSettings:
    """The settings in effect: default < file < environment, credentials from one level only."""
    env = os.environ if env is None else env
    path = path or settings_path(env)
    warnings: List[str] = []
    from_file = read_settings_file(path)
    if from_file.token is not None and stat.S_IMODE(os.stat(path).st_mode) & 0o077:
        warnings.append(f"{path} holds a token but others may read it; run: chmod 600 {path}")
    cwd = os.getcwd()
    api_version = env.get("SKYRUN_API_VERSION") or None
    from_env = ClientSettings(
        url=env.get("SKYRUN_URL") or None,
        token=env.get("SKYRUN_TOKEN") or None,
        cert=_absolute(env.get("SKYRUN_CERT") or None, cwd),
        ca=_absolute(env.get("SKYRUN_CA") or None, cwd),
        api_version=_check("apiVersion", api_version, "SKYRUN_API_VERSION") if api_version else None,
    )
    proxy = os.path.join(env.get("HOME") or os.path.expanduser("~"), ".ssl", "cadcproxy.pem")
    defaults = ClientSettings(cert=proxy) if os.path.exists(proxy) else ClientSettings()
    layers = [("default", defaults), ("file", from_file), ("env", from_env)]
    credential_layer = next((layer for _, layer in reversed(layers) if layer.token is not None or layer.cert is not None), None)
    merged = ClientSettings()
    sources: Dict[str, str] = {}
    for source, layer in layers:
        for name in ("url", "token", "cert", "ca", "api_version"):
            value = getattr(layer, name)
            if value is None or (name in _CREDENTIALS and layer is not credential_layer):
                continue
            merged = replace(merged, **{name: value})
            sources[name] = source
    return LoadedSettings(merged, sources, path, warnings)


__all__ = ["ClientSettings", "LoadedSettings", "SETTINGS_KEYS", "load_settings", "parse_settings_yaml", "read_settings_file", "settings_path"]
