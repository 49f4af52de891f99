"""Accounts (Keystone domains) with their region projects, bootstrap and admin users."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from emulator import ids
from emulator.errors import BadRequest, Conflict, NotFound
from emulator.identity import ADMIN_GROUP, hash_password
from state.models import Base, Credential, Domain, Group, GroupMember, Project, User

if TYPE_CHECKING:
    from emulator.app import Emulator


def _check_regions(emulator: "Emulator", domain: str, regions: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(regions))
    if not chosen:
        raise BadRequest("An account needs at least one region.")
    for region_id in chosen:
        region = emulator.topology.region(region_id)
        if region.restricted and domain not in emulator.settings.sap_hana_domains:
            raise BadRequest(
                f"Region {region_id} is reserved to SAP HANA managed accounts; "
                f"{domain} is not enabled for it."
            )
    return chosen


def account_exists(tx: Session, domain: str) -> bool:
    return tx.scalar(select(Domain.id).where(Domain.name == domain)) is not None


def create_account(
    tx: Session,
    emulator: "Emulator",
    *,
    domain: str,
    user: str,
    password: str,
    regions: Iterable[str],
    access_key: str | None = None,
    secret_key: str | None = None,
    stable_ids: bool = False,
) -> Domain:
    """A domain, one project per region named after it, an admin user (and an AK/SK)."""
    if not domain or not user or not password:
        raise BadRequest("An account needs a domain, a user and a password.")
    if account_exists(tx, domain):
        raise Conflict(f"Account {domain} already exists.")
    if access_key and tx.get(Credential, access_key) is not None:
        raise Conflict(f"Access key {access_key} is already in use.")
    if bool(access_key) != bool(secret_key):
        raise BadRequest("Give both an access key and a secret key, or neither.")
    now = emulator.clock.now()

    def new_id(*parts: str) -> str:
        return ids.stable_hex_id(domain, *parts) if stable_ids else ids.hex_id()

    account = Domain(id=new_id("domain"), name=domain, created_at=now)
    tx.add(account)
    for region_id in _check_regions(emulator, domain, regions):
        tx.add(
            Project(
                id=new_id("project", region_id),
                name=region_id,
                domain_id=account.id,
                parent_id=account.id,
                region=region_id,
                created_at=now,
            )
        )
    admin = User(
        id=new_id("user", user),
        name=user,
        domain_id=account.id,
        password_hash=hash_password(password),
        created_at=now,
        password_changed_at=now,
    )
    group = Group(
        id=new_id("group", ADMIN_GROUP),
        name=ADMIN_GROUP,
        domain_id=account.id,
        description="Administrators of the account",
        created_at=now,
    )
    tx.add_all([admin, group])
    tx.flush()
    tx.add(GroupMember(group_id=group.id, user_id=admin.id))
    if access_key and secret_key:
        tx.add(
            Credential(
                access=access_key,
                secret=secret_key,
                user_id=admin.id,
                description="bootstrap",
                created_at=now,
            )
        )
    tx.flush()
    return account


def find_account(tx: Session, name_or_id: str) -> Domain:
    account = tx.scalar(
        select(Domain).where((Domain.name == name_or_id) | (Domain.id == name_or_id))
    )
    if account is None:
        raise NotFound(f"Could not find account: {name_or_id}.")
    return account


def list_accounts(tx: Session) -> list[Domain]:
    return list(tx.scalars(select(Domain).order_by(Domain.name)))


def account_projects(tx: Session, domain_id: str) -> list[Project]:
    return list(
        tx.scalars(select(Project).where(Project.domain_id == domain_id).order_by(Project.name))
    )


def region_names(tx: Session, domain_id: str) -> list[str]:
    """The regions of an account: those of its top-level projects."""
    return list(
        tx.scalars(
            select(Project.region)
            .where(Project.domain_id == domain_id, Project.parent_id == domain_id)
            .order_by(Project.region)
        )
    )


def delete_account(tx: Session, name_or_id: str) -> None:
    """The account and every row of every service that belongs to its projects."""
    account = find_account(tx, name_or_id)
    project_ids = [p.id for p in account_projects(tx, account.id)]
    for table in reversed(Base.metadata.sorted_tables):
        if "project_id" in table.c and project_ids:
            tx.execute(delete(table).where(table.c.project_id.in_(project_ids)))
    tx.delete(account)
    tx.flush()
