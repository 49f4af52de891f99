"""HTTP details of S3/OBS: header names per dialect, object headers, conditions, ranges."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from apis.obs import storage_classes, tagging
from apis.obs.errors import S3Error, precondition_failed
from apis.obs.models import AnyVersion
from apis.obs.objects import CONTENT_HEADERS, DEFAULT_CONTENT_TYPE, WEBSITE_REDIRECT, NewObject

META_PREFIXES = ("x-amz-meta-", "x-obs-meta-")
RESPONSE_OVERRIDES = {
    "response-content-type": "Content-Type",
    "response-content-language": "Content-Language",
    "response-expires": "Expires",
    "response-cache-control": "Cache-Control",
    "response-content-disposition": "Content-Disposition",
    "response-content-encoding": "Content-Encoding",
}


S3_MIN_PART_SIZE = 5 * 1024 * 1024
OBS_MIN_PART_SIZE = 100 * 1024


@dataclass(frozen=True)
class Wire:
    """The header vocabulary of one request: S3's `x-amz-` or OBS's `x-obs-`."""

    dialect: str  # "s3" or "obs"

    @property
    def prefix(self) -> str:
        return "x-obs-" if self.dialect == "obs" else "x-amz-"

    def storage_class(self, name: str) -> str:
        return storage_classes.render(name, self.dialect)

    @property
    def min_part_size(self) -> int:
        """The smallest part before the last of a multipart upload: OBS documents 100 KB
        (esdk's uploadFile relies on it); S3 clients get S3's 5 MiB (EntityTooSmall below)."""
        return OBS_MIN_PART_SIZE if self.dialect == "obs" else S3_MIN_PART_SIZE


def wire_of(headers: dict[str, str], signed_dialect: str) -> Wire:
    if signed_dialect == "obs" or any(name.startswith("x-obs-") for name in headers):
        return Wire("obs")
    return Wire("s3")


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def http_date(value: datetime) -> str:
    """`Sat, 28 Nov 2026 15:10:57 GMT`, as email.utils.format_datetime writes it (cheaper)."""
    at = value.astimezone(UTC)
    return (
        f"{_DAYS[at.weekday()]}, {at.day:02d} {_MONTHS[at.month - 1]} {at.year:04d} "
        f"{at.hour:02d}:{at.minute:02d}:{at.second:02d} GMT"
    )


def iso_date(value: datetime) -> str:
    """`2026-11-28T15:10:57.123Z`: UTC, to the millisecond (truncated)."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def header_class(headers: dict[str, str], *names: str) -> str | None:
    for name in names:
        if headers.get(name):
            return storage_classes.parse(headers[name])
    return None


def new_object(headers: dict[str, str]) -> NewObject:
    content = {name: headers[name] for name in CONTENT_HEADERS if name in headers}
    for prefix in ("x-amz-", "x-obs-"):
        if prefix + WEBSITE_REDIRECT in headers:
            content[WEBSITE_REDIRECT] = headers[prefix + WEBSITE_REDIRECT]
    metadata = {
        name[len("x-amz-meta-") :]: value
        for name, value in headers.items()
        if name.startswith(META_PREFIXES)
    }
    tagging_header = headers.get("x-amz-tagging", headers.get("x-obs-tagging"))
    return NewObject(
        header_class(headers, "x-amz-storage-class", "x-obs-storage-class"),
        content,
        metadata,
        {},
        tagging.from_header(tagging_header) if tagging_header else {},
    )


def metadata_headers(described: AnyVersion | NewObject, wire: Wire) -> dict[str, str]:
    """The content headers, user metadata and storage class of an object or of a write."""
    headers = {
        wire.prefix + name if name == WEBSITE_REDIRECT else name.title(): value
        for name, value in described.content_headers.items()
    }
    for name, value in described.user_metadata.items():
        headers[wire.prefix + "meta-" + name] = value
    storage_class = described.storage_class
    if storage_class is not None and storage_class != "STANDARD":
        headers[wire.prefix + "storage-class"] = wire.storage_class(storage_class)
    return headers


def object_headers(
    row: AnyVersion, wire: Wire, now: datetime, query: dict[str, str], with_checksums: bool
) -> dict[str, str]:
    headers = {
        "ETag": row.etag,
        "Last-Modified": http_date(row.last_modified),
        "Accept-Ranges": "bytes",
        "Content-Type": DEFAULT_CONTENT_TYPE,
        **metadata_headers(row, wire),
    }
    if row.restore_ready_at is not None and row.restore_expires_at is not None:
        if row.restore_ready_at > now:
            headers[wire.prefix + "restore"] = 'ongoing-request="true"'
        elif now < row.restore_expires_at:
            headers[wire.prefix + "restore"] = (
                f'ongoing-request="false", expiry-date="{http_date(row.restore_expires_at)}"'
            )
    if row.appendable:
        # OBS-only headers: the SDK reads them under x-obs- in both of its modes.
        headers["x-obs-next-append-position"] = str(row.size)
        headers["x-obs-object-type"] = "Appendable"
    if with_checksums:
        for algorithm, value in row.checksums.items():
            headers["x-amz-checksum-" + algorithm.lower()] = value
    if row.tags:
        headers[wire.prefix + "tagging-count"] = str(len(row.tags))
    if row.parts:
        headers["x-amz-mp-parts-count"] = str(row.parts)
    for parameter, header in RESPONSE_OVERRIDES.items():
        if parameter in query:
            headers[header] = query[parameter]
    return headers


def _parse_date(text: str) -> datetime | None:
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _etag_in(etag: str, listed: str) -> bool:
    wanted = {tag.strip().strip('"') for tag in listed.split(",")}
    return "*" in wanted or etag.strip('"') in wanted


def not_modified(row: AnyVersion, headers: dict[str, str]) -> bool:
    """GET/HEAD conditions: raise 412 PreconditionFailed, or say True for 304 Not Modified."""
    modified = row.last_modified.replace(microsecond=0)
    if_match = headers.get("if-match")
    if if_match is not None and not _etag_in(row.etag, if_match):
        raise precondition_failed("If-Match")
    since = _parse_date(headers.get("if-unmodified-since", ""))
    if if_match is None and since is not None and modified > since:
        raise precondition_failed("If-Unmodified-Since")
    if_none = headers.get("if-none-match")
    if if_none is not None:
        return _etag_in(row.etag, if_none)
    since = _parse_date(headers.get("if-modified-since", ""))
    return since is not None and modified <= since


def check_copy_source(row: AnyVersion, headers: dict[str, str], prefix: str) -> None:
    """x-amz-copy-source-if-*: every failure is 412."""
    modified = row.last_modified.replace(microsecond=0)
    if_match = headers.get(prefix + "copy-source-if-match")
    if if_match is not None and not _etag_in(row.etag, if_match):
        raise precondition_failed(prefix + "copy-source-If-Match")
    if_none = headers.get(prefix + "copy-source-if-none-match")
    if if_none is not None and _etag_in(row.etag, if_none):
        raise precondition_failed(prefix + "copy-source-If-None-Match")
    since = _parse_date(headers.get(prefix + "copy-source-if-unmodified-since", ""))
    if if_match is None and since is not None and modified > since:
        raise precondition_failed(prefix + "copy-source-If-Unmodified-Since")
    since = _parse_date(headers.get(prefix + "copy-source-if-modified-since", ""))
    if if_none is None and since is not None and modified <= since:
        raise precondition_failed(prefix + "copy-source-If-Modified-Since")


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(start, end inclusive) of a single `bytes=` range; None for the whole object.

    A malformed or multiple range is ignored, as S3 does; one past the end is 416.
    """
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, dash, last = header[len("bytes=") :].strip().partition("-")
    if not dash or not (first.isdigit() or last.isdigit()):
        return None
    if not first:
        length = int(last)
        if length == 0 or size == 0:
            raise _invalid_range(header, size)
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last.isdigit() else size - 1
    if start >= size:
        raise _invalid_range(header, size)
    if end < start:
        return None
    return start, min(end, size - 1)


_COPY_RANGE = re.compile(r"bytes=(\d+)-(\d+)")


def copy_source_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of an `x-amz-copy-source-range`; None when it is not `bytes=first-last`
    (S3: InvalidArgument). Unlike a GET's Range, it is never clamped: a range past the end of
    the source, or backwards, is InvalidRange."""
    found = _COPY_RANGE.fullmatch(header.strip())
    if found is None:
        return None
    first, last = int(found.group(1)), int(found.group(2))
    if first > last or last >= size:
        raise _invalid_range(header, size)
    return first, last


def _invalid_range(header: str, size: int) -> S3Error:
    error = S3Error(
        "InvalidRange",
        "The requested range is not satisfiable",
        416,
        RangeRequested=header,
        ActualObjectSize=str(size),
    )
    error.headers["Content-Range"] = f"bytes */{size}"
    return error
