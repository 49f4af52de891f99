"""Buckets: names unique across all tenants, owned by an account, located in one region."""

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from apis.obs import usage
from apis.obs.context import ObsContext
from apis.obs.errors import S3Error, access_denied, no_such_bucket
from apis.obs.models import Bucket, MultipartUpload
from emulator import ids, quotas
from emulator.errors import QuotaExceeded
from emulator.routing import RESERVED_FIRST_SEGMENTS
from state.models import Project
from state.prepared import Prepared

QUOTA_KEY = "obs_buckets"
_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


# Prebuilt once: every request runs these.
_BY_NAME = select(Bucket).where(Bucket.name == bindparam("name"))
_LOCATED = select(Bucket.id, Bucket.name, Bucket.domain_id, Bucket.project_id, Bucket.region).where(
    Bucket.name == bindparam("name")
)
_TARGET = Prepared(
    select(
        Bucket.id,
        Bucket.name,
        Bucket.domain_id,
        Bucket.project_id,
        Bucket.region,
        Bucket.storage_class,
        Bucket.versioning,
        Bucket.quota_bytes,
        Bucket.bytes_used,
        Bucket.object_count,
    ).where(Bucket.name == bindparam("name"))
)
_CORS_BY_NAME = select(Bucket.cors).where(Bucket.name == bindparam("name"))


def check_name(name: str) -> None:
    valid = (
        bool(_NAME.match(name))
        and ".." not in name
        and ".-" not in name
        and "-." not in name
        and name not in RESERVED_FIRST_SEGMENTS
    )
    if valid:
        try:
            ipaddress.IPv4Address(name)
            valid = False
        except ValueError:
            pass
    if not valid:
        raise S3Error(
            "InvalidBucketName", "The specified bucket is not valid.", 400, BucketName=name
        )


def region_project(tx: Session, domain_id: str, region: str) -> Project:
    project = tx.scalar(
        select(Project).where(Project.domain_id == domain_id, Project.name == region)
    )
    if project is None:
        raise S3Error(
            "InvalidLocationConstraint",
            "The specified location-constraint is not valid",
            400,
            LocationConstraint=region,
        )
    return project


def create(
    ctx: ObsContext, name: str, region: str, storage_class: str, grants: list[dict[str, str]]
) -> Bucket:
    check_name(name)
    caller = ctx.caller
    with ctx.transaction() as tx:
        existing = tx.scalar(select(Bucket).where(Bucket.name == name))
        if existing is not None:
            if existing.domain_id == caller.domain_id:
                raise S3Error(
                    "BucketAlreadyOwnedByYou",
                    "Your previous request to create the "
                    "named bucket succeeded and you already own it.",
                    409,
                    BucketName=name,
                )
            raise S3Error(
                "BucketAlreadyExists",
                "The requested bucket name is not available. "
                "The bucket namespace is shared by all users of the system. Please "
                "select a different name and try again.",
                409,
                BucketName=name,
            )
        project = region_project(tx, caller.domain_id, region)
        try:
            quotas.consume(tx, caller.domain_id, {QUOTA_KEY: 1})
        except QuotaExceeded:
            raise S3Error(
                "TooManyBuckets", "You have attempted to create more buckets than allowed", 400
            ) from None
        bucket = Bucket(
            id=ids.hex_id(),
            name=name,
            domain_id=caller.domain_id,
            project_id=project.id,
            region=region,
            owner_id=caller.domain_id,
            storage_class=storage_class,
            created_at=ctx.now(),
            grants=grants,
        )
        tx.add(bucket)
    return bucket


def find(tx: Session, ctx: ObsContext, name: str) -> Bucket:
    """A bucket the request was authorized on, or one of the caller's; another account's is
    AccessDenied, as S3 answers."""
    bucket = tx.scalar(_BY_NAME, {"name": name})
    if bucket is None:
        raise no_such_bucket(name)
    _check_owner(ctx, name, bucket.domain_id)
    return bucket


