"""Keystone v3 credentials (`/v3/credentials`): blobs of a type (ec2, cert, totp ...) kept for
a user. A user manages their own; an administrator of the account, anyone's in it.

They are data only. Keystone uses `ec2` credentials for its ec2tokens/s3tokens APIs, which
Flexible Engine does not offer: its AK/SK are the IAM v3.0 OS-CREDENTIAL access keys
(`credentials.py`), so an `ec2` credential here never signs a request.
"""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from apis.iam import directory
from emulator import ids
from emulator.errors import BadRequest, Conflict, NotFound
from emulator.identity import Principal
from state.models import KeystoneCredential, User

EC2 = "ec2"


@dataclass
class CredentialFields:
    user_id: str | None = None
    type: str | None = None
    blob: str | None = None
    project_id: str | None = None


def _ec2_access(blob: str, project_id: str | None) -> str:
    """The `access` of an ec2 blob, which names the credential (SHA-256, as Keystone does)."""
    try:
        parsed = json.loads(blob)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or not parsed.get("access"):
        raise BadRequest("Invalid blob in credential: an ec2 blob is JSON with an 'access'.")
    if not project_id:
        raise BadRequest("Invalid input for field 'project_id': an ec2 credential needs one.")
    return str(parsed["access"])


def _owner(tx: Session, principal: Principal, user_id: str, action: str) -> User:
    if user_id != principal.user_id:
        directory.require_admin(principal, action)
    return directory.user(tx, principal, user_id)


def create(tx: Session, principal: Principal, fields: CredentialFields) -> KeystoneCredential:
    assert fields.user_id and fields.type and fields.blob is not None
    owner = _owner(tx, principal, fields.user_id, "identity:create_credential")
    if fields.type == EC2:
        access = _ec2_access(fields.blob, fields.project_id)
        credential_id = hashlib.sha256(access.encode()).hexdigest()
    else:
        credential_id = ids.hex_id()
    if tx.get(KeystoneCredential, credential_id) is not None:
        raise Conflict("Conflict occurred attempting to store credential - Duplicate ID.")
    row = KeystoneCredential(
        id=credential_id,
        user_id=owner.id,
        project_id=fields.project_id,
        type=fields.type,
        blob=fields.blob,
    )
    tx.add(row)
    tx.flush()
    return row


def listed(
    tx: Session, principal: Principal, user_id: str | None, kind: str | None
) -> list[KeystoneCredential]:
    """The caller's own credentials; an administrator's list has every user's of the account."""
    query = (
        select(KeystoneCredential)
        .join(User, User.id == KeystoneCredential.user_id)
        .where(User.domain_id == principal.domain_id)
    )
    if not principal.is_admin:
        query = query.where(KeystoneCredential.user_id == principal.user_id)
    if user_id is not None:
        query = query.where(KeystoneCredential.user_id == user_id)
    if kind is not None:
        query = query.where(KeystoneCredential.type == kind)
    return list(tx.scalars(query.order_by(KeystoneCredential.id)))


def get(tx: Session, principal: Principal, credential_id: str) -> KeystoneCredential:
    row = tx.get(KeystoneCredential, credential_id)
    owner = tx.get(User, row.user_id) if row is not None else None
    if row is None or owner is None or owner.domain_id != principal.domain_id:
        raise NotFound(f"Could not find credential: {credential_id}.")
    if row.user_id != principal.user_id:
        directory.require_admin(principal, "identity:get_credential")
    return row


def update(
    tx: Session, principal: Principal, credential_id: str, changes: CredentialFields
) -> KeystoneCredential:
    row = get(tx, principal, credential_id)
    if changes.user_id is not None:
        row.user_id = _owner(tx, principal, changes.user_id, "identity:update_credential").id
    if changes.type is not None:
        row.type = changes.type
    if changes.blob is not None:
        row.blob = changes.blob
    if changes.project_id is not None:
        row.project_id = changes.project_id
    if row.type == EC2:
        _ec2_access(row.blob, row.project_id)
    return row


def delete(tx: Session, principal: Principal, credential_id: str) -> None:
    tx.delete(get(tx, principal, credential_id))
