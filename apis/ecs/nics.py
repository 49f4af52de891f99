"""A server's network interfaces: VPC ports made for it (or given to it), their addresses and
EIPs, and their security groups."""

from dataclasses import dataclass
from ipaddress import ip_address

from sqlalchemy import Connection, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from apis.ecs import states
from apis.ecs.models import Server, ServerInterface
from apis.vpc import operations as vpc
from apis.vpc import ports as vpc_ports
from apis.vpc import security
from apis.vpc.models import IpAllocation, Port, PublicIp, Subnet
from emulator.context import RequestContext
from emulator.errors import ApiError, Conflict, NotFound
from state.prepared import Prepared, connection_of


@dataclass
class NicSpec:
    """A port to make on `network_id` (the native subnet id), or an existing `port_id`."""

    network_id: str | None = None
    port_id: str | None = None
    ip_address: str | None = None


@dataclass
class Address:
    vpc_id: str
    ip_address: str
    version: int
    mac_address: str
    port_id: str
    kind: str  # "fixed" or "floating"


def of(tx: Session, server_ids: list[str]) -> dict[str, list[ServerInterface]]:
    found: dict[str, list[ServerInterface]] = {server_id: [] for server_id in server_ids}
    rows = tx.scalars(
        select(ServerInterface)
        .where(ServerInterface.server_id.in_(server_ids))
        .order_by(ServerInterface.created_at, ServerInterface.port_id)
    )
    for row in rows:
        found[row.server_id].append(row)
    return found


def resolve_groups(
    tx: Session, ctx: RequestContext, refs: list[str], vpc_id: str | None
) -> list[str]:
    """Security group ids from names or ids; a name is looked up in the server's VPC first."""
    groups = security.list_groups(tx, ctx)
    chosen: list[str] = []
    for ref in refs:
        matches = [g for g in groups if g.id == ref] or sorted(
            (g for g in groups if g.name == ref), key=lambda g: g.vpc_id != vpc_id
        )
        if not matches:
            raise states.invalid(f"Unable to find security_group with name or id '{ref}'")
        chosen.append(matches[0].id)
    return chosen


def network_of(tx: Session, ctx: RequestContext, network_id: str) -> vpc_ports.NetworkFacts:
    network = vpc_ports.network_facts(tx, ctx, network_id)
    if network is None:
        raise states.invalid(f"Network {network_id} could not be found.")
    return network


def vpc_of(
    tx: Session,
    ctx: RequestContext,
    nic: NicSpec,
    networks: dict[str, vpc_ports.NetworkFacts] | None = None,
) -> str | None:
    """The VPC of the nic's network; the network found is added to `networks`."""
    if nic.port_id is not None:
        return vpc_ports.vpc_of_network(tx, _free_port(tx, ctx, nic.port_id).network_id)
    network = network_of(tx, ctx, str(nic.network_id))
    if networks is not None:
        networks[network.id] = network
    return network.vpc_id


def _free_port(tx: Session, ctx: RequestContext, port_id: str) -> Port:
    try:
        port = vpc.get_port(tx, ctx, port_id)
    except NotFound:
        raise states.invalid(f"Port {port_id} could not be found.", nova_status=404) from None
    if port.device_id:
        raise Conflict(f"Port {port_id} is still in use.", codes={"huawei": states.INVALID})
    return port


def _device_owner(server: Server) -> str:
    return f"compute:{server.availability_zone}"


@dataclass(frozen=True)
class Plugged:
    port_id: str
    # (id, name) of the port's security groups by id, when known without reading them back.
    groups: list[tuple[str, str]] | None = None


_ADD_INTERFACE = Prepared(
    insert(ServerInterface), ["port_id", "server_id", "project_id", "owned", "created_at"]
)


def plug(
    tx: Session,
    ctx: RequestContext,
    server: Server,
    nic: NicSpec,
    group_ids: list[str] | None,
    *,
    network: vpc_ports.NetworkFacts | None = None,
) -> Plugged:
    """Make (or bind) one port for the server; `group_ids` None means the VPC's default.
    `network`: the nic's network, as the caller found it already (`vpc_of`). A port with
    the first free address is written by prepared statements."""
    try:
        if nic.port_id is not None:
            port_id = _free_port(tx, ctx, nic.port_id).id
            vpc.bind_device(
                tx, ctx, port_id, device_id=server.id, device_owner=_device_owner(server)
            )
            plugged, owned = Plugged(port_id), False
        elif nic.ip_address is not None:
            if network is None:
                network_of(tx, ctx, str(nic.network_id))
            port = vpc.create_port(
                tx,
                ctx,
                vpc.PortSpec(
                    network_id=str(nic.network_id),
                    fixed_ips=[{"ip_address": nic.ip_address}],
                    security_group_ids=group_ids,
                    device_id=server.id,
                    device_owner=_device_owner(server),
                ),
            )
            tx.flush()
            plugged, owned = Plugged(port.id), True
        else:
            made = vpc_ports.create_device_port(
                tx,
                ctx,
                network or network_of(tx, ctx, str(nic.network_id)),
                device_id=server.id,
                device_owner=_device_owner(server),
                security_group_ids=group_ids,
            )
            plugged, owned = Plugged(made.id, made.groups), True
    except ApiError as error:
        error.codes.setdefault("huawei", states.INVALID)
        if error.status == 409:
            error.statuses = {**error.statuses, "huawei": 400}
        raise
    _ADD_INTERFACE.run(
        connection_of(tx),
        {
            "port_id": plugged.port_id,
            "server_id": server.id,
            "project_id": server.project_id,
            "owned": owned,
            "created_at": ctx.now(),
        },
    )
    return plugged


