"""Multipart uploads: initiate, upload parts (or copy them), list, complete, abort."""

import hashlib
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from apis.obs import buckets, objects, usage
from apis.obs.context import ObsContext, note_released
from apis.obs.errors import S3Error, invalid_argument, malformed_xml, no_such_upload
from apis.obs.models import Bucket, MultipartUpload, ObjectVersion, UploadPart
from apis.obs.objects import NewObject
from emulator import ids
from state import blobs
from state.blobs import Blob
from state.prepared import Prepared

MAX_PARTS = 10000

_uploads = cast(Table, MultipartUpload.__table__)
_parts = cast(Table, UploadPart.__table__)
# A part's upload: prebuilt Core statements on a plain connection (one runs per part).
_UPLOAD = Prepared(
    select(
        _uploads.c.bucket_id, _uploads.c.key, _uploads.c.project_id, _uploads.c.storage_class
    ).where(_uploads.c.id == bindparam("upload"))
)
_THE_PART = (_parts.c.upload_id == bindparam("upload")) & (_parts.c.number == bindparam("number"))
_PART_BLOB = Prepared(select(_parts.c.blob).where(_THE_PART))
_DELETE_PART = Prepared(delete(_parts).where(_THE_PART))
_PART_COLUMNS = [column.name for column in _parts.columns]
_INSERT_PART = Prepared(insert(_parts), _PART_COLUMNS)


def check_part_number(text: str) -> int:
    number = int(text) if text.isdigit() else 0
    if not 1 <= number <= MAX_PARTS:
        raise invalid_argument(
            "Part number must be an integer between 1 and 10000, inclusive", "partNumber", text
        )
    return number


def initiate(ctx: ObsContext, bucket_name: str, key: str, spec: NewObject) -> MultipartUpload:
    with ctx.transaction() as tx:
        bucket = buckets.find(tx, ctx, bucket_name)
        upload = MultipartUpload(
            id=ids.hex_id(),
            bucket_id=bucket.id,
            project_id=bucket.project_id,
            key=key,
            owner_id=ctx.caller.domain_id,
            storage_class=spec.storage_class or bucket.storage_class,
            content_headers=spec.content_headers,
            user_metadata=spec.user_metadata,
            initiated_at=ctx.now(),
            tags=spec.tags,
            grants=spec.grants,
        )
        tx.add(upload)
        usage.request(tx, bucket, "write", upload.storage_class, ctx.now())
        return upload


def _upload(
    tx: Session, ctx: ObsContext, bucket_name: str, key: str, upload_id: str
) -> tuple[Bucket, MultipartUpload]:
    bucket = buckets.find(tx, ctx, bucket_name)
    upload = tx.get(MultipartUpload, upload_id)
    if upload is None or upload.bucket_id != bucket.id or upload.key != key:
        raise no_such_upload(upload_id)
    return bucket, upload


def _part_target(
    tx: Connection, ctx: ObsContext, bucket_name: str, key: str, upload_id: str
) -> tuple[buckets.Target, Any]:
    """As `_upload`, on a plain connection: the bucket's columns and the upload's."""
    bucket = buckets.target(tx, ctx, bucket_name)
    upload = _UPLOAD.first(tx, {"upload": upload_id})
    if upload is None or upload.bucket_id != bucket.id or upload.key != key:
        raise no_such_upload(upload_id)
    return bucket, upload


def check_upload(ctx: ObsContext, bucket_name: str, key: str, upload_id: str) -> None:
    """Refuse a part for an unknown upload before its body is read."""
    with ctx.statements() as tx:
        _part_target(tx, ctx, bucket_name, key, upload_id)


def put_part(
    ctx: ObsContext, bucket_name: str, key: str, upload_id: str, number: int, blob: Blob
) -> UploadPart:
    try:
        with ctx.statements() as tx:
            bucket, upload = _part_target(tx, ctx, bucket_name, key, upload_id)
            the_part = {"upload": upload_id, "number": number}
            old = _PART_BLOB.first(tx, the_part)
            if old is not None:
                note_released(tx, blobs.release(tx, [old.blob]))
                _DELETE_PART.run(tx, the_part)
            blobs.retain(tx, blob)
            part = UploadPart(
                upload_id=upload_id,
                number=number,
                project_id=upload.project_id,
                blob=blob.digest,
                size=blob.size,
                etag=f'"{blob.md5}"',
                last_modified=ctx.now(),
            )
            _INSERT_PART.run(tx, {name: getattr(part, name) for name in _PART_COLUMNS})
            usage.request(tx, bucket, "write", upload.storage_class, ctx.now())
            return part
    except Exception:
        ctx.forget_blobs([blob.digest])
        raise


def source_for_copy(ctx: ObsContext, source: objects.Source, check: object) -> ObjectVersion:
    with ctx.transaction() as tx:
        row = objects.find(tx, buckets.find(tx, ctx, source.bucket), source.key, source.version_id)
        check(row)  # type: ignore[operator]
        if not objects.readable(row, ctx.now()):
            raise objects.invalid_state(row)
        return row