@dataclass
class Target:
    """What a write of an object needs of its bucket, read without loading the bucket."""

    id: str
    name: str
    domain_id: str
    project_id: str
    region: str
    storage_class: str
    versioning: str
    quota_bytes: int
    bytes_used: int
    object_count: int


def target(tx: Connection, ctx: ObsContext, name: str) -> Target:
    """As `find`, for a write of an object on a plain connection."""
    found = _TARGET.first(tx, {"name": name})
    if found is None:
        raise no_such_bucket(name)
    _check_owner(ctx, name, found.domain_id)
    return Target(*found)


@dataclass(frozen=True)
class Located:
    """Where a bucket is and whose it is: what reads of its objects need."""

    id: str
    name: str
    domain_id: str
    project_id: str
    region: str


def located(tx: Session, ctx: ObsContext, name: str) -> Located:
    """As `find`, without loading the bucket's configuration."""
    found = tx.connection().execute(_LOCATED, {"name": name}).first()
    return checked(ctx, name, None if found is None else Located(*found))


def checked(ctx: ObsContext, name: str, found: Located | None) -> Located:
    """The bucket found by that name, if the request may use it (as `find` decides)."""
    if found is None:
        raise no_such_bucket(name)
    _check_owner(ctx, name, found.domain_id)
    return found


def _check_owner(ctx: ObsContext, name: str, owner: str) -> None:
    if owner != ctx.caller.domain_id and name not in ctx.authorized_buckets:
        raise access_denied()


def cors_rules(tx: Session, name: str) -> list[Any] | None:
    """The CORS rules of a bucket ([] if it has none), None if there is no such bucket."""
    found = tx.execute(_CORS_BY_NAME, {"name": name}).first()
    return None if found is None else list(found[0])


def owned(ctx: ObsContext) -> list[Bucket]:
    with ctx.transaction() as tx:
        return list(
            tx.scalars(
                select(Bucket).where(Bucket.domain_id == ctx.caller.domain_id).order_by(Bucket.name)
            )
        )


def delete(ctx: ObsContext, name: str) -> None:
    with ctx.transaction() as tx:
        bucket = find(tx, ctx, name)
        busy = bucket.object_count > 0 or tx.scalar(
            select(MultipartUpload.id).where(MultipartUpload.bucket_id == bucket.id).limit(1)
        )
        if busy:
            raise S3Error(
                "BucketNotEmpty",
                "The bucket you tried to delete is not empty",
                409,
                BucketName=name,
            )
        usage.bucket_deleted(tx, bucket, ctx.now())
        quotas.release(tx, bucket.domain_id, {QUOTA_KEY: 1})
        tx.delete(bucket)


def set_quota(ctx: ObsContext, name: str, quota_bytes: int) -> None:
    with ctx.transaction() as tx:
        find(tx, ctx, name).quota_bytes = quota_bytes


def set_default_class(ctx: ObsContext, name: str, storage_class: str) -> None:
    with ctx.transaction() as tx:
        find(tx, ctx, name).storage_class = storage_class


def set_versioning(ctx: ObsContext, name: str, status: str) -> None:
    with ctx.transaction() as tx:
        find(tx, ctx, name).versioning = status


def configure(
    ctx: ObsContext,
    name: str,
    column: str,
    value: object,
    stored: Callable[[Session, Bucket, datetime], None] | None = None,
) -> None:
    """Store one configuration document of the bucket (tags, grants, policy, cors ...), then
    let `stored` follow the change in the same transaction."""
    with ctx.transaction() as tx:
        bucket = find(tx, ctx, name)
        setattr(bucket, column, value)
        if stored is not None:
            stored(tx, bucket, ctx.now())


def get(ctx: ObsContext, name: str) -> Bucket:
    with ctx.transaction() as tx:
        return find(tx, ctx, name)
