"""Grants of system roles to user groups: on a project, on the account (domain), or on every
project of the account (OS-INHERIT); the role assignments they make and a token's roles.

IAM grants roles to user groups only (users get them through their groups)."""

from dataclasses import dataclass

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from apis.iam import roles
from apis.iam.directory import require_admin
from emulator.errors import Forbidden, NotFound
from emulator.identity import Principal
from state.models import Domain, Group, GroupMember, Project, RoleGrant, User

PROJECT = "project"
DOMAIN = "domain"
# A grant on the domain that every project of the account inherits.
INHERITED = "inherited"


@dataclass(frozen=True)
class Target:
    type: str
    id: str


def _owned(principal: Principal, kind: str, ident: str, domain_id: str | None) -> None:
    if domain_id is None:
        raise NotFound(f"Could not find {kind}: {ident}.")
    if domain_id != principal.domain_id:
        raise Forbidden(f"You are not authorized to act on the {kind} {ident} of another account.")


def _check_target(tx: Session, principal: Principal, target: Target) -> None:
    if target.type == PROJECT:
        project = tx.get(Project, target.id)
        _owned(principal, "project", target.id, project.domain_id if project else None)
    else:
        domain = tx.get(Domain, target.id)
        _owned(principal, "domain", target.id, domain.id if domain else None)


def _check_group(tx: Session, principal: Principal, group_id: str) -> None:
    group = tx.get(Group, group_id)
    _owned(principal, "group", group_id, group.domain_id if group else None)


def _existing(
    tx: Session, principal: Principal, target: Target, group_id: str, role_id: str
) -> RoleGrant | None:
    _check_target(tx, principal, target)
    _check_group(tx, principal, group_id)
    roles.role(role_id)
    return tx.get(RoleGrant, (group_id, target.type, target.id, role_id))


def _missing(target: Target, group_id: str, role_id: str) -> NotFound:
    return NotFound(
        f"Could not find role assignment: role {role_id} of group {group_id}"
        f" on {target.type} {target.id}."
    )


def grant(tx: Session, principal: Principal, target: Target, group_id: str, role_id: str) -> None:
    require_admin(principal, "identity:create_grant")
    if _existing(tx, principal, target, group_id, role_id) is None:
        tx.add(
            RoleGrant(
                group_id=group_id, target_type=target.type, target_id=target.id, role_id=role_id
            )
        )


def check(tx: Session, principal: Principal, target: Target, group_id: str, role_id: str) -> None:
    if _existing(tx, principal, target, group_id, role_id) is None:
        raise _missing(target, group_id, role_id)


def revoke(tx: Session, principal: Principal, target: Target, group_id: str, role_id: str) -> None:
    require_admin(principal, "identity:revoke_grant")
    found = _existing(tx, principal, target, group_id, role_id)
    if found is None:
        raise _missing(target, group_id, role_id)
    tx.delete(found)


def group_roles(
    tx: Session, principal: Principal, target: Target, group_id: str
) -> list[roles.Role]:
    _check_target(tx, principal, target)
    _check_group(tx, principal, group_id)
    role_ids = tx.scalars(
        select(RoleGrant.role_id).where(
            RoleGrant.group_id == group_id,
            RoleGrant.target_type == target.type,
            RoleGrant.target_id == target.id,
        )
    )
    return sorted((roles.role(r) for r in role_ids), key=lambda r: r.name)


# Role assignments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentFilter:
    group_id: str | None = None
    user_id: str | None = None
    project_id: str | None = None
    domain_id: str | None = None
    role_id: str | None = None
    effective: bool = False
    inherited: bool | None = None


@dataclass(frozen=True)
class Assignment:
    role: roles.Role
    # Where the role applies, and the grant that makes it (they differ for an inherited grant
    # expanded to the projects).
    scope: Target
    grant: Target
    group: Group | None
    user: User | None = None
    # The group an effective user assignment comes from.
    via_group: Group | None = None

    @property
    def inherited(self) -> bool:
        """Listed as Keystone's `OS-INHERIT:inherited_to: projects` (not expanded)."""
        return self.grant.type == INHERITED and self.scope.type == DOMAIN


