"""Buckets: names unique across all tenants, owned by an account, located in one region."""

import ipaddress
import re

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from apis.obs import usage
from apis.obs.context import ObsContext
from apis.obs.errors import S3Error, access_denied, no_such_bucket
from apis.obs.models import Bucket, MultipartUpload
from emulator import ids, quotas
from emulator.errors import QuotaExceeded
from emulator.routing import RESERVED_FIRST_SEGMENTS
from state.models import Project

QUOTA_KEY = "obs_buckets"
_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


# Prebuilt once: every request runs these.
_BY_NAME = select(Bucket).where(Bucket.name == bindparam("name"))
_OWNER_BY_NAME = select(Bucket.domain_id).where(Bucket.name == bindparam("name"))


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


def create(ctx: ObsContext, name: str, region: str, storage_class: str) -> Bucket:
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
        )
        tx.add(bucket)
    return bucket


def find(tx: Session, ctx: ObsContext, name: str) -> Bucket:
    """The caller's bucket; another account's is AccessDenied, as S3 answers."""
    bucket = tx.scalar(_BY_NAME, {"name": name})
    if bucket is None:
        raise no_such_bucket(name)
    if bucket.domain_id != ctx.caller.domain_id:
        raise access_denied()
    return bucket


def owner_of(tx: Session, name: str) -> str | None:
    """The account owning the bucket of that name, if there is one."""
    return tx.scalar(_OWNER_BY_NAME, {"name": name})


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


def get(ctx: ObsContext, name: str) -> Bucket:
    with ctx.transaction() as tx:
        return find(tx, ctx, name)
