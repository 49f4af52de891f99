"""Backups: the behaviour behind Cinder `/backups` and the native `cloudbackups`, once.

A backup is accepted at once (limits checked and quota taken in the caller's transaction, or
nothing written), then waits in its tenant's queue (`apis.backup.queue`): `creating` until its
operation has run, `deleting` then gone (restores: `apis.backup.restores`). A volume being
backed up shows `backing-up`, as on Cinder.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Select, func, select, update
from sqlalchemy.orm import Session

from apis.backup import errors, queue
from apis.backup.models import Backup, BackupOperation
from apis.evs.models import Snapshot, Volume
from emulator import ids, jobs, metering, quotas, tags
from emulator.context import RequestContext
from emulator.errors import QuotaExceeded
from state.models import Job

METER = "vbs.backup_gb_hours"
TAG_TYPE = "vbs.backup"
BACKUP_FROM = ("available", "in-use")
DELETABLE = ("available", "error")


@dataclass(frozen=True)
class Tenant:
    """Who acts and when: a request's caller, or a policy run at its scheduled time."""

    project_id: str
    region: str
    at: datetime
    seconds: float  # how long one backup operation runs

    @classmethod
    def of(cls, ctx: RequestContext) -> "Tenant":
        return cls(ctx.project.id, ctx.region, ctx.now(), ctx.emulator.settings.backup_seconds)


@dataclass
class BackupSpec:
    volume_id: str
    name: str = ""
    description: str = ""
    snapshot_id: str | None = None
    # None: incremental when the volume has an available backup (VBS); True: must be (Cinder).
    incremental: bool | None = None
    force: bool = True
    tags: dict[str, str] = field(default_factory=dict)
    policy_id: str | None = None


# Reading ----------------------------------------------------------------------------------


def get_backup(tx: Session, project_id: str, backup_id: str) -> Backup:
    backup = tx.get(Backup, backup_id)
    if backup is None or backup.project_id != project_id:
        raise errors.backup_not_found(backup_id)
    return backup


def query_backups(
    project_id: str,
    *,
    name: str | None = None,
    status: str | None = None,
    volume_id: str | None = None,
) -> Select[Backup]:
    query = select(Backup).where(Backup.project_id == project_id)
    if name is not None:
        query = query.where(Backup.name == name)
    if status is not None:
        query = query.where(Backup.status == status)
    if volume_id is not None:
        query = query.where(Backup.volume_id == volume_id)
    return query


def with_dependents(tx: Session, backup_ids: list[str]) -> set[str]:
    """The backups among `backup_ids` that incremental backups depend on."""
    rows = tx.scalars(select(Backup.parent_id).where(Backup.parent_id.in_(backup_ids)))
    return {parent for parent in rows if parent is not None}


def volume_of(tx: Session, project_id: str, volume_id: str, code: str) -> Volume:
    volume = tx.get(Volume, volume_id)
    if volume is None or volume.project_id != project_id:
        raise errors.volume_not_found(volume_id, code)
    return volume


# Creating ---------------------------------------------------------------------------------


