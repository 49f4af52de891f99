"""What a server view needs beyond the row, fetched for many servers in a fixed number of
prepared statements that read only the columns the views print (no ORM rows to build, no ORM
execution: the session is flushed once, then its connection is read)."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from apis.ecs import nics
from apis.ecs.models import Server, ServerInterface, ServerVolume
from apis.ecs.nics import Address
from apis.vpc.models import PortSecurityGroup, SecurityGroup
from emulator import tags
from state.prepared import Prepared

TAG_TYPE = "ecs.server"


@dataclass
class Facts:
    addresses: list[Address] = field(default_factory=list)
    # Rows with volume_id, device, boot_index and delete_on_termination, in device order.
    volumes: list[Any] = field(default_factory=list)
    groups: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    tags: dict[str, str] = field(default_factory=dict)


_SERVER_IDS: BindParameter[str] = bindparam("server_ids", expanding=True)

_VOLUMES = Prepared(
    select(
        ServerVolume.server_id,
        ServerVolume.volume_id,
        ServerVolume.device,
        ServerVolume.boot_index,
        ServerVolume.delete_on_termination,
    )
    .where(ServerVolume.server_id.in_(_SERVER_IDS))
    .order_by(ServerVolume.device)
)

# Ports in attachment order, each port's groups by id.
_GROUPS = Prepared(
    select(ServerInterface.server_id, PortSecurityGroup.security_group_id, SecurityGroup.name)
    .join(PortSecurityGroup, PortSecurityGroup.port_id == ServerInterface.port_id)
    .outerjoin(SecurityGroup, SecurityGroup.id == PortSecurityGroup.security_group_id)
    .where(ServerInterface.server_id.in_(_SERVER_IDS))
    .order_by(
        ServerInterface.created_at,
        ServerInterface.port_id,
        PortSecurityGroup.security_group_id,
    )
)


def _volumes(db: Connection, server_ids: list[str]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {server_id: [] for server_id in server_ids}
    for row in _VOLUMES.all(db, {"server_ids": server_ids}):
        found[row.server_id].append(row)
    return found


def _groups(db: Connection, server_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The security groups (id, name) of each server's ports, in first-seen order (ports in
    attachment order, each port's groups by id): one query."""
    seen: dict[str, dict[tuple[str, str], None]] = {server_id: {} for server_id in server_ids}
    for server_id, group_id, name in _GROUPS.all(db, {"server_ids": server_ids}):
        seen[server_id][(group_id, group_id if name is None else name)] = None
    return {server_id: list(groups) for server_id, groups in seen.items()}


def groups(tx: Session, server_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The security groups (id, name) of each server's ports, in first-seen order."""
    tx.flush()
    return _groups(tx.connection(), server_ids)


def gather(tx: Session, servers: list[Server]) -> dict[str, Facts]:
    server_ids = [server.id for server in servers]
    tx.flush()
    db = tx.connection()
    addresses = nics.addresses(db, server_ids)
    volumes = _volumes(db, server_ids)
    tag_values = tags.of_many(db, TAG_TYPE, server_ids)
    server_groups = _groups(db, server_ids)
    return {
        server_id: Facts(
            addresses=addresses[server_id],
            volumes=volumes[server_id],
            groups=server_groups[server_id],
            tags=tag_values.get(server_id, {}),
        )
        for server_id in server_ids
    }
