"""Tables of EVS: volumes, their snapshots and their attachments to servers."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from state.models import Base


class Volume(Base):
    __tablename__ = "evs_volumes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    # The user who created it (none for a volume from before this column).
    user_id: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(64))
    availability_zone: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int]
    volume_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    bootable: Mapped[bool] = mapped_column(default=False)
    multiattach: Mapped[bool] = mapped_column(default=False)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    # The image's properties, for volumes created from an image (Cinder's volume_image_metadata).
    image_metadata: Mapped[dict[str, Any] | None]
    snapshot_id: Mapped[str | None] = mapped_column(String(64))
    source_volid: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]


class Snapshot(Base):
    __tablename__ = "evs_snapshots"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    volume_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(String(255), default="")
    size: Mapped[int]
    status: Mapped[str] = mapped_column(String(32))
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]


class VolumeAttachment(Base):
    """A volume attached to a server (several servers for a multiattach volume)."""

    __tablename__ = "evs_attachments"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    volume_id: Mapped[str] = mapped_column(
        ForeignKey("evs_volumes.id", ondelete="CASCADE"), index=True
    )
    server_id: Mapped[str] = mapped_column(String(64), index=True)
    device: Mapped[str] = mapped_column(String(64))
    attached_at: Mapped[datetime]


class VolumeTransfer(Base):
    """A volume offered to another project: whoever presents the auth key takes it. Only the
    key's salted SHA-1 is kept, as Cinder keeps it."""

    __tablename__ = "evs_transfers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    region: Mapped[str] = mapped_column(String(64))
    volume_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    salt: Mapped[str] = mapped_column(String(16))
    crypt_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