def create_backup(tx: Session, tenant: Tenant, spec: BackupSpec, job: Job | None = None) -> Backup:
    """Accept a backup of a volume: refused with nothing written past a limit (20 per disk,
    360 and 200 TB per tenant) or when the volume cannot be backed up now."""
    volume = volume_of(tx, tenant.project_id, spec.volume_id, errors.NO_VOLUME)
    _check_backup_source(volume, spec.force)
    payload = {"volume_status": volume.status}
    if not swap_status(tx, Volume, volume.id, volume.status, "backing-up"):
        raise errors.invalid_volume(
            "Another operation on the volume started meanwhile.", errors.BUSY_VOLUME
        )
    if spec.snapshot_id is not None:
        _check_snapshot(tx, tenant.project_id, volume, spec.snapshot_id)
    count = tx.scalar(select(func.count(Backup.id)).where(Backup.volume_id == volume.id)) or 0
    if count >= errors.PER_DISK:
        raise errors.per_disk_limit(volume.id)
    parent = _parent_of(tx, volume, spec.incremental)
    try:
        quotas.consume(tx, tenant.project_id, {"backups": 1, "backup_gigabytes": volume.size})
    except QuotaExceeded as error:
        raise errors.quota_exceeded(error) from None
    stored = volume.size if parent is None else max(volume.size - parent.size, 0)
    backup = Backup(
        id=ids.uuid_id(),
        project_id=tenant.project_id,
        region=tenant.region,
        availability_zone=volume.availability_zone,
        volume_id=volume.id,
        volume_type=volume.volume_type,
        size=volume.size,
        stored_gb=stored,
        name=spec.name,
        description=spec.description,
        status="creating",
        is_incremental=parent is not None,
        parent_id=parent.id if parent else None,
        snapshot_id=spec.snapshot_id,
        policy_id=spec.policy_id,
        volume_metadata=dict(volume.metadata_),
        created_at=tenant.at,
        updated_at=None,
    )
    tx.add(backup)
    if spec.tags:
        tags.put(
            tx,
            project_id=tenant.project_id,
            resource_type=TAG_TYPE,
            resource_id=backup.id,
            tags=spec.tags,
            codes={"huawei": errors.BAD_TAGS},
        )
    metering.start(
        tx,
        project_id=tenant.project_id,
        region=tenant.region,
        service="vbs",
        resource_type="backup",
        resource_id=backup.id,
        meter=METER,
        quantity=stored,
        at=tenant.at,
        unit_class="incremental" if parent else "full",
    )
    if job is not None:
        job.entities = {
            **job.entities,
            "backup_id": backup.id,
            "volume_id": volume.id,
            "snapshot_id": spec.snapshot_id,
        }
    queue.enqueue(
        tx,
        project_id=tenant.project_id,
        action="create",
        backup_id=backup.id,
        volume_id=volume.id,
        at=tenant.at,
        seconds=tenant.seconds,
        job=job,
        payload=payload,
    )
    return backup


def swap_status(
    tx: Session, model: type[Backup] | type[Volume], row_id: str, current: str, new: str
) -> bool:
    """Move a row from `current` to `new` status only if no other writer moved it first (a
    conditional UPDATE, which SQLite and PostgreSQL both honour): one operation per volume."""
    result = tx.execute(
        update(model)
        .where(model.id == row_id, model.status == current)
        .values(status=new)
        .execution_options(synchronize_session="fetch")
    )
    return cast(CursorResult[Any], result).rowcount == 1


def _check_backup_source(volume: Volume, force: bool) -> None:
    if volume.status not in BACKUP_FROM:
        raise errors.invalid_volume(
            f"Volume to be backed up must be available or in-use, but the current status is "
            f'"{volume.status}".',
            errors.BUSY_VOLUME if volume.status == "backing-up" else errors.BAD_VOLUME_STATUS,
        )
    if volume.status == "in-use" and not force:
        raise errors.invalid_volume(
            "Backing up an in-use volume must use the force flag.", errors.BAD_VOLUME_STATUS
        )


def _check_snapshot(tx: Session, project_id: str, volume: Volume, snapshot_id: str) -> None:
    snapshot = tx.get(Snapshot, snapshot_id)
    if snapshot is None or snapshot.project_id != project_id or snapshot.volume_id != volume.id:
        raise errors.invalid_backup(
            f"Snapshot {snapshot_id} is not a snapshot of volume {volume.id}.", errors.BAD_REQUEST
        )


def _parent_of(tx: Session, volume: Volume, incremental: bool | None) -> Backup | None:
    """The newest available backup of the volume, for an incremental backup."""
    if incremental is False:
        return None
    parent = tx.scalars(
        select(Backup)
        .where(Backup.volume_id == volume.id, Backup.status == "available")
        .order_by(Backup.created_at.desc(), Backup.id.desc())
        .limit(1)
    ).first()
    if parent is None and incremental:
        raise errors.invalid_backup(
            "No backups available to do an incremental backup.", errors.BAD_REQUEST
        )
    return parent


