"""OBS metering: bytes stored per bucket and class over time, requests and bytes out per hour.

Stored bytes are an open usage interval per (bucket, class), closed and reopened at each change
(`emulator.metering.change`), so GB-hours follow. Requests (by class and kind: "write" for
PUT/COPY/POST/LIST, "read" for GET/HEAD) and transfer out are counted in hourly intervals.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from apis.obs.models import Bucket
from emulator import metering
from state.models import UsageInterval

STORED = "obs.stored_bytes"
REQUESTS = "obs.requests"
TRANSFER_OUT = "obs.transfer_out_bytes"


def _storage_resource(bucket: Bucket, storage_class: str) -> str:
    return f"{bucket.id}:{storage_class}"


def stored_changed(tx: Session, bucket: Bucket, changes: dict[str, int], at: datetime) -> None:
    """Apply byte deltas per class ({"STANDARD": +1024, "COLD": -10}) to the bucket's meters."""
    for storage_class, delta in changes.items():
        if not delta:
            continue
        resource = _storage_resource(bucket, storage_class)
        current = tx.scalar(
            select(UsageInterval).where(
                UsageInterval.resource_id == resource,
                UsageInterval.ended_at.is_(None),
                UsageInterval.meter == STORED,
            )
        )
        before = 0
        if current is not None:
            current.ended_at = at
            before = int(current.quantity)
        metering.start(
            tx,
            project_id=bucket.project_id,
            region=bucket.region,
            service="obs",
            resource_type="bucket",
            resource_id=resource,
            meter=STORED,
            quantity=before + delta,
            at=at,
            unit_class=storage_class,
        )


def bucket_deleted(tx: Session, bucket: Bucket, at: datetime) -> None:
    for storage_class in ("STANDARD", "WARM", "COLD"):
        metering.stop(tx, _storage_resource(bucket, storage_class), at=at)


def _count(
    tx: Session, bucket: Bucket, meter: str, unit_class: str, amount: int, at: datetime
) -> None:
    hour = at.replace(minute=0, second=0, microsecond=0)
    end = hour + timedelta(hours=1)
    result = tx.connection().execute(
        _ADD_TO_COUNTER,
        {
            "resource": bucket.id,
            "end": end,
            "meter_name": meter,
            "unit": unit_class,
            "amount": amount,
        },
    )
    if not result.rowcount:
        tx.add(
            UsageInterval(
                project_id=bucket.project_id,
                region=bucket.region,
                service="obs",
                resource_type="bucket",
                resource_id=bucket.id,
                meter=meter,
                unit_class=unit_class,
                quantity=Decimal(amount),
                started_at=hour,
                ended_at=end,
            )
        )


_intervals = UsageInterval.__table__.c
# Prebuilt once: hot paths run it with parameters instead of building it per request.
_ADD_TO_COUNTER = (
    update(UsageInterval.__table__)
    .where(
        _intervals.resource_id == bindparam("resource"),
        _intervals.ended_at == bindparam("end"),
        _intervals.meter == bindparam("meter_name"),
        _intervals.unit_class == bindparam("unit"),
    )
    .values(quantity=_intervals.quantity + bindparam("amount"))
)


def request(tx: Session, bucket: Bucket, kind: str, storage_class: str, at: datetime) -> None:
    _count(tx, bucket, REQUESTS, f"{storage_class}:{kind}", 1, at)


def transferred_out(tx: Session, bucket: Bucket, size: int, at: datetime) -> None:
    if size:
        _count(tx, bucket, TRANSFER_OUT, "", size, at)