def find(tx: Session, server: Server, port_id: str) -> ServerInterface:
    row = tx.get(ServerInterface, port_id)
    if row is None or row.server_id != server.id:
        raise NotFound(f"Port {port_id} is not attached", codes={"huawei": states.INVALID})
    return row


def unplug(
    tx: Session, ctx: RequestContext, server: Server, port_id: str, *, release_eips: bool = False
) -> None:
    """A port made for the server is deleted (its EIP stays, unbound, unless `release_eips`);
    a port given to it is unbound and stays."""
    row = find(tx, server, port_id)
    if release_eips:
        for eip_id in tx.scalars(select(PublicIp.id).where(PublicIp.port_id == port_id)):
            vpc.release_publicip(tx, ctx, eip_id)
    if row.owned:
        vpc.delete_port(tx, ctx, port_id)
    else:
        vpc.bind_device(tx, ctx, port_id, device_id="", device_owner="")
    tx.delete(row)
    tx.flush()


_INTERFACES = Prepared(
    select(ServerInterface.port_id, ServerInterface.owned)
    .where(ServerInterface.server_id == bindparam("server_id"))
    .order_by(ServerInterface.created_at, ServerInterface.port_id)
)
_UNPLUG_ALL = Prepared(
    delete(ServerInterface).where(ServerInterface.server_id == bindparam("server_id"))
)


def unplug_all(tx: Session, ctx: RequestContext, server: Server, *, release_eips: bool) -> None:
    """`unplug` of every port of a server going away, set-based: the ports made for it go,
    those given to it are unbound (the session holds none of their rows)."""
    db = tx.connection()
    rows = _INTERFACES.all(db, {"server_id": server.id})
    if not rows:
        return
    if release_eips:
        port_ids = [row.port_id for row in rows]
        bound = select(PublicIp.id).where(PublicIp.port_id.in_(port_ids))
        for eip_id in list(tx.scalars(bound)):
            vpc.release_publicip(tx, ctx, eip_id)
    vpc.delete_ports(tx, ctx, [row.port_id for row in rows if row.owned])
    vpc.unbind_devices(tx, ctx, [row.port_id for row in rows if not row.owned])
    _UNPLUG_ALL.run(db, {"server_id": server.id})


def set_groups(tx: Session, ctx: RequestContext, server: Server, group_ids: list[str]) -> None:
    for row in of(tx, [server.id])[server.id]:
        vpc_ports.update_port(tx, ctx, row.port_id, {"security_groups": group_ids})


def groups(tx: Session, server: Server) -> list[str]:
    """The security groups of the server's ports, in first-seen order."""
    port_ids = [row.port_id for row in of(tx, [server.id])[server.id]]
    found: dict[str, None] = {}
    for ids in vpc.groups_of(tx, port_ids).values():
        found.update(dict.fromkeys(ids))
    return list(found)


def addresses_of(tx: Session, server: Server) -> list[Address]:
    """One server's addresses, with what the session holds unflushed."""
    tx.flush()
    return addresses(tx.connection(), [server.id])[server.id]


# The VPC of a port's network (its subnets' router), as `vpc_ports.vpc_of_network` finds it.
_VPC_OF_PORT = (
    select(Subnet.router_id)
    .where(Subnet.network_id == Port.network_id, Subnet.router_id.is_not(None))
    .limit(1)
    .scalar_subquery()
)

# The ports of servers in attachment order, with their fixed IPs (a row each) and VPC.
_PORTS = Prepared(
    select(
        ServerInterface.server_id,
        ServerInterface.port_id,
        Port.network_id,
        Port.mac_address,
        IpAllocation.ip_address,
        _VPC_OF_PORT,
    )
    .outerjoin(Port, Port.id == ServerInterface.port_id)
    .outerjoin(IpAllocation, IpAllocation.port_id == ServerInterface.port_id)
    .where(ServerInterface.server_id.in_(bindparam("server_ids", expanding=True)))
    .order_by(ServerInterface.created_at, ServerInterface.port_id)
)

_FLOATING = Prepared(
    select(PublicIp.port_id, PublicIp.public_ip_address).where(
        PublicIp.port_id.in_(bindparam("port_ids", expanding=True))
    )
)


def addresses(db: Connection, server_ids: list[str]) -> dict[str, list[Address]]:
    """The fixed and floating addresses of each server's ports (in attachment order), in the
    VPC of their network: two prepared statements reading only the columns used."""
    interfaces: dict[str, list[str]] = {server_id: [] for server_id in server_ids}
    ports: dict[str, tuple[str, str]] = {}
    fixed: dict[str, list[str]] = {}
    rows = _PORTS.all(db, {"server_ids": server_ids})
    for server_id, port_id, network_id, mac, ip, vpc_id in rows:
        attached = interfaces[server_id]
        if not attached or attached[-1] != port_id:
            attached.append(port_id)
            fixed[port_id] = []
            if network_id is not None:
                ports[port_id] = (vpc_id or network_id, mac)
        if ip is not None:
            fixed[port_id].append(ip)
    floating: dict[str, list[str]] = {}
    for bound_port, ip in _FLOATING.all(db, {"port_ids": list(ports)}):
        floating.setdefault(str(bound_port), []).append(ip)
    found: dict[str, list[Address]] = {server_id: [] for server_id in server_ids}
    for server_id, ids in interfaces.items():
        for port_id in ids:
            if port_id not in ports:
                continue
            vpc_id, mac = ports[port_id]
            ips = fixed[port_id]
            for ip in sorted(ips, key=ip_address) if len(ips) > 1 else ips:
                version = 6 if ":" in ip else 4
                found[server_id].append(Address(vpc_id, ip, version, mac, port_id, "fixed"))
            for eip in floating.get(port_id, []):
                found[server_id].append(Address(vpc_id, eip, 4, mac, port_id, "floating"))
    return found
