"""Neutron v2.0: networks, subnets, routers, ports, security groups, floating IPs, quotas."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from apis.vpc import (
    eips,
    ipam,
    listing,
    neutron_extensions,
    neutron_tags,
    ports,
    quotas_view,
    security,
    subnets,
    views,
    vpcs,
)
from apis.vpc import schemas as s
from apis.vpc.models import Network, Port, PublicIp, Router, SecurityGroup, Subnet
from apis.vpc.neutron_extensions import EXTENSIONS
from apis.vpc.specs import check_owner, port_changes, port_spec, rule_spec
from emulator.context import RequestContext, ScopedContext, service_url
from emulator.dialects import NEUTRON
from emulator.errors import BadRequest, Conflict, NotFound

router = APIRouter(route_class=NEUTRON.route_class)


def _no_content() -> Response:
    return Response(status_code=204)


@dataclass
class Creation:
    """A create request as Neutron reads it: one object under its name, or several under the
    plural (a bulk create: all made, in one transaction, or none)."""

    key: str
    objects: list[Any]
    bulk: bool

    def answer(self, views: list[dict[str, Any]]) -> dict[str, Any]:
        return {self.key: views if self.bulk else views[0]}


def _creation(
    payload: dict[str, Any], singular: str, one: type[BaseModel], many: type[BaseModel]
) -> Creation:
    plural = singular + "s"
    bulk = plural in payload and singular not in payload
    key, model = (plural, many) if bulk else (singular, one)
    try:
        objects = getattr(model.model_validate(payload), key)
    except ValidationError as error:
        raise RequestValidationError(
            [{**problem, "loc": ("body", *problem["loc"])} for problem in error.errors()]
        ) from None
    return Creation(key, objects if bulk else [objects], bulk)


# Discovery -------------------------------------------------------------------------------------


@router.get("/")
async def versions(request: Request) -> dict[str, Any]:
    return {
        "versions": [
            {
                "id": "v2.0",
                "status": "CURRENT",
                "links": [{"rel": "self", "href": service_url(request) + "/v2.0/"}],
            }
        ]
    }


@router.get("/v2.0")
@router.get("/v2.0/")
async def resources(request: Request) -> dict[str, Any]:
    base = service_url(request) + "/v2.0/"
    names = (
        "network",
        "subnet",
        "port",
        "router",
        "security_group",
        "security_group_rule",
        "floatingip",
        "quota",
    )
    return {
        "resources": [
            {
                "name": n,
                "collection": n.replace("_", "-") + "s",
                "links": [{"rel": "self", "href": base + n.replace("_", "-") + "s"}],
            }
            for n in names
        ]
    }


@router.get("/v2.0/extensions")
async def extensions() -> dict[str, Any]:
    return {"extensions": [neutron_extensions.view(alias) for alias in EXTENSIONS]}


@router.get("/v2.0/extensions/{alias}")
async def extension(alias: str) -> dict[str, Any]:
    if alias not in EXTENSIONS:
        raise NotFound(f"Extension with alias {alias} does not exist")
    return {"extension": neutron_extensions.view(alias)}


# Networks --------------------------------------------------------------------------------------


def _network_views(tx: Session, ctx: RequestContext, rows: list[Network]) -> list[dict[str, Any]]:
    by_network: dict[str, list[str]] = {}
    for subnet in subnets.list_subnets(tx, ctx):
        by_network.setdefault(subnet.network_id, []).append(subnet.id)
    items = [views.neutron_network(n, by_network.get(n.id, [])) for n in rows]
    return neutron_tags.attach(tx, "networks", items)


def _create_network(tx: Session, ctx: RequestContext, fields: s.NetworkFields) -> Network:
    check_owner(fields, ctx.project.id)
    return subnets.create_network(
        tx,
        ctx,
        name=fields.name or "",
        description=fields.description or "",
        admin_state_up=fields.admin_state_up is not False,
        shared=fields.shared is True,
        external=fields.router_external is True,
        network_type=fields.network_type,
        port_security_enabled=fields.port_security_enabled is not False,
    )


@router.post("/v2.0/networks", status_code=201)
async def create_network(
    payload: Annotated[dict[str, Any], Body()], ctx: ScopedContext
) -> dict[str, Any]:
    creation = _creation(payload, "network", s.NetworkBody, s.NetworksBody)
    with ctx.transaction() as tx:
        made = [_create_network(tx, ctx, fields) for fields in creation.objects]
        return creation.answer(_network_views(tx, ctx, made))


@router.get("/v2.0/networks")
async def list_networks(request: Request, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = [views.external_network(), *_network_views(tx, ctx, subnets.list_networks(tx, ctx))]
    return listing.select(request, items, "networks")


@router.get("/v2.0/networks/{network_id}")
async def show_network(request: Request, network_id: str, ctx: ScopedContext) -> dict[str, Any]:
    if network_id == vpcs.EXTERNAL_NETWORK_ID:
        return {"network": listing.shown(request, views.external_network())}
    with ctx.transaction() as tx:
        network = subnets.get_network(tx, ctx, network_id)
        return {"network": listing.shown(request, _network_views(tx, ctx, [network])[0])}


@router.put("/v2.0/networks/{network_id}")
async def update_network(
    network_id: str, body: s.NetworkBody, ctx: ScopedContext
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        network = subnets.update_network(
            tx, ctx, network_id, body.network.model_dump(exclude_unset=True)
        )
        return {"network": _network_views(tx, ctx, [network])[0]}


@router.delete("/v2.0/networks/{network_id}", status_code=204)
async def delete_network(network_id: str, ctx: ScopedContext) -> Response:
    with ctx.transaction() as tx:
        subnets.delete_network(tx, ctx, network_id)
    return _no_content()


def _ip_availabilities(tx: Session, networks: list[Network]) -> list[dict[str, Any]]:
    by_network: dict[str, list[Subnet]] = {n.id: [] for n in networks}
    for subnet in subnets.subnets_of_networks(tx, list(by_network)):
        by_network[subnet.network_id].append(subnet)
    usage = ipam.usage(tx, [r for rows in by_network.values() for r in rows])
    return [views.ip_availability(n, by_network[n.id], usage) for n in networks]


@router.get("/v2.0/network-ip-availabilities")
async def ip_availabilities(request: Request, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = _ip_availabilities(tx, subnets.list_networks(tx, ctx))
    return listing.select(request, items, "network_ip_availabilities", links=False)


@router.get("/v2.0/network-ip-availabilities/{network_id}")
async def ip_availability(network_id: str, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        network = subnets.get_network(tx, ctx, network_id)
        return {"network_ip_availability": _ip_availabilities(tx, [network])[0]}


# Subnets ---------------------------------------------------------------------------------------


def _subnet_views(tx: Session, rows: list[Subnet]) -> list[dict[str, Any]]:
    return neutron_tags.attach(tx, "subnets", [views.neutron_subnet(r) for r in rows])


def _create_subnet(tx: Session, ctx: RequestContext, fields: s.SubnetCreate) -> Subnet:
    check_owner(fields, ctx.project.id)
    spec = subnets.SubnetSpec(
        network_id=fields.network_id,
        cidr=fields.cidr,
        name=fields.name,
        description=fields.description,
        ip_version=fields.ip_version,
        gateway_ip=fields.gateway_ip,
        allocation_pools=(
            [p.model_dump() for p in fields.allocation_pools] if fields.allocation_pools else None
        ),
        dns_nameservers=fields.dns_nameservers,
        host_routes=[r.model_dump(exclude={"tenant_id", "project_id"}) for r in fields.host_routes],
        enable_dhcp=fields.enable_dhcp,
        cidr_host_bits_allowed=True,
    )
    return subnets.create_subnet(tx, ctx, spec)


@router.post("/v2.0/subnets", status_code=201)
async def create_subnet(
    payload: Annotated[dict[str, Any], Body()], ctx: ScopedContext
) -> dict[str, Any]:
    creation = _creation(payload, "subnet", s.SubnetCreateBody, s.SubnetsCreateBody)
    with ctx.transaction() as tx:
        made = [_create_subnet(tx, ctx, fields) for fields in creation.objects]
        return creation.answer(_subnet_views(tx, made))


@router.get("/v2.0/subnets")
async def list_subnets(request: Request, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = _subnet_views(tx, subnets.list_subnets(tx, ctx))
    return listing.select(request, items, "subnets")


@router.get("/v2.0/subnets/{subnet_id}")
async def show_subnet(request: Request, subnet_id: str, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        subnet = _subnet_views(tx, [subnets.get_subnet(tx, ctx, subnet_id)])[0]
        return {"subnet": listing.shown(request, subnet)}


@router.put("/v2.0/subnets/{subnet_id}")
async def update_subnet(
    subnet_id: str, body: s.SubnetUpdateBody, ctx: ScopedContext
) -> dict[str, Any]:
    changes = body.subnet.model_dump(exclude_unset=True)
    with ctx.transaction() as tx:
        subnet = subnets.update_subnet(tx, ctx, subnet_id, changes)
        return {"subnet": _subnet_views(tx, [subnet])[0]}


@router.delete("/v2.0/subnets/{subnet_id}", status_code=204)
async def delete_subnet(subnet_id: str, ctx: ScopedContext) -> Response:
    with ctx.transaction() as tx:
        subnets.delete_subnet(tx, ctx, subnet_id)
    return _no_content()


# Routers ---------------------------------------------------------------------------------------


def _router_views(tx: Session, rows: list[Router]) -> list[dict[str, Any]]:
    return neutron_tags.attach(tx, "routers", [views.neutron_router(r) for r in rows])


def _router_changes(fields: s.RouterFields) -> dict[str, Any]:
    changes = fields.model_dump(exclude_unset=True, exclude={"tenant_id", "project_id"})
    if "routes" in changes:
        changes["routes"] = [r.model_dump() for r in fields.routes or []]
    return changes


@router.post("/v2.0/routers", status_code=201)
async def create_router(body: s.RouterBody, ctx: ScopedContext) -> dict[str, Any]:
    fields = body.router
    check_owner(fields, ctx.project.id)
    spec = vpcs.VpcSpec(
        name=fields.name or "",
        description=fields.description or "",
        admin_state_up=fields.admin_state_up is not False,
        routes=_router_changes(fields).get("routes"),
        external_gateway=(
            fields.external_gateway_info.model_dump(exclude_none=True)
            if fields.external_gateway_info
            else None
        ),
    )
    with ctx.transaction() as tx:
        return {"router": _router_views(tx, [vpcs.create_vpc(tx, ctx, spec)])[0]}


@router.get("/v2.0/routers")
async def list_routers(request: Request, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = _router_views(tx, vpcs.list_vpcs(tx, ctx))
    return listing.select(request, items, "routers")


@router.get("/v2.0/routers/{router_id}")
async def show_router(request: Request, router_id: str, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        router = _router_views(tx, [vpcs.get_vpc(tx, ctx, router_id)])[0]
        return {"router": listing.shown(request, router)}


@router.put("/v2.0/routers/{router_id}")
async def update_router(router_id: str, body: s.RouterBody, ctx: ScopedContext) -> dict[str, Any]:
    changes = _router_changes(body.router)
    with ctx.transaction() as tx:
        return {"router": _router_views(tx, [vpcs.update_vpc(tx, ctx, router_id, changes)])[0]}


@router.delete("/v2.0/routers/{router_id}", status_code=204)
async def delete_router(router_id: str, ctx: ScopedContext) -> Response:
    with ctx.transaction() as tx:
        vpcs.delete_vpc(tx, ctx, router_id)
    return _no_content()


def _interface(router_id: str, port_id: str, subnet: Subnet) -> dict[str, Any]:
    return {
        "id": router_id,
        "port_id": port_id,
        "subnet_id": subnet.id,
        "subnet_ids": [subnet.id],
        "network_id": subnet.network_id,
        "tenant_id": subnet.project_id,
        "project_id": subnet.project_id,
    }


@router.put("/v2.0/routers/{router_id}/add_router_interface")
async def add_interface(
    router_id: str, body: s.RouterInterface, ctx: ScopedContext
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        port, subnet = vpcs.add_interface(
            tx, ctx, router_id, subnet_id=body.subnet_id, port_id=body.port_id
        )
        return _interface(router_id, port.id, subnet)


@router.put("/v2.0/routers/{router_id}/remove_router_interface")
async def remove_interface(
    router_id: str, body: s.RouterInterface, ctx: ScopedContext
) -> dict[str, Any]:
    if not body.subnet_id and not body.port_id:
        raise BadRequest("Bad router request: Either subnet_id or port_id must be specified.")
    with ctx.transaction() as tx:
        port_id, subnet = vpcs.remove_interface(
            tx, ctx, router_id, subnet_id=body.subnet_id, port_id=body.port_id
        )
        return _interface(router_id, port_id, subnet)


# Ports -----------------------------------------------------------------------------------------


def _port_views(tx: Session, rows: list[Port]) -> list[dict[str, Any]]:
    return neutron_tags.attach(tx, "ports", views.port_views(tx, rows))


def _create_port(tx: Session, ctx: RequestContext, fields: s.PortFields) -> Port:
    check_owner(fields, ctx.project.id)
    return ports.create_port(tx, ctx, port_spec(fields))


@router.post("/v2.0/ports", status_code=201)
async def create_port(
    payload: Annotated[dict[str, Any], Body()], ctx: ScopedContext
) -> dict[str, Any]:
    creation = _creation(payload, "port", s.PortBody, s.PortsBody)
    with ctx.transaction() as tx:
        made = [_create_port(tx, ctx, fields) for fields in creation.objects]
        return creation.answer(_port_views(tx, made))


@router.get("/v2.0/ports")
async def list_ports(request: Request, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = _port_views(tx, ports.list_ports(tx, ctx))
    return listing.select(request, items, "ports")


@router.get("/v2.0/ports/{port_id}")
async def show_port(request: Request, port_id: str, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        port = _port_views(tx, [ports.get_port(tx, ctx, port_id)])[0]
        return {"port": listing.shown(request, port)}


@router.put("/v2.0/ports/{port_id}")
async def update_port(port_id: str, body: s.PortBody, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        port = ports.update_port(tx, ctx, port_id, port_changes(body.port))
        return {"port": _port_views(tx, [port])[0]}


@router.delete("/v2.0/ports/{port_id}", status_code=204)
async def delete_port(port_id: str, ctx: ScopedContext) -> Response:
    with ctx.transaction() as tx:
        ports.delete_port(tx, ctx, port_id)
    return _no_content()


# Security groups -------------------------------------------------------------------------------


def _group_views(tx: Session, rows: list[SecurityGroup]) -> list[dict[str, Any]]:
    return neutron_tags.attach(tx, "security-groups", views.security_groups(tx, rows))


def _check_not_default(name: str | None) -> None:
    """Neutron's `name_not_default`: `default` is the name of the group Neutron makes."""
    if name is not None and name.lower() == security.DEFAULT_NAME:
        raise Conflict(
            "Default security group already exists.",
            codes={"neutron": "SecurityGroupDefaultAlreadyExists"},
        )


