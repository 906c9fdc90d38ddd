"""Offline verification (CERT-4): Ed25519 statements an inspector checks without a network.

The keyring is a folder (CERTIFICATE_SIGNING_KEY_DIR, outside the database and the backups of
uploads): `<key id>.key` holds a signing key's 32-byte seed (base64), `<key id>.pub` a retired
key's public half. The newest `.key` by key id signs (key ids sort by date: k20261201-ab); a key
rotated out keeps its `.pub`, so certificates signed with it stay verifiable by their key id.
`manage.py certificate_signing_key new|list|retire` manages it. Outside production, a first key is
made on first use; in production a missing key is an error to fix, never made up per server.

A statement is `JLC1.<message>.<signature>`, each base64url without padding; the message is the
canonical encoding of a fixed-order JSON array (UTF-8, no spaces):
    [1, key_id, number, masked name, masked ID number, occupation, level, issued_on, issuing authority, body]
and the signature is Ed25519 over those exact bytes. The revocation list is signed the same way.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import json
import os
import re
import secrets
from pathlib import Path

import nacl.exceptions
import nacl.signing
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

PREFIX = "JLC1"
VERSION = 1
KEY_ID_RE = re.compile(r"[A-Za-z0-9-]{1,32}")
FIELDS = ("version", "key_id", "number", "holder", "id_number", "occupation", "level", "issued_on",
          "issuing_authority", "body")


class InvalidStatement(ValueError):
    """Why a statement or a revocation list is not to be trusted, in Chinese."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise binascii.Error("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧**娜: enough to match the person in front of the inspector."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- The keyring ---------------------------------------------------------------------------------


def key_dir() -> Path:
    return Path(settings.CERTIFICATE_SIGNING_KEY_DIR)


def new_key_id(today: datetime.date | None = None) -> str:
    return f"k{(today or datetime.date.today()):%Y%m%d}-{secrets.token_hex(2)}"


def create_key(key_id: str | None = None) -> str:
    """A new signing key, which signs from now on (its id sorts last). Returns its key id."""
    key_id = key_id or new_key_id()
    if not KEY_ID_RE.fullmatch(key_id):
        raise ValueError(_("密钥编号只能包含字母、数字和连字符，最多32个字符。"))
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{key_id}.key"
    if path.exists() or (folder / f"{key_id}.pub").exists():
        raise ValueError(_("密钥%(id)s已存在。") % {"id": key_id})
    seed = nacl.signing.SigningKey.generate().encode()
    # Created 0600 in one step (O_EXCL: never over another key), so the seed is never readable by others.
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as stream:
        stream.write(base64.b64encode(seed).decode() + "\n")
    return key_id


def retire_key(key_id: str) -> None:
    """Stop signing with a key; keep its public half so what it signed stays verifiable."""
    path = key_dir() / f"{key_id}.key"
    if not path.exists():
        raise ValueError(_("没有签名密钥%(id)s。") % {"id": key_id})
    public = _signing_key(path).verify_key.encode()
    (key_dir() / f"{key_id}.pub").write_text(base64.b64encode(public).decode() + "\n")
    path.unlink()


def _signing_key(path: Path) -> nacl.signing.SigningKey:
    return nacl.signing.SigningKey(base64.b64decode(path.read_text().strip()))


def signing_key() -> tuple[str, nacl.signing.SigningKey]:
    """The key that signs now: the newest `.key`."""
    folder = key_dir()
    keys = sorted(folder.glob("*.key")) if folder.is_dir() else []
    if not keys:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("No certificate signing key in CERTIFICATE_SIGNING_KEY_DIR: "
                                       "run `manage.py certificate_signing_key new` (docs/DEPLOY.md).")
        create_key()
        keys = sorted(folder.glob("*.key"))
    return keys[-1].stem, _signing_key(keys[-1])


def public_keys() -> dict[str, bytes]:
    """Every key id this province ever signed with → its public key (32 bytes)."""
    folder = key_dir()
    found = {}
    if folder.is_dir():
        for path in folder.glob("*.pub"):
            found[path.stem] = base64.b64decode(path.read_text().strip())
        for path in folder.glob("*.key"):
            found[path.stem] = bytes(_signing_key(path).verify_key)
    return dict(sorted(found.items()))


