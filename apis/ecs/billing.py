"""Instance hours by flavor, and licence hours by platform for servers of a licensed image
(Windows, RedHat, SUSE): billed while running, or in every state for flavors with local disks,
until the server is deleted (one open usage interval per meter while billable)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from apis.ecs import flavors, states
from apis.ecs.disks import DiskSpec
from apis.ecs.models import Server
from apis.evs.models import Volume
from apis.ims import images
from emulator import metering
from emulator.context import RequestContext
from state.models import UsageInterval

INSTANCE_METER = "ecs.instance_hours"
LICENCE_METER = "ecs.licence_hours"


def licence_of(tx: Session, ctx: RequestContext, disks: list[DiskSpec]) -> str | None:
    """The licence (platform) of the image the system disk comes from: the image itself, or
    the one a volume was made from; None for a free image."""
    boot = next((disk for disk in disks if disk.boot), None)
    image_id = boot.image_id if boot is not None else None
    if boot is not None and boot.volume_id is not None:
        volume = tx.get(Volume, boot.volume_id)
        image_id = (volume.image_metadata or {}).get("image_id") if volume is not None else None
    image = images.lookup(ctx, image_id) if image_id else None
    return image.platform if image is not None and image.licensed else None


def billable(server: Server) -> bool:
    return flavors.get(server.flavor_id).has_local_disks or server.power_state == states.RUNNING


def _wanted(server: Server) -> dict[str, str | None]:
    """Meter -> the class it should be billed in now (None: not billed)."""
    if not billable(server):
        return {INSTANCE_METER: None, LICENCE_METER: None}
    return {INSTANCE_METER: server.flavor_id, LICENCE_METER: server.licence}


def _open(tx: Session, server: Server, meter: str) -> UsageInterval | None:
    return tx.scalars(
        select(UsageInterval).where(
            UsageInterval.resource_id == server.id,
            UsageInterval.meter == meter,
            UsageInterval.ended_at.is_(None),
        )
    ).first()


def sync(tx: Session, server: Server, now: datetime) -> None:
    """Open, close or re-class the server's intervals to match its state, flavor and image."""
    for meter, unit_class in _wanted(server).items():
        current = _open(tx, server, meter)
        if unit_class is None:
            if current is not None:
                metering.stop(tx, server.id, at=now, meter=meter)
        elif current is None:
            _start(tx, server, meter, unit_class, now)
        elif current.unit_class != unit_class:
            metering.change(tx, server.id, meter, at=now, unit_class=unit_class)


def open_new(tx: Session, server: Server, now: datetime) -> None:
    """`sync` for a server just made: it has no interval yet, so none to look up."""
    for meter, unit_class in _wanted(server).items():
        if unit_class is not None:
            _start(tx, server, meter, unit_class, now)


def _start(tx: Session, server: Server, meter: str, unit_class: str, now: datetime) -> None:
    metering.start(
        tx,
        project_id=server.project_id,
        region=server.region,
        service="ecs",
        resource_type="server",
        resource_id=server.id,
        meter=meter,
        quantity=1,
        at=now,
        unit_class=unit_class,
    )


def stop(tx: Session, server: Server, now: datetime) -> None:
    metering.stop(tx, server.id, at=now)
