"""Volume snapshots (Cinder `/snapshots`, native `/cloudsnapshots`): creating -> available,
deleting -> gone; quota (snapshots, gigabytes) and a GB-hours meter of the snapshot's size."""

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from apis.evs import errors
from apis.evs.models import Snapshot, Volume
from apis.evs.operations import consume, get_volume, usage_of
from apis.evs.transitions import remove_snapshot
from emulator import ids, lifecycle, metering
from emulator.context import RequestContext
from state.models import Transition

KIND = "evs.snapshot"
METER = "evs.snapshot_gb_hours"


def get_snapshot(tx: Session, ctx: RequestContext, snapshot_id: str) -> Snapshot:
    snapshot = tx.get(Snapshot, snapshot_id)
    if snapshot is None or snapshot.project_id != ctx.project.id:
        raise errors.snapshot_not_found(snapshot_id)
    return snapshot


def query_snapshots(
    ctx: RequestContext,
    *,
    name: str | None = None,
    status: str | None = None,
    volume_id: str | None = None,
    snapshot_ids: list[str] | None = None,
    availability_zone: str | None = None,
) -> Select[Snapshot]:
    query = select(Snapshot).where(Snapshot.project_id == ctx.project.id)
    if name is not None:
        query = query.where(Snapshot.name == name)
    if status is not None:
        query = query.where(Snapshot.status == status)
    if volume_id is not None:
        query = query.where(Snapshot.volume_id == volume_id)
    if snapshot_ids:
        query = query.where(Snapshot.id.in_(snapshot_ids))
    if availability_zone is not None:
        in_zone = select(Volume.id).where(Volume.availability_zone == availability_zone)
        query = query.where(Snapshot.volume_id.in_(in_zone))
    return query


def create_snapshot(
    tx: Session,
    ctx: RequestContext,
    volume_id: str | None,
    *,
    name: str = "",
    description: str = "",
    metadata: dict[str, Any] | None = None,
    force: bool = False,
) -> Snapshot:
    """A snapshot of an available volume, or of an in-use one when `force` (as Cinder)."""
    volume = get_volume(tx, ctx, volume_id)
    if not force and volume.status != "available":
        raise errors.invalid_volume(
            f"Volume {volume.id} status must be available, but current status is: {volume.status}."
        )
    if volume.status not in ("available", "in-use"):
        raise errors.invalid_volume(
            f"Volume {volume.id} status must be available or in-use, but current status is: "
            f"{volume.status}."
        )
    consume(tx, ctx.project.id, usage_of(volume.volume_type, volume.size, "snapshots"))
    now = ctx.now()
    snapshot = Snapshot(
        id=ids.uuid_id(),
        project_id=ctx.project.id,
        volume_id=volume.id,
        name=name,
        description=description,
        size=volume.size,
        status="creating",
        metadata_=dict(metadata or {}),
        created_at=now,
        updated_at=None,
    )
    tx.add(snapshot)
    metering.start(
        tx,
        project_id=ctx.project.id,
        region=ctx.region,
        service="evs",
        resource_type="snapshot",
        resource_id=snapshot.id,
        meter=METER,
        quantity=snapshot.size,
        at=now,
        unit_class=volume.volume_type,
    )
    _schedule(tx, ctx, snapshot, "available", "snapshot_create")
    return snapshot


def update_snapshot(
    tx: Session,
    ctx: RequestContext,
    snapshot_id: str,
    *,
    name: str | None = None,
    description: str | None = None,
) -> Snapshot:
    snapshot = get_snapshot(tx, ctx, snapshot_id)
    if name is not None:
        snapshot.name = name
    if description is not None:
        snapshot.description = description
    snapshot.updated_at = ctx.now()
    return snapshot


def delete_snapshot(tx: Session, ctx: RequestContext, snapshot_id: str) -> Snapshot:
    snapshot = get_snapshot(tx, ctx, snapshot_id)
    if snapshot.status not in ("available", "error"):
        raise errors.invalid_snapshot("Volume Snapshot status must be available or error.")
    snapshot.status = "deleting"
    snapshot.updated_at = ctx.now()
    _schedule(tx, ctx, snapshot, "deleted", "snapshot_delete")
    return snapshot


def rollback_snapshot(
    tx: Session, ctx: RequestContext, snapshot_id: str, volume_id: str, name: str | None = None
) -> Volume:
    """Restore a snapshot's data into its own volume, which must be available."""
    snapshot = get_snapshot(tx, ctx, snapshot_id)
    volume = get_volume(tx, ctx, volume_id)
    if snapshot.volume_id != volume.id:
        raise errors.bad_request(
            f"Snapshot {snapshot.id} is not a snapshot of volume {volume.id}.",
            native=errors.INVALID_BODY,
        )
    if snapshot.status != "available":
        raise errors.invalid_snapshot("Snapshot status must be available to roll back.")
    if volume.status != "available":
        raise errors.invalid_volume(
            f"Volume {volume.id} status must be available to roll back, but current status "
            f"is: {volume.status}."
        )
    if name:
        volume.name = name
    volume.updated_at = ctx.now()
    return volume


def _schedule(
    tx: Session, ctx: RequestContext, snapshot: Snapshot, target: str, delay: str
) -> None:
    lifecycle.schedule(
        tx,
        service="evs",
        kind=KIND,
        resource_id=snapshot.id,
        target=target,
        now=ctx.now(),
        after=ctx.emulator.settings.delay(delay),
    )


@lifecycle.handles(KIND)
def _apply(tx: Session, transition: Transition, now: datetime) -> None:
    snapshot = tx.get(Snapshot, transition.resource_id)
    if snapshot is None:
        return
    if transition.target == "deleted":
        volume = tx.get(Volume, snapshot.volume_id)
        remove_snapshot(tx, snapshot, volume.volume_type if volume else "", now)
        return
    snapshot.status = transition.target
    snapshot.updated_at = now
