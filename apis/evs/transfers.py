"""Volume transfers (Cinder's os-volume-transfer): a project offers an available volume, which
waits `awaiting-transfer` until a project of the same region presents the auth key and takes
it, its snapshots, their quota and their meters."""

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from apis.evs import errors, operations, snapshots
from apis.evs.models import Snapshot, Volume, VolumeTransfer
from emulator import ids, metering, quotas
from emulator.context import RequestContext
from emulator.errors import NotFound


@dataclass
class NewTransfer:
    transfer: VolumeTransfer
    # Given once, when the transfer is made; only its hash is kept.
    auth_key: str


def _hash(salt: str, auth_key: str) -> str:
    return hashlib.sha1((salt + auth_key).encode()).hexdigest()


def _not_found(transfer_id: str) -> NotFound:
    return NotFound(
        f"Transfer {transfer_id} could not be found.", codes={"huawei": errors.NOT_FOUND}
    )


def create_transfer(tx: Session, ctx: RequestContext, volume_id: str, name: str) -> NewTransfer:
    volume = operations.get_volume(tx, ctx, volume_id)
    if volume.status != "available":
        raise errors.invalid_volume("status must be available")
    volume.status = "awaiting-transfer"
    volume.updated_at = ctx.now()
    auth_key, salt = secrets.token_hex(8), secrets.token_hex(4)
    transfer = VolumeTransfer(
        id=ids.uuid_id(),
        project_id=ctx.project.id,
        region=ctx.region,
        volume_id=volume.id,
        name=name,
        salt=salt,
        crypt_hash=_hash(salt, auth_key),
        created_at=ctx.now(),
    )
    tx.add(transfer)
    return NewTransfer(transfer, auth_key)


def get_transfer(tx: Session, ctx: RequestContext, transfer_id: str) -> VolumeTransfer:
    """A transfer the project made."""
    transfer = tx.get(VolumeTransfer, transfer_id)
    if transfer is None or transfer.project_id != ctx.project.id:
        raise _not_found(transfer_id)
    return transfer


def query_transfers(ctx: RequestContext) -> Select[VolumeTransfer]:
    return (
        select(VolumeTransfer)
        .where(VolumeTransfer.project_id == ctx.project.id)
        .order_by(VolumeTransfer.created_at, VolumeTransfer.id)
    )


def delete_transfer(tx: Session, ctx: RequestContext, transfer_id: str) -> None:
    """The volume is offered no more and is `available` again."""
    transfer = get_transfer(tx, ctx, transfer_id)
    volume = tx.get(Volume, transfer.volume_id)
    if volume is not None and volume.status == "awaiting-transfer":
        volume.status = "available"
        volume.updated_at = ctx.now()
    tx.delete(transfer)


def accept_transfer(
    tx: Session, ctx: RequestContext, transfer_id: str, auth_key: str
) -> VolumeTransfer:
    """Any project of the region holding the key takes the volume and its snapshots."""
    transfer = tx.get(VolumeTransfer, transfer_id)
    if transfer is None or transfer.region != ctx.region:
        raise _not_found(transfer_id)
    if not secrets.compare_digest(_hash(transfer.salt, auth_key), transfer.crypt_hash):
        raise errors.bad_request(
            f"Invalid auth key: Attempt to transfer {transfer_id} with invalid auth key.",
            native=errors.INVALID_BODY,
        )
    volume = tx.get(Volume, transfer.volume_id)
    if volume is None or volume.status != "awaiting-transfer":
        status = volume.status if volume is not None else "deleted"
        raise errors.invalid_volume(
            f"Transfer {transfer_id}: Volume id {transfer.volume_id} in unexpected state "
            f"{status}, expected awaiting-transfer"
        )
    taken = list(tx.scalars(select(Snapshot).where(Snapshot.volume_id == volume.id)))
    moved = [(volume, operations.usage_of(volume.volume_type, volume.size))] + [
        (snapshot, operations.usage_of(volume.volume_type, snapshot.size, "snapshots"))
        for snapshot in taken
    ]
    for _, usage in moved:
        operations.consume(tx, ctx.project.id, usage)
        quotas.release(tx, transfer.project_id, usage)
    now = ctx.now()
    for row, _ in moved:
        row.project_id = ctx.project.id
        row.updated_at = now
        kind, meter = (
            ("volume", operations.METER) if row is volume else ("snapshot", snapshots.METER)
        )
        metering.stop(tx, row.id, at=now)
        metering.start(
            tx,
            project_id=ctx.project.id,
            region=ctx.region,
            service="evs",
            resource_type=kind,
            resource_id=row.id,
            meter=meter,
            quantity=row.size,
            at=now,
            unit_class=volume.volume_type,
        )
    volume.user_id = ctx.principal.user_id
    volume.status = "available"
    tx.delete(transfer)
    return transfer
