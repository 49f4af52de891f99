"""AK/SK: permanent access keys of users (two at most each) and temporary ones (STS)."""

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apis.iam import directory
from emulator import ids
from emulator.errors import BadRequest, Forbidden, NotFound, Unauthorized
from emulator.identity import Principal, from_token
from state.models import Credential

MAX_PERMANENT_PER_USER = 2
MIN_DURATION, MAX_DURATION, DEFAULT_DURATION = 900, 86400, 900


def _permanent(query):
    return query.where(Credential.security_token.is_(None))


def create(
    tx: Session, principal: Principal, user_id: str, description: str, now: datetime
) -> Credential:
    if user_id != principal.user_id:
        directory.require_admin(principal, "identity:create_credential")
    owner = directory.user(tx, principal, user_id)
    count = (
        tx.scalar(
            _permanent(select(func.count()).select_from(Credential)).where(
                Credential.user_id == owner.id
            )
        )
        or 0
    )
    if count >= MAX_PERMANENT_PER_USER:
        raise BadRequest(
            f"A user has at most {MAX_PERMANENT_PER_USER} access keys.", codes={"iam": "IAM.0078"}
        )
    credential = Credential(
        access=ids.access_key(),
        secret=ids.secret_key(),
        user_id=owner.id,
        status="active",
        description=description,
        created_at=now,
    )
    tx.add(credential)
    return credential


def listed(tx: Session, principal: Principal, user_id: str | None) -> list[Credential]:
    if user_id is None:
        if principal.is_admin:
            owners = [u.id for u in directory.users(tx, principal)]
        else:
            owners = [principal.user_id]
    else:
        if user_id != principal.user_id:
            directory.require_admin(principal, "identity:list_credentials")
        owners = [directory.user(tx, principal, user_id).id]
    return list(
        tx.scalars(
            _permanent(select(Credential))
            .where(Credential.user_id.in_(owners))
            .order_by(Credential.created_at)
        )
    )


def get(tx: Session, principal: Principal, access: str) -> Credential:
    credential = tx.get(Credential, access)
    if credential is None or credential.security_token is not None:
        raise NotFound(f"Could not find credential: {access}.", codes={"iam": "IAM.0004"})
    try:
        owner = directory.user(tx, principal, credential.user_id)
    except NotFound:
        raise NotFound(f"Could not find credential: {access}.", codes={"iam": "IAM.0004"}) from None
    if owner.id != principal.user_id:
        directory.require_admin(principal, "identity:get_credential")
    return credential


def update(
    tx: Session, principal: Principal, access: str, status: str | None, description: str | None
) -> Credential:
    credential = get(tx, principal, access)
    if status is not None:
        credential.status = status
    if description is not None:
        credential.description = description
    return credential


def delete(tx: Session, principal: Principal, access: str) -> None:
    credential = get(tx, principal, access)
    if principal.credential_access == access:
        raise Forbidden("An access key cannot delete itself.")
    tx.delete(credential)


def temporary(
    tx: Session, principal: Principal, token: str | None, duration: int | None, now: datetime
) -> Credential:
    """Temporary AK/SK and security token for the user of a valid token."""
    if not token:
        raise BadRequest("Invalid input for field 'token': 'id' is a required property.")
    try:
        owner = from_token(tx, token, now)
    except Unauthorized:
        raise Unauthorized("The token is not valid.", codes={"iam": "IAM.0002"}) from None
    if owner.domain_id != principal.domain_id:
        raise Forbidden("The token belongs to another account.")
    seconds = DEFAULT_DURATION if duration is None else duration
    if not MIN_DURATION <= seconds <= MAX_DURATION:
        raise BadRequest(
            f"duration_seconds must be from {MIN_DURATION} to {MAX_DURATION}.",
            codes={"iam": "IAM.0001"},
        )
    credential = Credential(
        access=ids.access_key(),
        secret=ids.secret_key(),
        user_id=owner.user_id,
        status="active",
        description="temporary",
        created_at=now,
        security_token=ids.token_string()[:400],
        expires_at=now + timedelta(seconds=seconds),
    )
    tx.add(credential)
    return credential
