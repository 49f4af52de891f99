"""Who is calling: a Keystone token or an AK/SK signature resolved to a `Principal`.

The gateway does this once per request (see `emulator.context`); IAM's operations issue the
tokens and keys that are checked here.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from emulator import signing
from emulator.errors import Unauthorized
from state.models import Credential, Domain, Group, GroupMember, Token, User
from state.prepared import Prepared

ADMIN_GROUP = "admin"
_PBKDF2_ROUNDS = 2000


def hash_password(password: str) -> str:
    salt = secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _PBKDF2_ROUNDS)
    return f"pbkdf2${salt}${digest.hex()}"


@lru_cache(maxsize=1024)
def check_password(password: str, stored: str) -> bool:
    """Salted PBKDF2; a pair already verified is answered from memory (logins are hot paths
    in test suites, and the stored hash changes with every password change)."""
    try:
        _, salt, expected = stored.split("$")
    except ValueError:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _PBKDF2_ROUNDS)
    return hmac.compare_digest(digest.hex(), expected)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    user_id: str
    user_name: str
    domain_id: str
    domain_name: str
    is_admin: bool
    # "token", "aksk" or "temporary_aksk".
    via: str
    token: Token | None = None
    credential_access: str | None = None

    @property
    def scope_project_id(self) -> str | None:
        return self.token.project_id if self.token else None


def admin_flag(user_id: Any) -> Any:
    """SQL: is the user a member of their account's `admin` group (IAM's te_admin)?"""
    return (
        select(GroupMember.user_id)
        .join(Group, Group.id == GroupMember.group_id)
        .where(GroupMember.user_id == user_id, Group.name == ADMIN_GROUP)
        .exists()
    )


def is_admin(tx: Session, user_id: str) -> bool:
    return bool(tx.scalar(select(admin_flag(user_id))))


def _refused() -> Unauthorized:
    return Unauthorized(
        "The request you have made requires authentication.", codes={"apigw": "APIGW.0301"}
    )


# The caller's columns (no ORM rows to build on every request).
_CALLER = (
    User.id.label("user_id"),
    User.name.label("user_name"),
    User.enabled.label("user_enabled"),
    Domain.id.label("domain_id"),
    Domain.name.label("domain_name"),
    Domain.enabled.label("domain_enabled"),
    admin_flag(User.id).label("admin"),
)


def _principal(
    tx: Session, user_id: str, via: str, token: Token | None = None, access: str | None = None
) -> Principal:
    row = tx.execute(
        select(*_CALLER).join(Domain, Domain.id == User.domain_id).where(User.id == user_id)
    ).first()
    return _principal_of(row, via, token, access)


def _principal_of(row: Any, via: str, token: Token | None, access: str | None) -> Principal:
    if row is None or not row.user_enabled or not row.domain_enabled:
        raise _refused()
    return Principal(
        row.user_id,
        row.user_name,
        row.domain_id,
        row.domain_name,
        bool(row.admin),
        via,
        token,
        access,
    )


def from_token(tx: Session, token: str, now: datetime) -> Principal:
    """The caller of a Keystone token: token, user, account and admin flag in one query; the
    token row is the session's (IAM describes and revokes it)."""
    row = tx.execute(
        select(*_CALLER, Token)
        .join(Domain, Domain.id == User.domain_id)
        .join(Token, Token.user_id == User.id)
        .where(Token.id_hash == token_hash(token))
    ).first()
    return _checked_token(row, row.Token if row is not None else None, now)


# A token's columns beside the caller's, for building a detached copy of the row.
_TOKEN_COLUMNS = tuple(Token.__table__.columns)
_TOKEN = tuple(column.label(f"token_{column.key}") for column in _TOKEN_COLUMNS)
# The caller of the token hash `id_hash`: the gateway's query, to which `emulator.context`
# adds the project of the request.
CALLER_OF_TOKEN = (
    select(*_CALLER, *_TOKEN)
    .join(Domain, Domain.id == User.domain_id)
    .join(Token, Token.user_id == User.id)
    .where(Token.id_hash == bindparam("id_hash"))
)
_CALLER_OF_TOKEN = Prepared(CALLER_OF_TOKEN)


