"""Bucket configuration documents (?tagging, ?acl, ?policy, ?cors, ?lifecycle, ?website).

Each is parsed and checked whole before anything is stored, kept in one column of the bucket,
rendered back on GET and, while unset, answered by its own 404.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from apis.obs.context import ObsContext
from apis.obs.errors import S3Error
from apis.obs.models import Bucket

if TYPE_CHECKING:
    from apis.obs.wire import Wire

XML = "application/xml"


@dataclass(frozen=True)
class Submitted:
    """A PUT of a document: its body and headers, the caller, the bucket and its owner."""

    body: bytes
    headers: dict[str, str]
    ctx: ObsContext
    bucket: str
    owner_id: str


@dataclass(frozen=True)
class Document:
    column: str
    parse: Callable[[Submitted], Any]
    render: Callable[[Any, Bucket, "Wire"], bytes]
    missing: Callable[[str], S3Error] | None  # None: the document always exists (ACL)
    empty: Any = None  # what DELETE stores
    put_status: int = 200
    media_type: str = XML
    # Called in the transaction that stored (or deleted) the document, at that time.
    stored: Callable[[Session, Bucket, datetime], None] | None = None


def not_configured(code: str, message: str) -> Callable[[str], S3Error]:
    return lambda bucket: S3Error(code, message, 404, BucketName=bucket)
