"""XML documents of the S3/OBS API, one function per response."""

from base64 import urlsafe_b64encode
from urllib.parse import quote

from apis.obs import xml
from apis.obs.listing import Entry, Listing
from apis.obs.models import Bucket, MultipartUpload, UploadPart
from apis.obs.wire import Wire, iso_date
from apis.obs.xml import Content


def _owner(owner_id: str) -> Content:
    return [("ID", owner_id), ("DisplayName", owner_id)]


def buckets(owner_id: str, rows: list[Bucket], wire: Wire) -> bytes:
    def bucket(row: Bucket) -> Content:
        fields: list[tuple[str, Content]] = [
            ("Name", row.name),
            ("CreationDate", iso_date(row.created_at)),
        ]
        fields.append(("Location" if wire.dialect == "obs" else "BucketRegion", row.region))
        return fields

    return xml.document(
        "ListAllMyBucketsResult",
        [
            ("Owner", _owner(owner_id)),
            ("Buckets", [("Bucket", bucket(row)) for row in rows]),
        ],
    )


def location(region: str, wire: Wire) -> bytes:
    return xml.text_document("Location" if wire.dialect == "obs" else "LocationConstraint", region)


def _encoder(encoding: str | None):  # type: ignore[no-untyped-def]
    if encoding == "url":
        return lambda text: quote(text, safe="/")
    return lambda text: text


def _entry(entry: Entry, wire: Wire, encode, with_owner: bool) -> Content:  # type: ignore[no-untyped-def]
    fields: list[tuple[str, Content]] = [
        ("Key", encode(entry.key)),
        ("LastModified", iso_date(entry.last_modified)),
        ("ETag", entry.etag),
        ("Size", entry.size),
    ]
    if with_owner:
        fields.append(("Owner", _owner(entry.owner_id)))
    fields.append(("StorageClass", wire.storage_class(entry.storage_class)))
    return fields


def token_of(cursor: str) -> str:
    return urlsafe_b64encode(cursor.encode()).decode()


def objects_v1(
    bucket: str,
    listing: Listing,
    wire: Wire,
    prefix: str,
    delimiter: str,
    marker: str,
    max_keys: int,
    encoding: str | None,
) -> bytes:
    encode = _encoder(encoding)
    children: list[tuple[str, Content]] = [
        ("Name", bucket),
        ("Prefix", encode(prefix)),
        ("Marker", encode(marker)),
        ("MaxKeys", max_keys),
    ]
    if delimiter:
        children.append(("Delimiter", encode(delimiter)))
    children.append(("IsTruncated", listing.truncated))
    if listing.truncated and delimiter:
        children.append(("NextMarker", encode(listing.last)))
    if encoding:
        children.append(("EncodingType", encoding))
    children += [("Contents", _entry(e, wire, encode, True)) for e in listing.entries]
    children += [("CommonPrefixes", [("Prefix", encode(p))]) for p in listing.common_prefixes]
    return xml.document("ListBucketResult", children)


def objects_v2(
    bucket: str,
    listing: Listing,
    wire: Wire,
    prefix: str,
    delimiter: str,
    start_after: str | None,
    token: str | None,
    max_keys: int,
    encoding: str | None,
    fetch_owner: bool,
) -> bytes:
    encode = _encoder(encoding)
    children: list[tuple[str, Content]] = [("Name", bucket), ("Prefix", encode(prefix))]
    if start_after is not None:
        children.append(("StartAfter", encode(start_after)))
    if token is not None:
        children.append(("ContinuationToken", token))
    children += [
        ("MaxKeys", max_keys),
        ("KeyCount", len(listing.entries) + len(listing.common_prefixes)),
    ]
    if delimiter:
        children.append(("Delimiter", encode(delimiter)))
    children.append(("IsTruncated", listing.truncated))
    if listing.truncated:
        children.append(("NextContinuationToken", token_of(listing.cursor)))
    if encoding:
        children.append(("EncodingType", encoding))
    children += [("Contents", _entry(e, wire, encode, fetch_owner)) for e in listing.entries]
    children += [("CommonPrefixes", [("Prefix", encode(p))]) for p in listing.common_prefixes]
    return xml.document("ListBucketResult", children)


