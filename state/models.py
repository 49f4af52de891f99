"""Tables of the runtime and identity, shared by every service.

Service-specific tables live in `apis/<service>/models.py` on the same `Base`.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from state.types import UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Setting(Base):
    """Process-wide values that must survive a restart (the clock offset)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class Domain(Base):
    """An account (Keystone domain), e.g. OCB0000001."""

    __tablename__ = "domains"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]


class Project(Base):
    """A tenant: one per region of an account (named after it), plus sub-projects."""

    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("domain_id", "name"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    domain_id: Mapped[str] = mapped_column(ForeignKey("domains.id", ondelete="CASCADE"))
    parent_id: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("domain_id", "name"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    domain_id: Mapped[str] = mapped_column(ForeignKey("domains.id", ondelete="CASCADE"))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    default_project_id: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]
    password_changed_at: Mapped[datetime]


class Group(Base):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("domain_id", "name"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    domain_id: Mapped[str] = mapped_column(ForeignKey("domains.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]


class GroupMember(Base):
    __tablename__ = "group_members"
    group_id: Mapped[str] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class RoleGrant(Base):
    """A system role granted to a group on a project, on the account (domain), or on every
    project of the account (`inherited`, IAM's OS-INHERIT grant)."""

    __tablename__ = "role_grants"
    group_id: Mapped[str] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    target_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    target_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    role_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class Token(Base):
    """A Keystone token; only the SHA-256 of the token string is kept."""

    __tablename__ = "tokens"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    audit_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[str | None] = mapped_column(String(64))
    domain_id: Mapped[str | None] = mapped_column(String(64))
    methods: Mapped[list[Any]]
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(default=False)


class Credential(Base):
    """An AK/SK pair: permanent (of a user) or temporary (STS, with a security token)."""

    __tablename__ = "credentials"
    access: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    description: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]
    last_use_time: Mapped[datetime | None]
    security_token: Mapped[str | None] = mapped_column(String(512))
    expires_at: Mapped[datetime | None]


class KeystoneCredential(Base):
    """A Keystone v3 credential (`/v3/credentials`): an opaque blob of a type (ec2, cert, totp
    ...) held for a user. Stored data only: the AK/SK that sign requests are `Credential`."""

    __tablename__ = "keystone_credentials"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[str | None] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(255))
    blob: Mapped[str] = mapped_column(Text)


class Job(Base):
    """An asynchronous task of a native API (ECS, EVS, IMS, VBS), with sub-jobs."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    parent_id: Mapped[str | None] = mapped_column(String(64), index=True)
    job_type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    begin_time: Mapped[datetime]
    end_time: Mapped[datetime | None]
    error_code: Mapped[str | None] = mapped_column(String(64))
    fail_reason: Mapped[str | None] = mapped_column(String(1024))
    entities: Mapped[dict[str, Any]]


class Transition(Base):
    """A pending state change of a resource, applied when the clock reaches `due_at`."""

    __tablename__ = "transitions"
    __table_args__ = (Index("ix_transitions_due", "due_at", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    service: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)


class QuotaLimit(Base):
    """A per-project override of a quota default (the "quota modification request")."""

    __tablename__ = "quota_limits"
    project_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    limit: Mapped[int]


class QuotaUsage(Base):
    __tablename__ = "quota_usage"
    project_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    in_use: Mapped[int] = mapped_column(default=0)


class UsageInterval(Base):
    """A billable stretch of time: `quantity` of `meter` from `started_at` to `ended_at`."""

    __tablename__ = "usage_intervals"
    __table_args__ = (Index("ix_usage_open", "resource_id", "ended_at"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    region: Mapped[str] = mapped_column(String(64))
    service: Mapped[str] = mapped_column(String(32))
    resource_type: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str] = mapped_column(String(64))
    meter: Mapped[str] = mapped_column(String(64))
    unit_class: Mapped[str] = mapped_column(String(64), default="")
    quantity: Mapped[Decimal] = mapped_column(Numeric(20, 6))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class Tag(Base):
    """A key/value tag of any resource (TMS)."""

    __tablename__ = "tags"
    resource_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)  # a Neutron tag: 255
    value: Mapped[str] = mapped_column(String(255), default="")
    project_id: Mapped[str] = mapped_column(String(64), index=True)


class BlobRef(Base):
    """How many rows use one blob of the blob store (`state.blobs`); its file goes at zero."""

    __tablename__ = "blob_refs"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    refs: Mapped[int] = mapped_column(default=0)
    md5: Mapped[str | None] = mapped_column(String(32))  # hex; none for a composed blob


class BlobPart(Base):
    """One part of a composed blob (`state.blobs.compose`), which holds a reference to it."""

    __tablename__ = "blob_parts"
    composite: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    part: Mapped[str] = mapped_column(String(64))
