"""Projects, users and groups of an account, as an IAM administrator manages them."""

from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from apis.iam import schemas
from emulator import ids
from emulator.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from emulator.identity import ADMIN_GROUP, Principal, check_password, hash_password
from state.models import Domain, Group, GroupMember, Project, Token, User


def require_admin(principal: Principal, action: str) -> None:
    if not principal.is_admin:
        raise Forbidden(f"You are not authorized to perform the requested action: {action}.")


def _own_domain(principal: Principal, domain_id: str | None) -> str:
    """The account to create in: the caller's; any other is not found, like its resources."""
    if domain_id and domain_id != principal.domain_id:
        raise NotFound(f"Could not find domain: {domain_id}.")
    return principal.domain_id


# Domains -------------------------------------------------------------------------------------


def domains(tx: Session, principal: Principal, name: str | None = None) -> list[Domain]:
    domain = tx.get(Domain, principal.domain_id)
    if domain is None or (name is not None and domain.name != name):
        return []
    return [domain]


def domain(tx: Session, principal: Principal, domain_id: str) -> Domain:
    if domain_id != principal.domain_id:
        raise NotFound(f"Could not find domain: {domain_id}.")
    found = tx.get(Domain, domain_id)
    if found is None:
        raise NotFound(f"Could not find domain: {domain_id}.")
    return found


# Projects ------------------------------------------------------------------------------------


def usable_projects(tx: Session, principal: Principal) -> list[Project]:
    """The projects a user may use (/v3/auth/projects): every project of its account."""
    return list(tx.scalars(_account_projects(principal)))


def list_projects(
    tx: Session,
    principal: Principal,
    *,
    name: str | None = None,
    domain_id: str | None = None,
    parent_id: str | None = None,
    enabled: bool | None = None,
) -> list[Project]:
    """The account's projects, for its administrators; a user lists the projects it may
    use through /v3/auth/projects or its own /v3/users/{id}/projects."""
    require_admin(principal, "identity:list_projects")
    if domain_id is not None and domain_id != principal.domain_id:
        return []
    query = _account_projects(principal)
    if name is not None:
        query = query.where(Project.name == name)
    if parent_id is not None:
        query = query.where(Project.parent_id == parent_id)
    if enabled is not None:
        query = query.where(Project.enabled == enabled)
    return list(tx.scalars(query))


def _account_projects(principal: Principal) -> Select[Project]:
    return select(Project).where(Project.domain_id == principal.domain_id).order_by(Project.name)


def project(tx: Session, principal: Principal, project_id: str) -> Project:
    found = tx.get(Project, project_id)
    if found is None or found.domain_id != principal.domain_id:
        raise NotFound(f"Could not find project: {project_id}.")
    return found


def parents(tx: Session, principal: Principal, row: Project) -> list[Project]:
    """The projects above a project, nearest first; the account (a domain) is not one."""
    found: list[Project] = []
    while row.parent_id and row.parent_id != row.domain_id:
        row = project(tx, principal, row.parent_id)
        found.append(row)
    return found


def subtree(tx: Session, row: Project) -> list[Project]:
    """Every project below a project, depth first."""
    query = select(Project).where(Project.domain_id == row.domain_id, Project.parent_id == row.id)
    children = tx.scalars(query.order_by(Project.name))
    return [found for child in children for found in (child, *subtree(tx, child))]


def create_project(
    tx: Session, principal: Principal, spec: schemas.ProjectCreate, now: datetime
) -> Project:
    """A sub-project: named `<region>_<suffix>`, child of that region's project."""
    require_admin(principal, "identity:create_project")
    domain_id = _own_domain(principal, spec.domain_id)
    region, _, suffix = spec.name.partition("_")
    parent = tx.scalar(
        select(Project).where(
            Project.domain_id == domain_id, Project.name == region, Project.parent_id == domain_id
        )
    )
    if parent is None or not suffix:
        raise BadRequest(
            f"A project name must be <region>_<name> with a region of the account; got {spec.name}."
        )
    if spec.parent_id and spec.parent_id != parent.id:
        raise BadRequest(f"The parent of {spec.name} must be the project {region} ({parent.id}).")
    if tx.scalar(
        select(Project.id).where(Project.domain_id == domain_id, Project.name == spec.name)
    ):
        raise Conflict(f"Duplicate entry found with name {spec.name}.")
    created = Project(
        id=ids.hex_id(),
        name=spec.name,
        domain_id=domain_id,
        parent_id=parent.id,
        region=parent.region,
        enabled=spec.enabled,
        description=spec.description,
        created_at=now,
    )
    tx.add(created)
    return created


