"""Keystone tokens: password and token authentication, scoping, validation and revocation."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from apis.iam.schemas import Auth, DomainRef, ProjectScope
from emulator import ids
from emulator.errors import BadRequest, NotFound, Unauthorized
from emulator.identity import admin_flag, check_password, from_token, token_hash
from state.models import Domain, Project, Token, User

if TYPE_CHECKING:
    from emulator.app import Emulator

_REFUSED = "The request you have made requires authentication."


@dataclass
class IssuedToken:
    token: str
    row: Token
    user: User
    domain: Domain
    project: Project | None
    scope_domain: Domain | None
    is_admin: bool


def _domain(tx: Session, ref: DomainRef | None) -> Domain | None:
    if ref is None:
        return None
    if ref.id:
        return tx.get(Domain, ref.id)
    if ref.name:
        return tx.scalar(select(Domain).where(Domain.name == ref.name))
    raise BadRequest("A domain needs an id or a name.")


def _password_user(tx: Session, auth: Auth) -> tuple[User, Domain, bool]:
    """The user (with account and admin flag) whose password is given, in one query."""
    password = auth.identity.password
    if password is None:
        raise BadRequest("Invalid input for field 'identity': 'password' is a required property.")
    ref = password.user
    query = select(User, Domain, admin_flag(User.id)).join(Domain, Domain.id == User.domain_id)
    if ref.id:
        query = query.where(User.id == ref.id)
    elif ref.name:
        if ref.domain is None or not (ref.domain.id or ref.domain.name):
            raise BadRequest("A user given by name needs its domain (id or name).")
        query = query.where(User.name == ref.name)
        query = query.where(
            Domain.id == ref.domain.id if ref.domain.id else Domain.name == ref.domain.name
        )
    else:
        raise BadRequest("A user needs an id or a name.")
    row = tx.execute(query).first()
    if row is None or not check_password(ref.password, row[0].password_hash):
        raise Unauthorized(_REFUSED)
    return row[0], row[1], bool(row[2])


def _scoped_project(tx: Session, scope: ProjectScope, user: User) -> Project:
    project: Project | None
    if scope.id:
        project = tx.get(Project, scope.id)
    elif scope.name:
        # Flexible Engine accepts a project name alone: it is looked up in the user's domain.
        query = select(Project).where(Project.name == scope.name)
        if scope.domain is not None and scope.domain.name and not scope.domain.id:
            query = query.join(Domain, Domain.id == Project.domain_id).where(
                Domain.name == scope.domain.name
            )
        else:
            domain_id = scope.domain.id if scope.domain and scope.domain.id else user.domain_id
            query = query.where(Project.domain_id == domain_id)
        project = tx.scalar(query)
    else:
        raise BadRequest("A project scope needs an id or a name.")
    if project is None or project.domain_id != user.domain_id or not project.enabled:
        raise Unauthorized(_REFUSED)
    return project


def issue(tx: Session, emulator: "Emulator", auth: Auth, caller_token: str | None) -> IssuedToken:
    now = emulator.clock.now()
    methods = list(dict.fromkeys(auth.identity.methods))
    unknown = set(methods) - {"password", "token"}
    if unknown:
        raise Unauthorized(
            f"Attempted to authenticate with an unsupported method: {', '.join(sorted(unknown))}."
        )
    expires_at = now + timedelta(hours=emulator.settings.token_hours)
    if "password" in methods:
        user, domain, admin = _password_user(tx, auth)
    else:
        given = (auth.identity.token.id if auth.identity.token else None) or caller_token
        if not given:
            raise BadRequest("Invalid input for field 'identity': 'token' is a required property.")
        try:
            principal = from_token(tx, given, now)
        except Unauthorized:
            # Keystone validates the token it is given: one that is not valid is not found.
            raise NotFound(f"Could not find token: {given[:16]}.") from None
        found_user, found_domain = (
            tx.get(User, principal.user_id),
            tx.get(Domain, principal.domain_id),
        )
        assert found_user and found_domain and principal.token is not None
        user, domain, admin = found_user, found_domain, principal.is_admin
        # A token made from a token expires with the original (Keystone's rule).
        expires_at = principal.token.expires_at
    if not user.enabled or not domain.enabled:
        raise Unauthorized(_REFUSED)

    project: Project | None = None
    scope_domain: Domain | None = None
    scope = auth.scope if auth.scope != "unscoped" else None
    if scope is not None and not isinstance(scope, str):
        if scope.project is not None:
            project = _scoped_project(tx, scope.project, user)
        elif scope.domain is not None:
            scope_domain = _domain(tx, scope.domain)
            if scope_domain is None or scope_domain.id != user.domain_id:
                raise Unauthorized(_REFUSED)
    token = ids.token_string()
    row = Token(
        id_hash=token_hash(token),
        audit_id=secrets.token_urlsafe(16)[:22],
        user_id=user.id,
        project_id=project.id if project else None,
        domain_id=scope_domain.id if scope_domain else None,
        methods=methods,
        issued_at=now,
        expires_at=expires_at,
    )
    tx.add(row)
    return IssuedToken(token, row, user, domain, project, scope_domain, admin)


def describe(tx: Session, token: str, now: datetime) -> IssuedToken:
    """A valid token's details, for GET /v3/auth/tokens (404 when it is not valid)."""
    try:
        principal = from_token(tx, token, now)
    except Unauthorized:
        raise NotFound(f"Could not find token: {token[:16]}.") from None
    row = principal.token
    assert row is not None
    user = tx.get(User, row.user_id)
    domain = tx.get(Domain, principal.domain_id)
    assert user is not None and domain is not None
    project = tx.get(Project, row.project_id) if row.project_id else None
    scope_domain = tx.get(Domain, row.domain_id) if row.domain_id else None
    return IssuedToken(token, row, user, domain, project, scope_domain, principal.is_admin)


def revoke(tx: Session, token: str, now: datetime) -> None:
    issued = describe(tx, token, now)
    issued.row.revoked = True
