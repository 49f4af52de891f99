"""XML documents of the S3/OBS API, one function per response."""

import re
from base64 import urlsafe_b64encode
from urllib.parse import quote

from apis.obs import xml
from apis.obs.listing import Entry, Listing, MarkedListing, MarkedPage
from apis.obs.models import (
    NULL_VERSION,
    AnyVersion,
    Bucket,
    MultipartUpload,
    ObjectVersion,
    UploadPart,
)
from apis.obs.objects import Deleted
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


# Keys that URL encoding leaves as they are (most keys): no need to encode them.
_URL_SAFE = re.compile(r"[A-Za-z0-9_.\-~/]*")


def _url_encoded(text: str) -> str:
    return text if _URL_SAFE.fullmatch(text) else quote(text, safe="/")


def _encoder(encoding: str | None):
    if encoding == "url":
        return _url_encoded
    return lambda text: text


def _entries(entries: list[Entry], wire: Wire, encode, with_owner: bool) -> xml.Markup:
    """The `<Contents>` of a listing, written in one pass (a page holds up to 1,000)."""
    element = xml.element
    parts = []
    for entry in entries:
        owner = ""
        if with_owner:
            named = element("ID", entry.owner_id) + element("DisplayName", entry.owner_id)
            owner = f"<Owner>{named}</Owner>"
        parts.append(
            f"<Contents>{element('Key', encode(entry.key))}"
            f"<LastModified>{iso_date(entry.last_modified)}</LastModified>"
            f"{element('ETag', entry.etag)}<Size>{entry.size}</Size>{owner}"
            f"{element('StorageClass', wire.storage_class(entry.storage_class))}</Contents>"
        )
    return xml.Markup("".join(parts))


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
    children.append(("Contents", _entries(listing.entries, wire, encode, True)))
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
    children.append(("Contents", _entries(listing.entries, wire, encode, fetch_owner)))
    children += [("CommonPrefixes", [("Prefix", encode(p))]) for p in listing.common_prefixes]
    return xml.document("ListBucketResult", children)


def deleted(done: list[tuple[str, Deleted]], quiet: bool) -> bytes:
    """A DeleteObjects answer (up to 1,000 entries), its entries written in one pass."""

    def optional(name: str, text: str | None) -> str:
        return "" if text is None else xml.element(name, text)

    parts = []
    for key, result in [] if quiet else done:
        fields = xml.element("Key", key) + optional("VersionId", result.version_id)
        if result.delete_marker:
            fields += "<DeleteMarker>true</DeleteMarker>"
            fields += optional("DeleteMarkerVersionId", result.version_id)
        parts.append(f"<Deleted>{fields}</Deleted>")
    return xml.document("DeleteResult", [("Deleted", xml.Markup("".join(parts)))])


def deleted_headers(result: Deleted, wire: Wire) -> dict[str, str]:
    headers = {}
    if result.version_id is not None:
        headers[wire.prefix + "version-id"] = result.version_id
    if result.delete_marker:
        headers[wire.prefix + "delete-marker"] = "true"
    return headers


def version_headers(row: AnyVersion, wire: Wire) -> dict[str, str]:
    """`x-amz-version-id` of a version written or read in a versioned (or suspended) bucket."""
    if row.version_id == NULL_VERSION:
        return {}
    return {wire.prefix + "version-id": row.version_id}


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


def posted(location: str, bucket: str, key: str, etag: str) -> bytes:
    return xml.document(
        "PostResponse", [("Location", location), ("Bucket", bucket), ("Key", key), ("ETag", etag)]
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
    bucket: str, page: MarkedPage, result: MarkedListing[MultipartUpload], wire: Wire
) -> bytes:
    children: list[tuple[str, Content]] = [
        ("Bucket", bucket),
        ("KeyMarker", page.key_marker),
        ("UploadIdMarker", page.id_marker),
        ("NextKeyMarker", result.next_key_marker),
        ("NextUploadIdMarker", result.next_id_marker),
        ("Prefix", page.prefix),
    ]
    if page.delimiter:
        children.append(("Delimiter", page.delimiter))
    children += [("MaxUploads", page.max_keys), ("IsTruncated", result.truncated)]
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
        for row in result.items
    ]
    children += [("CommonPrefixes", [("Prefix", p)]) for p in result.common_prefixes]
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


def versioning(status: str) -> bytes:
    return xml.document("VersioningConfiguration", [("Status", status or None)])


def versions(
    bucket: str, page: MarkedPage, result: MarkedListing[ObjectVersion], wire: Wire
) -> bytes:
    children: list[tuple[str, Content]] = [
        ("Name", bucket),
        ("Prefix", page.prefix),
        ("KeyMarker", page.key_marker),
        ("VersionIdMarker", page.id_marker),
        ("MaxKeys", page.max_keys),
    ]
    if page.delimiter:
        children.append(("Delimiter", page.delimiter))
    children.append(("IsTruncated", result.truncated))
    if result.truncated:
        children += [
            ("NextKeyMarker", result.next_key_marker),
            ("NextVersionIdMarker", result.next_id_marker or None),
        ]
    for row in result.items:
        fields: list[tuple[str, Content]] = [
            ("Key", row.key),
            ("VersionId", row.version_id),
            ("IsLatest", row.is_latest),
            ("LastModified", iso_date(row.last_modified)),
        ]
        if row.delete_marker:
            children.append(("DeleteMarker", [*fields, ("Owner", _owner(row.owner_id))]))
            continue
        fields += [
            ("ETag", row.etag),
            ("Size", row.size),
            ("Owner", _owner(row.owner_id)),
            ("StorageClass", wire.storage_class(row.storage_class)),
        ]
        children.append(("Version", fields))
    children += [("CommonPrefixes", [("Prefix", p)]) for p in result.common_prefixes]
    return xml.document("ListVersionsResult", children)
