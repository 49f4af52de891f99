"""Neutron networks and subnets, and the native VPC subnet: a network plus a subnet attached
to the VPC's router (native `id` = network id, `neutron_subnet_id` = subnet id)."""

from dataclasses import dataclass, field
from ipaddress import IPv4Address, ip_network
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from apis.vpc import ipam, ports, vpcs
from apis.vpc.common import SERVICE, consume, owned, release
from apis.vpc.errors import admin_only, in_use, invalid, not_found
from apis.vpc.models import IpAllocation, Network, Port, Subnet
from apis.vpc.statuses import SUBNET_KIND
from emulator import ids, lifecycle, tags
from emulator.context import RequestContext

TAG_TYPE = "vpc.subnet"  # a native subnet, which is a Neutron network
NEUTRON_SUBNET_TAG_TYPE = "vpc.neutron_subnet"
AUTOMATIC = "automatic"  # gateway_ip not given: the first host address
MAX_DNS = 5


@dataclass
class SubnetSpec:
    network_id: str
    cidr: str
    name: str = ""
    description: str = ""
    ip_version: int = 4
    gateway_ip: str | None = AUTOMATIC
    allocation_pools: list[dict[str, Any]] | None = None
    dns_nameservers: list[str] = field(default_factory=list)
    host_routes: list[dict[str, Any]] = field(default_factory=list)
    enable_dhcp: bool = True
    availability_zone: str = ""
    extra_dhcp_opts: list[dict[str, Any]] = field(default_factory=list)
    cidr_host_bits_allowed: bool = False  # Neutron keeps the network of '10.0.0.5/16'


TENANT_NETWORK_TYPE = "geneve"  # "allowed to tenants" (VPC API reference, Creating a Network)


# Networks --------------------------------------------------------------------------------------


def create_network(
    tx: Session,
    ctx: RequestContext,
    *,
    name: str = "",
    description: str = "",
    admin_state_up: bool = True,
    shared: bool = False,
    external: bool = False,
    network_type: str | None = None,
    port_security_enabled: bool = True,
) -> Network:
    """A tenant's network. `network_type` may only be the one tenants may ask for (geneve):
    the attribute is an administrator's, not shown to tenants."""
    _refuse_admin_attributes("create_network", shared=shared, external=external)
    if network_type not in (None, TENANT_NETWORK_TYPE):
        raise admin_only("create_network", "provider:network_type")
    _check_name(name)
    consume(tx, ctx, "network")
    now = ctx.now()
    network = Network(
        id=ids.uuid_id(),
        project_id=ctx.project.id,
        name=name,
        description=description,
        admin_state_up=admin_state_up,
        shared=shared,
        port_security_enabled=port_security_enabled,
        created_at=now,
        updated_at=now,
    )
    tx.add(network)
    tx.flush()
    return network


def _refuse_admin_attributes(action: str, *, shared: bool, external: bool) -> None:
    """Tenants make private, internal networks: the cloud's external network is its own."""
    if shared:
        raise admin_only(action, "shared")
    if external:
        raise admin_only(action, "router:external")


def _check_name(name: str) -> None:
    """The external network's name is the cloud's: `find_network("admin_external_net")` must
    keep finding one network (VPC API reference, "Creating a Network")."""
    if name == vpcs.EXTERNAL_NETWORK_NAME:
        raise invalid("network", f"The network name {name} is reserved by the system.")


def get_network(tx: Session, ctx: RequestContext, network_id: str) -> Network:
    return owned(tx, Network, network_id, ctx, "network")


def list_networks(tx: Session, ctx: RequestContext) -> list[Network]:
    return list(
        tx.scalars(
            select(Network)
            .where(Network.project_id == ctx.project.id)
            .order_by(Network.created_at, Network.id)
        )
    )


def subnets_of_networks(tx: Session, network_ids: list[str]) -> list[Subnet]:
    return list(
        tx.scalars(
            select(Subnet)
            .where(Subnet.network_id.in_(network_ids))
            .order_by(Subnet.created_at, Subnet.id)
        )
    )


def update_network(
    tx: Session, ctx: RequestContext, network_id: str, changes: dict[str, Any]
) -> Network:
    network = get_network(tx, ctx, network_id)
    _refuse_admin_attributes(
        "update_network",
        shared=bool(changes.get("shared")),
        external=bool(changes.get("router_external")),
    )
    if changes.get("network_type") is not None:
        raise admin_only("update_network", "provider:network_type")
    if changes.get("name") is not None:
        _check_name(changes["name"])
    for key in ("name", "description", "admin_state_up", "port_security_enabled"):
        if changes.get(key) is not None:
            setattr(network, key, changes[key])
    network.updated_at = ctx.now()
    return network


