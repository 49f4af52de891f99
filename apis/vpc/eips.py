"""EIPs (Neutron floating IPs) and their bandwidths, dedicated (PER) or shared (WHOLE).

An EIP is billed while held, bound or not: one open usage interval for the address and one
for its bandwidth's size. Its status goes PENDING_CREATE -> DOWN (allocated) -> ACTIVE (bound).
"""

from dataclasses import dataclass
from ipaddress import IPv4Address, ip_network

from sqlalchemy import bindparam, case, null, select, update
from sqlalchemy.orm import Session

from apis.vpc import ipam, ports, vpcs
from apis.vpc.common import SERVICE, consume, owned, release
from apis.vpc.errors import in_use, invalid
from apis.vpc.models import Bandwidth, IpAllocation, Port, PublicIp, Subnet
from apis.vpc.statuses import PUBLICIP_KIND
from emulator import ids, lifecycle, metering, tags
from emulator.context import RequestContext
from emulator.errors import BadRequest, Conflict
from state.prepared import Prepared

TAG_TYPE = "vpc.publicip"
IP_TYPES = ("5_bgp",)
MIN_MBITS, MAX_MBITS = 1, 1000
SHARE_TYPES = ("PER", "WHOLE")
CHARGE_MODES = ("bandwidth", "traffic")
# What a floating IP made through Neutron gets: Neutron has no word for bandwidth.
FLOATINGIP_BANDWIDTH_NAME, FLOATINGIP_MBITS = "bandwidth-floatingip", 5
EIP_METER, BANDWIDTH_METER = "vpc.eip_hours", "vpc.bandwidth_mbit_hours"


@dataclass
class BandwidthSpec:
    share_type: str = "PER"
    name: str | None = None
    size: int | None = None
    charge_mode: str = "bandwidth"
    id: str | None = None  # the shared bandwidth, for WHOLE


def _checked_size(size: int | None) -> int:
    if size is None or not MIN_MBITS <= size <= MAX_MBITS:
        raise BadRequest(
            f"Bandwidth size {size} is invalid: it must be {MIN_MBITS} to {MAX_MBITS} Mbit/s.",
            codes={"vpc": "VPC.0301", "neutron": "BadRequest", "huawei": "Ecs.0005"},
        )
    return size


def _checked_charge_mode(mode: str | None) -> str:
    if mode not in CHARGE_MODES:
        raise invalid("bandwidth", f"charge_mode {mode} is invalid: use bandwidth or traffic.")
    return str(mode)


def _new_bandwidth(
    tx: Session, ctx: RequestContext, *, name: str, size: int, share_type: str, charge_mode: str
) -> Bandwidth:
    now = ctx.now()
    bandwidth = Bandwidth(
        id=ids.uuid_id(),
        project_id=ctx.project.id,
        name=name,
        size=_checked_size(size),
        share_type=share_type,
        charge_mode=_checked_charge_mode(charge_mode),
        created_at=now,
        updated_at=now,
    )
    tx.add(bandwidth)
    tx.flush()
    metering.start(
        tx,
        project_id=ctx.project.id,
        region=ctx.region,
        service=SERVICE,
        resource_type="bandwidth",
        resource_id=bandwidth.id,
        meter=BANDWIDTH_METER,
        quantity=bandwidth.size,
        unit_class=share_type,
        at=now,
    )
    return bandwidth


def _drop_bandwidth(tx: Session, ctx: RequestContext, bandwidth: Bandwidth) -> None:
    metering.stop(tx, bandwidth.id, at=ctx.now())
    tx.delete(bandwidth)
    tx.flush()


def _free_address(tx: Session, ctx: RequestContext, requested: str | None) -> str:
    ranges = [ip_network(text) for text in ctx.emulator.settings.public_ranges(ctx.region)]
    held = set(tx.scalars(select(PublicIp.public_ip_address).where(PublicIp.region == ctx.region)))
    if requested is not None:
        address = ipam.parse_ip(requested, "publicip")
        if not any(
            address in r and address not in (r.network_address, r.broadcast_address) for r in ranges
        ):
            raise invalid(
                "publicip", f"ip_address {requested} is not in the public ranges of {ctx.region}."
            )
        if str(address) in held:
            raise Conflict(
                f"The floating IP {requested} is in use.",
                codes={"vpc": "VPC.0503", "neutron": "IpAddressInUse"},
            )
        return str(address)
    for network in ranges:
        for value in range(int(network.network_address) + 1, int(network.broadcast_address)):
            if str(IPv4Address(value)) not in held:
                return str(IPv4Address(value))
    raise Conflict(
        f"No public IP address is left in {ctx.region}.",
        codes={"vpc": "VPC.0521", "neutron": "ExternalIpAddressExhausted"},
    )


