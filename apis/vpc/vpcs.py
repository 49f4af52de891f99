"""VPCs, which Neutron sees as routers: CIDR, static routes, gateway, interfaces on subnets."""

from dataclasses import dataclass
from ipaddress import ip_network
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from apis.vpc import ipam, ports, security
from apis.vpc.common import SERVICE, consume, owned, release
from apis.vpc.errors import in_use, invalid, not_found
from apis.vpc.models import IpAllocation, Network, Port, PublicIp, Router, SecurityGroup, Subnet
from apis.vpc.statuses import VPC_KIND
from emulator import ids, lifecycle, tags
from emulator.context import RequestContext
from emulator.errors import BadRequest, Conflict

EXTERNAL_NETWORK_ID = "0a2228f2-7f8a-45f1-8e09-9039e1d09975"
EXTERNAL_NETWORK_NAME = "admin_external_net"
TAG_TYPE = "vpc.vpc"


@dataclass
class VpcSpec:
    name: str = ""
    description: str = ""
    cidr: str | None = None
    admin_state_up: bool = True
    routes: list[dict[str, Any]] | None = None
    external_gateway: dict[str, Any] | None = None
    enterprise_project_id: str = "0"


def _checked_cidr(tx: Session, router: Router | None, cidr: str) -> str:
    network = ipam.private_cidr(cidr, "vpc", ipam.LONGEST_VPC_PREFIX)
    for subnet in attached_subnets(tx, router.id) if router else []:
        if not ip_network(subnet.cidr).subnet_of(network):  # type: ignore[arg-type]
            raise invalid(
                "vpc", f"cidr {cidr} does not contain the subnet {subnet.cidr} of this VPC."
            )
    return str(network)


def _checked_gateway(
    tx: Session, ctx: RequestContext, info: dict[str, Any] | None
) -> tuple[str | None, bool]:
    if not info:
        return None, False
    network_id = info.get("network_id")
    if network_id != EXTERNAL_NETWORK_ID:
        owned(tx, Network, network_id, ctx, "network")
        raise BadRequest(
            f"Bad router request: Network {network_id} is not an external network.",
            codes={"neutron": "BadRequest", "vpc": "VPC.0101"},
        )
    return network_id, bool(info.get("enable_snat", False))


def _checked_routes(
    tx: Session, router: Router | None, routes: list[dict[str, Any]]
) -> list[dict[str, str]]:
    connected = [ip_network(s.cidr) for s in (attached_subnets(tx, router.id) if router else [])]
    if router and router.cidr:
        connected.append(ip_network(router.cidr))
    result: list[dict[str, str]] = []
    for route in routes:
        destination = ipam.parse_cidr(str(route.get("destination", "")), "vpc")
        nexthop = ipam.parse_ip(str(route.get("nexthop", "")), "vpc")
        if not any(nexthop in network for network in connected):
            raise BadRequest(
                f"Invalid format for routes: {route}, the nexthop is not connected with router.",
                codes={"neutron": "InvalidRoutes", "vpc": "VPC.0101"},
            )
        entry = {"destination": str(destination), "nexthop": str(nexthop)}
        if entry in result:
            raise BadRequest(
                f"Invalid format for routes: {route}, duplicated route.",
                codes={"neutron": "InvalidRoutes", "vpc": "VPC.0101"},
            )
        result.append(entry)
    return result


def create_vpc(tx: Session, ctx: RequestContext, spec: VpcSpec) -> Router:
    """A VPC (a router for Neutron) in status CREATING, OK after the `vpc_create` delay,
    with its `default` security group."""
    cidr = _checked_cidr(tx, None, spec.cidr) if spec.cidr else ""
    gateway, snat = _checked_gateway(tx, ctx, spec.external_gateway)
    consume(tx, ctx, "vpc", "router")
    now = ctx.now()
    router = Router(
        id=ids.uuid_id(),
        project_id=ctx.project.id,
        name=spec.name,
        description=spec.description,
        cidr=cidr,
        status="CREATING",
        admin_state_up=spec.admin_state_up,
        external_network_id=gateway,
        enable_snat=snat,
        routes=[],
        enterprise_project_id=spec.enterprise_project_id,
        created_at=now,
        updated_at=now,
    )
    tx.add(router)
    tx.flush()
    router.routes = _checked_routes(tx, router, spec.routes or [])
    security.create_vpc_default_group(tx, ctx, router.id)
    lifecycle.schedule(
        tx,
        service=SERVICE,
        kind=VPC_KIND,
        resource_id=router.id,
        target="OK",
        now=now,
        after=ctx.emulator.settings.delay("vpc_create"),
    )
    return router


