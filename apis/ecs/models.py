"""Tables of ECS: servers with their volumes and interfaces, key pairs, server groups."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
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


class Server(Base):
    """An elastic cloud server. `status` is what both APIs show; `task_state` what Nova adds
    while something is under way; `power_state` 1 running, 4 shut down, 0 not yet built."""

    __tablename__ = "ecs_servers"
    __table_args__ = (Index("ix_ecs_servers_listing", "project_id", "created_at", "id"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(32))
    task_state: Mapped[str | None] = mapped_column(String(32))
    power_state: Mapped[int] = mapped_column(default=0)
    flavor_id: Mapped[str] = mapped_column(String(64))
    previous_flavor_id: Mapped[str | None] = mapped_column(String(64))
    image_id: Mapped[str] = mapped_column(String(64), default="")
    # The platform of a licensed image (Windows, RedHat, SUSE), billed by the hour.
    licence: Mapped[str | None] = mapped_column(String(32))
    availability_zone: Mapped[str] = mapped_column(String(64))
    vpc_id: Mapped[str | None] = mapped_column(String(64))
    key_name: Mapped[str | None] = mapped_column(String(255))
    user_data: Mapped[str | None] = mapped_column(Text)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    reservation_id: Mapped[str] = mapped_column(String(64))
    # The EIP made with the server goes with it (native publicip.delete_on_termination).
    publicip_delete_on_termination: Mapped[bool] = mapped_column(default=False)
    # Nova's lock: actions and deletion are refused until unlocked.
    locked: Mapped[bool] = mapped_column(default=False)
    # Nova's accessIPv4 and accessIPv6: addresses the user records, "" when none.
    access_ipv4: Mapped[str] = mapped_column(String(64), default="")
    access_ipv6: Mapped[str] = mapped_column(String(64), default="")
    # Nova's OS-DCF:diskConfig: AUTO (True) or MANUAL partitioning of the system disk.
    auto_disk_config: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    launched_at: Mapped[datetime | None]


class ServerVolume(Base):
    """A volume attached to a server (Nova's block device mapping)."""

    __tablename__ = "ecs_server_volumes"
    server_id: Mapped[str] = mapped_column(
        ForeignKey("ecs_servers.id", ondelete="CASCADE"), primary_key=True
    )
    volume_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    device: Mapped[str] = mapped_column(String(64))
    boot_index: Mapped[int | None]
    delete_on_termination: Mapped[bool] = mapped_column(default=False)
    attached_at: Mapped[datetime]


class ServerInterface(Base):
    """A port of a server; `owned` ports were made for it and die with it."""

    __tablename__ = "ecs_server_interfaces"
    port_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    server_id: Mapped[str] = mapped_column(
        ForeignKey("ecs_servers.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    owned: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class ServerGroupMember(Base):
    __tablename__ = "ecs_server_group_members"
    group_id: Mapped[str] = mapped_column(
        ForeignKey("ecs_server_groups.id", ondelete="CASCADE"), primary_key=True
    )
    server_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)


class ServerAction(Base):
    """What was asked of a server (Nova's instance action), kept after the server is deleted.
    `event` is the compute step it started, finished when the server's change is done; actions
    with no such step (lock) have none."""

    __tablename__ = "ecs_server_actions"
    __table_args__ = (Index("ix_ecs_server_actions_server", "server_id"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(64))
    server_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(64))
    start_time: Mapped[datetime]
    updated_at: Mapped[datetime]
    event: Mapped[str | None] = mapped_column(String(64))
    event_finish_time: Mapped[datetime | None]