def _bandwidth_for(tx: Session, ctx: RequestContext, spec: BandwidthSpec) -> Bandwidth:
    if spec.share_type == "WHOLE":
        if not spec.id:
            raise invalid("publicip", "bandwidth.id is required when share_type is WHOLE.")
        shared = get_bandwidth(tx, ctx, spec.id)
        if shared.share_type != "WHOLE":
            raise invalid("publicip", f"Bandwidth {spec.id} is not a shared bandwidth.")
        return shared
    if spec.share_type != "PER":
        raise invalid("publicip", f"share_type {spec.share_type} is invalid: use PER or WHOLE.")
    if not spec.name:
        raise invalid("publicip", "bandwidth.name is required when share_type is PER.")
    return _new_bandwidth(
        tx,
        ctx,
        name=spec.name,
        size=_checked_size(spec.size),
        share_type="PER",
        charge_mode=spec.charge_mode,
    )


def allocate_publicip(
    tx: Session,
    ctx: RequestContext,
    bandwidth: BandwidthSpec,
    *,
    ip_type: str = "5_bgp",
    ip_address: str | None = None,
    port_id: str | None = None,
    fixed_ip_address: str | None = None,
    alias: str = "",
    description: str = "",
    enterprise_project_id: str = "0",
) -> PublicIp:
    """Allocate an EIP (PENDING_CREATE, then DOWN, or ACTIVE if bound to `port_id`, at
    `fixed_ip_address` if given)."""
    if ip_type not in IP_TYPES:
        raise invalid(
            "publicip", f"publicip type {ip_type} is not supported here; use {', '.join(IP_TYPES)}."
        )
    address = _free_address(tx, ctx, ip_address)
    consume(tx, ctx, "publicIp", "floatingip")
    chosen = _bandwidth_for(tx, ctx, bandwidth)
    now = ctx.now()
    publicip = PublicIp(
        id=ids.uuid_id(),
        project_id=ctx.project.id,
        region=ctx.region,
        type=ip_type,
        public_ip_address=address,
        status="PENDING_CREATE",
        bandwidth_id=chosen.id,
        alias=alias,
        description=description,
        enterprise_project_id=enterprise_project_id,
        created_at=now,
        updated_at=now,
    )
    tx.add(publicip)
    tx.flush()
    metering.start(
        tx,
        project_id=ctx.project.id,
        region=ctx.region,
        service=SERVICE,
        resource_type="publicip",
        resource_id=publicip.id,
        meter=EIP_METER,
        quantity=1,
        unit_class=ip_type,
        at=now,
    )
    lifecycle.schedule(
        tx,
        service=SERVICE,
        kind=PUBLICIP_KIND,
        resource_id=publicip.id,
        target="DOWN",
        now=now,
        after=ctx.emulator.settings.delay("eip_create"),
    )
    if port_id:
        bind_publicip(tx, ctx, publicip.id, port_id, fixed_ip_address)
    elif fixed_ip_address is not None:
        raise bad_association("fixed_ip_address cannot be specified without a port_id")
    return publicip


def get_publicip(tx: Session, ctx: RequestContext, publicip_id: str) -> PublicIp:
    return owned(tx, PublicIp, publicip_id, ctx, "publicip")


def list_publicips(tx: Session, ctx: RequestContext) -> list[PublicIp]:
    return list(
        tx.scalars(
            select(PublicIp)
            .where(PublicIp.project_id == ctx.project.id)
            .order_by(PublicIp.created_at, PublicIp.id)
        )
    )


def bad_association(message: str) -> BadRequest:
    return invalid("publicip", f"Bad floatingip request: {message}.", neutron="BadRequest")


def _fixed_address(tx: Session, port: Port, requested: str | None) -> IpAllocation:
    """Neutron's choice of the port's address an EIP translates to: the one asked for, else
    the port's only one (a port with several must be told which)."""
    addresses = ports.fixed_ips(tx, [port.id])[port.id]
    if requested is not None:
        address = str(ipam.parse_ip(requested, "publicip"))
        for allocation in addresses:
            if allocation.ip_address == address:
                return allocation
        raise bad_association(f"Port {port.id} does not have fixed ip {requested}")
    if not addresses:
        raise bad_association(
            f"Cannot add floating IP to port {port.id} that has no fixed IPv4 addresses"
        )
    if len(addresses) > 1:
        raise bad_association(
            f"Port {port.id} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 "
            "address when assigning a floating IP"
        )
    return addresses[0]


