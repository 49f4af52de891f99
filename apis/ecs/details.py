"""What a server view needs beyond the row, fetched for many servers in a fixed number of
queries that read only the columns the views print (no ORM rows to build)."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from apis.ecs import nics
from apis.ecs.models import Server, ServerVolume
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


def _volumes(tx: Session, server_ids: list[str]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {server_id: [] for server_id in server_ids}
    rows = tx.execute(
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


def _port_groups(tx: Session, port_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    rows = tx.execute(
        select(PortSecurityGroup.port_id, PortSecurityGroup.security_group_id).where(
            PortSecurityGroup.port_id.in_(port_ids)
        )
    )
    for port_id, group_id in rows:
        found.setdefault(port_id, []).append(group_id)
    return found


def groups(tx: Session, server_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The security groups (id, name) of each server's ports, in first-seen order."""
    return _groups(tx, server_ids, nics.port_ids_of(tx, server_ids))


def _groups(
    tx: Session, server_ids: list[str], interfaces: dict[str, list[str]]
) -> dict[str, list[tuple[str, str]]]:
    port_groups = _port_groups(tx, [port_id for ids in interfaces.values() for port_id in ids])
    group_ids = {gid for ids in port_groups.values() for gid in ids}
    rows = tx.execute(
        select(SecurityGroup.id, SecurityGroup.name).where(SecurityGroup.id.in_(group_ids))
    )
    names = {group_id: name for group_id, name in rows}
    found: dict[str, list[tuple[str, str]]] = {}
    for server_id in server_ids:
        seen: dict[str, None] = {}
        for port_id in interfaces[server_id]:
            seen.update(dict.fromkeys(port_groups.get(port_id, [])))
        found[server_id] = [(gid, names.get(gid, gid)) for gid in seen]
    return found


def gather(tx: Session, servers: list[Server]) -> dict[str, Facts]:
    server_ids = [server.id for server in servers]
    interfaces = nics.port_ids_of(tx, server_ids)
    addresses = nics.addresses(tx, interfaces)
    volumes = _volumes(tx, server_ids)
    tag_values = tags.of_many(tx, TAG_TYPE, server_ids)
    server_groups = _groups(tx, server_ids, interfaces)
    return {
        server_id: Facts(
            addresses=addresses[server_id],
            volumes=volumes[server_id],
            groups=server_groups[server_id],
            tags=tag_values.get(server_id, {}),
        )
        for server_id in server_ids
    }
