"""How EVS statuses change when their time comes (`emulator.lifecycle` kind `evs.volume`), and
the end of a deletion: rows, quota, meters and tags go together."""

from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from apis.evs.models import Snapshot, Volume
from apis.evs.operations import KIND, METER, TAG_TYPE, attachments_of, usage_of
from emulator import jobs, lifecycle, metering, quotas, tags
from state.models import Job, Transition
from state.prepared import Prepared

_REMOVE = Prepared(
    delete(Volume)
    .where(Volume.id == bindparam("volume_id"))
    .returning(Volume.project_id, Volume.volume_type, Volume.size)
)
_ANY_SNAPSHOT = Prepared(
    select(Snapshot.id).where(Snapshot.volume_id == bindparam("volume_id")).limit(1)
)


def remove_volume(tx: Session, volume_id: str, now: datetime) -> None:
    """The end of a deletion: the row, its snapshots, tags, quota and meters go."""
    removed = _REMOVE.first(tx.connection(), {"volume_id": volume_id})
    if removed is None:
        return
    if _ANY_SNAPSHOT.first(tx.connection(), {"volume_id": volume_id}) is not None:
        for snapshot in tx.scalars(select(Snapshot).where(Snapshot.volume_id == volume_id)):
            remove_snapshot(tx, snapshot, removed.volume_type, now)
    quotas.release(tx, removed.project_id, usage_of(removed.volume_type, removed.size))
    metering.stop(tx, volume_id, at=now)
    tags.remove_all_of(tx, TAG_TYPE, [volume_id])


def remove_snapshot(tx: Session, snapshot: Snapshot, volume_type: str, now: datetime) -> None:
    quotas.release(tx, snapshot.project_id, usage_of(volume_type, snapshot.size, "snapshots"))
    metering.stop(tx, snapshot.id, at=now)
    tx.delete(snapshot)


@lifecycle.handles(KIND)
def _apply(tx: Session, transition: Transition, now: datetime) -> None:
    if transition.target == "deleted":
        remove_volume(tx, transition.resource_id, now)
    else:
        _change(tx, transition, now)
    job_id = transition.payload.get("job_id")
    job = tx.get(Job, job_id) if job_id else None
    if job is not None:
        jobs.finish(tx, job, now)


def _change(tx: Session, transition: Transition, now: datetime) -> None:
    volume = tx.get(Volume, transition.resource_id)
    if volume is None:
        return
    payload = transition.payload
    if transition.target == "extended":
        volume.size = payload["size"]
        volume.status = payload["status"]
        metering.change(tx, volume.id, METER, at=now, quantity=volume.size)
    elif transition.target == "retyped":
        old = volume.volume_type
        quotas.release(
            tx, volume.project_id, {f"volumes_{old}": 1, f"gigabytes_{old}": volume.size}
        )
        volume.volume_type = payload["volume_type"]
        volume.status = payload["status"]
        metering.change(tx, volume.id, METER, at=now, unit_class=volume.volume_type)
    elif transition.target == "detached":
        for row in attachments_of(tx, [volume.id])[volume.id]:
            if row.server_id == payload["server_id"]:
                tx.delete(row)
        tx.flush()
        volume.status = "in-use" if attachments_of(tx, [volume.id])[volume.id] else "available"
    else:
        volume.status = transition.target
    volume.updated_at = now
