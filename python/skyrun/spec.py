"""What to run: the parameters of ``POST /session``, checked, and encoded for skyrun or the platform."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field, fields
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from .errors import InvalidRequestError, UnsupportedError


@dataclass(frozen=True)
class RegistryAuth:
    """Private registry credentials, sent as ``x-skaha-registry-auth`` (base64 of ``username:secret``)."""

    username: str
    secret: str

    def header(self) -> str:
        return base64.b64encode(f"{self.username}:{self.secret}".encode()).decode()

    def __repr__(self) -> str:  # never show the secret
        return f"RegistryAuth(username={self.username!r}, secret='***')"


#: ``cmd``/``args``: a string is the server's parameter as is; a sequence is an exact argv.
Argv = Union[str, Sequence[str]]
#: ``env``: a mapping, or ``KEY=VALUE`` strings (values may contain '=').
Env = Union[Mapping[str, str], Sequence[str]]
#: A registry credential: username and secret, or the header value already base64-encoded (as the seed pages build it).
RegistryCredential = Union[RegistryAuth, str]


@dataclass(frozen=True)
class SessionSpec:
    """One session (or ``replicas`` identical ones) to create.

    Fields after ``registry_auth`` are skyrun extensions: asking one of the platform's
    skaha raises :class:`~skyrun.errors.UnsupportedError` before anything is sent.
    """

    #: Letters, digits and '-'. With replicas > 1 the sessions are ``name-1`` … ``name-N``.
    name: str
    #: e.g. ``images.canfar.net/skaha/terminal:1.1.2``
    image: str
    #: The session type (the platform's ``type``); the server's default is headless.
    kind: Optional[str] = None
    #: Cores; leave out for the server's flexible default.
    cores: Optional[float] = None
    #: RAM in GB; leave out for the server's flexible default.
    ram: Optional[float] = None
    gpus: Optional[int] = None
    #: The program instead of the image's entrypoint: a list is an exact argv; a string is the server's ``cmd`` as is.
    cmd: Optional[Argv] = None
    #: Arguments: a list is passed exactly, one element per argument; a string is split into words by the server.
    args: Optional[Argv] = None
    env: Optional[Env] = None
    #: Independent copies, each with REPLICA_ID (1-based) and REPLICA_COUNT.
    replicas: int = 1
    registry_auth: Optional[RegistryCredential] = None
    #: skyrun: sessions that must end Succeeded/Completed before these start.
    depends_on: Sequence[str] = ()
    #: skyrun: labels, for listing and bulk actions by label.
    labels: Mapping[str, str] = field(default_factory=dict)
    #: skyrun: retry a failed attempt up to this many times (0..10).
    retries: Optional[int] = None
    #: skyrun: at most this many of this request's sessions run at once.
    max_running: Optional[int] = None
    #: skyrun: apply ``max_running`` to all of your sessions with the same value of this label key.
    max_running_label: Optional[str] = None
    #: skyrun: a URL that gets one POST when the session (or the set) ends.
    notify: Optional[str] = None
    #: skyrun: deadline from start: seconds, or Slurm's ``[D-]HH:MM:SS``, ``MM:SS``, ``MM``.
    walltime: Optional[Union[int, str]] = None
    #: skyrun: the container's working directory, under /arc/home/<user> or /arc/projects/<group>.
    workdir: Optional[str] = None
    #: skyrun: after the run, write stdout (stderr) to this path under /arc (relative: to ``workdir``).
    stdout: Optional[str] = None
    stderr: Optional[str] = None
    #: skyrun: scratch space asked for, in GB.
    disk: Optional[float] = None

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.name != "registry_auth" and getattr(self, f.name) not in (None, (), {}))
        return f"SessionSpec({shown})"


#: The platform client's replica limit; skyrun's own limit is checked by the server.
PLATFORM_MAX_REPLICAS = 512
_NAME = re.compile(r"^[A-Za-z0-9-]+$")
_ENV_KEY = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_LABEL_KEY = re.compile(r"^[a-z0-9][a-z0-9._/-]{0,62}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WALLTIME = re.compile(r"^(\d+-)?\d+(:\d{1,2}){0,2}$")

#: Spec fields that only skyrun understands, with the wire parameter each becomes.
EXTENSIONS: Dict[str, str] = {
    "depends_on": "dependsOn",
    "labels": "label",
    "retries": "retries",
    "max_running": "maxRunning",
    "max_running_label": "maxRunningLabel",
    "notify": "notify",
    "walltime": "walltime",
    "workdir": "workdir",
    "stdout": "stdout",
    "stderr": "stderr",
    "disk": "disk",
}


def env_pairs(env: Optional[Env]) -> List[Tuple[str, str]]:
    """The environment as ordered ``(key, value)`` pairs; raises InvalidRequestError on a malformed entry."""
    if env is None:
        return []
    if isinstance(env, Mapping):
        pairs = [(str(k), v) for k, v in env.items()]
    elif isinstance(env, str):
        raise InvalidRequestError("Invalid 'env': give a dict or a list of KEY=VALUE strings, not one string.", "env")
    else:
        pairs = []
        for entry in env:
            key, eq, value = str(entry).partition("=")
            if not eq or not key:
                raise InvalidRequestError(f"Invalid env entry {entry!r}: give KEY=VALUE.", "env")
            pairs.append((key, value))
    for key, value in pairs:
        if not _ENV_KEY.match(key):
            raise InvalidRequestError(f"Invalid env name {key!r}: use letters, digits, '_', '-', '.', not starting with a digit.", "env")
        if not isinstance(value, str):
            raise InvalidRequestError(f"Invalid env value for {key}: it must be a string, not {type(value).__name__}.", "env")
    return pairs


def _positive(name: str, value: Optional[float], integer: bool) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or (integer and int(value) != value):
        raise InvalidRequestError(f"Invalid value for '{name}': {value!r}. Give a {'whole ' if integer else ''}number above 0.", name)


def _in_range(name: str, value: Optional[int], low: int, high: int) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidRequestError(f"Invalid value for '{name}': {value!r}. Give a whole number from {low} to {high}.", name)


def _check_labels(labels: Mapping[str, str]) -> None:
    for key, value in labels.items():
        if not isinstance(key, str) or not _LABEL_KEY.match(key):
            raise InvalidRequestError(f"Invalid label key {key!r}: lower-case letters, digits and '._/-', starting with a letter or digit, at most 63 characters.", "labels")
        if not isinstance(value, str) or len(value) > 253 or _CONTROL.search(value):
            raise InvalidRequestError(f"Invalid value for label {key!r}: a string of at most 253 characters without control characters.", "labels")


def check_spec(spec: SessionSpec) -> None:
    """Checks what both servers would refuse, before sending anything; raises InvalidRequestError naming the parameter."""
    if not isinstance(spec.name, str) or not spec.name.strip():
        raise InvalidRequestError("Missing 'name': give the session a name of letters, digits and '-'.", "name")
    if not _NAME.match(spec.name):
        raise InvalidRequestError(f"Invalid value for 'name': {spec.name!r}. Use only letters, digits and '-'.", "name")
    if not isinstance(spec.image, str) or not spec.image.strip():
        raise InvalidRequestError("Missing 'image': name the container image to run.", "image")
    _positive("cores", spec.cores, False)
    _positive("ram", spec.ram, False)
    _positive("gpus", spec.gpus, True)
    _positive("replicas", spec.replicas, True)
    _positive("disk", spec.disk, False)
    env_pairs(spec.env)
    for name in ("cmd", "args"):
        value = getattr(spec, name)
        if value is not None and not isinstance(value, str):
            if any(not isinstance(word, str) for word in value):
                raise InvalidRequestError(f"Invalid value for '{name}': every element must be a string.", name)
            if name == "cmd" and len(value) == 0:
                raise InvalidRequestError("Invalid value for 'cmd': an empty argv; give a program or leave 'cmd' out.", "cmd")
    _check_labels(spec.labels)
    _in_range("retries", spec.retries, 0, 10)
    _in_range("max_running", spec.max_running, 1, 10000)
    if spec.max_running_label is not None and spec.max_running_label not in spec.labels:
        raise InvalidRequestError(f"Invalid value for 'max_running_label': {spec.max_running_label!r} is not one of this request's label keys.", "max_running_label")
    if spec.walltime is not None:
        ok = (isinstance(spec.walltime, int) and not isinstance(spec.walltime, bool) and spec.walltime > 0) or (isinstance(spec.walltime, str) and _WALLTIME.match(spec.walltime.strip()))
        if not ok:
            raise InvalidRequestError(f"Invalid value for 'walltime': {spec.walltime!r}. Give seconds, or [D-]HH:MM:SS, MM:SS or MM.", "walltime")


def registry_auth_header(auth: RegistryCredential) -> str:
    """The ``x-skaha-registry-auth`` header value."""
    return auth if isinstance(auth, str) else auth.header()


def used_extensions(spec: SessionSpec) -> List[str]:
    """The skyrun-only fields this spec sets, by their Python names."""
    return [name for name in EXTENSIONS if getattr(spec, name) not in (None, (), [], {})]


def to_skyrun_body(spec: SessionSpec) -> Dict[str, Any]:
    """The JSON body of skyrun's ``POST /session``: argv lists passed exactly, replicas in one request."""
    body: Dict[str, Any] = {"name": spec.name, "image": spec.image}
    if spec.kind is not None:
        body["type"] = spec.kind
    for name in ("cores", "ram", "gpus"):
        if getattr(spec, name) is not None:
            body[name] = getattr(spec, name)
    for name in ("cmd", "args"):
        value = getattr(spec, name)
        if value is not None:
            body[name] = value if isinstance(value, str) else list(value)
    env = env_pairs(spec.env)
    if env:
        body["env"] = [f"{k}={v}" for k, v in env]
    if spec.replicas != 1:
        body["replicas"] = spec.replicas
    for name, wire in EXTENSIONS.items():
        value = getattr(spec, name)
        if value in (None, (), [], {}):
            continue
        if name == "labels":
            body[wire] = [f"{k}={v}" for k, v in value.items()]
        elif name == "depends_on":
            body[wire] = list(value)
        else:
            body[wire] = value
    return body