def get_vpc(tx: Session, ctx: RequestContext, vpc_id: str) -> Router:
    return owned(tx, Router, vpc_id, ctx, "vpc")


def list_vpcs(tx: Session, ctx: RequestContext) -> list[Router]:
    return list(
        tx.scalars(
            select(Router)
            .where(Router.project_id == ctx.project.id)
            .order_by(Router.created_at, Router.id)
        )
    )


def attached_subnets(tx: Session, router_id: str) -> list[Subnet]:
    return list(
        tx.scalars(
            select(Subnet)
            .where(Subnet.router_id == router_id)
            .order_by(Subnet.created_at, Subnet.id)
        )
    )


def update_vpc(tx: Session, ctx: RequestContext, vpc_id: str, changes: dict[str, Any]) -> Router:
    """Changes among name, description, cidr, admin_state_up, routes,
    external_gateway_info."""
    router = get_vpc(tx, ctx, vpc_id)
    if changes.get("cidr"):
        router.cidr = _checked_cidr(tx, router, changes["cidr"])
    if changes.get("routes") is not None:
        router.routes = _checked_routes(tx, router, changes["routes"])
    if "external_gateway_info" in changes:
        router.external_network_id, router.enable_snat = _checked_gateway(
            tx, ctx, changes["external_gateway_info"]
        )
    for key in ("name", "description", "admin_state_up"):
        if changes.get(key) is not None:
            setattr(router, key, changes[key])
    router.updated_at = ctx.now()
    return router


def delete_vpc(tx: Session, ctx: RequestContext, vpc_id: str) -> None:
    router = get_vpc(tx, ctx, vpc_id)
    if attached_subnets(tx, vpc_id):
        raise in_use(f"Router {vpc_id} still has ports", neutron="RouterInUse", native="VPC.0106")
    own_groups = tx.scalars(
        select(SecurityGroup.id).where(
            SecurityGroup.vpc_id == vpc_id, SecurityGroup.name == security.DEFAULT_NAME
        )
    )
    for group_id in list(own_groups):
        security.delete_group(tx, ctx, group_id)
    lifecycle.cancel(tx, VPC_KIND, vpc_id)
    tags.remove_all(tx, TAG_TYPE, vpc_id)
    release(tx, ctx, "vpc", "router")
    tx.delete(router)


# Interfaces ------------------------------------------------------------------------------------


def _check_attachable(tx: Session, router: Router, subnet: Subnet) -> None:
    if subnet.router_id == router.id:
        raise BadRequest(
            f"Bad router request: Router already has a port on subnet {subnet.id}.",
            codes={"neutron": "BadRequest", "vpc": "VPC.0201"},
        )
    if subnet.router_id is not None:
        raise Conflict(
            f"Subnet {subnet.id} is already attached to router {subnet.router_id}.",
            codes={"neutron": "SubnetInUse", "vpc": "VPC.0201"},
        )
    network = ip_network(subnet.cidr)
    if router.cidr and not network.subnet_of(ip_network(router.cidr)):  # type: ignore[arg-type]
        raise invalid(
            "subnet", f"The subnet cidr {subnet.cidr} is not within the VPC cidr {router.cidr}."
        )
    for sibling in attached_subnets(tx, router.id):
        if network.overlaps(ip_network(sibling.cidr)):
            raise invalid(
                "subnet",
                f"Cidr {subnet.cidr} of subnet {subnet.id} overlaps with "
                f"cidr {sibling.cidr} of subnet {sibling.id}.",
                neutron="BadRequest",
            )