@router.post("/v2.0/security-groups", status_code=201)
async def create_security_group(body: s.SecurityGroupBody, ctx: ScopedContext) -> dict[str, Any]:
    check_owner(body.security_group, ctx.project.id)
    _check_not_default(body.security_group.name)
    with ctx.transaction() as tx:
        group = security.create_group(
            tx,
            ctx,
            name=body.security_group.name or "",
            description=body.security_group.description or "",
        )
        return {"security_group": _group_views(tx, [group])[0]}


@router.get("/v2.0/security-groups")
async def list_security_groups(request: Request, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = _group_views(tx, security.list_groups(tx, ctx))
    return listing.select(request, items, "security_groups")


@router.get("/v2.0/security-groups/{group_id}")
async def show_security_group(
    request: Request, group_id: str, ctx: ScopedContext
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        group = security.get_group(tx, ctx, group_id)
        return {"security_group": listing.shown(request, _group_views(tx, [group])[0])}


@router.put("/v2.0/security-groups/{group_id}")
async def update_security_group(
    group_id: str, body: s.SecurityGroupBody, ctx: ScopedContext
) -> dict[str, Any]:
    _check_not_default(body.security_group.name)
    with ctx.transaction() as tx:
        renamed = body.security_group.name is not None
        if renamed and security.get_group(tx, ctx, group_id).name == security.DEFAULT_NAME:
            raise Conflict(
                "Updating default security group not allowed.",
                codes={"neutron": "SecurityGroupCannotUpdateDefault"},
            )
        group = security.update_group(
            tx,
            ctx,
            group_id,
            name=body.security_group.name,
            description=body.security_group.description,
        )
        return {"security_group": _group_views(tx, [group])[0]}


@router.delete("/v2.0/security-groups/{group_id}", status_code=204)
async def delete_security_group(group_id: str, ctx: ScopedContext) -> Response:
    with ctx.transaction() as tx:
        security.delete_group(tx, ctx, group_id)
    return _no_content()


@router.post("/v2.0/security-group-rules", status_code=201)
async def create_rule(
    payload: Annotated[dict[str, Any], Body()], ctx: ScopedContext
) -> dict[str, Any]:
    creation = _creation(
        payload, "security_group_rule", s.SecurityGroupRuleBody, s.SecurityGroupRulesBody
    )
    for fields in creation.objects:
        check_owner(fields, ctx.project.id)
    with ctx.transaction() as tx:
        made = [security.create_rule(tx, ctx, rule_spec(fields)) for fields in creation.objects]
        return creation.answer([views.rule(rule) for rule in made])


@router.get("/v2.0/security-group-rules")
async def list_rules(request: Request, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = [views.rule(r) for r in security.list_rules(tx, ctx)]
    return listing.select(request, items, "security_group_rules")


@router.get("/v2.0/security-group-rules/{rule_id}")
async def show_rule(request: Request, rule_id: str, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        rule = views.rule(security.get_rule(tx, ctx, rule_id))
        return {"security_group_rule": listing.shown(request, rule)}


@router.delete("/v2.0/security-group-rules/{rule_id}", status_code=204)
async def delete_rule(rule_id: str, ctx: ScopedContext) -> Response:
    with ctx.transaction() as tx:
        security.delete_rule(tx, ctx, rule_id)
    return _no_content()


# Floating IPs ----------------------------------------------------------------------------------


def _floatingip_views(tx: Session, rows: list[PublicIp]) -> list[dict[str, Any]]:
    return neutron_tags.attach(tx, "floatingips", [views.floatingip(tx, r) for r in rows])


@router.post("/v2.0/floatingips", status_code=201)
async def create_floatingip(body: s.FloatingIpBody, ctx: ScopedContext) -> dict[str, Any]:
    fields = body.floatingip
    check_owner(fields, ctx.project.id)
    bandwidth = eips.BandwidthSpec(name=eips.FLOATINGIP_BANDWIDTH_NAME, size=eips.FLOATINGIP_MBITS)
    with ctx.transaction() as tx:
        if fields.floating_network_id != vpcs.EXTERNAL_NETWORK_ID:
            subnets.get_network(tx, ctx, str(fields.floating_network_id))
            raise BadRequest(
                f"Bad floatingip request: Network {fields.floating_network_id} is not a valid "
                "external network.",
                codes={"neutron": "BadRequest"},
            )
        publicip = eips.allocate_publicip(
            tx,
            ctx,
            bandwidth,
            ip_address=fields.floating_ip_address,
            port_id=fields.port_id,
            fixed_ip_address=fields.fixed_ip_address,
            description=fields.description or "",
        )
        return {"floatingip": _floatingip_views(tx, [publicip])[0]}


@router.get("/v2.0/floatingips")
async def list_floatingips(request: Request, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = _floatingip_views(tx, eips.list_publicips(tx, ctx))
    return listing.select(request, items, "floatingips")


@router.get("/v2.0/floatingips/{floatingip_id}")
async def show_floatingip(
    request: Request, floatingip_id: str, ctx: ScopedContext
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        publicip = eips.get_publicip(tx, ctx, floatingip_id)
        return {"floatingip": listing.shown(request, _floatingip_views(tx, [publicip])[0])}


@router.put("/v2.0/floatingips/{floatingip_id}")
async def update_floatingip(
    floatingip_id: str, body: s.FloatingIpBody, ctx: ScopedContext
) -> dict[str, Any]:
    fields = body.floatingip
    with ctx.transaction() as tx:
        if fields.port_id:
            publicip = eips.bind_publicip(
                tx, ctx, floatingip_id, fields.port_id, fields.fixed_ip_address, move=True
            )
        elif fields.fixed_ip_address is not None:
            raise eips.bad_association("fixed_ip_address cannot be specified without a port_id")
        elif "port_id" in fields.model_fields_set:
            publicip = eips.unbind_publicip(tx, ctx, floatingip_id)
        else:
            publicip = eips.get_publicip(tx, ctx, floatingip_id)
        return {"floatingip": _floatingip_views(tx, [publicip])[0]}


@router.delete("/v2.0/floatingips/{floatingip_id}", status_code=204)
async def delete_floatingip(floatingip_id: str, ctx: ScopedContext) -> Response:
    with ctx.transaction() as tx:
        eips.release_publicip(tx, ctx, floatingip_id)
    return _no_content()


# Quotas ----------------------------------------------------------------------------------------


@router.get("/v2.0/quotas/{project_id}")
async def show_quota(project_id: str, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"quota": quotas_view.neutron(tx, ctx, project_id, details=False)}


@router.get("/v2.0/quotas/{project_id}/details")
async def show_quota_details(project_id: str, ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"quota": quotas_view.neutron(tx, ctx, project_id, details=True)}