def _grant_rows(tx: Session, principal: Principal) -> list[tuple[RoleGrant, Group]]:
    query = (
        select(RoleGrant, Group)
        .join(Group, Group.id == RoleGrant.group_id)
        .where(Group.domain_id == principal.domain_id)
        .order_by(Group.name, RoleGrant.target_type, RoleGrant.target_id, RoleGrant.role_id)
    )
    return [(grant, group) for grant, group in tx.execute(query).tuples()]


def _members(tx: Session, group_ids: set[str]) -> dict[str, list[User]]:
    members: dict[str, list[User]] = {group_id: [] for group_id in group_ids}
    query = (
        select(GroupMember.group_id, User)
        .join(User, User.id == GroupMember.user_id)
        .where(GroupMember.group_id.in_(group_ids))
        .order_by(User.name)
    )
    for group_id, user in tx.execute(query).tuples():
        members[group_id].append(user)
    return members


def _in_scope(assignment: Assignment, wanted: AssignmentFilter) -> bool:
    scope = assignment.scope
    if wanted.project_id is not None and (scope.type, scope.id) != (PROJECT, wanted.project_id):
        return False
    if wanted.domain_id is not None and (scope.type, scope.id) != (DOMAIN, wanted.domain_id):
        return False
    if wanted.inherited is not None and assignment.inherited != wanted.inherited:
        return False
    return wanted.role_id is None or assignment.role.id == wanted.role_id


def _expand_inherited(
    tx: Session, principal: Principal, grant: RoleGrant, group: Group
) -> list[Assignment]:
    role = roles.role(grant.role_id)
    granted = Target(INHERITED, grant.target_id)
    projects = tx.scalars(
        select(Project.id).where(Project.domain_id == principal.domain_id).order_by(Project.name)
    )
    return [Assignment(role, Target(PROJECT, p), granted, group) for p in projects]


def assignments(tx: Session, principal: Principal, wanted: AssignmentFilter) -> list[Assignment]:
    """Keystone's `GET /v3/role_assignments`: grants as they are, or, `effective`, the users'
    roles they make (group grants expanded to the members, inherited grants to the projects)."""
    found: list[Assignment] = []
    for grant, group in _grant_rows(tx, principal):
        if wanted.effective and grant.target_type == INHERITED:
            found.extend(_expand_inherited(tx, principal, grant, group))
            continue
        granted = Target(grant.target_type, grant.target_id)
        scope = Target(DOMAIN, grant.target_id) if granted.type == INHERITED else granted
        found.append(Assignment(roles.role(grant.role_id), scope, granted, group))
    found = [a for a in found if _in_scope(a, wanted)]
    if wanted.effective:
        members = _members(tx, {a.group.id for a in found if a.group is not None})
        found = [
            Assignment(a.role, a.scope, a.grant, None, user, a.group)
            for a in found
            if a.group is not None
            for user in members[a.group.id]
        ]
    if wanted.group_id is not None:
        found = [a for a in found if a.group is not None and a.group.id == wanted.group_id]
    if wanted.user_id is not None:
        found = [a for a in found if a.user is not None and a.user.id == wanted.user_id]
    return found


# Tokens --------------------------------------------------------------------------------------


def token_roles(
    tx: Session, user_id: str, scope: Target, account_id: str, is_admin: bool
) -> list[roles.Role]:
    """The roles a token scoped to `scope` carries: those granted to the user's groups there
    (a project also gets the account's inherited grants), te_admin for the admin group, and
    Tenant Guest when nothing else is granted (as before grants existed)."""
    wanted = [(scope.type, scope.id)]
    if scope.type == PROJECT:
        wanted.append((INHERITED, account_id))
    granted = tx.scalars(
        select(RoleGrant.role_id)
        .join(GroupMember, GroupMember.group_id == RoleGrant.group_id)
        .where(
            GroupMember.user_id == user_id,
            tuple_(RoleGrant.target_type, RoleGrant.target_id).in_(wanted),
        )
        .distinct()
    )
    found = {role_id: roles.role(role_id) for role_id in granted}
    if is_admin:
        admin = roles.by_name("te_admin")
        found.setdefault(admin.id, admin)
    if not found:
        guest = roles.by_name("readonly")
        found[guest.id] = guest
    return sorted(found.values(), key=lambda r: r.name)
