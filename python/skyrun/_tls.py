"""TLS for the SDK: client certificates (including CADC proxy certificates) and a private CA.

Files are read once, when the client is made, and refused with a CredentialsError
naming the file when they cannot work: missing or unreadable, no certificate, no
private key, an encrypted key, or a certificate outside its validity dates.
"""

from __future__ import annotations

import base64
import re
import ssl
from datetime import datetime, timezone
from typing import List, Optional, Tuple

from .errors import CredentialsError

_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)


def _read(path: str, what: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        raise CredentialsError(f"The {what} file {path} does not exist.", path) from None
    except PermissionError:
        raise CredentialsError(f"The {what} file {path} is not readable by you.", path) from None
    except (OSError, UnicodeDecodeError) as e:
        raise CredentialsError(f"The {what} file {path} cannot be read ({e}).", path) from None


def _blocks(text: str) -> List[Tuple[str, str]]:
    """The PEM blocks of a text as ``(label, base64 body)``, in file order."""
    return [(m.group(1), m.group(2)) for m in _BLOCK.finditer(text)]


def _tlv(data: bytes, at: int) -> Tuple[int, int, int]:
    """One DER element at ``at``: its tag, where its content starts and where it ends."""
    tag = data[at]
    length = data[at + 1]
    start = at + 2
    if length & 0x80:
        size = length & 0x7F
        length = int.from_bytes(data[start:start + size], "big")
        start += size
    return tag, start, start + length


def _time(data: bytes, at: int) -> Tuple[datetime, int]:
    tag, start, end = _tlv(data, at)
    text = data[start:end].decode("ascii").rstrip("Z")
    if tag == 0x17:  # UTCTime: two-digit years, 1950..2049
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    return datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc), end


def certificate_validity(der: bytes) -> Tuple[datetime, datetime]:
    """``(notBefore, notAfter)`` of a DER X.509 certificate."""
    _, tbs_start, _ = _tlv(data=der, at=_tlv(der, 0)[1])
    at = tbs_start
    if der[at] == 0xA0:  # [0] EXPLICIT version
        at = _tlv(der, at)[2]
    for _ in range(3):  # serialNumber, signature, issuer
        at = _tlv(der, at)[2]
    _, validity_start, _ = _tlv(der, at)
    not_before, after_at = _time(der, validity_start)
    not_after, _ = _time(der, after_at)
    return not_before, not_after


def _day(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def check_certificate_file(path: str, key_file: Optional[str] = None, now: Optional[datetime] = None) -> datetime:
    """Checks a client certificate PEM (and its key) and returns when the certificate expires.

    A proxy certificate file as ``cadc-get-cert`` writes it holds the proxy
    certificate, its key and the user certificate, in any order: the first
    certificate is the one presented, the others its chain.
    """
    blocks = _blocks(_read(path, "certificate"))
    certs = [body for label, body in blocks if label in ("CERTIFICATE", "X509 CERTIFICATE")]
    key_blocks = _blocks(_read(key_file, "key")) if key_file is not None else blocks
    keys = [label for label, _ in key_blocks if label.endswith("PRIVATE KEY")]
    if not certs:
        raise CredentialsError(f"{path} holds no PEM certificate (-----BEGIN CERTIFICATE-----).", path)
    if not keys:
        raise CredentialsError(
            f"{path} holds no private key: a proxy certificate file has the certificate and its key; give the key file separately if it is elsewhere."
            if key_file is None
            else f"{key_file} holds no PEM private key.",
            key_file or path,
        )
    if keys[0] == "ENCRYPTED PRIVATE KEY":
        raise CredentialsError(f"The private key for {path} is encrypted; use an unencrypted key (as cadc-get-cert writes, mode 0600).", key_file or path)
    try:
        not_before, not_after = certificate_validity(base64.b64decode("".join(certs[0].split())))
    except (ValueError, IndexError) as e:
        raise CredentialsError(f"The certificate in {path} cannot be parsed ({e}).", path) from None
    moment = now or datetime.now(timezone.utc)
    if moment < not_before:
        raise CredentialsError(f"The certificate in {path} is not valid before {_day(not_before)}; check this computer's clock.", path)
    if moment > not_after:
        raise CredentialsError(f"The certificate in {path} expired on {_day(not_after)}; get a new one (for the platform: cadc-get-cert) and try again.", path)
    return not_after


def make_ssl_context(certificate: Optional[str] = None, key_file: Optional[str] = None, ca_file: Optional[str] = None) -> ssl.SSLContext:
    """A client SSLContext: the system's CAs plus ``ca_file``'s, and the client certificate when given."""
    context = ssl.create_default_context()
    if ca_file is not None:
        if not any(label == "CERTIFICATE" for label, _ in _blocks(_read(ca_file, "CA"))):
            raise CredentialsError(f"{ca_file} holds no PEM CA certificate.", ca_file)
        try:
            context.load_verify_locations(cafile=ca_file)
        except ssl.SSLError as e:
            raise CredentialsError(f"The CA file {ca_file} cannot be used ({e.reason or e}).", ca_file) from None
    if certificate is not None:
        check_certificate_file(certificate, key_file)
        try:
            context.load_cert_chain(certificate, key_file)
        except ssl.SSLError as e:
            raise CredentialsError(f"The certificate {certificate} cannot be used with its key ({e.reason or e}).", certificate) from None
    return context
