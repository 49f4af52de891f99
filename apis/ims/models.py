"""Tables of IMS: the private images of each project (the public catalogue is a data file)."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from state.models import Base


class PrivateImage(Base):
    __tablename__ = "ims_images"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The owner: the project that created the image.
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    region: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(32))
    visibility: Mapped[str] = mapped_column(String(32))
    protected: Mapped[bool] = mapped_column(default=False)
    disk_format: Mapped[str | None] = mapped_column(String(32))
    container_format: Mapped[str | None] = mapped_column(String(32))
    min_disk: Mapped[int] = mapped_column(default=0)
    min_ram: Mapped[int] = mapped_column(default=0)
    os_type: Mapped[str] = mapped_column(String(32))
    platform: Mapped[str] = mapped_column(String(64))
    os_version: Mapped[str] = mapped_column(String(255))
    # Made from a server whose image carries a billed licence (Windows, Red Hat, SUSE).
    licensed: Mapped[bool] = mapped_column(default=False)
    # The image data in the blob store (state.blobs), once uploaded.
    blob: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None]
    checksum: Mapped[str | None] = mapped_column(String(32))
    os_hash_value: Mapped[str | None] = mapped_column(String(128))
    tags: Mapped[list[Any]] = mapped_column(default=list)
    # Custom properties: the extra keys Glance prints beside the image's own attributes.
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ImageMember(Base):
    """A project an image is shared with, and whether it accepted the image."""

    __tablename__ = "ims_image_members"
    image_id: Mapped[str] = mapped_column(
        ForeignKey("ims_images.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    status: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
