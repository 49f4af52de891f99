"""Restores: a backup overwrites an available volume of its region (any AZ), or fills a new
volume (by default of the backup's size, type and AZ). Queued like every backup operation: the
backup shows `restoring` and the volume `restoring-backup` until the operation has run."""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from apis.backup import errors, queue
from apis.backup.backups import Tenant, get_backup, give_back_volume, swap_status, volume_of
from apis.backup.models import Backup, BackupOperation
from apis.evs import operations as volumes
from apis.evs.models import Volume
from emulator import lifecycle
from emulator.context import RequestContext
from state.models import Job


@dataclass
class Restore:
    backup: Backup
    volume: Volume


def restore_backup(
    ctx: RequestContext,
    tx: Session,
    backup_id: str,
    *,
    volume_id: str | None = None,
    new_volume: volumes.VolumeSpec | None = None,
    job: Job | None = None,
) -> Restore:
    """Overwrite an available volume of the region (any AZ) with a backup, or restore into a new
    volume (by default of the backup's size, type and AZ): backup `restoring`, volume
    `restoring-backup`."""
    tenant = Tenant.of(ctx)
    backup = get_backup(tx, tenant.project_id, backup_id)
    if backup.status != "available":
        raise errors.invalid_backup("Backup status must be available", errors.BACKUP_NOT_AVAILABLE)
    if volume_id is None:
        volume = _new_volume(tx, ctx, backup, new_volume or volumes.VolumeSpec())
    else:
        volume = volume_of(tx, tenant.project_id, volume_id, errors.NO_BACKUP)
        _check_restore_target(volume, backup)
    if not swap_status(tx, Volume, volume.id, volume.status, "restoring-backup"):
        raise errors.invalid_volume(
            "Another operation on the volume started meanwhile.", errors.RESTORE_TARGET_STATUS
        )
    if not swap_status(tx, Backup, backup.id, "available", "restoring"):
        raise errors.invalid_backup("Backup status must be available", errors.BACKUP_NOT_AVAILABLE)
    payload = {"volume_status": "available"}
    backup.updated_at = volume.updated_at = tenant.at
    if job is not None:
        job.entities = {**job.entities, "backup_id": backup.id, "volume_id": volume.id}
    queue.enqueue(
        tx,
        project_id=tenant.project_id,
        action="restore",
        backup_id=backup.id,
        volume_id=volume.id,
        at=tenant.at,
        seconds=tenant.seconds,
        job=job,
        payload=payload,
    )
    return Restore(backup, volume)


def _check_restore_target(volume: Volume, backup: Backup) -> None:
    if volume.status != "available":
        raise errors.invalid_volume(
            f"Volume to be restored to must be available, but the current status is "
            f'"{volume.status}".',
            errors.RESTORE_TARGET_STATUS,
        )
    if volume.size < backup.size:
        raise errors.invalid_volume(
            f"volume size {volume.size} is too small to restore backup of size {backup.size}.",
            errors.RESTORE_TOO_SMALL,
        )


def _new_volume(
    tx: Session, ctx: RequestContext, backup: Backup, spec: volumes.VolumeSpec
) -> Volume:
    size = spec.size or backup.size
    if size < backup.size:
        raise errors.invalid_volume(
            f"volume size {size} is too small to restore backup of size {backup.size}.",
            errors.RESTORE_TOO_SMALL,
        )
    spec = replace(
        spec,
        size=size,
        volume_type=spec.volume_type or backup.volume_type,
        availability_zone=spec.availability_zone or backup.availability_zone,
        name=spec.name or f"restore_backup_{backup.id}",
    )
    volume = volumes.create_volume(tx, ctx, spec)
    tx.flush()
    lifecycle.cancel(tx, volumes.KIND, volume.id)  # available when the restore ends instead
    return volume


@queue.finishes("restore")
def _restored(tx: Session, operation: BackupOperation, at: datetime) -> None:
    """The backup is available again; the volume gets the metadata it had when backed up
    (merged into its own, as Cinder restores it)."""
    backup = tx.get(Backup, operation.backup_id)
    if backup is not None and backup.status == "restoring":
        backup.status = "available"
        backup.updated_at = at
    volume = tx.get(Volume, operation.volume_id) if operation.volume_id else None
    if backup is not None and volume is not None:
        volume.metadata_ = {**volume.metadata_, **backup.volume_metadata}
    give_back_volume(tx, operation, at)