def active_key_id() -> str:
    return signing_key()[0]


# --- Statements ----------------------------------------------------------------------------------


def _sign(message: list, prefix: str = PREFIX) -> str:
    """A different prefix per kind of message, checked before the signature: a statement never
    passes as a revocation list, nor a list as a statement."""
    key_id, key = signing_key()
    message[1] = key_id
    body = canonical(message)
    return f"{prefix}.{b64url(body)}.{b64url(key.sign(body).signature)}"


def sign_statement(*, number, name, id_number_masked, occupation, level, issued_on, issuing_authority,
                   body) -> str:
    return _sign([VERSION, "", number, mask_name(name), id_number_masked, occupation, int(level),
                  issued_on.isoformat(), issuing_authority, body])


@dataclasses.dataclass(frozen=True)
class Statement:
    version: int
    key_id: str
    number: str
    holder: str
    id_number: str
    occupation: str
    level: int
    issued_on: str
    issuing_authority: str
    body: str


def _open(token: str, keys: dict[str, bytes], prefix: str) -> tuple[list, str]:
    """The signed message of a token, after its signature checked, and its key id."""
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != prefix:
        raise InvalidStatement(_("这不是本省签发的证书核验码（格式不符）。"))
    try:
        body, signature = unb64url(parts[1]), unb64url(parts[2])
        message = json.loads(body.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidStatement(_("核验码已损坏或被改动，无法读取。")) from exc
    if not isinstance(message, list) or len(message) < 2 or not isinstance(message[1], str):
        raise InvalidStatement(_("核验码已损坏或被改动，无法读取。"))
    key_id = message[1]
    if key_id not in keys:
        raise InvalidStatement(_("核验码的签名密钥%(id)s不在已知的公钥中：请联网更新公钥后再核验，"
                                 "仍不认识则不是本省签发。") % {"id": key_id[:32]})
    try:
        nacl.signing.VerifyKey(keys[key_id]).verify(body, signature)
    except (nacl.exceptions.BadSignatureError, ValueError, TypeError) as exc:
        raise InvalidStatement(_("签名核验失败：核验码被改动或伪造，证书不可信。")) from exc
    return message, key_id


def open_statement(token: str, keys: dict[str, bytes] | None = None) -> Statement:
    message, _key_id = _open(token, public_keys() if keys is None else keys, PREFIX)
    if len(message) != len(FIELDS) or message[0] != VERSION:
        raise InvalidStatement(_("核验码的版本不受支持，请更新核验工具。"))
    return Statement(*message)


REVOCATION_PREFIX = "JLR1"


def sign_revocations(revoked: list[tuple[str, str]], *, generated_at: str) -> str:
    """The revocation list: [1, key_id, generated_at, [[number, revoked_on], ...]]."""
    return _sign([VERSION, "", generated_at, [list(r) for r in revoked]], REVOCATION_PREFIX)


def open_revocations(token: str, keys: dict[str, bytes] | None = None) -> tuple[str, dict[str, str]]:
    """(generated_at, {number: revoked_on}) of a signed list, after its signature checked."""
    message, _key_id = _open(token, public_keys() if keys is None else keys, REVOCATION_PREFIX)
    if len(message) != 4 or message[0] != VERSION or not isinstance(message[3], list):
        raise InvalidStatement(_("吊销名单的版本不受支持，请更新核验工具。"))
    return message[2], {str(number): str(day) for number, day in message[3]}


@dataclasses.dataclass(frozen=True)
class OfflineResult:
    status: str  # "valid" | "revoked"
    statement: Statement
    revoked_on: str = ""
    list_generated_at: str = ""


def check(token: str, *, keys: dict[str, bytes] | None = None, revocations: str | None = None) -> OfflineResult:
    """A statement checked against the public keys and, when given, the signed revocation list."""
    keys = public_keys() if keys is None else keys
    statement = open_statement(token, keys)
    if revocations is None:
        return OfflineResult("valid", statement)
    generated_at, revoked = open_revocations(revocations, keys)
    if statement.number in revoked:
        return OfflineResult("revoked", statement, revoked[statement.number], generated_at)
    return OfflineResult("valid", statement, list_generated_at=generated_at)