def bind_publicip(
    tx: Session,
    ctx: RequestContext,
    publicip_id: str,
    port_id: str,
    fixed_ip_address: str | None = None,
    *,
    move: bool = False,
) -> PublicIp:
    """Bind an EIP to an address of a port of a subnet in a VPC (`fixed_ip_address`, needed
    when the port has several). A bound EIP is refused (409) unless `move`: Neutron moves a
    floating IP to the new port or address in one update."""
    publicip = get_publicip(tx, ctx, publicip_id)
    port = ports.get_port(tx, ctx, port_id)
    if publicip.port_id not in (None, port.id) and not move:
        raise in_use(
            f"The EIP {publicip_id} is already bound to port {publicip.port_id}.",
            neutron="FloatingIPPortAlreadyAssociated",
            native="VPC.0505",
        )
    serviced = not ports.is_system_owned(port)
    allocation = _fixed_address(tx, port, fixed_ip_address) if serviced else None
    subnet = tx.get(Subnet, allocation.subnet_id) if allocation else None
    if allocation is None or subnet is None or subnet.router_id is None:
        raise BadRequest(
            f"External network {publicip.id} is not reachable from subnet of port "
            f"{port.id}. Therefore, cannot associate Port {port.id} with a "
            "Floating IP.",
            codes={"neutron": "ExternalGatewayForFloatingIPNotFound", "vpc": "VPC.0501"},
            statuses={"neutron": 404},
        )
    if publicip.port_id == port.id and publicip.fixed_ip_address == allocation.ip_address:
        return publicip
    other = tx.scalars(
        select(PublicIp.id).where(
            PublicIp.port_id == port.id, PublicIp.fixed_ip_address == allocation.ip_address
        )
    ).first()
    if other is not None:
        raise in_use(
            f"Cannot associate floating IP {publicip.public_ip_address} ({publicip.id}) with "
            f"port {port.id} using fixed IP {allocation.ip_address}, as that fixed IP already "
            f"has a floating IP on external network {vpcs.EXTERNAL_NETWORK_ID}.",
            neutron="FloatingIPPortAlreadyAssociated",
            native="VPC.0505",
        )
    publicip.port_id = port.id
    publicip.fixed_ip_address = allocation.ip_address
    if publicip.status != "PENDING_CREATE":
        publicip.status = "ACTIVE"
    publicip.updated_at = ctx.now()
    return publicip


def unbind_publicip(tx: Session, ctx: RequestContext, publicip_id: str) -> PublicIp:
    publicip = get_publicip(tx, ctx, publicip_id)
    _unbind(publicip, ctx)
    return publicip


def _unbind(publicip: PublicIp, ctx: RequestContext) -> None:
    publicip.port_id = None
    publicip.fixed_ip_address = None
    if publicip.status != "PENDING_CREATE":
        publicip.status = "DOWN"
    publicip.updated_at = ctx.now()


def detach_from_port(tx: Session, ctx: RequestContext, port_id: str) -> None:
    """The port goes away: its EIP stays allocated, unbound (DOWN)."""
    for publicip in tx.scalars(select(PublicIp).where(PublicIp.port_id == port_id)):
        _unbind(publicip, ctx)
    tx.flush()


_DETACH_FROM_PORTS = Prepared(
    update(PublicIp)
    .where(PublicIp.port_id.in_(bindparam("port_ids", expanding=True)))
    .values(
        port_id=null(),
        fixed_ip_address=null(),
        status=case((PublicIp.status == "PENDING_CREATE", PublicIp.status), else_="DOWN"),
        updated_at=bindparam("now"),
    )
)


def detach_from_ports(tx: Session, ctx: RequestContext, port_ids: list[str]) -> None:
    """`detach_from_port` of several ports in one statement (the session holds none of their
    EIPs)."""
    _DETACH_FROM_PORTS.run(tx.connection(), {"port_ids": port_ids, "now": ctx.now()})


def release_publicip(tx: Session, ctx: RequestContext, publicip_id: str) -> None:
    """Give the address back; a dedicated bandwidth goes with it."""
    publicip = get_publicip(tx, ctx, publicip_id)
    bandwidth = tx.get(Bandwidth, publicip.bandwidth_id)
    metering.stop(tx, publicip.id, at=ctx.now())
    lifecycle.cancel(tx, PUBLICIP_KIND, publicip.id)
    tags.remove_all(tx, TAG_TYPE, publicip.id)
    tx.delete(publicip)
    tx.flush()
    if bandwidth is not None and bandwidth.share_type == "PER":
        _drop_bandwidth(tx, ctx, bandwidth)
    release(tx, ctx, "publicIp", "floatingip")


# Bandwidths ------------------------------------------------------------------------------------


def get_bandwidth(tx: Session, ctx: RequestContext, bandwidth_id: str) -> Bandwidth:
    return owned(tx, Bandwidth, bandwidth_id, ctx, "bandwidth")