def delete_network(tx: Session, ctx: RequestContext, network_id: str) -> None:
    """Refused (409) while a port is on the network; its subnets go with it (Neutron)."""
    network = get_network(tx, ctx, network_id)
    in_network = tx.scalars(select(Port.id).where(Port.network_id == network_id)).first()
    if in_network is not None:
        raise in_use(
            f"Unable to complete operation on network {network_id}. There are one or "
            "more ports still in use on the network.",
            neutron="NetworkInUse",
            native="VPC.0209",
        )
    for subnet in ports.subnets_of(tx, network_id):
        delete_subnet(tx, ctx, subnet.id)
    tags.remove_all(tx, TAG_TYPE, network_id)
    release(tx, ctx, "network")
    tx.delete(network)
    tx.flush()


# Subnets ---------------------------------------------------------------------------------------


def _checked_dns(servers: list[str]) -> list[str]:
    if len(servers) > MAX_DNS:
        raise invalid(
            "subnet",
            f"Number of DNS nameservers exceeds the limit {MAX_DNS}.",
            neutron="DNSNameServersExhausted",
        )
    return [str(ipam.parse_ip(server, "subnet")) for server in servers]


def create_subnet(tx: Session, ctx: RequestContext, spec: SubnetSpec) -> Subnet:
    """An IPv4 subnet of an RFC 1918 range on a network, not overlapping its other subnets."""
    network = get_network(tx, ctx, spec.network_id)
    if spec.ip_version != 4:
        raise invalid("subnet", "IPv6 is not enabled in this region.")
    cidr = ipam.private_cidr(
        spec.cidr, "subnet", ipam.LONGEST_SUBNET_PREFIX, host_bits=spec.cidr_host_bits_allowed
    )
    for other in ports.subnets_of(tx, network.id):
        if cidr.overlaps(ip_network(other.cidr)):
            raise invalid(
                "subnet",
                f"Requested subnet with cidr: {cidr} for network: "
                f"{network.id} overlaps with another subnet.",
                neutron="BadRequest",
            )
    gateway = (
        None
        if spec.gateway_ip is None
        else ipam.gateway_for(
            cidr, None if spec.gateway_ip == AUTOMATIC else spec.gateway_ip, "subnet"
        )
    )
    outside = cidr.broadcast_address  # a gateway-less subnet excludes nothing from its pools
    pools = (
        ipam.checked_pools(cidr, gateway or outside, spec.allocation_pools, "subnet")
        if spec.allocation_pools
        else ipam.default_pools(cidr, gateway or outside)
    )
    consume(tx, ctx, "subnet")
    now = ctx.now()
    subnet = Subnet(
        id=ids.uuid_id(),
        project_id=ctx.project.id,
        network_id=network.id,
        name=spec.name,
        description=spec.description,
        cidr=str(cidr),
        ip_version=4,
        gateway_ip=str(gateway) if gateway else None,
        allocation_pools=pools,
        dns_nameservers=_checked_dns(spec.dns_nameservers),
        host_routes=spec.host_routes,
        enable_dhcp=spec.enable_dhcp,
        availability_zone=spec.availability_zone,
        extra_dhcp_opts=spec.extra_dhcp_opts,
        status="ACTIVE",
        created_at=now,
        updated_at=now,
    )
    tx.add(subnet)
    tx.flush()
    return subnet


def get_subnet(tx: Session, ctx: RequestContext, subnet_id: str) -> Subnet:
    return owned(tx, Subnet, subnet_id, ctx, "subnet")


def list_subnets(tx: Session, ctx: RequestContext) -> list[Subnet]:
    return list(
        tx.scalars(
            select(Subnet)
            .where(Subnet.project_id == ctx.project.id)
            .order_by(Subnet.created_at, Subnet.id)
        )
    )


def update_subnet(
    tx: Session, ctx: RequestContext, subnet_id: str, changes: dict[str, Any]
) -> Subnet:
    """Changes among name, description, gateway_ip (null: none), allocation_pools,
    dns_nameservers, host_routes, enable_dhcp, extra_dhcp_opts."""
    subnet = get_subnet(tx, ctx, subnet_id)
    if "gateway_ip" in changes or changes.get("allocation_pools") is not None:
        _change_addressing(subnet, changes)
    if changes.get("dns_nameservers") is not None:
        subnet.dns_nameservers = _checked_dns(changes["dns_nameservers"])
    for key in ("name", "description", "host_routes", "enable_dhcp", "extra_dhcp_opts"):
        if changes.get(key) is not None:
            setattr(subnet, key, changes[key])
    subnet.updated_at = ctx.now()
    return subnet


