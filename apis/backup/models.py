"""Tables of VBS: backups, the per-tenant queue of backup operations, backup policies and the
volumes they protect."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from state.models import Base


class Backup(Base):
    """A backup of one EVS volume: full, or incremental on `parent_id`. `size` is the volume's
    size when backed up (what Cinder shows and the 200 TB limit counts); `stored_gb` is the data
    the backup holds (the whole volume, or for an incremental its growth since the parent)."""

    __tablename__ = "vbs_backups"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    region: Mapped[str] = mapped_column(String(64))
    availability_zone: Mapped[str] = mapped_column(String(64))
    volume_id: Mapped[str] = mapped_column(String(64), index=True)
    volume_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    stored_gb: Mapped[int]
    name: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(32))
    is_incremental: Mapped[bool] = mapped_column(default=False)
    parent_id: Mapped[str | None] = mapped_column(String(64), index=True)
    snapshot_id: Mapped[str | None] = mapped_column(String(64))
    # The policy whose scheduled run made it (retention applies to these only).
    policy_id: Mapped[str | None] = mapped_column(String(64), index=True)
    fail_reason: Mapped[str | None] = mapped_column(String(1024))
    # The volume's metadata when backed up, given back to the volume a restore fills.
    volume_metadata: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]


class BackupOperation(Base):
    """A create, delete or restore of a backup: `queued` until one of the tenant's running
    slots frees, then `running` for the configured time (first come, first served)."""

    __tablename__ = "vbs_operations"
    __table_args__ = (Index("ix_vbs_operations_queue", "project_id", "state", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    backup_id: Mapped[str] = mapped_column(String(64))
    volume_id: Mapped[str | None] = mapped_column(String(64))
    job_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    seconds: Mapped[float]
    # What the end of the operation needs (the volume's status to give back ...).
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    queued_at: Mapped[datetime]


class BackupPolicy(Base):
    __tablename__ = "vbs_policies"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(64))
    # Comma-separated full hours, UTC ("02:00,14:00").
    start_time: Mapped[str] = mapped_column(String(255))
    frequency: Mapped[int | None]
    week_frequency: Mapped[list[Any] | None]
    retention_num: Mapped[int | None]
    retention_day: Mapped[int | None]
    keep_first_of_month: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]


class PolicyVolume(Base):
    """A volume protected by a policy (a volume has at most one policy)."""

    __tablename__ = "vbs_policy_volumes"
    volume_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    policy_id: Mapped[str] = mapped_column(
        ForeignKey("vbs_policies.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[str] = mapped_column(String(64), index=True)
