"""Object, version and multipart upload listings by indexed range queries on (bucket, key).

Keys are read in key order after a cursor, one page at a time; with a delimiter, a key that
falls under a common prefix adds the prefix once and moves the cursor past every key under it,
so a page costs about the same whatever the bucket's size.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import Select, select

from apis.obs import buckets, usage
from apis.obs.context import ObsContext
from apis.obs.models import MultipartUpload, ObjectVersion

AFTER_EVERYTHING = "\U0010ffff"
MAX_KEYS = 1000


class Entry(NamedTuple):
    key: str
    size: int
    etag: str
    last_modified: datetime
    storage_class: str
    owner_id: str


@dataclass
class Listing:
    entries: list[Entry] = field(default_factory=list)
    common_prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    last: str = ""  # the last key or common prefix returned (v1 NextMarker)
    cursor: str = ""  # where the next page starts, exclusive (v2 continuation)


def _skip_prefix(marker: str, prefix: str, delimiter: str) -> str:
    """A marker that is itself a common prefix means "after every key under it"."""
    if delimiter and marker.startswith(prefix):
        index = marker.find(delimiter, len(prefix))
        if index >= 0 and index + len(delimiter) == len(marker):
            return marker + AFTER_EVERYTHING
    return marker


def list_keys(
    ctx: ObsContext, bucket_name: str, prefix: str, delimiter: str, after: str, max_keys: int
) -> Listing:
    with ctx.transaction() as tx:
        bucket = buckets.located(tx, ctx, bucket_name)
        usage.request(tx, bucket, "write", "STANDARD", ctx.now())
        listing = Listing()
        cursor = _skip_prefix(after, prefix, delimiter)
        if prefix > cursor:
            cursor = ""
        wanted = max(0, min(max_keys, MAX_KEYS))
        returned = 0
        while wanted:
            query = select(
                ObjectVersion.key,
                ObjectVersion.size,
                ObjectVersion.etag,
                ObjectVersion.last_modified,
                ObjectVersion.storage_class,
                ObjectVersion.owner_id,
            ).where(
                ObjectVersion.bucket_id == bucket.id,
                ObjectVersion.is_latest.is_(True),
                ObjectVersion.delete_marker.is_(False),
            )
            if cursor:
                query = query.where(ObjectVersion.key > cursor)
            if prefix:
                query = query.where(
                    ObjectVersion.key >= prefix, ObjectVersion.key < prefix + AFTER_EVERYTHING
                )
            page = query.order_by(ObjectVersion.key).limit(wanted - returned + 1)
            rows = tx.connection().execute(page).all()
            restart = False
            for row in rows:
                if returned == wanted:
                    listing.truncated = True
                    return listing
                index = row.key.find(delimiter, len(prefix)) if delimiter else -1
                if index >= 0:
                    common = row.key[: index + len(delimiter)]
                    listing.common_prefixes.append(common)
                    listing.last = common
                    listing.cursor = cursor = common + AFTER_EVERYTHING
                    returned += 1
                    restart = True
                    break
                listing.entries.append(Entry._make(row))
                listing.last = listing.cursor = cursor = row.key
                returned += 1
            if not restart:
                return listing
        return listing


@dataclass(frozen=True)
class MarkedPage:
    """What a ListObjectVersions (version-id-marker) or a ListMultipartUploads
    (upload-id-marker) asks for: a page after (key-marker, id marker)."""

    prefix: str
    delimiter: str
    key_marker: str
    id_marker: str
    max_keys: int


Item = TypeVar("Item", ObjectVersion, MultipartUpload)


@dataclass
class MarkedListing(Generic[Item]):
    items: list[Item] = field(default_factory=list)
    common_prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    next_key_marker: str = ""
    next_id_marker: str = ""


def _within(query: Select[Any], key: Any, page: MarkedPage) -> Select[Any]:
    """Rows of `query` under the page's prefix, from its key marker on."""
    if page.prefix:
        query = query.where(key >= page.prefix, key < page.prefix + AFTER_EVERYTHING)
    if page.key_marker:
        after = _skip_prefix(page.key_marker, page.prefix, page.delimiter)
        query = query.where(key >= after if page.id_marker else key > after)
    return query


def _after_markers(
    rows: Iterable[Item], page: MarkedPage, id_of: Callable[[Item], str]
) -> MarkedListing[Item]:
    """The page of `rows` (in key order) after the markers, keys under a delimiter folded."""
    listing = MarkedListing[Item]()
    before_marker = bool(page.id_marker)
    for row in rows:
        if before_marker and row.key == page.key_marker:
            before_marker = id_of(row) != page.id_marker
            continue
        index = row.key.find(page.delimiter, len(page.prefix)) if page.delimiter else -1
        common = row.key[: index + len(page.delimiter)] if index >= 0 else None
        if common is not None and common in listing.common_prefixes[-1:]:
            continue
        if len(listing.items) + len(listing.common_prefixes) == page.max_keys:
            listing.truncated = True
            return listing
        if common is not None:
            listing.common_prefixes.append(common)
            listing.next_key_marker, listing.next_id_marker = common, ""
        else:
            listing.items.append(row)
            listing.next_key_marker, listing.next_id_marker = row.key, id_of(row)
    return listing


def list_versions(
    ctx: ObsContext, bucket_name: str, page: MarkedPage
) -> MarkedListing[ObjectVersion]:
    """Versions in key order, newest first within a key, after (key-marker, version-id-marker)."""
    with ctx.transaction() as tx:
        bucket = buckets.find(tx, ctx, bucket_name)
        usage.request(tx, bucket, "write", "STANDARD", ctx.now())
        query = select(ObjectVersion).where(ObjectVersion.bucket_id == bucket.id)
        query = _within(query, ObjectVersion.key, page)
        rows = tx.scalars(query.order_by(ObjectVersion.key, ObjectVersion.id.desc()))
        return _after_markers(rows, page, lambda row: row.version_id)


def list_uploads(
    ctx: ObsContext, bucket_name: str, page: MarkedPage
) -> MarkedListing[MultipartUpload]:
    """Uploads in progress in key order, oldest first within a key, after (key-marker,
    upload-id-marker)."""
    with ctx.transaction() as tx:
        bucket = buckets.find(tx, ctx, bucket_name)
        query = select(MultipartUpload).where(MultipartUpload.bucket_id == bucket.id)
        query = _within(query, MultipartUpload.key, page)
        order = (MultipartUpload.key, MultipartUpload.initiated_at, MultipartUpload.id)
        return _after_markers(tx.scalars(query.order_by(*order)), page, lambda row: row.id)
