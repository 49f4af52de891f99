"""Backup policies: their CRUD, the volumes they protect (a volume has at most one policy) and
their tags; when and how they run is `apis.backup.policy_runs`, what they may say
`apis.backup.policy_rules`."""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apis.backup import backups, errors, policy_runs
from apis.backup.backups import Tenant
from apis.backup.models import BackupPolicy, PolicyVolume
from apis.backup.policy_rules import PolicySpec, apply_spec
from apis.evs.models import Volume
from emulator import ids, lifecycle, tags
from emulator.errors import ApiError

TAG_TYPE = "vbs.policy"
MAX_POLICIES = 10


# CRUD -------------------------------------------------------------------------------------


def get_policy(tx: Session, project_id: str, policy_id: str) -> BackupPolicy:
    policy = tx.get(BackupPolicy, policy_id)
    if policy is None or policy.project_id != project_id:
        raise errors.policy_not_found(policy_id)
    return policy


def list_policies(tx: Session, project_id: str) -> list[BackupPolicy]:
    return list(
        tx.scalars(
            select(BackupPolicy)
            .where(BackupPolicy.project_id == project_id)
            .order_by(BackupPolicy.created_at, BackupPolicy.id)
        )
    )


def volume_counts(tx: Session, policy_ids: list[str]) -> dict[str, int]:
    rows = tx.execute(
        select(PolicyVolume.policy_id, func.count())
        .where(PolicyVolume.policy_id.in_(policy_ids))
        .group_by(PolicyVolume.policy_id)
    )
    return {policy_id: count for policy_id, count in rows}


def create_policy(tx: Session, tenant: Tenant, spec: PolicySpec) -> BackupPolicy:
    if spec.name is None or spec.start_time is None or spec.status is None:
        raise errors.policy_error(
            "backup_policy_name, start_time and status are required.", errors.POLICY_NAME
        )
    policy = BackupPolicy(
        id=ids.uuid_id(),
        project_id=tenant.project_id,
        keep_first_of_month=False,
        created_at=tenant.at,
    )
    apply_spec(policy, spec)
    count = tx.scalar(
        select(func.count(BackupPolicy.id)).where(BackupPolicy.project_id == tenant.project_id)
    )
    if (count or 0) >= MAX_POLICIES:
        raise errors.policy_error(
            f"A tenant has at most {MAX_POLICIES} backup policies.", errors.POLICY_COUNT
        )
    tx.add(policy)
    if spec.tags:
        tags.put(
            tx,
            project_id=tenant.project_id,
            resource_type=TAG_TYPE,
            resource_id=policy.id,
            tags=spec.tags,
            codes={"huawei": errors.BAD_POLICY_TAGS},
        )
    policy_runs.reschedule(tx, tenant, policy)
    return policy


def update_policy(tx: Session, tenant: Tenant, policy_id: str, spec: PolicySpec) -> BackupPolicy:
    policy = get_policy(tx, tenant.project_id, policy_id)
    apply_spec(policy, spec)
    policy_runs.reschedule(tx, tenant, policy)
    return policy


def delete_policy(tx: Session, tenant: Tenant, policy_id: str) -> None:
    policy = get_policy(tx, tenant.project_id, policy_id)
    lifecycle.cancel(tx, policy_runs.KIND, policy.id)
    tags.remove_all(tx, TAG_TYPE, policy.id)
    for link in tx.scalars(select(PolicyVolume).where(PolicyVolume.policy_id == policy.id)):
        tx.delete(link)
    tx.delete(policy)


# Volumes ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """Per resource: associated or disassociated, or why not."""

    succeeded: list[Volume | str] = field(default_factory=list)
    failed: list[tuple[str, ApiError]] = field(default_factory=list)


def associate(
    tx: Session, tenant: Tenant, policy_id: str, volume_ids: list[tuple[str, str]]
) -> Outcome:
    """Protect volumes (resource_id, resource_type) with a policy, one at a time: a volume of
    another policy moves to this one."""
    policy = get_policy(tx, tenant.project_id, policy_id)
    if not volume_ids:
        raise errors.policy_error("The resources to associate are empty.", errors.NO_RESOURCES)
    outcome = Outcome()
    for volume_id, resource_type in volume_ids:
        try:
            volume = _associable(tx, tenant, volume_id, resource_type)
        except ApiError as error:
            outcome.failed.append((volume_id, error))
            continue
        link = tx.get(PolicyVolume, volume.id)
        if link is None:
            tx.add(
                PolicyVolume(volume_id=volume.id, policy_id=policy.id, project_id=policy.project_id)
            )
        else:
            link.policy_id = policy.id
        outcome.succeeded.append(volume)
    return outcome


def _associable(tx: Session, tenant: Tenant, volume_id: str, resource_type: str) -> Volume:
    if resource_type != "volume":
        raise errors.policy_error(
            f"Unknown resource type {resource_type!r}.", errors.BAD_RESOURCE_TYPE
        )
    volume = tx.get(Volume, volume_id)
    if volume is None or volume.project_id != tenant.project_id:
        raise errors.policy_error(f"Volume {volume_id} does not exist.", errors.BAD_RESOURCE)
    if volume.status not in backups.BACKUP_FROM:
        raise errors.policy_error(
            f"Volume {volume_id} is {volume.status}: only available or in-use volumes can be "
            "associated.",
            errors.BAD_RESOURCE_STATUS,
        )
    return volume


def disassociate(tx: Session, tenant: Tenant, policy_id: str, volume_ids: list[str]) -> Outcome:
    policy = get_policy(tx, tenant.project_id, policy_id)
    if not volume_ids:
        raise errors.policy_error("The resources to disassociate are empty.", errors.NO_RESOURCES)
    outcome = Outcome()
    for volume_id in volume_ids:
        link = tx.get(PolicyVolume, volume_id)
        if link is None or link.policy_id != policy.id:
            outcome.failed.append(
                (
                    volume_id,
                    errors.policy_error(
                        f"Volume {volume_id} is not associated with policy {policy.id}.",
                        errors.BAD_RESOURCE,
                    ),
                )
            )
            continue
        tx.delete(link)
        outcome.succeeded.append(volume_id)
    return outcome


# Runs -------------------------------------------------------------------------------------


def execute_now(tx: Session, tenant: Tenant, policy_id: str) -> None:
    """Back up the policy's volumes at once (the schedule is unchanged)."""
    policy_runs.run(tx, get_policy(tx, tenant.project_id, policy_id), tenant)
