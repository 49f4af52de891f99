"""Tables of OBS: buckets, objects (ready for versions), multipart uploads and their parts."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
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
    versioning: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime]


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