def caller_of_token(db: Connection, token: str, now: datetime) -> Principal:
    """`from_token` for the gateway: one prepared query on a plain connection (no session),
    the token a detached copy of its row."""
    return principal_of_token_row(_CALLER_OF_TOKEN.first(db, {"id_hash": token_hash(token)}), now)


def principal_of_token_row(row: Any, now: datetime) -> Principal:
    """The caller of a row of `CALLER_OF_TOKEN` (None: no such token)."""
    found = None
    if row is not None:
        fields = row._asdict()
        found = Token(**{c.key: fields[f"token_{c.key}"] for c in _TOKEN_COLUMNS})
    return _checked_token(row, found, now)


def _checked_token(row: Any, token: Token | None, now: datetime) -> Principal:
    if row is None or token is None or token.revoked:
        raise Unauthorized(
            "The request you have made requires authentication.",
            codes={"apigw": "APIGW.0301"},
            messages={"apigw": "Incorrect IAM authentication information: decrypt token fail"},
        )
    if token.expires_at <= now:
        raise Unauthorized(
            "The request you have made requires authentication.",
            codes={"apigw": "APIGW.0301"},
            messages={
                "apigw": "Incorrect IAM authentication information: "
                f"token expires, expires_at: {token.expires_at}"
            },
        )
    return _principal_of(row, "token", token, None)


@dataclass(frozen=True)
class SignedRequest:
    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes


def _apigw_refusal(detail: str) -> Unauthorized:
    return Unauthorized(
        f"Incorrect IAM authentication information: {detail}",
        codes={"apigw": "APIGW.0301"},
        render_as="apigw",
    )


def from_signature(
    tx: Session, request: SignedRequest, now: datetime, skew: timedelta
) -> Principal:
    auth = signing.parse_authorization(request.headers.get("authorization", ""))
    if auth is None:
        raise _apigw_refusal("Authorization header is malformed")
    sdk_date = request.headers.get("x-sdk-date", "")
    try:
        signed_at = datetime.strptime(sdk_date, signing.DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise _apigw_refusal("x-sdk-date is missing or malformed") from None
    # Clients sign with their real clock, never the emulator's virtual one.
    if abs(datetime.now(UTC) - signed_at) > skew:
        raise _apigw_refusal("verify aksk signature fail, the request time is skewed")
    credential = tx.get(Credential, auth.access)
    if credential is None or credential.status != "active":
        raise _apigw_refusal(f"Get secretKey failed,ak:{auth.access},err:ak not exist")
    if credential.security_token is not None:
        given = request.headers.get("x-security-token", "")
        if not signing.matches(credential.security_token, given):
            raise _apigw_refusal("verify security token fail")
        if credential.expires_at is not None and credential.expires_at <= now:
            raise _apigw_refusal("the security token has expired")
    missing = [h for h in auth.signed_headers if h not in request.headers]
    if missing:
        raise _apigw_refusal("verify aksk signature fail")
    candidates = signing.payload_hashes(request.body, request.headers.get("x-sdk-content-sha256"))
    good = any(
        signing.matches(
            signing.signature(
                credential.secret,
                method=request.method,
                path=request.path,
                query_string=request.query_string,
                headers=request.headers,
                signed_headers=auth.signed_headers,
                payload_hash=payload_hash,
                sdk_date=sdk_date,
            ),
            auth.signature,
        )
        for payload_hash in candidates
    )
    if not good:
        raise _apigw_refusal("verify aksk signature fail")
    via = "temporary_aksk" if credential.security_token else "aksk"
    try:
        return _principal(tx, credential.user_id, via, access=credential.access)
    except Unauthorized:
        raise _apigw_refusal("the user of this access key is disabled") from None