def update_project(
    tx: Session, principal: Principal, project_id: str, spec: schemas.ProjectUpdate
) -> Project:
    require_admin(principal, "identity:update_project")
    found = project(tx, principal, project_id)
    if spec.name is not None and spec.name != found.name:
        if found.parent_id == found.domain_id:
            raise BadRequest("The project of a region cannot be renamed.")
        if not spec.name.startswith(found.region + "_"):
            raise BadRequest(f"A project of {found.region} must be named {found.region}_<name>.")
        found.name = spec.name
    if "description" in spec.model_fields_set:
        found.description = spec.description or ""
    if spec.enabled is not None:
        found.enabled = spec.enabled
    return found


# Users ---------------------------------------------------------------------------------------


def users(
    tx: Session,
    principal: Principal,
    *,
    name: str | None = None,
    domain_id: str | None = None,
    enabled: bool | None = None,
) -> list[User]:
    if domain_id is not None and domain_id != principal.domain_id:
        return []
    query = select(User).where(User.domain_id == principal.domain_id)
    if name is not None:
        query = query.where(User.name == name)
    if enabled is not None:
        query = query.where(User.enabled == enabled)
    return list(tx.scalars(query.order_by(User.name)))


def user(tx: Session, principal: Principal, user_id: str) -> User:
    found = tx.get(User, user_id)
    if found is None or found.domain_id != principal.domain_id:
        raise NotFound(f"Could not find user: {user_id}.")
    return found


def _check_default_project(tx: Session, domain_id: str, project_id: str | None) -> str:
    if not project_id:
        return ""
    found = tx.get(Project, project_id)
    if found is None or found.domain_id != domain_id:
        raise BadRequest(f"Could not find project: {project_id}.")
    return project_id


def create_user(tx: Session, principal: Principal, spec: schemas.UserCreate, now: datetime) -> User:
    require_admin(principal, "identity:create_user")
    domain_id = _own_domain(principal, spec.domain_id)
    created = User(
        id=ids.hex_id(),
        name=spec.name,
        domain_id=domain_id,
        password_hash=hash_password(spec.password) if spec.password else "",
        enabled=spec.enabled,
        description=spec.description,
        email=spec.email,
        default_project_id=_check_default_project(tx, domain_id, spec.default_project_id),
        created_at=now,
        password_changed_at=now,
    )
    try:
        with tx.begin_nested():
            tx.add(created)
    except IntegrityError:
        raise Conflict(
            f"Duplicate entry found with name {spec.name} at domain {domain_id}."
        ) from None
    return created


def update_user(
    tx: Session, principal: Principal, user_id: str, spec: schemas.UserUpdate, now: datetime
) -> User:
    if user_id != principal.user_id:
        require_admin(principal, "identity:update_user")
    found = user(tx, principal, user_id)
    if spec.name is not None and spec.name != found.name:
        taken = tx.scalar(
            select(User.id).where(User.domain_id == found.domain_id, User.name == spec.name)
        )
        if taken:
            raise Conflict(f"Duplicate entry found with name {spec.name}.")
        found.name = spec.name
    if spec.password is not None:
        _set_password(tx, found, spec.password, now)
    if spec.enabled is not None:
        found.enabled = spec.enabled
    for field in ("description", "email"):
        if field in spec.model_fields_set:
            setattr(found, field, getattr(spec, field) or "")
    if spec.default_project_id is not None:
        found.default_project_id = _check_default_project(
            tx, found.domain_id, spec.default_project_id
        )
    return found


def change_password(
    tx: Session, principal: Principal, user_id: str, spec: schemas.PasswordChange, now: datetime
) -> None:
    if user_id != principal.user_id:
        raise Forbidden("A user can only change their own password this way.")
    found = user(tx, principal, user_id)
    if not check_password(spec.original_password, found.password_hash):
        raise Unauthorized("The original password is wrong.")
    if spec.password == spec.original_password:
        raise BadRequest("The new password cannot be identical to the current password.")
    _set_password(tx, found, spec.password, now)


def _set_password(tx: Session, found: User, password: str, now: datetime) -> None:
    """A new password ends the user's tokens, as on IAM and Keystone."""
    found.password_hash = hash_password(password)
    found.password_changed_at = now
    tx.execute(update(Token).where(Token.user_id == found.id).values(revoked=True))


