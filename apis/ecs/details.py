"""What a server view needs beyond the row, fetched for many servers in a few queries."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from apis.ecs import disks, nics
from apis.ecs.models import Server, ServerVolume
from apis.ecs.nics import Address
from apis.vpc import operations as vpc
from apis.vpc.models import SecurityGroup
from emulator import tags

TAG_TYPE = "ecs.server"


@dataclass
class Facts:
    addresses: list[Address] = field(default_factory=list)
    volumes: list[ServerVolume] = field(default_factory=list)
    groups: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    tags: dict[str, str] = field(default_factory=dict)


def gather(tx: Session, servers: list[Server]) -> dict[str, Facts]:
    server_ids = [server.id for server in servers]
    addresses = nics.addresses(tx, server_ids)
    volumes = disks.of(tx, server_ids)
    tag_values = tags.of_many(tx, TAG_TYPE, server_ids)
    interfaces = nics.of(tx, server_ids)
    port_groups = vpc.groups_of(tx, [row.port_id for rows in interfaces.values() for row in rows])
    group_ids = {gid for ids in port_groups.values() for gid in ids}
    rows = tx.execute(
        select(SecurityGroup.id, SecurityGroup.name).where(SecurityGroup.id.in_(group_ids))
    )
    names = {group_id: name for group_id, name in rows}
    found: dict[str, Facts] = {}
    for server_id in server_ids:
        seen: dict[str, None] = {}
        for row in interfaces[server_id]:
            seen.update(dict.fromkeys(port_groups.get(row.port_id, [])))
        found[server_id] = Facts(
            addresses=addresses[server_id],
            volumes=volumes[server_id],
            groups=[(gid, names.get(gid, gid)) for gid in seen],
            tags=tag_values.get(server_id, {}),
        )
    return found
