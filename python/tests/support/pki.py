"""A certificate authority and user credentials made with the ``openssl`` command, as a site CA and
``cadc-get-cert`` make them: CA → user certificate → RFC 3820 proxy signed by the user certificate,
and a ``cadcproxy.pem`` holding proxy certificate, proxy key and user certificate, in that order.
(The Python twin of test/support/test-pki.ts.)"""

from __future__ import annotations

import os
import random
import subprocess
from dataclasses import dataclass

_PROXY_EXT = "proxyCertInfo=critical,language:id-ppl-inheritAll\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
_USER_EXT = "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n"


def _read(path: str) -> str:
    with open(path) as f:
        return f.read()


def _openssl(cwd: str, *args: str) -> str:
    return subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@dataclass(frozen=True)
class Credentials:
    cert_file: str
    key_file: str
    #: proxy certificate + proxy key + user certificate, as cadc-get-cert writes ~/.ssl/cadcproxy.pem
    proxy_file: str


class Pki:
    def __init__(self, directory: str, subject: str = "/C=ca/O=hia/CN=skyrun python test CA") -> None:
        os.makedirs(directory, exist_ok=True)
        self.dir = directory
        _openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", subject, "-days", "30",
                 "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        with open(os.path.join(directory, "user.ext"), "w") as f:
            f.write(_USER_EXT)
        self.ca_file = os.path.join(directory, "ca.pem")

    def user(self, name: str, subject: str, days: int = 10) -> Credentials:
        d = self.dir
        _openssl(d, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", subject)
        _openssl(d, "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", str(days),
                 "-out", f"{name}.pem", "-extfile", "user.ext")
        serial = str(random.randint(100_000, 999_999))
        _openssl(d, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.proxy.key", "-out", f"{name}.proxy.csr", "-subj", f"{subject}/CN={serial}")
        with open(os.path.join(d, "proxy.ext"), "w") as f:
            f.write(_PROXY_EXT)
        _openssl(d, "x509", "-req", "-in", f"{name}.proxy.csr", "-CA", f"{name}.pem", "-CAkey", f"{name}.key", "-set_serial", serial, "-days", "2",
                 "-out", f"{name}.proxy.pem", "-extfile", "proxy.ext")
        proxy = os.path.join(d, f"{name}.cadcproxy.pem")
        parts = [_read(os.path.join(d, p)) for p in (f"{name}.proxy.pem", f"{name}.proxy.key", f"{name}.pem")]
        fd = os.open(proxy, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("".join(parts))
        return Credentials(os.path.join(d, f"{name}.pem"), os.path.join(d, f"{name}.key"), proxy)
