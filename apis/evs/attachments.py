"""Attaching volumes to servers, driven by compute: `attach` and `detach` move a volume through
attaching -> in-use and detaching -> available on the virtual clock. A multiattach volume may be
held by several servers, any other by one."""

from datetime import datetime

from sqlalchemy import bindparam, delete, exists, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from apis.evs import errors
from apis.evs.models import Snapshot, Volume, VolumeAttachment
from apis.evs.operations import KIND, NOT_DELETABLE, attachments_of, get_volume, schedule
from emulator import ids, lifecycle
from emulator.context import RequestContext
from state.prepared import Prepared


def attach(
    tx: Session,
    ctx: RequestContext,
    volume_id: str,
    server_id: str,
    device: str,
    server_zone: str | None = None,
) -> VolumeAttachment:
    """Attach a volume to a server: `attaching`, then `in-use` after the `volume_attach`
    delay. A multiattach volume may be attached to several servers, others to one."""
    volume = get_volume(tx, ctx, volume_id)
    current = attachments_of(tx, [volume.id])[volume.id]
    if any(row.server_id == server_id for row in current):
        raise errors.invalid_volume(f"Volume {volume.id} is already attached to {server_id}.")
    shareable = volume.multiattach and volume.status == "in-use"
    if volume.status != "available" and not shareable:
        raise errors.invalid_volume(
            f"Volume {volume.id} status must be available to attach, but current status is: "
            f"{volume.status}."
        )
    if server_zone is not None and server_zone != volume.availability_zone:
        raise errors.invalid_volume(
            f"Volume {volume.id} is in {volume.availability_zone}, the server in {server_zone}."
        )
    attachment = VolumeAttachment(
        id=ids.uuid_id(),
        project_id=ctx.project.id,
        volume_id=volume.id,
        server_id=server_id,
        device=device,
        attached_at=ctx.now(),
    )
    tx.add(attachment)
    volume.status = "attaching"
    schedule(tx, ctx, volume.id, "in-use", "volume_attach")
    return attachment


def detach(tx: Session, ctx: RequestContext, volume_id: str, server_id: str) -> Volume:
    """Detach a volume from a server: `detaching`, then `available` (or `in-use` while other
    servers still hold a multiattach volume) after the `volume_detach` delay."""
    volume = get_volume(tx, ctx, volume_id)
    current = attachments_of(tx, [volume.id])[volume.id]
    if volume.status != "in-use" or not any(row.server_id == server_id for row in current):
        raise errors.invalid_volume(f"Volume {volume.id} is not attached to {server_id}.")
    volume.status = "detaching"
    schedule(tx, ctx, volume.id, "detached", "volume_detach", payload={"server_id": server_id})
    return volume


def attach_built(tx: Session, volume: Volume, server_id: str, device: str, now: datetime) -> None:
    """A new server's volume, made with it, is in use by it once the server is built."""
    tx.add(
        VolumeAttachment(
            id=ids.uuid_id(),
            project_id=volume.project_id,
            volume_id=volume.id,
            server_id=server_id,
            device=device,
            attached_at=now,
        )
    )
    volume.status = "in-use"
    volume.updated_at = now


_VOLUME_IDS: BindParameter[str] = bindparam("volume_ids", expanding=True)

_END_ATTACHMENTS = Prepared(
    delete(VolumeAttachment).where(
        VolumeAttachment.server_id == bindparam("server_id"),
        VolumeAttachment.volume_id.in_(_VOLUME_IDS),
    )
)
_RELEASED = Prepared(
    select(
        Volume.id,
        exists().where(VolumeAttachment.volume_id == Volume.id).label("held"),
        exists().where(Snapshot.volume_id == Volume.id).label("has_snapshots"),
    ).where(Volume.id.in_(_VOLUME_IDS))
)
_SET_STATUS = Prepared(
    update(Volume).where(Volume.id.in_(_VOLUME_IDS)).values(status=bindparam("status"))
)
_BEGIN_DELETION = Prepared(
    update(Volume)
    .where(Volume.id.in_(_VOLUME_IDS))
    .values(status="deleting", updated_at=bindparam("now"))
)


def release(tx: Session, ctx: RequestContext, server_id: str, volumes: dict[str, bool]) -> None:
    """The server is going: its attachments end at once and the volumes' pending changes are
    dropped; each volume is `available` again (`in-use` while other servers hold it), or is
    deleted when marked True (`delete_volume`). Set-based: the session holds none of them."""
    if not volumes:
        return
    volume_ids = list(volumes)
    db = tx.connection()
    _END_ATTACHMENTS.run(db, {"server_id": server_id, "volume_ids": volume_ids})
    lifecycle.cancel_many(tx, KIND, volume_ids)
    found = {row.id: row for row in _RELEASED.all(db, {"volume_ids": volume_ids})}
    kept: dict[str, list[str]] = {"in-use": [], "available": []}
    deleted = []
    for volume_id, delete_volume in volumes.items():
        row = found.get(volume_id)
        if row is None:
            continue
        if not delete_volume:
            kept["in-use" if row.held else "available"].append(volume_id)
        elif row.held or row.has_snapshots:
            raise errors.invalid_volume(NOT_DELETABLE)
        else:
            deleted.append(volume_id)
    for status, chosen in kept.items():
        if chosen:
            _SET_STATUS.run(db, {"volume_ids": chosen, "status": status})
    if deleted:
        _BEGIN_DELETION.run(db, {"volume_ids": deleted, "now": ctx.now()})
        for volume_id in deleted:
            schedule(tx, ctx, volume_id, "deleted", "volume_delete")