@queue.finishes("create")
def _created(tx: Session, operation: BackupOperation, at: datetime) -> None:
    backup = tx.get(Backup, operation.backup_id)
    if backup is not None:
        backup.status = "available"
        backup.updated_at = at
    give_back_volume(tx, operation, at)


def give_back_volume(tx: Session, operation: BackupOperation, at: datetime) -> None:
    volume = tx.get(Volume, operation.volume_id) if operation.volume_id else None
    if volume is not None and volume.status in ("backing-up", "restoring-backup"):
        volume.status = operation.payload.get("volume_status", "available")
        volume.updated_at = at


def update_backup(
    tx: Session,
    tenant: Tenant,
    backup_id: str,
    *,
    name: str | None = None,
    description: str | None = None,
) -> Backup:
    backup = get_backup(tx, tenant.project_id, backup_id)
    if name is not None:
        backup.name = name
    if description is not None:
        backup.description = description
    backup.updated_at = tenant.at
    return backup


# Deleting ---------------------------------------------------------------------------------


def delete_backup(tx: Session, tenant: Tenant, backup_id: str, job: Job | None = None) -> Backup:
    """`deleting`, then gone once its operation has run. Refused while incremental backups
    depend on it, or while it is not available or in error."""
    backup = get_backup(tx, tenant.project_id, backup_id)
    if backup.status not in DELETABLE:
        raise errors.invalid_backup(
            "Backup status must be available or error", errors.BACKUP_NOT_AVAILABLE
        )
    if with_dependents(tx, [backup.id]):
        raise errors.invalid_backup(
            "Incremental backups exist for this backup.", errors.BACKUP_IN_USE
        )
    start_deletion(tx, tenant, backup, job)
    return backup


def start_deletion(tx: Session, tenant: Tenant, backup: Backup, job: Job | None = None) -> None:
    backup.status = "deleting"
    backup.updated_at = tenant.at
    if job is not None:
        job.entities = {**job.entities, "backup_id": backup.id}
    queue.enqueue(
        tx,
        project_id=tenant.project_id,
        action="delete",
        backup_id=backup.id,
        at=tenant.at,
        seconds=tenant.seconds,
        job=job,
    )


@queue.finishes("delete")
def _deleted(tx: Session, operation: BackupOperation, at: datetime) -> None:
    """The backup goes with its quota, meter and tags; incremental backups made on it now
    rest on its own parent (a full backup when it had none): the chain is merged, and the
    data they needed from it stays stored, held (and billed) by the oldest of them."""
    backup = tx.get(Backup, operation.backup_id)
    if backup is None:
        return
    children = tx.scalars(
        select(Backup).where(Backup.parent_id == backup.id).order_by(Backup.created_at, Backup.id)
    ).all()
    for child in children:
        child.parent_id = backup.parent_id
        child.is_incremental = backup.parent_id is not None
    if children:
        _inherit_data(tx, children[0], backup, at)
    quotas.release(tx, backup.project_id, {"backups": 1, "backup_gigabytes": backup.size})
    metering.stop(tx, backup.id, at=at)
    tags.remove_all(tx, TAG_TYPE, backup.id)
    tx.delete(backup)


def _inherit_data(tx: Session, heir: Backup, gone: Backup, at: datetime) -> None:
    heir.stored_gb += gone.stored_gb
    unit_class = "incremental" if heir.is_incremental else "full"
    metering.change(tx, heir.id, METER, at=at, quantity=heir.stored_gb, unit_class=unit_class)


# Native jobs ------------------------------------------------------------------------------


def job_for(tx: Session, tenant: Tenant, job_type: str, **entities: Any) -> Job:
    """A native VBS job, INIT until its operation leaves the queue."""
    return jobs.create(
        tx,
        project_id=tenant.project_id,
        job_type=job_type,
        now=tenant.at,
        entities=entities,
        status=jobs.INIT,
    )
