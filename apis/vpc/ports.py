"""Ports: fixed IPs from the subnets' pools, MAC addresses, security groups.

Ports owned by the network itself (`network:*`, router interfaces) take an address but no
quota and no security group. Deleting a port leaves its EIP allocated and unbound.
"""

import secrets
from dataclasses import dataclass, field
from ipaddress import ip_address, ip_network
from typing import Any

from sqlalchemy import bindparam, delete, exists, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from apis.vpc import eips, ipam, security
from apis.vpc.common import consume, owned, release
from apis.vpc.errors import in_use, invalid, not_found
from apis.vpc.models import IpAllocation, Network, Port, PortSecurityGroup, PublicIp, Subnet
from emulator import ids, tags
from emulator.context import RequestContext
from emulator.errors import Conflict
from state.prepared import Prepared, connection_of

ROUTER_INTERFACE = "network:router_interface_distributed"
MAC_PREFIX = "fa:16:3e"
TAG_TYPE = "vpc.port"


@dataclass
class PortSpec:
    network_id: str
    # None: one address from the network's first subnet; []: no address at all.
    fixed_ips: list[dict[str, Any]] | None = None
    # None: the `default` group of the network's VPC.
    security_group_ids: list[str] | None = None
    name: str = ""
    description: str = ""
    admin_state_up: bool = True
    device_id: str = ""
    device_owner: str = ""
    mac_address: str | None = None
    port_security_enabled: bool = True
    allowed_address_pairs: list[dict[str, Any]] = field(default_factory=list)


def is_system_owned(port: Port) -> bool:
    return port.device_owner.startswith("network:")


def _new_mac(tx: Session) -> str:
    while True:
        mac = MAC_PREFIX + "".join(f":{secrets.randbelow(256):02x}" for _ in range(3))
        if tx.scalars(select(Port.id).where(Port.mac_address == mac)).first() is None:
            return mac


def _checked_mac(tx: Session, network_id: str, mac: str) -> str:
    parts = mac.lower().split(":")
    if len(parts) != 6 or not all(
        len(p) == 2 and all(c in "0123456789abcdef" for c in p) for p in parts
    ):
        raise invalid("port", f"'{mac}' is not a valid MAC address.")
    mac = ":".join(parts)
    if tx.scalars(select(Port.id).where(Port.mac_address == mac)).first() is not None:
        raise Conflict(
            f"Unable to complete operation for network {network_id}. The mac "
            f"address {mac} is in use.",
            codes={"neutron": "MacAddressInUse", "vpc": "VPC.2504"},
        )
    return mac


def subnets_of(tx: Session, network_id: str) -> list[Subnet]:
    return list(
        tx.scalars(
            select(Subnet)
            .where(Subnet.network_id == network_id)
            .order_by(Subnet.created_at, Subnet.id)
        )
    )


def _subnet_for(subnets: list[Subnet], wanted: dict[str, Any], network_id: str) -> Subnet:
    subnet_id, address = wanted.get("subnet_id"), wanted.get("ip_address")
    if subnet_id:
        match = next((s for s in subnets if s.id == subnet_id), None)
        if match is None:
            raise invalid(
                "port",
                f"Failed to create port on network {network_id}, because "
                f"fixed_ips included invalid subnet {subnet_id}.",
                neutron="InvalidInput",
            )
        return match
    if address:
        parsed = ipam.parse_ip(str(address), "port")
        match = next((s for s in subnets if parsed in ip_network(s.cidr)), None)
        if match is None:
            raise invalid(
                "port",
                f"IP address {address} is not a valid IP for any subnet on network {network_id}.",
                neutron="InvalidIpForNetwork",
            )
        return match
    raise invalid("port", "fixed_ips entries need a subnet_id or an ip_address.")


def _allocate_all(
    tx: Session, port: Port, wanted: list[dict[str, Any]] | None, subnets: list[Subnet]
) -> None:
    if wanted is None:
        wanted = [{"subnet_id": subnets[0].id}] if subnets else []
    for item in wanted:
        subnet = _subnet_for(subnets, item, port.network_id)
        ipam.allocate(
            tx,
            subnet,
            port.id,
            item.get("ip_address"),
            gateway_allowed=port.device_owner == ROUTER_INTERFACE,
        )
        tx.flush()


def vpc_of_network(tx: Session, network_id: str) -> str | None:
    return tx.scalars(
        select(Subnet.router_id).where(
            Subnet.network_id == network_id, Subnet.router_id.is_not(None)
        )
    ).first()


def _set_groups(tx: Session, ctx: RequestContext, port: Port, group_ids: list[str]) -> None:
    for group_id in dict.fromkeys(group_ids):
        security.get_group(tx, ctx, group_id)
    tx.execute(delete(PortSecurityGroup).where(PortSecurityGroup.port_id == port.id))
    _link_groups(tx, port, group_ids)