def add_interface(
    tx: Session,
    ctx: RequestContext,
    vpc_id: str,
    *,
    subnet_id: str | None = None,
    port_id: str | None = None,
) -> tuple[Port, Subnet]:
    """Attach a subnet (the interface takes its gateway IP) or an existing port."""
    router = get_vpc(tx, ctx, vpc_id)
    if bool(subnet_id) == bool(port_id):
        raise BadRequest(
            "Bad router request: Either subnet_id or port_id must be specified.",
            codes={"neutron": "BadRequest", "vpc": "VPC.0101"},
        )
    if subnet_id:
        subnet = owned(tx, Subnet, subnet_id, ctx, "subnet")
        if not subnet.gateway_ip:
            raise BadRequest(
                "Bad router request: Subnet for router interface must have a gateway IP.",
                codes={"neutron": "BadRequest", "vpc": "VPC.0201"},
            )
        _check_attachable(tx, router, subnet)
        port = ports.create_port(
            tx,
            ctx,
            ports.PortSpec(
                network_id=subnet.network_id,
                device_id=router.id,
                device_owner=ports.ROUTER_INTERFACE,
                fixed_ips=[{"subnet_id": subnet.id, "ip_address": subnet.gateway_ip}],
            ),
        )
    else:
        port = ports.get_port(tx, ctx, str(port_id))
        allocations = ports.fixed_ips(tx, [port.id])[port.id]
        if port.device_id or len(allocations) != 1:
            raise Conflict(
                f"Port {port.id} is in use or has not exactly one fixed IP.",
                codes={"neutron": "PortInUse", "vpc": "VPC.2505"},
            )
        subnet = owned(tx, Subnet, allocations[0].subnet_id, ctx, "subnet")
        _check_attachable(tx, router, subnet)
        port.device_id, port.device_owner, port.status = router.id, ports.ROUTER_INTERFACE, "ACTIVE"
    subnet.router_id = router.id
    return port, subnet


def interface_port(tx: Session, router_id: str, subnet_id: str) -> Port | None:
    return tx.scalars(
        select(Port)
        .join(IpAllocation, IpAllocation.port_id == Port.id)
        .where(
            Port.device_id == router_id,
            Port.device_owner == ports.ROUTER_INTERFACE,
            IpAllocation.subnet_id == subnet_id,
        )
    ).first()


def remove_interface(
    tx: Session,
    ctx: RequestContext,
    vpc_id: str,
    *,
    subnet_id: str | None = None,
    port_id: str | None = None,
) -> tuple[str, Subnet]:
    router = get_vpc(tx, ctx, vpc_id)
    if port_id:
        allocation = ports.first_ipv4(tx, ports.get_port(tx, ctx, port_id).id)
        subnet_id = allocation.subnet_id if allocation else None
    subnet = owned(tx, Subnet, subnet_id, ctx, "subnet")
    port = interface_port(tx, router.id, subnet.id)
    if port is None or (port_id and port.id != port_id):
        raise _no_interface(router.id, subnet.id)
    bound = tx.scalars(
        select(PublicIp.id)
        .join(
            IpAllocation,
            (IpAllocation.port_id == PublicIp.port_id)
            & (IpAllocation.ip_address == PublicIp.fixed_ip_address),
        )
        .where(IpAllocation.subnet_id == subnet.id)
    ).first()
    if bound is not None:
        raise in_use(
            f"Router interface for subnet {subnet.id} on router {router.id} cannot be "
            f"deleted, as it is required by one or more floating IPs.",
            neutron="RouterInterfaceInUseByFloatingIP",
            native="VPC.0209",
        )
    removed = port.id
    ports.delete_port(tx, ctx, port.id, by_router=True)
    subnet.router_id = None
    return removed, subnet


def _no_interface(router_id: str, subnet_id: str) -> Exception:
    error = not_found("subnet", subnet_id)
    error.message = f"Router {router_id} has no interface on subnet {subnet_id}"
    error.codes["neutron"] = "RouterInterfaceNotFoundForSubnet"
    return error
