"""Key pairs: import a public key or generate a pair, with fingerprints computed as Nova does.

SSH keys get the MD5 fingerprint of the key blob; x509 certificates the SHA-1 of their DER form.
A generated private key is returned once and never stored.
"""

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from apis.ecs.models import Keypair
from emulator import quotas
from emulator.context import RequestContext
from emulator.errors import BadRequest, Conflict, NotFound, QuotaExceeded

TYPES = ("ssh", "x509")
MAX_NAME = 64
_SAFE_NAME = re.compile(r"^[A-Za-z0-9 _-]+$")
_QUOTA_MESSAGE = "Quota exceeded, too many key pairs."


@dataclass(frozen=True)
class Created:
    keypair: Keypair
    private_key: str | None  # only when the emulator generated the pair


def _colon_hex(digest: bytes) -> str:
    return ":".join(f"{byte:02x}" for byte in digest)


def _invalid(reason: str) -> BadRequest:
    return BadRequest(f"Keypair data is invalid: {reason}")


def ssh_fingerprint(public_key: str) -> str:
    try:
        serialization.load_ssh_public_key(public_key.strip().encode())
        blob = base64.b64decode(public_key.split()[1], validate=True)
    except (ValueError, IndexError, UnicodeError):
        raise _invalid("failed to generate fingerprint") from None
    return _colon_hex(hashlib.md5(blob, usedforsecurity=False).digest())


def x509_fingerprint(certificate: str) -> str:
    try:
        parsed = x509.load_pem_x509_certificate(certificate.encode())
    except (ValueError, UnicodeError):
        raise _invalid("failed to generate fingerprint") from None
    return _colon_hex(parsed.fingerprint(hashes.SHA1()))  # noqa: S303 - Nova's choice


def _generate_ssh() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return private, public.decode() + " Generated-by-Nova"


def _generate_x509(user_id: str, now: datetime) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user_id)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return private, certificate.public_bytes(serialization.Encoding.PEM).decode()


def _validate_name(name: str) -> None:
    if not 1 <= len(name) <= MAX_NAME:
        raise _invalid(f"Keypair name must be string and between 1 and {MAX_NAME} characters long")
    if not _SAFE_NAME.match(name):
        raise _invalid("Keypair name contains unsafe characters")


def create(
    tx: Session,
    ctx: RequestContext,
    *,
    name: str,
    key_type: str = "ssh",
    public_key: str | None = None,
) -> Created:
    """Import `public_key`, or generate a pair when none is given."""
    _validate_name(name)
    if key_type not in TYPES:
        raise BadRequest(f"Invalid input for field/attribute type. Value: {key_type}.")
    user_id = ctx.principal.user_id
    if _find(tx, ctx, name) is not None:
        raise Conflict(f"Key pair '{name}' already exists.")
    private_key = None
    if public_key is None:
        generate = (
            _generate_ssh if key_type == "ssh" else lambda: _generate_x509(user_id, ctx.now())
        )
        private_key, public_key = generate()
    fingerprint = (ssh_fingerprint if key_type == "ssh" else x509_fingerprint)(public_key)
    try:
        quotas.consume(tx, ctx.project.id, {"key_pairs": 1})
    except QuotaExceeded as error:
        error.message = _QUOTA_MESSAGE
        error.statuses = {"nova": 403}
        raise
    keypair = Keypair(
        project_id=ctx.project.id,
        user_id=user_id,
        name=name,
        type=key_type,
        public_key=public_key,
        fingerprint=fingerprint,
        created_at=ctx.now(),
    )
    tx.add(keypair)
    tx.flush()
    return Created(keypair, private_key)


def _owned(ctx: RequestContext) -> Select[Any]:
    return select(Keypair).where(
        Keypair.project_id == ctx.project.id, Keypair.user_id == ctx.principal.user_id
    )


def _find(tx: Session, ctx: RequestContext, name: str) -> Keypair | None:
    return tx.scalars(_owned(ctx).where(Keypair.name == name)).first()


def get(tx: Session, ctx: RequestContext, name: str) -> Keypair:
    keypair = _find(tx, ctx, name)
    if keypair is None:
        raise NotFound(f"Keypair {name} not found for user {ctx.principal.user_id}")
    return keypair


def listed(
    tx: Session, ctx: RequestContext, *, limit: int | None = None, marker: str | None = None
) -> list[Keypair]:
    """The caller's key pairs in creation order; `marker` is a key pair name (Nova 2.35)."""
    query = _owned(ctx).order_by(Keypair.id)
    if marker is not None:
        anchor = _find(tx, ctx, marker)
        if anchor is None:
            raise BadRequest(f"marker [{marker}] not found")
        query = query.where(Keypair.id > anchor.id)
    if limit is not None:
        if limit < 0:
            raise BadRequest("limit must be a non-negative integer.")
        query = query.limit(limit)
    return list(tx.scalars(query))


def delete(tx: Session, ctx: RequestContext, name: str) -> None:
    tx.delete(get(tx, ctx, name))
    quotas.release(tx, ctx.project.id, {"key_pairs": 1})