def deleted(keys: list[str], quiet: bool) -> bytes:
    return xml.document(
        "DeleteResult", [] if quiet else [("Deleted", [("Key", key)]) for key in keys]
    )


def copy_result(root: str, etag: str, last_modified: str) -> bytes:
    return xml.document(root, [("LastModified", last_modified), ("ETag", etag)])


def initiated(bucket: str, upload: MultipartUpload) -> bytes:
    return xml.document(
        "InitiateMultipartUploadResult",
        [("Bucket", bucket), ("Key", upload.key), ("UploadId", upload.id)],
    )


def completed(location: str, bucket: str, key: str, etag: str) -> bytes:
    return xml.document(
        "CompleteMultipartUploadResult",
        [("Location", location), ("Bucket", bucket), ("Key", key), ("ETag", etag)],
    )


def parts(
    bucket: str,
    upload: MultipartUpload,
    rows: list[UploadPart],
    marker: int,
    max_parts: int,
    truncated: bool,
    wire: Wire,
) -> bytes:
    children: list[tuple[str, Content]] = [
        ("Bucket", bucket),
        ("Key", upload.key),
        ("UploadId", upload.id),
        ("Initiator", _owner(upload.owner_id)),
        ("Owner", _owner(upload.owner_id)),
        ("StorageClass", wire.storage_class(upload.storage_class)),
        ("PartNumberMarker", marker),
        ("NextPartNumberMarker", rows[-1].number if rows else marker),
        ("MaxParts", max_parts),
        ("IsTruncated", truncated),
    ]
    children += [
        (
            "Part",
            [
                ("PartNumber", row.number),
                ("LastModified", iso_date(row.last_modified)),
                ("ETag", row.etag),
                ("Size", row.size),
            ],
        )
        for row in rows
    ]
    return xml.document("ListPartsResult", children)


def uploads(
    bucket: str, rows: list[MultipartUpload], prefix: str, max_uploads: int, wire: Wire
) -> bytes:
    shown = rows[:max_uploads]
    children: list[tuple[str, Content]] = [
        ("Bucket", bucket),
        ("KeyMarker", ""),
        ("UploadIdMarker", ""),
        ("NextKeyMarker", shown[-1].key if shown else ""),
        ("NextUploadIdMarker", shown[-1].id if shown else ""),
        ("Prefix", prefix),
        ("MaxUploads", max_uploads),
        ("IsTruncated", len(rows) > max_uploads),
    ]
    children += [
        (
            "Upload",
            [
                ("Key", row.key),
                ("UploadId", row.id),
                ("Initiator", _owner(row.owner_id)),
                ("Owner", _owner(row.owner_id)),
                ("StorageClass", wire.storage_class(row.storage_class)),
                ("Initiated", iso_date(row.initiated_at)),
            ],
        )
        for row in shown
    ]
    return xml.document("ListMultipartUploadsResult", children)


def quota(quota_bytes: int) -> bytes:
    return xml.document("Quota", [("StorageQuota", quota_bytes)])


def storage_info(row: Bucket) -> bytes:
    return xml.document(
        "GetBucketStorageInfoResult", [("Size", row.bytes_used), ("ObjectNumber", row.object_count)]
    )


def default_class(row: Bucket, wire: Wire, policy_form: bool) -> bytes:
    """OBS `?storageClass` (`<StorageClass>WARM</...>`) or `?storagePolicy` (S3 names)."""
    name = wire.storage_class(row.storage_class)
    if policy_form:
        return xml.document("StoragePolicy", [("DefaultStorageClass", name)])
    return xml.text_document("StorageClass", name)


def versioning() -> bytes:
    return xml.document("VersioningConfiguration", [])
