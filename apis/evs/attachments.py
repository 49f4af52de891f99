"""Attaching volumes to servers, driven by compute: `attach` and `detach` move a volume through
attaching -> in-use and detaching -> available on the virtual clock. A multiattach volume may be
held by several servers, any other by one."""

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from apis.evs import errors
from apis.evs.models import Volume, VolumeAttachment
from apis.evs.operations import (
    KIND,
    NOT_DELETABLE,
    attachments_of,
    begin_deletion,
    get_volume,
    schedule,
)
from emulator import ids, lifecycle
from emulator.context import RequestContext


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
    schedule(tx, ctx, volume, "in-use", "volume_attach")
    return attachment


def detach(tx: Session, ctx: RequestContext, volume_id: str, server_id: str) -> Volume:
    """Detach a volume from a server: `detaching`, then `available` (or `in-use` while other
    servers still hold a multiattach volume) after the `volume_detach` delay."""
    volume = get_volume(tx, ctx, volume_id)
    current = attachments_of(tx, [volume.id])[volume.id]
    if volume.status != "in-use" or not any(row.server_id == server_id for row in current):
        raise errors.invalid_volume(f"Volume {volume.id} is not attached to {server_id}.")
    volume.status = "detaching"
    schedule(tx, ctx, volume, "detached", "volume_detach", payload={"server_id": server_id})
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


def release(
    tx: Session, ctx: RequestContext, volume: Volume, server_id: str, *, delete_volume: bool
) -> None:
    """The server is going: its attachment ends at once and the volume's pending changes are
    dropped; the volume is `available` again (`in-use` while other servers hold it), or is
    deleted with `delete_volume`."""
    tx.execute(
        delete(VolumeAttachment).where(
            VolumeAttachment.volume_id == volume.id, VolumeAttachment.server_id == server_id
        )
    )
    lifecycle.cancel(tx, KIND, volume.id)
    held = bool(attachments_of(tx, [volume.id])[volume.id])
    if not delete_volume:
        volume.status = "in-use" if held else "available"
    elif held:
        raise errors.invalid_volume(NOT_DELETABLE)
    else:
        begin_deletion(tx, ctx, volume)
