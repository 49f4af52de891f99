"""Tables of OBS: buckets, objects (ready for versions), multipart uploads and their parts."""

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from state.models import Base

NULL_VERSION = "null"


class Bucket(Base):
    """A bucket of an account (`domain_id`), in one region; `project_id` is that region's
    project of the account (metering, per-project reset)."""

    __tablename__ = "obs_buckets"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(63), unique=True)
    domain_id: Mapped[str] = mapped_column(String(64), index=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    region: Mapped[str] = mapped_column(String(64))
    owner_id: Mapped[str] = mapped_column(String(64))
    storage_class: Mapped[str] = mapped_column(String(16), default="STANDARD")
    quota_bytes: Mapped[int] = mapped_column(BigInteger, default=0)  # 0: no quota
    bytes_used: Mapped[int] = mapped_column(BigInteger, default=0)
    object_count: Mapped[int] = mapped_column(BigInteger, default=0)
    versioning: Mapped[str] = mapped_column(String(16), default="")  # "", Enabled, Suspended
    created_at: Mapped[datetime]
    # The sub-resources: tags {key: value}, ACL grants [{"grantee": ..., "permission": ...}],
    # the policy document as sent, CORS rules, lifecycle rules, website, logging and default
    # encryption configuration.
    tags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    grants: Mapped[list[Any]] = mapped_column(default=list)
    policy: Mapped[str | None] = mapped_column(Text)
    cors: Mapped[list[Any]] = mapped_column(default=list)
    lifecycle: Mapped[list[Any]] = mapped_column(default=list)
    website: Mapped[dict[str, Any]] = mapped_column(default=dict)
    logging: Mapped[list[Any]] = mapped_column(default=list)
    encryption: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ObjectVersion(Base):
    """One version of an object; without versioning each key has one, `version_id` "null"."""

    __tablename__ = "obs_objects"
    __table_args__ = (
        UniqueConstraint("bucket_id", "key", "version_id"),
        Index("ix_obs_objects_listing", "bucket_id", "is_latest", "key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    bucket_id: Mapped[str] = mapped_column(ForeignKey("obs_buckets.id", ondelete="CASCADE"))
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    key: Mapped[str] = mapped_column(String(1024))
    version_id: Mapped[str] = mapped_column(String(64), default=NULL_VERSION)
    is_latest: Mapped[bool] = mapped_column(default=True)
    delete_marker: Mapped[bool] = mapped_column(default=False)
    owner_id: Mapped[str] = mapped_column(String(64))
    blob: Mapped[str] = mapped_column(String(64))  # SHA-256 in the blob store
    size: Mapped[int] = mapped_column(BigInteger)
    etag: Mapped[str] = mapped_column(String(64))
    storage_class: Mapped[str] = mapped_column(String(16))
    # Content-Type, Content-Encoding, Content-Disposition, Cache-Control, Expires, ...
    content_headers: Mapped[dict[str, Any]]
    user_metadata: Mapped[dict[str, Any]]
    checksums: Mapped[dict[str, Any]]  # {"CRC32": "base64", ...} as the client sent them
    parts: Mapped[int] = mapped_column(default=0)  # number of parts if uploaded in parts
    appendable: Mapped[bool] = mapped_column(default=False)
    last_modified: Mapped[datetime]
    restore_ready_at: Mapped[datetime | None]
    restore_expires_at: Mapped[datetime | None]
    tags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    grants: Mapped[list[Any]] = mapped_column(default=list)


class Version(NamedTuple):
    """A version's columns, in the table's order, read or written without the ORM (cheaper
    than a loaded `ObjectVersion` on the hot paths); `id` is None before the row exists."""

    id: int | None
    bucket_id: str
    project_id: str
    key: str
    version_id: str
    is_latest: bool
    delete_marker: bool
    owner_id: str
    blob: str
    size: int
    etag: str
    storage_class: str
    content_headers: dict[str, Any]
    user_metadata: dict[str, Any]
    checksums: dict[str, Any]
    parts: int
    appendable: bool
    last_modified: datetime
    restore_ready_at: datetime | None
    restore_expires_at: datetime | None
    tags: dict[str, Any]
    grants: list[Any]


class BucketAccess(NamedTuple):
    """What the access check needs of a bucket: its owner (None: no such bucket), its ACL
    grants and its policy document."""

    owner: str | None
    grants: list[Any]
    policy: str | None


NO_BUCKET = BucketAccess(None, [], None)


# What reads of a version's columns accept: a loaded row or its columns.
AnyVersion = ObjectVersion | Version


class MultipartUpload(Base):
    __tablename__ = "obs_uploads"
    __table_args__ = (Index("ix_obs_uploads_listing", "bucket_id", "key", "initiated_at"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    bucket_id: Mapped[str] = mapped_column(ForeignKey("obs_buckets.id", ondelete="CASCADE"))
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    key: Mapped[str] = mapped_column(String(1024))
    owner_id: Mapped[str] = mapped_column(String(64))
    storage_class: Mapped[str] = mapped_column(String(16))
    content_headers: Mapped[dict[str, Any]]
    user_metadata: Mapped[dict[str, Any]]
    initiated_at: Mapped[datetime]
    tags: Mapped[dict[str, Any]] = mapped_column(default=dict)  # of the completed object
    grants: Mapped[list[Any]] = mapped_column(default=list)


class UploadPart(Base):
    __tablename__ = "obs_upload_parts"
    upload_id: Mapped[str] = mapped_column(
        ForeignKey("obs_uploads.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    blob: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    etag: Mapped[str] = mapped_column(String(64))
    last_modified: Mapped[datetime]