def _link_groups(tx: Session, port: Port, group_ids: list[str]) -> None:
    for group_id in dict.fromkeys(group_ids):
        tx.add(
            PortSecurityGroup(
                port_id=port.id, security_group_id=group_id, project_id=port.project_id
            )
        )


def create_port(tx: Session, ctx: RequestContext, spec: PortSpec) -> Port:
    """A port on a network (= native subnet id), with fixed IPs and security groups.

    Raises NotFound (network, subnet, group), Conflict (IP taken, no IP left, MAC in use),
    QuotaExceeded; on any error nothing is written (the caller's transaction rolls back)."""
    network = owned(tx, Network, spec.network_id, ctx, "network")
    port = Port(
        id=ids.uuid_id(),
        project_id=ctx.project.id,
        network_id=network.id,
        name=spec.name,
        description=spec.description,
        admin_state_up=spec.admin_state_up,
        device_id=spec.device_id,
        device_owner=spec.device_owner,
        mac_address=(
            _checked_mac(tx, network.id, spec.mac_address) if spec.mac_address else _new_mac(tx)
        ),
        status="ACTIVE" if spec.device_id else "DOWN",
        port_security_enabled=spec.port_security_enabled,
        allowed_address_pairs=spec.allowed_address_pairs,
        created_at=ctx.now(),
        updated_at=ctx.now(),
    )
    if not is_system_owned(port):
        consume(tx, ctx, "port")
    tx.add(port)
    tx.flush()
    _allocate_all(tx, port, spec.fixed_ips, subnets_of(tx, network.id))
    if not is_system_owned(port) and spec.port_security_enabled:
        if spec.security_group_ids is None:
            default = security.default_group_of(tx, ctx, vpc_of_network(tx, network.id))
            _link_groups(tx, port, [default.id])
        else:
            for group_id in dict.fromkeys(spec.security_group_ids):
                security.get_group(tx, ctx, group_id)
            _link_groups(tx, port, spec.security_group_ids)
    return port


@dataclass(frozen=True)
class NetworkFacts:
    """What a new device port needs of its network: its VPC and its subnets' pools."""

    id: str
    vpc_id: str | None
    # Rows of (id, project_id, allocation_pools), in creation order.
    subnets: list[Any]


_NETWORK_WITH_SUBNETS = Prepared(
    select(
        Network.id,
        Network.project_id,
        Subnet.id.label("subnet_id"),
        Subnet.project_id.label("subnet_project_id"),
        Subnet.allocation_pools,
        Subnet.router_id,
    )
    .outerjoin(Subnet, Subnet.network_id == Network.id)
    .where(Network.id == bindparam("network_id"))
    .order_by(Subnet.created_at, Subnet.id)
)


def network_facts(tx: Session, ctx: RequestContext, network_id: str) -> NetworkFacts | None:
    """The caller's network with its VPC and subnets, in one prepared query (None: unknown)."""
    rows = _NETWORK_WITH_SUBNETS.all(connection_of(tx), {"network_id": network_id})
    if not rows or rows[0].project_id != ctx.project.id:
        return None
    subnets = [row for row in rows if row.subnet_id is not None]
    vpc_id = next((row.router_id for row in subnets if row.router_id is not None), None)
    return NetworkFacts(network_id, vpc_id, subnets)


@dataclass(frozen=True)
class DevicePort:
    id: str
    # (id, name) of its security groups, by id.
    groups: list[tuple[str, str]]


_MAC_USED = Prepared(select(Port.id).where(Port.mac_address == bindparam("mac")))
_PORT_COLUMNS = [column.name for column in Port.__table__.columns]
_INSERT_PORT = Prepared(insert(Port), _PORT_COLUMNS)
_LINK_GROUP = Prepared(insert(PortSecurityGroup), ["port_id", "security_group_id", "project_id"])


def _unused_mac(tx: Session) -> str:
    connection = connection_of(tx)
    while True:
        mac = MAC_PREFIX + "".join(f":{secrets.randbelow(256):02x}" for _ in range(3))
        if _MAC_USED.first(connection, {"mac": mac}) is None:
            return mac


