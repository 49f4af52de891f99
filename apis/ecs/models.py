"""Tables of ECS: key pairs and server groups."""

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from state.models import Base


class Keypair(Base):
    """An SSH or x509 key pair of a user in a project; Nova shows its integer id."""

    __tablename__ = "ecs_keypairs"
    __table_args__ = (UniqueConstraint("project_id", "user_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]


class ServerGroup(Base):
    __tablename__ = "ecs_server_groups"
    __table_args__ = (Index("ix_ecs_server_groups_listing", "project_id", "created_at", "id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    policies: Mapped[list[Any]]
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    created_at: Mapped[datetime]
