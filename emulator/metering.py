"""Usage intervals: every billable state change opens or closes one.

An interval says that `quantity` of `meter` (of class `unit_class`, e.g. a volume type or a
storage class) was used by a resource from `started_at` until `ended_at` (open while running).
Billing rates them later; nothing here knows prices.
"""

from datetime import datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from state.models import UsageInterval
from state.prepared import Prepared


def start(
    tx: Session,
    *,
    project_id: str,
    region: str,
    service: str,
    resource_type: str,
    resource_id: str,
    meter: str,
    quantity: Decimal | int | float | str,
    at: datetime,
    unit_class: str = "",
) -> UsageInterval:
    interval = UsageInterval(
        project_id=project_id,
        region=region,
        service=service,
        resource_type=resource_type,
        resource_id=resource_id,
        meter=meter,
        unit_class=unit_class,
        quantity=Decimal(str(quantity)),
        started_at=at,
        ended_at=None,
    )
    tx.add(interval)
    return interval


_TABLE = cast(Table, UsageInterval.__table__)
_OPEN_OF_RESOURCE = (
    _TABLE.c.resource_id == bindparam("resource_id"),
    _TABLE.c.ended_at.is_(None),
)
_STOP = Prepared(update(_TABLE).where(*_OPEN_OF_RESOURCE).values(ended_at=bindparam("at")))
_STOP_METER = Prepared(
    update(_TABLE)
    .where(*_OPEN_OF_RESOURCE, _TABLE.c.meter == bindparam("meter"))
    .values(ended_at=bindparam("at"))
)


def stop(tx: Session, resource_id: str, *, at: datetime, meter: str | None = None) -> None:
    """Close the open intervals of a resource (all its meters, or one)."""
    # A prepared statement (an ORM one costs several times more): the session's pending
    # intervals are written first, and those it holds are told the new end.
    tx.flush()
    values = {"resource_id": resource_id, "at": at}
    if meter is None:
        _STOP.run(tx.connection(), values)
    else:
        _STOP_METER.run(tx.connection(), {**values, "meter": meter})
    for held in list(tx.identity_map.values()):
        if (
            isinstance(held, UsageInterval)
            and held.resource_id == resource_id
            and held.ended_at is None
            and meter in (None, held.meter)
        ):
            set_committed_value(held, "ended_at", at)


def change(
    tx: Session,
    resource_id: str,
    meter: str,
    *,
    at: datetime,
    quantity: Decimal | int | float | str | None = None,
    unit_class: str | None = None,
) -> UsageInterval | None:
    """Close the open interval of `meter` and open the next one with a new quantity or class."""
    current = tx.scalars(
        select(UsageInterval).where(
            UsageInterval.resource_id == resource_id,
            UsageInterval.meter == meter,
            UsageInterval.ended_at.is_(None),
        )
    ).first()
    if current is None:
        return None
    current.ended_at = at
    return start(
        tx,
        project_id=current.project_id,
        region=current.region,
        service=current.service,
        resource_type=current.resource_type,
        resource_id=resource_id,
        meter=meter,
        at=at,
        quantity=current.quantity if quantity is None else quantity,
        unit_class=current.unit_class if unit_class is None else unit_class,
    )


def intervals(
    tx: Session,
    *,
    project_ids: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[UsageInterval]:
    """Intervals that overlap [since, until), optionally of some projects only."""
    query = select(UsageInterval).order_by(UsageInterval.started_at, UsageInterval.id)
    if project_ids is not None:
        query = query.where(UsageInterval.project_id.in_(project_ids))
    if until is not None:
        query = query.where(UsageInterval.started_at < until)
    if since is not None:
        query = query.where((UsageInterval.ended_at.is_(None)) | (UsageInterval.ended_at > since))
    return list(tx.scalars(query))