def create_device_port(
    tx: Session,
    ctx: RequestContext,
    network: NetworkFacts,
    *,
    device_id: str,
    device_owner: str,
    security_group_ids: list[str] | None,
) -> DevicePort:
    """`create_port` of a device's port with one address from the network's first subnet
    (`network` read by `network_facts`), written by prepared statements: no ORM row, nothing
    read back. `security_group_ids` None: the VPC's default group."""
    groups = (
        [security.default_group_brief(tx, ctx, network.vpc_id)]
        if security_group_ids is None
        else sorted(security.names_of(tx, ctx, security_group_ids))
    )
    consume(tx, ctx, "port")
    now = ctx.now()
    port_id = ids.uuid_id()
    connection = connection_of(tx)
    _INSERT_PORT.run(
        connection,
        {
            "id": port_id,
            "project_id": ctx.project.id,
            "network_id": network.id,
            "name": "",
            "description": "",
            "admin_state_up": True,
            "mac_address": _unused_mac(tx),
            "device_id": device_id,
            "device_owner": device_owner,
            "status": "ACTIVE" if device_id else "DOWN",
            "port_security_enabled": True,
            "allowed_address_pairs": [],
            "created_at": now,
            "updated_at": now,
        },
    )
    if network.subnets:
        subnet = network.subnets[0]
        ipam.allocate_first_free(
            tx,
            subnet_id=subnet.subnet_id,
            project_id=subnet.subnet_project_id,
            network_id=network.id,
            pools=subnet.allocation_pools,
            port_id=port_id,
        )
    _LINK_GROUP.run_many(
        connection,
        [
            {"port_id": port_id, "security_group_id": group_id, "project_id": ctx.project.id}
            for group_id, _ in groups
        ],
    )
    return DevicePort(port_id, groups)


def get_port(tx: Session, ctx: RequestContext, port_id: str) -> Port:
    return owned(tx, Port, port_id, ctx, "port")


def list_ports(tx: Session, ctx: RequestContext) -> list[Port]:
    return list(
        tx.scalars(
            select(Port).where(Port.project_id == ctx.project.id).order_by(Port.created_at, Port.id)
        )
    )


def fixed_ips(tx: Session, port_ids: list[str]) -> dict[str, list[IpAllocation]]:
    found: dict[str, list[IpAllocation]] = {pid: [] for pid in port_ids}
    for row in tx.scalars(select(IpAllocation).where(IpAllocation.port_id.in_(port_ids))):
        found[row.port_id].append(row)
    for rows in found.values():
        rows.sort(key=lambda r: ip_address(r.ip_address))
    return found


def _keeping_addresses(
    wanted: list[dict[str, Any]], current: list[IpAllocation]
) -> list[dict[str, Any]]:
    """Neutron's reading of new fixed_ips: an entry naming only a subnet keeps the port's
    address on that subnet, unless another entry names that address."""
    named = {item.get("ip_address") for item in wanted}
    spare = [a for a in current if a.ip_address not in named]
    kept = []
    for item in wanted:
        if not item.get("ip_address"):
            same_subnet = [a for a in spare if a.subnet_id == item.get("subnet_id")]
            if same_subnet:
                spare.remove(same_subnet[0])
                item = {**item, "ip_address": same_subnet[0].ip_address}
        kept.append(item)
    return kept


