"""OBS metering: bytes stored per bucket and class over time, requests and bytes out per hour.

Stored bytes are an open usage interval per (bucket, class), closed and reopened at each change
(changed in place within the minute it opened), so GB-hours follow. Requests (by class and
kind: "write" for PUT/COPY/POST/LIST, "read" for GET/HEAD) and transfer out are counted in
hourly intervals.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from emulator import metering
from state.models import UsageInterval
from state.prepared import Prepared, connection_of

STORED = "obs.stored_bytes"
REQUESTS = "obs.requests"
TRANSFER_OUT = "obs.transfer_out_bytes"


class Metered(Protocol):
    """What metering needs of a bucket: a loaded row or its few columns."""

    @property
    def id(self) -> str: ...

    @property
    def project_id(self) -> str: ...

    @property
    def region(self) -> str: ...


def _storage_resource(bucket: Metered, storage_class: str) -> str:
    return f"{bucket.id}:{storage_class}"


def stored_changed(
    tx: Session | Connection, bucket: Metered, changes: dict[str, int], at: datetime
) -> None:
    """Apply byte deltas per class ({"STANDARD": +1024, "COLD": -10}) to the bucket's meters.

    Bills count stored time in whole minutes (`emulator.billing.months.hours_between`): an
    interval opened in the same minute as this change would be billed for nothing once closed,
    so its quantity changes in place instead (the same bill, one statement, no new row).
    """
    connection = connection_of(tx)
    minute = at.replace(second=0, microsecond=0)
    for storage_class, delta in changes.items():
        if not delta:
            continue
        resource = _storage_resource(bucket, storage_class)
        same_minute = {
            "resource": resource,
            "delta": delta,
            "since": minute,
            "until": minute + _MINUTE,
        }
        if _ADD_TO_THIS_MINUTE.run(connection, same_minute):
            continue
        found = _OPEN_QUANTITY.first(connection, {"resource": resource})
        before = None if found is None else found.quantity
        if before is not None:
            _CLOSE_OPEN.run(connection, {"resource": resource, "at": at})
        _OPEN.run(
            connection,
            {
                "project_id": bucket.project_id,
                "region": bucket.region,
                "service": "obs",
                "resource_type": "bucket",
                "resource_id": resource,
                "meter": STORED,
                "unit_class": storage_class,
                "quantity": Decimal(int(before or 0) + delta),
                "started_at": at,
                "ended_at": None,
            },
        )


def bucket_deleted(tx: Session, bucket: Metered, at: datetime) -> None:
    for storage_class in ("STANDARD", "WARM", "COLD"):
        metering.stop(tx, _storage_resource(bucket, storage_class), at=at)


def _count(
    tx: Session | Connection,
    bucket: Metered,
    meter: str,
    unit_class: str,
    amount: int,
    at: datetime,
) -> None:
    hour = at.replace(minute=0, second=0, microsecond=0)
    end = hour + timedelta(hours=1)
    connection = connection_of(tx)
    changed = _ADD_TO_COUNTER.run(
        connection,
        {
            "resource": bucket.id,
            "end": end,
            "meter_name": meter,
            "unit": unit_class,
            "amount": amount,
        },
    )
    if not changed:
        _OPEN.run(
            connection,
            {
                "project_id": bucket.project_id,
                "region": bucket.region,
                "service": "obs",
                "resource_type": "bucket",
                "resource_id": bucket.id,
                "meter": meter,
                "unit_class": unit_class,
                "quantity": Decimal(amount),
                "started_at": hour,
                "ended_at": end,
            },
        )


_table = cast(Table, UsageInterval.__table__)
_intervals = _table.c
_MINUTE = timedelta(minutes=1)
# Prebuilt once: hot paths run them with parameters instead of building them per request.
_ADD_TO_COUNTER = Prepared(
    update(_table)
    .where(
        _intervals.resource_id == bindparam("resource"),
        _intervals.ended_at == bindparam("end"),
        _intervals.meter == bindparam("meter_name"),
        _intervals.unit_class == bindparam("unit"),
    )
    .values(quantity=_intervals.quantity + bindparam("amount"))
)
_OPEN_STORED = (
    _intervals.resource_id == bindparam("resource"),
    _intervals.ended_at.is_(None),
    _intervals.meter == STORED,
)
_ADD_TO_THIS_MINUTE = Prepared(
    update(_table)
    .where(
        *_OPEN_STORED,
        _intervals.started_at >= bindparam("since"),
        _intervals.started_at < bindparam("until"),
    )
    .values(quantity=_intervals.quantity + bindparam("delta"))
)
_OPEN_QUANTITY = Prepared(select(_intervals.quantity).where(*_OPEN_STORED))
_CLOSE_OPEN = Prepared(update(_table).where(*_OPEN_STORED).values(ended_at=bindparam("at")))
_OPENED_COLUMNS = [column.name for column in _table.columns if column.name != "id"]
_OPEN = Prepared(insert(_table), _OPENED_COLUMNS)


def request(
    tx: Session | Connection, bucket: Metered, kind: str, storage_class: str, at: datetime
) -> None:
    _count(tx, bucket, REQUESTS, f"{storage_class}:{kind}", 1, at)


def transferred_out(tx: Session | Connection, bucket: Metered, size: int, at: datetime) -> None:
    if size:
        _count(tx, bucket, TRANSFER_OUT, "", size, at)
