"""A server's EVS volumes: made at creation (system disk from the image, data disks), attached
at build, attached and detached later through EVS, and released with the server.

Volume errors keep EVS's words; natively they carry ECS's codes (Ecs.0021 for the disk quota).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from apis.ecs import server_actions, states
from apis.ecs.models import Server, ServerVolume
from apis.evs import attachments
from apis.evs import operations as evs
from apis.evs.models import Volume
from emulator.context import RequestContext
from emulator.errors import ApiError, BadRequest, Forbidden, QuotaExceeded
from state.prepared import Prepared, connection_of


@dataclass
class DiskSpec:
    """A new volume (`size`, `volume_type`, from `image_id` for a system disk) or an existing
    one (`volume_id`)."""

    size: int | None = None
    volume_type: str | None = None
    image_id: str | None = None
    volume_id: str | None = None
    boot: bool = False
    delete_on_termination: bool = False
    multiattach: bool = False


@contextmanager
def ecs_codes() -> Iterator[None]:
    """EVS's refusals, as ECS reports them."""
    try:
        yield
    except QuotaExceeded as error:
        raise states.quota_exceeded(error, native_code="Ecs.0021") from None
    except ApiError as error:
        error.codes = {**error.codes, "huawei": states.INVALID}
        raise


def device_name(index: int) -> str:
    return "/dev/vd" + "abcdefghijklmnopqrstuvwxyz"[index]


def of(tx: Session, server_ids: list[str]) -> dict[str, list[ServerVolume]]:
    found: dict[str, list[ServerVolume]] = {server_id: [] for server_id in server_ids}
    rows = tx.scalars(
        select(ServerVolume)
        .where(ServerVolume.server_id.in_(server_ids))
        .order_by(ServerVolume.device)
    )
    for row in rows:
        found[row.server_id].append(row)
    return found


_RECORD = Prepared(
    insert(ServerVolume),
    [
        "server_id",
        "volume_id",
        "project_id",
        "device",
        "boot_index",
        "delete_on_termination",
        "attached_at",
    ],
)


def _record(tx: Session, server: Server, volume_id: str, spec: DiskSpec, index: int) -> None:
    _RECORD.run(
        connection_of(tx),
        {
            "server_id": server.id,
            "volume_id": volume_id,
            "project_id": server.project_id,
            "device": device_name(index),
            "boot_index": 0 if spec.boot else None,
            "delete_on_termination": spec.delete_on_termination,
            "attached_at": server.created_at,
        },
    )


def create_for(tx: Session, ctx: RequestContext, server: Server, disks: list[DiskSpec]) -> None:
    """The volumes of a new server, in device order; existing ones must be available."""
    with ecs_codes():
        for index, spec in enumerate(disks):
            if spec.volume_id is not None:
                volume = evs.get_volume(tx, ctx, spec.volume_id)
                if volume.status != "available":
                    raise BadRequest(
                        f"Volume {volume.id} status must be available, but current status is: "
                        f"{volume.status}."
                    )
                if volume.availability_zone != server.availability_zone:
                    raise BadRequest(
                        f"Volume {volume.id} is in {volume.availability_zone}, the server in "
                        f"{server.availability_zone}."
                    )
                volume.status = "reserved"
                volume_id = volume.id
            else:
                volume_id = evs.create_volume_row(
                    tx,
                    ctx,
                    evs.VolumeSpec(
                        size=spec.size,
                        volume_type=spec.volume_type,
                        availability_zone=server.availability_zone,
                        name=f"{server.name}-volume-{index:04d}",
                        image_id=spec.image_id,
                        multiattach=spec.multiattach,
                        system_disk=spec.boot,
                    ),
                )
            _record(tx, server, volume_id, spec, index)


def attach_at_build(tx: Session, server: Server, now: datetime) -> None:
    """The build is done: the server's volumes are in use by it."""
    for row in of(tx, [server.id])[server.id]:
        volume = tx.get(Volume, row.volume_id)
        if volume is not None:
            attachments.attach_built(tx, volume, server.id, row.device, now)


def attach(
    tx: Session, ctx: RequestContext, server: Server, volume_id: str, device: str | None
) -> ServerVolume:
    states.require(server, "attach_volume")
    used = [row.device for row in of(tx, [server.id])[server.id]]
    chosen = device or next(device_name(i) for i in range(26) if device_name(i) not in used)
    if chosen in used:
        raise BadRequest(f"The supplied device path ({chosen}) is in use.")
    with ecs_codes():
        attachments.attach(tx, ctx, volume_id, server.id, chosen, server.availability_zone)
    server_actions.record(tx, ctx, server.id, "attach_volume")
    row = ServerVolume(
        server_id=server.id,
        volume_id=volume_id,
        project_id=server.project_id,
        device=chosen,
        boot_index=None,
        delete_on_termination=False,
        attached_at=ctx.now(),
    )
    tx.add(row)
    return row


def find(tx: Session, server: Server, volume_id: str) -> ServerVolume:
    row = tx.get(ServerVolume, (server.id, volume_id))
    if row is None:
        raise states.invalid(f"volume_id not found: {volume_id}", nova_status=404)
    return row


def detach(tx: Session, ctx: RequestContext, server: Server, volume_id: str) -> None:
    states.require(server, "detach_volume")
    row = find(tx, server, volume_id)
    if row.boot_index == 0:
        raise Forbidden(
            "Can't detach root device volume",
            codes={"huawei": states.INVALID},
            statuses={"huawei": 400},
        )
    with ecs_codes():
        attachments.detach(tx, ctx, volume_id, server.id)
    server_actions.record(tx, ctx, server.id, "detach_volume")
    tx.delete(row)


_OF_SERVER = Prepared(
    select(ServerVolume.volume_id, ServerVolume.delete_on_termination)
    .where(ServerVolume.server_id == bindparam("server_id"))
    .order_by(ServerVolume.device)
)
_FORGET_ALL = Prepared(delete(ServerVolume).where(ServerVolume.server_id == bindparam("server_id")))


def release_all(
    tx: Session, ctx: RequestContext, server: Server, *, delete_volumes: bool = False
) -> None:
    """The server goes: its volumes are detached at once, and deleted when marked
    `delete_on_termination` (or all of them, with `delete_volumes`); set-based, the session
    holds none of their rows."""
    db = tx.connection()
    rows = _OF_SERVER.all(db, {"server_id": server.id})
    if not rows:
        return
    deleted = {row.volume_id: delete_volumes or row.delete_on_termination for row in rows}
    with ecs_codes():
        attachments.release(tx, ctx, server.id, deleted)
    _FORGET_ALL.run(db, {"server_id": server.id})