def _platform_args(words: Sequence[str]) -> str:
    for word in words:
        if word == "" or re.search(r"\s", word):
            raise UnsupportedError(
                f"The argument {word!r} cannot be sent to this server: the platform splits 'args' on spaces, so an argument "
                "that is empty or holds a space would be split or lost. Put the command in a script in the image or on /arc, and run that."
            )
    return " ".join(words)


def to_platform_form(spec: SessionSpec, replica: int, count: int) -> List[Tuple[str, str]]:
    """The form parameters of one replica's ``POST /session`` on the platform.

    The platform has no ``replicas``: like its Python client, replica i of n is named
    ``name-i`` and gets REPLICA_ID=i and REPLICA_COUNT=n. A skyrun extension raises
    UnsupportedError naming it.
    """
    extensions = used_extensions(spec)
    if extensions:
        raise UnsupportedError(
            f"{', '.join(repr(e) for e in extensions)} {'is a skyrun extension' if len(extensions) == 1 else 'are skyrun extensions'}; "
            "this server (the platform's skaha) does not support it."
        )
    form: List[Tuple[str, str]] = [("name", f"{spec.name}-{replica}" if count > 1 else spec.name), ("image", spec.image)]
    for name in ("cores", "ram", "gpus"):
        value = getattr(spec, name)
        if value is not None:
            form.append((name, _number(value)))
    if spec.kind is not None:
        form.append(("type", spec.kind))
    args = spec.args if isinstance(spec.args, str) or spec.args is None else _platform_args(spec.args)
    if isinstance(spec.cmd, str):
        form.append(("cmd", spec.cmd))
    elif spec.cmd is not None:
        program, *rest = spec.cmd
        form.append(("cmd", program))
        if rest:
            args = " ".join(a for a in (_platform_args(rest), args) if a)
    if args:
        form.append(("args", args))
    env = env_pairs(spec.env)
    if count > 1 and any(k in ("REPLICA_ID", "REPLICA_COUNT") for k, _ in env):
        raise InvalidRequestError("REPLICA_ID and REPLICA_COUNT are set for each replica when replicas > 1; leave them out of env.", "env")
    form.extend(("env", f"{k}={v}") for k, v in env)
    if count > 1:
        form.extend([("env", f"REPLICA_ID={replica}"), ("env", f"REPLICA_COUNT={count}")])
    return form


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


__all__ = [
    "Argv",
    "Env",
    "EXTENSIONS",
    "PLATFORM_MAX_REPLICAS",
    "RegistryAuth",
    "RegistryCredential",
    "SessionSpec",
    "check_spec",
    "env_pairs",
    "registry_auth_header",
    "to_platform_form",
    "to_skyrun_body",
    "used_extensions",
]