def _change_addressing(subnet: Subnet, changes: dict[str, Any]) -> None:
    network = ipam.parse_cidr(subnet.cidr, "subnet")
    if "gateway_ip" in changes and changes["gateway_ip"] != subnet.gateway_ip:
        if subnet.router_id is not None:
            raise in_use(
                f"Gateway ip {subnet.gateway_ip} of subnet {subnet.id} is in use by router "
                f"{subnet.router_id}.",
                neutron="GatewayIpInUse",
                native="VPC.0201",
            )
        subnet.gateway_ip = (
            str(ipam.gateway_for(network, changes["gateway_ip"], "subnet"))
            if changes["gateway_ip"]
            else None
        )
    gateway = IPv4Address(subnet.gateway_ip) if subnet.gateway_ip else network.broadcast_address
    pools = changes.get("allocation_pools") or subnet.allocation_pools
    subnet.allocation_pools = ipam.checked_pools(network, gateway, pools, "subnet")


def delete_subnet(tx: Session, ctx: RequestContext, subnet_id: str) -> None:
    subnet = get_subnet(tx, ctx, subnet_id)
    if tx.scalars(select(IpAllocation).where(IpAllocation.subnet_id == subnet_id)).first():
        raise in_use(
            f"Unable to complete operation on subnet {subnet_id}: One or more ports "
            "have an IP allocation from this subnet.",
            neutron="SubnetInUse",
            native="VPC.0209",
        )
    lifecycle.cancel(tx, SUBNET_KIND, subnet_id)
    tags.remove_all(tx, NEUTRON_SUBNET_TAG_TYPE, subnet_id)
    release(tx, ctx, "subnet")
    tx.delete(subnet)
    tx.flush()


# Native VPC subnets ----------------------------------------------------------------------------


def create_vpc_subnet(tx: Session, ctx: RequestContext, vpc_id: str, spec: SubnetSpec) -> Subnet:
    """Network + subnet + router interface, in status UNKNOWN until the `subnet_create`
    delay has passed (then ACTIVE). `spec.network_id` is ignored."""
    router = vpcs.get_vpc(tx, ctx, vpc_id)
    if spec.availability_zone and spec.availability_zone not in (
        ctx.emulator.topology.region(ctx.region).zones
    ):
        raise invalid(
            "subnet",
            f"Availability zone {spec.availability_zone} does not exist in region {ctx.region}.",
        )
    network = create_network(tx, ctx, name=spec.name, description=spec.description)
    spec.network_id = network.id
    subnet = create_subnet(tx, ctx, spec)
    vpcs.add_interface(tx, ctx, router.id, subnet_id=subnet.id)
    subnet.status = "UNKNOWN"
    lifecycle.schedule(
        tx,
        service=SERVICE,
        kind=SUBNET_KIND,
        resource_id=subnet.id,
        target="ACTIVE",
        now=ctx.now(),
        after=ctx.emulator.settings.delay("subnet_create"),
    )
    return subnet


def vpc_subnet(
    tx: Session, ctx: RequestContext, network_id: str, vpc_id: str | None = None
) -> Subnet:
    """The native subnet `network_id` (of the VPC `vpc_id`, when given)."""
    query = select(Subnet).where(
        Subnet.project_id == ctx.project.id,
        Subnet.network_id == network_id,
        Subnet.router_id.is_not(None),
    )
    if vpc_id is not None:
        query = query.where(Subnet.router_id == vpc_id)
    subnet = tx.scalars(query).first()
    if subnet is None:
        raise not_found("subnet", network_id)
    return subnet


def list_vpc_subnets(tx: Session, ctx: RequestContext) -> list[Subnet]:
    return [s for s in list_subnets(tx, ctx) if s.router_id is not None]


def delete_vpc_subnet(tx: Session, ctx: RequestContext, vpc_id: str, network_id: str) -> None:
    """Refused (409) while ports other than the router's use the subnet."""
    vpcs.get_vpc(tx, ctx, vpc_id)
    subnet = vpc_subnet(tx, ctx, network_id, vpc_id)
    users = [
        p
        for p in tx.scalars(select(Port).where(Port.network_id == network_id))
        if not ports.is_system_owned(p)
    ]
    if users:
        raise in_use(
            f"Subnet {network_id} is still used by ports {', '.join(p.id for p in users)}.",
            neutron="SubnetInUse",
            native="VPC.0209",
        )
    vpcs.remove_interface(tx, ctx, vpc_id, subnet_id=subnet.id)
    delete_subnet(tx, ctx, subnet.id)
    delete_network(tx, ctx, network_id)
