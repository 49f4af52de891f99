"""Instance hours by flavor: billed while running, or in every state for flavors with local
disks, until the server is deleted (one open usage interval while billable)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from apis.ecs import flavors, states
from apis.ecs.models import Server
from emulator import metering
from state.models import UsageInterval

METER = "ecs.instance_hours"


def billable(server: Server) -> bool:
    return flavors.get(server.flavor_id).has_local_disks or server.power_state == states.RUNNING


def _open(tx: Session, server: Server) -> UsageInterval | None:
    return tx.scalars(
        select(UsageInterval).where(
            UsageInterval.resource_id == server.id,
            UsageInterval.meter == METER,
            UsageInterval.ended_at.is_(None),
        )
    ).first()


def sync(tx: Session, server: Server, now: datetime) -> None:
    """Open, close or re-class the server's interval to match its state and flavor."""
    current = _open(tx, server)
    if not billable(server):
        if current is not None:
            metering.stop(tx, server.id, at=now, meter=METER)
    elif current is None:
        metering.start(
            tx,
            project_id=server.project_id,
            region=server.region,
            service="ecs",
            resource_type="server",
            resource_id=server.id,
            meter=METER,
            quantity=1,
            at=now,
            unit_class=server.flavor_id,
        )
    elif current.unit_class != server.flavor_id:
        metering.change(tx, server.id, METER, at=now, unit_class=server.flavor_id)


def stop(tx: Session, server: Server, now: datetime) -> None:
    metering.stop(tx, server.id, at=now, meter=METER)