def list_parts(
    ctx: ObsContext, bucket_name: str, key: str, upload_id: str, marker: int, max_parts: int
) -> tuple[MultipartUpload, list[UploadPart], bool]:
    with ctx.transaction() as tx:
        _, upload = _upload(tx, ctx, bucket_name, key, upload_id)
        parts = list(
            tx.scalars(
                select(UploadPart)
                .where(UploadPart.upload_id == upload_id, UploadPart.number > marker)
                .order_by(UploadPart.number)
                .limit(max_parts + 1)
            )
        )
        return upload, parts[:max_parts], len(parts) > max_parts


def drop(tx: Session, upload: MultipartUpload) -> None:
    """Remove an upload and its parts (aborted, or by a lifecycle rule)."""
    digests = list(tx.scalars(select(UploadPart.blob).where(UploadPart.upload_id == upload.id)))
    tx.execute(delete(UploadPart).where(UploadPart.upload_id == upload.id))
    if digests:
        note_released(tx, blobs.release(tx, digests))
    tx.delete(upload)


def abort(ctx: ObsContext, bucket_name: str, key: str, upload_id: str) -> None:
    with ctx.transaction() as tx:
        _, upload = _upload(tx, ctx, bucket_name, key, upload_id)
        drop(tx, upload)


@dataclass(frozen=True)
class Completed:
    row: ObjectVersion
    bucket: Bucket


def _chosen_parts(
    tx: Session, upload_id: str, requested: list[tuple[int, str]], min_part_size: int
) -> list[UploadPart]:
    if not requested:
        raise malformed_xml()
    numbers = [number for number, _ in requested]
    if numbers != sorted(set(numbers)):
        raise S3Error(
            "InvalidPartOrder",
            "The list of parts was not in ascending order. The "
            "parts list must be specified in order by part number.",
        )
    stored = {
        part.number: part
        for part in tx.scalars(select(UploadPart).where(UploadPart.upload_id == upload_id))
    }
    chosen = []
    for number, etag in requested:
        part = stored.get(number)
        if part is None or part.etag.strip('"') != etag.strip().strip('"'):
            raise S3Error(
                "InvalidPart",
                "One or more of the specified parts could not be found. "
                "The part might not have been uploaded, or the specified entity tag "
                "might not have matched the part's entity tag.",
                400,
                PartNumber=str(number),
                ETag=etag,
            )
        chosen.append(part)
    for part in chosen[:-1]:
        if part.size < min_part_size:
            raise S3Error(
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed object size.",
                400,
                ProposedSize=str(part.size),
                MinSizeAllowed=str(min_part_size),
                PartNumber=str(part.number),
                ETag=part.etag,
            )
    return chosen


def _multipart_etag(part_etags: list[str]) -> str:
    md5s = b"".join(bytes.fromhex(etag.strip().strip('"')) for etag in part_etags)
    return f'"{hashlib.md5(md5s).hexdigest()}-{len(part_etags)}"'


def _completed_before(
    tx: Session,
    ctx: ObsContext,
    bucket_name: str,
    key: str,
    upload_id: str,
    requested: list[tuple[int, str]],
) -> Completed | None:
    """A Complete repeated after it succeeded (a client retrying a lost answer) succeeds again,
    as in S3: the upload is gone and the key's latest version is the object those same parts
    made (its multipart ETag)."""
    if not requested or tx.get(MultipartUpload, upload_id) is not None:
        return None
    bucket = buckets.find(tx, ctx, bucket_name)
    row = objects.latest(tx, bucket, key)
    try:
        etag = _multipart_etag([etag for _, etag in requested])
    except ValueError:  # not an MD5: no part of ours had it
        return None
    return Completed(row, bucket) if row is not None and row.etag == etag else None


def complete(
    ctx: ObsContext,
    bucket_name: str,
    key: str,
    upload_id: str,
    requested: list[tuple[int, str]],
    min_part_size: int,
) -> Completed:
    written: list[str] = []
    try:
        with ctx.transaction() as tx:
            replayed = _completed_before(tx, ctx, bucket_name, key, upload_id, requested)
            if replayed is not None:
                return replayed
            bucket, upload = _upload(tx, ctx, bucket_name, key, upload_id)
            parts = _chosen_parts(tx, upload_id, requested, min_part_size)
            joined = ctx.blobs.compose([(part.blob, part.size) for part in parts])
            written.append(joined.digest)
            etag = _multipart_etag([part.etag for part in parts])
            spec = NewObject(
                upload.storage_class,
                upload.content_headers,
                upload.user_metadata,
                {},
                upload.tags,
                upload.grants,
            )
            row = objects.store(
                tx, ctx, bucket, key, joined, joined.size, etag, spec, parts=len(parts)
            )
            drop(tx, upload)
            return Completed(row, bucket)
    except Exception:
        ctx.forget_blobs(written)
        raise
