"""Rows as Keystone and the IAM extensions print them."""

from typing import Any

from apis.iam.grants import DOMAIN, INHERITED, Assignment
from apis.iam.roles import CREATED_TIME, Role
from apis.iam.tokens import IssuedToken
from emulator.clock import iso
from emulator.topology import Region
from state.models import Credential, Domain, Group, KeystoneCredential, Project, User


def link(base: str, kind: str, ident: str) -> dict[str, str]:
    return {"self": f"{base}/v3/{kind}/{ident}"}


def domain(base: str, row: Domain) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "enabled": row.enabled,
        "description": row.description,
        "links": link(base, "domains", row.id),
    }


def project(base: str, row: Project) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "domain_id": row.domain_id,
        "parent_id": row.parent_id,
        "enabled": row.enabled,
        "is_domain": False,
        "description": row.description,
        "tags": [],
        "links": link(base, "projects", row.id),
    }


def parents_as_ids(parents: list[Project]) -> dict[str, Any] | None:
    """Keystone's `parents_as_ids`: {parent: {grandparent: None}}, None at the top."""
    nested: dict[str, Any] | None = None
    for row in reversed(parents):
        nested = {row.id: nested}
    return nested


def subtree_as_ids(top: Project, below: list[Project]) -> dict[str, Any] | None:
    """Keystone's `subtree_as_ids`: {child: {grandchild: None}}, None for a leaf."""

    def nested(parent_id: str) -> dict[str, Any] | None:
        level = {row.id: nested(row.id) for row in below if row.parent_id == parent_id}
        return level or None

    return nested(top.id)


def projects_as_list(base: str, rows: list[Project]) -> list[dict[str, Any]]:
    """Keystone's `parents_as_list` and `subtree_as_list`: [{"project": {...}}, ...]."""
    return [{"project": project(base, row)} for row in rows]


def user(base: str, row: User) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "domain_id": row.domain_id,
        "enabled": row.enabled,
        "description": row.description,
        "email": row.email,
        "default_project_id": row.default_project_id or None,
        "password_expires_at": None,
        "pwd_status": bool(row.password_hash),
        "links": link(base, "users", row.id),
    }


def group(base: str, row: Group) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "domain_id": row.domain_id,
        "description": row.description,
        "create_time": int(row.created_at.timestamp() * 1000),
        "links": link(base, "groups", row.id),
    }


def region(base: str, row: Region) -> dict[str, Any]:
    return {
        "id": row.id,
        "description": row.description,
        "parent_region_id": None,
        "type": "public",
        "locales": {"en-us": row.place},
        "links": {"self": f"{base}/v3/regions/{row.id}"},
    }


def collection(base: str, kind: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {kind: items, "links": {"self": f"{base}/v3/{kind}", "previous": None, "next": None}}


def role(base: str, row: Role) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row.id,
        "name": row.name,
        "display_name": row.display_name,
        "description": row.description,
        "domain_id": None,
        "catalog": row.catalog,
        "type": row.type,
        "policy": row.policy,
        "links": link(base, "roles", row.id),
        "created_time": CREATED_TIME,
        "updated_time": CREATED_TIME,
    }
    if row.flag is not None:
        body["flag"] = row.flag
    return body


def roles(base: str, rows: list[Role], total: int | None = None) -> dict[str, Any]:
    body = collection(base, "roles", [role(base, r) for r in rows])
    if total is not None:
        body["total_number"] = total
    return body


def _grant_link(base: str, found: Assignment) -> str:
    group = found.group or found.via_group
    assert group is not None
    granted = f"{found.grant.id}/groups/{group.id}/roles/{found.role.id}"
    if found.grant.type == INHERITED:
        return f"{base}/v3/OS-INHERIT/domains/{granted}/inherited_to_projects"
    kind = "domains" if found.grant.type == DOMAIN else "projects"
    return f"{base}/v3/{kind}/{granted}"


def assignment(base: str, found: Assignment, names: dict[str, str] | None) -> dict[str, Any]:
    """A Keystone role assignment; `names` (ids to names of the account, its domain and
    projects) adds the names, as `include_names` asks."""
    scope_body: dict[str, Any] = {"id": found.scope.id}
    body: dict[str, Any] = {
        "role": {"id": found.role.id},
        "scope": {found.scope.type: scope_body},
        "links": {"assignment": _grant_link(base, found)},
    }
    if found.inherited:
        body["scope"]["OS-INHERIT:inherited_to"] = "projects"
    actor = found.group or found.user
    assert actor is not None
    actor_body: dict[str, Any] = {"id": actor.id}
    body["group" if found.group else "user"] = actor_body
    if found.via_group is not None and found.user is not None:
        body["links"]["membership"] = f"{base}/v3/groups/{found.via_group.id}/users/{found.user.id}"
    if names is not None:
        domain_ref = {"id": actor.domain_id, "name": names.get(actor.domain_id, "")}
        body["role"]["name"] = found.role.name
        actor_body.update(name=actor.name, domain=domain_ref)
        scope_body["name"] = names.get(found.scope.id, "")
        if found.scope.type != DOMAIN:
            scope_body["domain"] = domain_ref
    return body


def token(
    issued: IssuedToken, catalog: list[dict[str, Any]] | None, granted: list[Role]
) -> dict[str, Any]:
    row = issued.row
    body: dict[str, Any] = {
        "methods": row.methods,
        "expires_at": iso(row.expires_at),
        "issued_at": iso(row.issued_at),
        "audit_ids": [row.audit_id],
        "user": {
            "id": issued.user.id,
            "name": issued.user.name,
            "domain": {"id": issued.domain.id, "name": issued.domain.name},
            "password_expires_at": "",
        },
    }
    if issued.project is not None:
        body["project"] = {
            "id": issued.project.id,
            "name": issued.project.name,
            "domain": {"id": issued.domain.id, "name": issued.domain.name},
        }
    if issued.scope_domain is not None:
        body["domain"] = {"id": issued.scope_domain.id, "name": issued.scope_domain.name}
    if issued.project is not None or issued.scope_domain is not None:
        body["roles"] = [{"id": r.id, "name": r.name} for r in granted]
    if catalog is not None:
        body["catalog"] = catalog
    return {"token": body}


def keystone_credential(base: str, row: KeystoneCredential) -> dict[str, Any]:
    return {
        "id": row.id,
        "user_id": row.user_id,
        "project_id": row.project_id,
        "type": row.type,
        "blob": row.blob,
        "links": link(base, "credentials", row.id),
    }


def credential(row: Credential, *, with_secret: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "user_id": row.user_id,
        "access": row.access,
        "status": row.status,
        "create_time": iso(row.created_at),
        "description": row.description,
    }
    if row.last_use_time is not None:
        body["last_use_time"] = iso(row.last_use_time)
    if with_secret:
        body["secret"] = row.secret
    return body


def temporary_credential(row: Credential) -> dict[str, Any]:
    return {
        "credential": {
            "access": row.access,
            "secret": row.secret,
            "securitytoken": row.security_token,
            "expires_at": iso(row.expires_at),
        }
    }