def list_bandwidths(tx: Session, ctx: RequestContext) -> list[Bandwidth]:
    return list(
        tx.scalars(
            select(Bandwidth)
            .where(Bandwidth.project_id == ctx.project.id)
            .order_by(Bandwidth.created_at, Bandwidth.id)
        )
    )


def publicips_of(tx: Session, bandwidth_ids: list[str]) -> dict[str, list[PublicIp]]:
    found: dict[str, list[PublicIp]] = {bid: [] for bid in bandwidth_ids}
    for row in tx.scalars(
        select(PublicIp)
        .where(PublicIp.bandwidth_id.in_(bandwidth_ids))
        .order_by(PublicIp.created_at, PublicIp.id)
    ):
        found[row.bandwidth_id].append(row)
    return found


def update_bandwidth(
    tx: Session,
    ctx: RequestContext,
    bandwidth_id: str,
    *,
    name: str | None = None,
    size: int | None = None,
    charge_mode: str | None = None,
) -> Bandwidth:
    """Rename or resize; a new size starts a new usage interval."""
    bandwidth = get_bandwidth(tx, ctx, bandwidth_id)
    if size is not None and size != bandwidth.size:
        bandwidth.size = _checked_size(size)
        metering.change(tx, bandwidth.id, BANDWIDTH_METER, at=ctx.now(), quantity=size)
    if charge_mode is not None:
        bandwidth.charge_mode = _checked_charge_mode(charge_mode)
    if name is not None:
        bandwidth.name = name
    bandwidth.updated_at = ctx.now()
    return bandwidth


def create_shared_bandwidth(
    tx: Session, ctx: RequestContext, *, name: str, size: int, charge_mode: str = "bandwidth"
) -> Bandwidth:
    consume(tx, ctx, "shareBandwidth")
    return _new_bandwidth(
        tx, ctx, name=name, size=size, share_type="WHOLE", charge_mode=charge_mode
    )


def delete_shared_bandwidth(tx: Session, ctx: RequestContext, bandwidth_id: str) -> None:
    bandwidth = get_bandwidth(tx, ctx, bandwidth_id)
    if bandwidth.share_type != "WHOLE":
        raise invalid("bandwidth", f"Bandwidth {bandwidth_id} is not a shared bandwidth.")
    if publicips_of(tx, [bandwidth_id])[bandwidth_id]:
        raise in_use(
            f"Bandwidth {bandwidth_id} still has EIPs.", neutron="Conflict", native="VPC.0306"
        )
    _drop_bandwidth(tx, ctx, bandwidth)
    release(tx, ctx, "shareBandwidth")


def insert_publicips(
    tx: Session, ctx: RequestContext, bandwidth_id: str, publicip_ids: list[str]
) -> Bandwidth:
    """Move EIPs onto a shared bandwidth; their dedicated bandwidths are dropped."""
    shared = get_bandwidth(tx, ctx, bandwidth_id)
    if shared.share_type != "WHOLE":
        raise invalid("bandwidth", f"Bandwidth {bandwidth_id} is not a shared bandwidth.")
    for publicip_id in publicip_ids:
        publicip = get_publicip(tx, ctx, publicip_id)
        current = tx.get(Bandwidth, publicip.bandwidth_id)
        if current is not None and current.id == shared.id:
            raise invalid("bandwidth", f"EIP {publicip_id} is already in bandwidth {bandwidth_id}.")
        if current is not None and current.share_type == "WHOLE":
            raise invalid("bandwidth", f"EIP {publicip_id} is in another shared bandwidth.")
        publicip.bandwidth_id = shared.id
        tx.flush()
        if current is not None:
            _drop_bandwidth(tx, ctx, current)
    return shared


def remove_publicips(
    tx: Session,
    ctx: RequestContext,
    bandwidth_id: str,
    publicip_ids: list[str],
    *,
    size: int,
    charge_mode: str = "bandwidth",
) -> None:
    """Take EIPs off a shared bandwidth; each gets a dedicated one of `size`."""
    shared = get_bandwidth(tx, ctx, bandwidth_id)
    for publicip_id in publicip_ids:
        publicip = get_publicip(tx, ctx, publicip_id)
        if publicip.bandwidth_id != shared.id:
            raise invalid("bandwidth", f"EIP {publicip_id} is not in bandwidth {bandwidth_id}.")
        dedicated = _new_bandwidth(
            tx,
            ctx,
            name=f"bandwidth-{publicip.public_ip_address}",
            size=size,
            share_type="PER",
            charge_mode=charge_mode,
        )
        publicip.bandwidth_id = dedicated.id
