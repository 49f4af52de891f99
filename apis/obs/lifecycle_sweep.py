"""Lifecycle rules applied on the virtual clock.

A bucket with rules has one pending `obs.lifecycle` transition, due at the next midnight UTC;
its handler applies the rules as of that midnight and schedules the next one, so advancing the
clock by a month sweeps the bucket day by day, and the meters change class on the right day.
As in S3, an action of N days is due at the first midnight after the object's time + N days.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from apis.obs import lifecycle_rules, multipart, objects, usage
from apis.obs.documents import Document, not_configured
from apis.obs.models import Bucket, MultipartUpload, ObjectVersion
from emulator import lifecycle
from state.models import Transition

KIND = "obs.lifecycle"
DAY = timedelta(days=1)


def _next_midnight(moment: datetime) -> datetime:
    midnight = moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight if midnight == moment else midnight + DAY


def _due(since: datetime, days: int) -> datetime:
    return _next_midnight(since + timedelta(days=days))


def _schedule(tx: Session, bucket: Bucket, now: datetime) -> None:
    lifecycle.schedule(
        tx,
        service="obs",
        kind=KIND,
        resource_id=bucket.id,
        target="sweep",
        now=now,
        after=(_next_midnight(now + timedelta(microseconds=1)) - now).total_seconds(),
    )


def rules_changed(tx: Session, bucket: Bucket, now: datetime) -> None:
    """After a PUT or DELETE of the rules: one sweep pending while there are rules."""
    lifecycle.cancel(tx, KIND, bucket.id)
    if bucket.lifecycle:
        _schedule(tx, bucket, now)


@lifecycle.handles(KIND)
def sweep(tx: Session, transition: Transition, _now: datetime) -> None:
    bucket = tx.get(Bucket, transition.resource_id)
    if bucket is None or not bucket.lifecycle:
        return
    at = transition.due_at
    rules = [rule for rule in bucket.lifecycle if rule["enabled"]]
    _expire_uploads(tx, bucket, rules, at)
    versions: dict[str, list[ObjectVersion]] = {}
    query = select(ObjectVersion).where(ObjectVersion.bucket_id == bucket.id)
    for row in tx.scalars(query.order_by(ObjectVersion.key, ObjectVersion.id.desc())):
        versions.setdefault(row.key, []).append(row)
    for key, rows in versions.items():
        latest = rows[0]
        chosen = [rule for rule in rules if lifecycle_rules.selects(rule, key, latest.tags)]
        if chosen:
            _apply(tx, bucket, chosen, rows, at)
    _schedule(tx, bucket, at)


def _expire_uploads(tx: Session, bucket: Bucket, rules: list[dict[str, Any]], at: datetime) -> None:
    uploads = tx.scalars(select(MultipartUpload).where(MultipartUpload.bucket_id == bucket.id))
    for upload in list(uploads):
        for rule in rules:
            days = rule["abort_days"]
            if (
                days
                and lifecycle_rules.selects(rule, upload.key, {})
                and _due(upload.initiated_at, days) <= at
            ):
                multipart.drop(tx, upload)
                break


def _apply(
    tx: Session,
    bucket: Bucket,
    rules: list[dict[str, Any]],
    rows: list[ObjectVersion],
    at: datetime,
) -> None:
    """The rules' actions on one key's versions (newest first), as of `at`."""
    latest = rows[0]
    kept = 0  # noncurrent versions left
    days = min((r["noncurrent_days"] for r in rules if r["noncurrent_days"]), default=None)
    for newer, row in zip(rows, rows[1:], strict=False):
        if days and _due(newer.last_modified, days) <= at:
            objects.delete_one(tx, bucket, row.key, row.version_id, at, bucket.domain_id)
        else:
            kept += 1
    if latest.delete_marker and latest.is_latest and not kept:
        if any(rule.get("expired_delete_marker") for rule in rules):  # the marker expires too
            objects.delete_one(tx, bucket, latest.key, latest.version_id, at, bucket.domain_id)
        return
    if latest.delete_marker or not latest.is_latest:
        return
    if any(_expired(rule, latest, at) for rule in rules):
        objects.delete_one(tx, bucket, latest.key, None, at, bucket.domain_id)
        return
    targets = [
        transition["class"]
        for rule in rules
        for transition in rule["transitions"]
        if _due(latest.last_modified, transition["days"]) <= at
    ]
    order = lifecycle_rules.CLASS_ORDER
    target = max(targets, key=order.index, default=latest.storage_class)
    if order.index(target) > order.index(latest.storage_class):
        _transition(tx, bucket, latest, target, at)


def _expired(rule: dict[str, Any], row: ObjectVersion, at: datetime) -> bool:
    if rule["expiration_days"] is not None:
        return _due(row.last_modified, rule["expiration_days"]) <= at
    if rule["expiration_date"] is not None:
        return datetime.fromisoformat(rule["expiration_date"]) <= at
    return False


def _transition(tx: Session, bucket: Bucket, row: ObjectVersion, target: str, at: datetime) -> None:
    usage.stored_changed(tx, bucket, {row.storage_class: -row.size, target: row.size}, at)
    row.storage_class = target
    row.restore_ready_at = row.restore_expires_at = None


BUCKET_DOCUMENT = Document(
    "lifecycle",
    lifecycle_rules.parse,
    lambda rules, _bucket, wire: lifecycle_rules.document(rules, wire),
    not_configured("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"),
    empty=[],
    stored=rules_changed,
)