def groups_of(tx: Session, port_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {pid: [] for pid in port_ids}
    for row in tx.scalars(select(PortSecurityGroup).where(PortSecurityGroup.port_id.in_(port_ids))):
        found[row.port_id].append(row.security_group_id)
    return found


def update_port(tx: Session, ctx: RequestContext, port_id: str, changes: dict[str, Any]) -> Port:
    """Changes among name, description, admin_state_up, device_id, device_owner,
    allowed_address_pairs, security_groups (ids), fixed_ips (replaces the addresses; a router
    interface keeps its own)."""
    port = get_port(tx, ctx, port_id)
    if changes.get("fixed_ips") is not None:
        current = fixed_ips(tx, [port.id])[port.id]
        wanted = _keeping_addresses(changes["fixed_ips"], current)
        moved = {w.get("ip_address") for w in wanted} != {a.ip_address for a in current}
        if port.device_owner == ROUTER_INTERFACE and moved:
            raise in_use(
                f"Port {port_id} is a router interface: its address cannot change.",
                neutron="L3PortInUse",
                native="VPC.2505",
            )
        tx.execute(delete(IpAllocation).where(IpAllocation.port_id == port.id))
        tx.flush()
        _allocate_all(tx, port, wanted, subnets_of(tx, port.network_id))
    for key in (
        "name",
        "description",
        "admin_state_up",
        "device_id",
        "device_owner",
        "allowed_address_pairs",
    ):
        if key in changes and changes[key] is not None:
            setattr(port, key, changes[key])
    if "security_groups" in changes and changes["security_groups"] is not None:
        _set_groups(tx, ctx, port, changes["security_groups"])
    port.status = "ACTIVE" if port.device_id else "DOWN"
    port.updated_at = ctx.now()
    return port


def bind_device(
    tx: Session,
    ctx: RequestContext,
    port_id: str,
    *,
    device_id: str,
    device_owner: str = "compute:None",
) -> Port:
    """Attach a port to a server (compute: `device_owner="compute:<az>"`)."""
    return update_port(tx, ctx, port_id, {"device_id": device_id, "device_owner": device_owner})


def delete_port(tx: Session, ctx: RequestContext, port_id: str, *, by_router: bool = False) -> None:
    """Delete a port and free its IPs; its EIP stays allocated, unbound.
    Router interfaces go only through the router (`by_router=True`)."""
    port = get_port(tx, ctx, port_id)
    if port.device_owner == ROUTER_INTERFACE and not by_router:
        raise in_use(
            f"Port {port_id} cannot be deleted directly via the port API: has device "
            f"owner {port.device_owner}.",
            neutron="L3PortInUse",
            native="VPC.2505",
        )
    eips.detach_from_port(tx, ctx, port_id)
    tx.execute(delete(IpAllocation).where(IpAllocation.port_id == port_id))
    tx.execute(delete(PortSecurityGroup).where(PortSecurityGroup.port_id == port_id))
    tags.remove_all(tx, TAG_TYPE, port_id)
    if not is_system_owned(port):
        release(tx, ctx, "port")
    tx.delete(port)
    tx.flush()


_PORT_IDS: BindParameter[str] = bindparam("port_ids", expanding=True)
_OF_PROJECT = Port.project_id == bindparam("project_id")

_TO_DELETE = Prepared(
    select(
        Port.id,
        Port.device_owner,
        exists().where(PublicIp.port_id == Port.id).label("has_publicip"),
    ).where(Port.id.in_(_PORT_IDS), _OF_PROJECT)
)
_DELETE_ADDRESSES = Prepared(delete(IpAllocation).where(IpAllocation.port_id.in_(_PORT_IDS)))
_DELETE_GROUP_LINKS = Prepared(
    delete(PortSecurityGroup).where(PortSecurityGroup.port_id.in_(_PORT_IDS))
)
_DELETE_PORTS = Prepared(delete(Port).where(Port.id.in_(_PORT_IDS)))
_UNBIND_DEVICES = Prepared(
    update(Port)
    .where(Port.id.in_(_PORT_IDS), _OF_PROJECT)
    .values(device_id="", device_owner="", status="DOWN", updated_at=bindparam("now"))
)


def delete_ports(tx: Session, ctx: RequestContext, port_ids: list[str]) -> None:
    """`delete_port` of several ports (a router interface refused as there) in a fixed number
    of statements; the session holds none of their rows."""
    if not port_ids:
        return
    db = tx.connection()
    values = {"port_ids": port_ids, "project_id": ctx.project.id}
    found = {row.id: row for row in _TO_DELETE.all(db, values)}
    for port_id in port_ids:
        if port_id not in found:
            raise not_found("port", port_id)
        if found[port_id].device_owner == ROUTER_INTERFACE:
            raise in_use(
                f"Port {port_id} cannot be deleted directly via the port API: has device "
                f"owner {ROUTER_INTERFACE}.",
                neutron="L3PortInUse",
                native="VPC.2505",
            )
    if any(row.has_publicip for row in found.values()):
        eips.detach_from_ports(tx, ctx, port_ids)
    _DELETE_ADDRESSES.run(db, {"port_ids": port_ids})
    _DELETE_GROUP_LINKS.run(db, {"port_ids": port_ids})
    tags.remove_all_of(tx, TAG_TYPE, port_ids)
    counted = sum(not is_system_owned(row) for row in found.values())
    if counted:
        release(tx, ctx, "port", amount=counted)
    _DELETE_PORTS.run(db, {"port_ids": port_ids})


def unbind_devices(tx: Session, ctx: RequestContext, port_ids: list[str]) -> None:
    """`bind_device(..., device_id="", device_owner="")` of several ports in one statement;
    the session holds none of their rows."""
    if not port_ids:
        return
    values = {"port_ids": port_ids, "now": ctx.now(), "project_id": ctx.project.id}
    if _UNBIND_DEVICES.run(tx.connection(), values) != len(port_ids):
        for port_id in port_ids:
            get_port(tx, ctx, port_id)  # the first one missing is not found


def allocation_of(tx: Session, port_id: str | None, address: str | None) -> IpAllocation | None:
    return tx.scalars(
        select(IpAllocation).where(
            IpAllocation.port_id == port_id, IpAllocation.ip_address == address
        )
    ).first()


def first_ipv4(tx: Session, port_id: str) -> IpAllocation | None:
    rows = fixed_ips(tx, [port_id])[port_id]
    return rows[0] if rows else None
