"""What a server view needs beyond the row, fetched for many servers in a fixed number of
Core queries that read only the columns the views print (no ORM rows to build, no ORM
execution: the session is flushed once, then its connection is read)."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from apis.ecs import nics
from apis.ecs.models import Server, ServerInterface, ServerVolume
from apis.ecs.nics import Address
from apis.vpc.models import PortSecurityGroup, SecurityGroup
from emulator import tags

TAG_TYPE = "ecs.server"


@dataclass
class Facts:
    addresses: list[Address] = field(default_factory=list)
    # Rows with volume_id, device, boot_index and delete_on_termination, in device order.
    volumes: list[Any] = field(default_factory=list)
    groups: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    tags: dict[str, str] = field(default_factory=dict)


def _volumes(db: Connection, server_ids: list[str]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {server_id: [] for server_id in server_ids}
    rows = db.execute(
        select(
            ServerVolume.server_id,
            ServerVolume.volume_id,
            ServerVolume.device,
            ServerVolume.boot_index,
            ServerVolume.delete_on_termination,
        )
        .where(ServerVolume.server_id.in_(server_ids))
        .order_by(ServerVolume.device)
    )
    for row in rows:
        found[row.server_id].append(row)
    return found


def _port_groups(db: Connection, server_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The groups (id, name) of the ports of the servers, by port, in group id order."""
    found: dict[str, list[tuple[str, str]]] = {}
    rows = db.execute(
        select(PortSecurityGroup.port_id, PortSecurityGroup.security_group_id, SecurityGroup.name)
        .join(ServerInterface, ServerInterface.port_id == PortSecurityGroup.port_id)
        .outerjoin(SecurityGroup, SecurityGroup.id == PortSecurityGroup.security_group_id)
        .where(ServerInterface.server_id.in_(server_ids))
        .order_by(PortSecurityGroup.port_id, PortSecurityGroup.security_group_id)
    )
    for port_id, group_id, name in rows:
        found.setdefault(port_id, []).append((group_id, group_id if name is None else name))
    return found


def groups(tx: Session, server_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The security groups (id, name) of each server's ports, in first-seen order."""
    tx.flush()
    db = tx.connection()
    return _groups(db, server_ids, nics.port_ids_of(db, server_ids))


def _groups(
    db: Connection, server_ids: list[str], interfaces: dict[str, list[str]]
) -> dict[str, list[tuple[str, str]]]:
    port_groups = _port_groups(db, server_ids)
    found: dict[str, list[tuple[str, str]]] = {}
    for server_id in server_ids:
        seen: dict[tuple[str, str], None] = {}
        for port_id in interfaces[server_id]:
            seen.update(dict.fromkeys(port_groups.get(port_id, [])))
        found[server_id] = list(seen)
    return found


def gather(tx: Session, servers: list[Server]) -> dict[str, Facts]:
    server_ids = [server.id for server in servers]
    tx.flush()
    db = tx.connection()
    interfaces, addresses = nics.addresses(db, server_ids)
    volumes = _volumes(db, server_ids)
    tag_values = tags.of_many(db, TAG_TYPE, server_ids)
    server_groups = _groups(db, server_ids, interfaces)
    return {
        server_id: Facts(
            addresses=addresses[server_id],
            volumes=volumes[server_id],
            groups=server_groups[server_id],
            tags=tag_values.get(server_id, {}),
        )
        for server_id in server_ids
    }