def delete_user(tx: Session, principal: Principal, user_id: str) -> None:
    require_admin(principal, "identity:delete_user")
    found = user(tx, principal, user_id)
    if found.id == principal.user_id:
        raise Forbidden("You cannot delete yourself.")
    tx.delete(found)


def user_projects(tx: Session, principal: Principal, user_id: str) -> list[Project]:
    if user_id != principal.user_id:
        require_admin(principal, "identity:list_user_projects")
    user(tx, principal, user_id)  # 404 for a user of another account
    return usable_projects(tx, principal)


# Groups --------------------------------------------------------------------------------------


def groups(
    tx: Session, principal: Principal, *, name: str | None = None, domain_id: str | None = None
) -> list[Group]:
    if domain_id is not None and domain_id != principal.domain_id:
        return []
    query = select(Group).where(Group.domain_id == principal.domain_id)
    if name is not None:
        query = query.where(Group.name == name)
    return list(tx.scalars(query.order_by(Group.name)))


def group(tx: Session, principal: Principal, group_id: str) -> Group:
    found = tx.get(Group, group_id)
    if found is None or found.domain_id != principal.domain_id:
        raise NotFound(f"Could not find group: {group_id}.")
    return found


def create_group(
    tx: Session, principal: Principal, spec: schemas.GroupCreate, now: datetime
) -> Group:
    require_admin(principal, "identity:create_group")
    domain_id = _own_domain(principal, spec.domain_id)
    if tx.scalar(select(Group.id).where(Group.domain_id == domain_id, Group.name == spec.name)):
        raise Conflict(f"Duplicate entry found with name {spec.name}.")
    created = Group(
        id=ids.hex_id(),
        name=spec.name,
        domain_id=domain_id,
        description=spec.description,
        created_at=now,
    )
    tx.add(created)
    return created


def update_group(
    tx: Session, principal: Principal, group_id: str, spec: schemas.GroupUpdate
) -> Group:
    require_admin(principal, "identity:update_group")
    found = group(tx, principal, group_id)
    if spec.name is not None and spec.name != found.name:
        if found.name == ADMIN_GROUP:
            raise Forbidden("The admin group cannot be renamed.")
        if tx.scalar(
            select(Group.id).where(Group.domain_id == found.domain_id, Group.name == spec.name)
        ):
            raise Conflict(f"Duplicate entry found with name {spec.name}.")
        found.name = spec.name
    if "description" in spec.model_fields_set:
        found.description = spec.description or ""
    return found


def delete_group(tx: Session, principal: Principal, group_id: str) -> None:
    require_admin(principal, "identity:delete_group")
    found = group(tx, principal, group_id)
    if found.name == ADMIN_GROUP:
        raise Forbidden("The admin group cannot be deleted.")
    tx.delete(found)


def group_users(tx: Session, principal: Principal, group_id: str) -> list[User]:
    found = group(tx, principal, group_id)
    return list(
        tx.scalars(
            select(User)
            .join(GroupMember, GroupMember.user_id == User.id)
            .where(GroupMember.group_id == found.id)
            .order_by(User.name)
        )
    )


def user_groups(tx: Session, principal: Principal, user_id: str) -> list[Group]:
    found = user(tx, principal, user_id)
    return list(
        tx.scalars(
            select(Group)
            .join(GroupMember, GroupMember.group_id == Group.id)
            .where(GroupMember.user_id == found.id)
            .order_by(Group.name)
        )
    )


def is_member(tx: Session, principal: Principal, group_id: str, user_id: str) -> bool:
    group(tx, principal, group_id)
    user(tx, principal, user_id)
    return tx.get(GroupMember, (group_id, user_id)) is not None


def add_member(tx: Session, principal: Principal, group_id: str, user_id: str) -> None:
    require_admin(principal, "identity:add_user_to_group")
    if not is_member(tx, principal, group_id, user_id):
        tx.add(GroupMember(group_id=group_id, user_id=user_id))


def remove_member(tx: Session, principal: Principal, group_id: str, user_id: str) -> None:
    require_admin(principal, "identity:remove_user_from_group")
    membership = tx.get(GroupMember, (group_id, user_id))
    if membership is None or not is_member(tx, principal, group_id, user_id):
        raise NotFound(f"User {user_id} is not a member of group {group_id}.")
    tx.delete(membership)
