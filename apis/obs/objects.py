"""Objects: write (put, copy, append), read (get, head), delete, restore from COLD."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple, TypeVar, cast

from sqlalchemy import Connection, Table, and_, bindparam, insert, select, update
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from apis.obs import buckets, usage
from apis.obs.context import ObsContext, note_released
from apis.obs.errors import S3Error, no_such_key, precondition_failed
from apis.obs.models import NULL_VERSION, AnyVersion, Bucket, ObjectVersion, Version
from emulator import ids
from state import blobs
from state.blobs import Blob
from state.prepared import Prepared, connection_of

T = TypeVar("T")
V = TypeVar("V", ObjectVersion, Version)
CONTENT_HEADERS = (
    "content-type",
    "content-encoding",
    "content-disposition",
    "cache-control",
    "expires",
    "content-language",
)
DEFAULT_CONTENT_TYPE = "binary/octet-stream"
# x-amz-/x-obs-website-redirect-location, kept with the content headers under this name (the
# website endpoint, not emulated, would redirect to it).
WEBSITE_REDIRECT = "website-redirect-location"


@dataclass
class NewObject:
    """What a write decided about the object, before it is stored."""

    storage_class: str | None  # None: the bucket's default
    content_headers: dict[str, str]
    user_metadata: dict[str, str]
    checksums: dict[str, str]
    tags: dict[str, str] = field(default_factory=dict)
    grants: list[dict[str, str]] = field(default_factory=list)


_LATEST = select(ObjectVersion).where(
    ObjectVersion.bucket_id == bindparam("bucket"),
    ObjectVersion.key == bindparam("key"),
    ObjectVersion.is_latest.is_(True),
)
_VERSION = select(ObjectVersion).where(
    ObjectVersion.bucket_id == bindparam("bucket"),
    ObjectVersion.key == bindparam("key"),
    ObjectVersion.version_id == bindparam("version"),
)
_NEWEST_LEFT = (
    select(ObjectVersion)
    .where(ObjectVersion.bucket_id == bindparam("bucket"), ObjectVersion.key == bindparam("key"))
    .order_by(ObjectVersion.id.desc())
    .limit(1)
)


_versions = cast(Table, ObjectVersion.__table__)
_buckets = cast(Table, Bucket.__table__)
# Writes of the hot path as prebuilt Core statements: no unit of work to flush.
_VERSION_COLUMNS = tuple(column.name for column in _versions.columns if column.name != "id")
_INSERT_VERSION = Prepared(insert(_versions), list(_VERSION_COLUMNS))
_ADD_TO_COUNTERS = Prepared(
    update(_buckets)
    .where(_buckets.c.id == bindparam("bucket"))
    .values(
        bytes_used=_buckets.c.bytes_used + bindparam("size"),
        object_count=_buckets.c.object_count + bindparam("count"),
    )
)

# A GET or HEAD: the bucket's location and the object's version in one statement.
_LOCATED_AS = {"id": "located_id", "name": "located_name", "domain_id": "located_domain_id"}
_LOCATED_AS |= {"project_id": "located_project_id", "region": "located_region"}
_READ = select(
    *(_buckets.c[name].label(label) for name, label in _LOCATED_AS.items()), _versions
).where(_buckets.c.name == bindparam("name"))
_SAME_KEY = and_(_versions.c.bucket_id == _buckets.c.id, _versions.c.key == bindparam("key"))
_READ_LATEST = Prepared(
    _READ.select_from(
        _buckets.outerjoin(_versions, and_(_SAME_KEY, _versions.c.is_latest.is_(True)))
    )
)
_READ_VERSION = Prepared(
    _READ.select_from(
        _buckets.outerjoin(
            _versions, and_(_SAME_KEY, _versions.c.version_id == bindparam("version"))
        )
    )
)
# The versions a write may replace: the latest, and the `null` one (often the same row).
_LATEST_ETAG = Prepared(
    select(_versions.c.etag, _versions.c.delete_marker).where(
        _versions.c.bucket_id == bindparam("bucket"),
        _versions.c.key == bindparam("key"),
        _versions.c.is_latest.is_(True),
    )
)
_LATEST_OR_NULL = Prepared(
    select(
        _versions.c.id,
        _versions.c.version_id,
        _versions.c.is_latest,
        _versions.c.delete_marker,
        _versions.c.blob,
        _versions.c.size,
        _versions.c.storage_class,
    ).where(
        _versions.c.bucket_id == bindparam("bucket"),
        _versions.c.key == bindparam("key"),
        _versions.c.is_latest.is_(True) | (_versions.c.version_id == NULL_VERSION),
    )
)
_NO_LONGER_LATEST = Prepared(
    update(_versions).where(_versions.c.id == bindparam("row")).values(is_latest=False)
)
_DELETE_VERSION = Prepared(sql_delete(_versions).where(_versions.c.id == bindparam("row")))
# Every version of some keys deleted, what they held returned (blob "" for a marker).
_DELETE_KEYS = Prepared(
    sql_delete(_versions)
    .where(
        _versions.c.bucket_id == bindparam("bucket"),
        _versions.c.key.in_(bindparam("keys", expanding=True)),
    )
    .returning(_versions.c.blob, _versions.c.size, _versions.c.storage_class)
)


# A bucket an object is written into: loaded (in a session) or its columns (`buckets.target`).
Writable = Bucket | buckets.Target


@dataclass(frozen=True)
class Deleted:
    """What a DELETE did: the version it removed or wrote, and whether that is a marker."""

    version_id: str | None
    delete_marker: bool


def latest(tx: Session, bucket: Bucket, key: str) -> ObjectVersion | None:
    return tx.scalar(_LATEST, {"bucket": bucket.id, "key": key})


def _version(tx: Session, bucket: Bucket, key: str, version_id: str) -> ObjectVersion | None:
    return tx.scalar(_VERSION, {"bucket": bucket.id, "key": key, "version": version_id})


def _overwritten(tx: Session | Connection, bucket: Writable, key: str) -> Any:
    """The version a new write replaces (its id, blob, size, class): the `null` one, unless
    versioning is enabled; the latest version stops being the latest either way."""
    if isinstance(tx, Session):
        tx.flush()  # what the session still holds to write goes first: the rows go below it
    connection = connection_of(tx)
    found = _LATEST_OR_NULL.all(connection, {"bucket": bucket.id, "key": key})
    latest = next((row for row in found if row.is_latest), None)
    replaced = None
    if bucket.versioning != "Enabled":
        replaced = next((row for row in found if row.version_id == NULL_VERSION), None)
    if latest is not None and latest is not replaced:
        _NO_LONGER_LATEST.run(connection, {"row": latest.id})
    return replaced


def _new_version_id(bucket: Writable) -> str:
    return ids.hex_id() if bucket.versioning == "Enabled" else NULL_VERSION


def _drop(tx: Session | Connection, bucket: Writable, row: Any, changes: dict[str, int]) -> None:
    """Remove one version (a loaded row or its columns): its blob reference, the bucket's
    counters, the size it metered."""
    if not row.delete_marker:
        note_released(tx, blobs.release(tx, [row.blob]))
        changes[row.storage_class] = changes.get(row.storage_class, 0) - row.size
    _count(tx, bucket, -row.size, -1)
    _DELETE_VERSION.run(connection_of(tx), {"row": row.id})
    if isinstance(tx, Session):  # a loaded copy leaves the session: SQLite may reuse its id
        loaded = tx.identity_map.get(tx.identity_key(ObjectVersion, row.id))
        if loaded is not None:
            tx.expunge(loaded)


def _count(tx: Session | Connection, bucket: Writable, size: int, count: int) -> None:
    """Add to the bucket's byte and object counters, in the database (one statement, right
    even if another request changed them) and in memory (a loaded row is not marked dirty)."""
    _ADD_TO_COUNTERS.run(connection_of(tx), {"bucket": bucket.id, "size": size, "count": count})
    if isinstance(bucket, Bucket):
        set_committed_value(bucket, "bytes_used", bucket.bytes_used + size)
        set_committed_value(bucket, "object_count", bucket.object_count + count)
    else:
        bucket.bytes_used += size
        bucket.object_count += count


def _check_quota(bucket: Writable, growth: int) -> None:
    if bucket.quota_bytes and bucket.bytes_used + growth > bucket.quota_bytes:
        raise S3Error(
            "InsufficientStorageSpace",
            "Insufficient storage space: the bucket's quota would be exceeded.",
            403,
            BucketName=bucket.name,
        )


def store(
    tx: Session,
    ctx: ObsContext,
    bucket: Writable,
    key: str,
    blob: Blob | str,
    size: int,
    etag: str,
    spec: NewObject,
    parts: int = 0,
    appendable: bool = False,
) -> ObjectVersion:
    """As `write`, in a session: the new version as a (transient) `ObjectVersion`."""
    written = write(tx, ctx, bucket, key, blob, size, etag, spec, parts, appendable)
    return ObjectVersion(**written._asdict())


def write(
    tx: Session | Connection,
    ctx: ObsContext,
    bucket: Writable,
    key: str,
    blob: Blob | str,
    size: int,
    etag: str,
    spec: NewObject,
    parts: int = 0,
    appendable: bool = False,
) -> Version:
    """Make `key` point at `blob`, replacing what it held: counters, quota and meters follow."""
    now = ctx.now()
    storage_class = spec.storage_class or bucket.storage_class
    replaced = _overwritten(tx, bucket, key)
    _check_quota(bucket, size - (replaced.size if replaced else 0))
    changes = {storage_class: size}
    blobs.retain(tx, blob)  # before the replaced version lets go of it (a copy onto itself)
    if replaced is not None:
        _drop(tx, bucket, replaced, changes)
    row = Version(
        id=None,
        bucket_id=bucket.id,
        project_id=bucket.project_id,
        key=key,
        version_id=_new_version_id(bucket),
        is_latest=True,
        delete_marker=False,
        owner_id=ctx.caller.domain_id,
        blob=blob if isinstance(blob, str) else blob.digest,
        size=size,
        etag=etag,
        storage_class=storage_class,
        content_headers=spec.content_headers,
        user_metadata=spec.user_metadata,
        checksums=spec.checksums,
        parts=parts,
        appendable=appendable,
        last_modified=now,
        restore_ready_at=None,
        restore_expires_at=None,
        tags=spec.tags,
        grants=spec.grants,
    )
    _INSERT_VERSION.run(connection_of(tx), row._asdict())
    _count(tx, bucket, size, 1)
    usage.stored_changed(tx, bucket, changes, now)
    usage.request(tx, bucket, "write", storage_class, now)
    return row


def put(
    ctx: ObsContext,
    bucket_name: str,
    key: str,
    blob: Blob,
    spec: NewObject,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> Version:
    try:
        with ctx.statements() as tx:
            bucket = buckets.target(tx, ctx, bucket_name)
            if if_match is not None or if_none_match is not None:
                _check_write_conditions(tx, bucket, key, if_match, if_none_match)
            return write(tx, ctx, bucket, key, blob, blob.size, f'"{blob.md5}"', spec)
    except Exception:
        ctx.forget_blobs([blob.digest])
        raise


def _check_write_conditions(
    tx: Connection, bucket: Writable, key: str, if_match: str | None, if_none_match: str | None
) -> None:
    """S3's conditional writes: `If-None-Match: *` writes only a key that holds no object,
    `If-Match: <etag>` only over that object (NoSuchKey when there is none)."""
    found = _LATEST_ETAG.first(tx, {"bucket": bucket.id, "key": key})
    etag = None if found is None or found.delete_marker else found.etag.strip('"')

    def listed(header: str) -> set[str]:
        return {tag.strip().strip('"') for tag in header.split(",")}

    if if_none_match is not None and etag is not None and {"*", etag} & listed(if_none_match):
        raise precondition_failed("If-None-Match")
    if if_match is not None:
        if etag is None:
            raise no_such_key(key)
        if not {"*", etag} & listed(if_match):
            raise precondition_failed("If-Match")


def find(tx: Session, bucket: Bucket, key: str, version_id: str | None = None) -> ObjectVersion:
    """The latest version of `key`, or the version asked for; delete markers are not objects."""
    row = latest(tx, bucket, key) if version_id is None else _version(tx, bucket, key, version_id)
    return _an_object(row, key, version_id)


def _read_only(
    tx: Connection, ctx: ObsContext, bucket_name: str, key: str, version_id: str | None
) -> tuple[buckets.Located, Version]:
    """As `buckets.located` then `find`, in one statement, the version read as its columns."""
    if version_id is None:
        found = _READ_LATEST.first(tx, {"name": bucket_name, "key": key})
    else:
        found = _READ_VERSION.first(tx, {"name": bucket_name, "key": key, "version": version_id})
    located = None
    row = None
    if found is not None:
        located = buckets.Located(*found[: len(_LOCATED_AS)])
        if found.id is not None:
            row = Version._make(found[len(_LOCATED_AS) :])
    return buckets.checked(ctx, bucket_name, located), _an_object(row, key, version_id)


def _an_object(row: V | None, key: str, version_id: str | None) -> V:
    if row is None:
        raise no_such_key(key) if version_id is None else no_such_version(key, version_id)
    if row.delete_marker:
        error = (
            no_such_key(key)
            if version_id is None
            else S3Error(
                "MethodNotAllowed",
                "The specified method is not allowed against this resource.",
                405,
            )
        )
        error.headers.update({"x-amz-delete-marker": "true", "x-amz-version-id": row.version_id})
        raise error
    return row


def describe(ctx: ObsContext, bucket_name: str, key: str, version_id: str | None) -> ObjectVersion:
    with ctx.transaction() as tx:
        return find(tx, buckets.find(tx, ctx, bucket_name), key, version_id)


def annotate(
    ctx: ObsContext, bucket_name: str, key: str, version_id: str | None, **changes: Any
) -> ObjectVersion:
    """Change what describes a version without rewriting it: its tags or its grants."""
    with ctx.transaction() as tx:
        row = find(tx, buckets.find(tx, ctx, bucket_name), key, version_id)
        for column, value in changes.items():
            setattr(row, column, value)
        return row


def set_metadata(
    ctx: ObsContext,
    bucket_name: str,
    key: str,
    version_id: str | None,
    replace: bool,
    spec: NewObject,
) -> ObjectVersion:
    """OBS's PUT ?metadata: change a version's metadata in place (its body and version stay).

    REPLACE (`replace`) keeps only the headers and metadata the request names; REPLACE_NEW
    sets those and keeps the others. Both keep the storage class unless the request names one.
    """
    with ctx.transaction() as tx:
        bucket = buckets.find(tx, ctx, bucket_name)
        row = find(tx, bucket, key, version_id)
        if replace:
            row.content_headers = spec.content_headers
            row.user_metadata = spec.user_metadata
        else:
            row.content_headers = {**row.content_headers, **spec.content_headers}
            row.user_metadata = {**row.user_metadata, **spec.user_metadata}
        if spec.storage_class not in (None, row.storage_class):
            changes = {row.storage_class: -row.size, spec.storage_class: row.size}
            usage.stored_changed(tx, bucket, changes, ctx.now())
            row.storage_class = spec.storage_class
        return row


def no_such_version(key: str, version_id: str) -> S3Error:
    return S3Error(
        "NoSuchVersion",
        "The specified version does not exist.",
        404,
        Key=key,
        VersionId=version_id,
    )


def readable(row: AnyVersion, now: datetime) -> bool:
    """COLD objects are read only while a completed restore lasts."""
    if row.storage_class != "COLD":
        return True
    return (
        row.restore_ready_at is not None
        and row.restore_ready_at <= now
        and row.restore_expires_at is not None
        and now < row.restore_expires_at
    )


def invalid_state(row: AnyVersion) -> S3Error:
    return S3Error(
        "InvalidObjectState",
        "The operation is not valid for the object's storage class",
        403,
        StorageClass=row.storage_class,
    )


def read(
    ctx: ObsContext,
    bucket_name: str,
    key: str,
    version_id: str | None,
    plan: Callable[[Version], tuple[T, int]],
) -> T:
    """The object for a GET or HEAD: `plan(row)` decides the answer and how many bytes it
    sends; the read request and those bytes are metered in the same transaction (of Core
    statements only)."""
    with ctx.reading() as tx:
        bucket, row = _read_only(tx, ctx, bucket_name, key, version_id)
        now = ctx.now()
        usage.request(tx, bucket, "read", row.storage_class, now)
        answer, sent = plan(row)
        usage.transferred_out(tx, bucket, sent, now)
        return answer


def delete(ctx: ObsContext, bucket_name: str, key: str, version_id: str | None) -> Deleted:
    with ctx.transaction() as tx:
        bucket = buckets.find(tx, ctx, bucket_name)
        return delete_one(tx, bucket, key, version_id, ctx.now(), ctx.caller.domain_id)


def delete_one(
    tx: Session,
    bucket: Bucket,
    key: str,
    version_id: str | None,
    now: datetime,
    owner_id: str,
) -> Deleted:
    """Delete a version, or (no version id, versioned bucket) hide the key behind a marker
    owned by `owner_id`."""
    if version_id is None and not bucket.versioning:
        remove(tx, bucket, [key], now)
        return Deleted(None, False)
    usage.request(tx, bucket, "write", "STANDARD", now)
    changes: dict[str, int] = {}
    if version_id is None:
        replaced = _overwritten(tx, bucket, key)
        if replaced is not None:
            _drop(tx, bucket, replaced, changes)
        marker = _delete_marker(tx, bucket, key, now, owner_id)
        tx.add(marker)
        usage.stored_changed(tx, bucket, changes, now)
        return Deleted(marker.version_id, True)
    row = _version(tx, bucket, key, version_id)
    if row is None:
        return Deleted(version_id, False)
    _drop(tx, bucket, row, changes)
    if row.is_latest:
        newest = tx.scalar(_NEWEST_LEFT, {"bucket": bucket.id, "key": key})
        if newest is not None:
            newest.is_latest = True
    usage.stored_changed(tx, bucket, changes, now)
    return Deleted(version_id, row.delete_marker)


def _delete_marker(
    tx: Session, bucket: Bucket, key: str, now: datetime, owner_id: str
) -> ObjectVersion:
    _count(tx, bucket, 0, 1)
    return ObjectVersion(
        bucket_id=bucket.id,
        project_id=bucket.project_id,
        key=key,
        version_id=_new_version_id(bucket),
        is_latest=True,
        delete_marker=True,
        owner_id=owner_id,
        blob="",
        size=0,
        etag="",
        storage_class="STANDARD",
        content_headers={},
        user_metadata={},
        checksums={},
        last_modified=now,
        restore_ready_at=None,
        restore_expires_at=None,
    )


def remove_unversioned(ctx: ObsContext, bucket_name: str, keys: list[str]) -> bool:
    """As `remove`, on a plain connection, in a bucket without versioning; False (nothing
    done) if the bucket has versioning, where a delete writes markers."""
    with ctx.statements() as tx:
        bucket = buckets.target(tx, ctx, bucket_name)
        if bucket.versioning:
            return False
        remove(tx, bucket, keys, ctx.now())
        return True


def remove(tx: Session | Connection, bucket: Writable, keys: list[str], now: datetime) -> None:
    """Delete every version of these keys (missing ones are fine, as in S3), in few queries."""
    if isinstance(tx, Session):
        tx.flush()  # what the session still holds to write goes first: the rows go below it
    connection = connection_of(tx)
    rows: list[Any] = []
    for start in range(0, len(keys), 500):
        batch = keys[start : start + 500]
        rows += _DELETE_KEYS.all(connection, {"bucket": bucket.id, "keys": batch})
    usage.request(tx, bucket, "write", "STANDARD", now)
    if not rows:
        return
    changes: dict[str, int] = {}
    held = []
    for blob, size, storage_class in rows:
        if blob:  # not a delete marker
            held.append(blob)
            changes[storage_class] = changes.get(storage_class, 0) - size
    note_released(tx, blobs.release(tx, held))
    _count(tx, bucket, -sum(row.size for row in rows), -len(rows))
    usage.stored_changed(tx, bucket, changes, now)


class Source(NamedTuple):
    """The object a copy reads: the latest version of the key, or the version asked for."""

    bucket: str
    key: str
    version_id: str | None


def copy(
    ctx: ObsContext,
    copied: Source,
    bucket_name: str,
    key: str,
    replacement: NewObject | None,
    storage_class: str | None,
    tags: dict[str, str] | None,
    grants: list[dict[str, str]],
    check: Any,
) -> ObjectVersion:
    """Copy an object, sharing its blob: its metadata, or `replacement` (directive REPLACE).

    `check(row)` raises if the copy conditions (x-amz-copy-source-if-*) do not hold. As in S3,
    the copy takes the class asked for, else the bucket's default, the source's tags unless
    `tags` replaces them (x-amz-tagging-directive REPLACE), and the ACL the copy request asks
    for (`grants`), never the source's.
    """
    with ctx.transaction() as tx:
        source = find(tx, buckets.find(tx, ctx, copied.bucket), copied.key, copied.version_id)
        check(source)
        if not readable(source, ctx.now()):
            raise invalid_state(source)
        bucket = buckets.find(tx, ctx, bucket_name)
        unchanged = replacement is None and storage_class in (None, source.storage_class)
        if unchanged and source.bucket_id == bucket.id and source.key == key:
            raise S3Error(
                "InvalidRequest",
                "This copy request is illegal because it is trying "
                "to copy an object to itself without changing the object's metadata, "
                "storage class, website redirect location or encryption attributes.",
            )
        # As S3 documents it, the website redirect is not copied with the other metadata.
        content = {k: v for k, v in source.content_headers.items() if k != WEBSITE_REDIRECT}
        spec = replacement or NewObject(
            None, content, dict(source.user_metadata), dict(source.checksums)
        )
        spec.storage_class = storage_class
        spec.tags = dict(source.tags) if tags is None else tags
        spec.grants = grants
        return store(
            tx, ctx, bucket, key, source.blob, source.size, source.etag, spec, parts=source.parts
        )


def restore(
    ctx: ObsContext, bucket_name: str, key: str, version_id: str | None, days: int, tier: str
) -> int:
    """Start (202) or extend (200) a restore of a COLD object (the latest version, or the one
    asked for); done on the virtual clock after the tier's delay (`obs_restore_<tier>`)."""
    now = ctx.now()
    with ctx.transaction() as tx:
        bucket = buckets.find(tx, ctx, bucket_name)
        row = find(tx, bucket, key, version_id)
        if row.storage_class != "COLD":
            raise invalid_state(row)
        usage.request(tx, bucket, "write", row.storage_class, now)
        if row.restore_ready_at is not None and row.restore_ready_at > now:
            raise S3Error("RestoreAlreadyInProgress", "Object restore is already in progress", 409)
        if readable(row, now):
            row.restore_expires_at = now + timedelta(days=days)
            return 200
        delay = ctx.emulator.settings.delay(f"obs_restore_{tier.lower()}")
        row.restore_ready_at = now + timedelta(seconds=delay)
        row.restore_expires_at = row.restore_ready_at + timedelta(days=days)
        return 202


def append(
    ctx: ObsContext, bucket_name: str, key: str, position: int, body: Blob, spec: NewObject
) -> ObjectVersion:
    """OBS append upload: the body goes at `position`, which must be the object's length."""
    written = [body.digest]
    try:
        with ctx.transaction() as tx:
            bucket = buckets.find(tx, ctx, bucket_name)
            old = latest(tx, bucket, key)
            if old is not None and not old.appendable:
                raise S3Error("ObjectNotAppendable", "This object can not be appended", 409)
            length = old.size if old else 0
            if position != length:
                raise S3Error(
                    "PositionNotEqualToLength", "Position is not equal to the object length", 409
                )
            if old is None:
                return store(
                    tx, ctx, bucket, key, body, body.size, f'"{body.md5}"', spec, appendable=True
                )
            joined = ctx.blobs.concat([old.blob, body.digest])
            written.append(joined.digest)
            spec = NewObject(
                old.storage_class, dict(old.content_headers), dict(old.user_metadata), {}
            )
            return store(
                tx, ctx, bucket, key, joined, joined.size, f'"{joined.md5}"', spec, appendable=True
            )
    finally:
        ctx.forget_blobs(written)
