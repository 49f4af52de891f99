"""The native VPC API v1: VPCs, subnets, security groups and rules, ports, quotas.
Creates and updates answer 200 (not 201), deletes 204."""

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from apis.vpc import listing, ports, quotas_view, security, subnets, views, vpcs
from apis.vpc import schemas as s
from apis.vpc.errors import VPC_NATIVE
from apis.vpc.models import SecurityGroup
from apis.vpc.specs import port_changes, port_spec, rule_spec
from emulator.context import ProjectContext

router = APIRouter(prefix="/v1/{project_id}", route_class=VPC_NATIVE.route_class)


def _page(request: Request, items: list[dict[str, Any]], collection: str) -> dict[str, Any]:
    return listing.select(request, items, collection, links=False)


# VPCs ------------------------------------------------------------------------------------------


@router.post("/vpcs")
async def create_vpc(body: s.VpcBody, ctx: ProjectContext) -> dict[str, Any]:
    fields = body.vpc
    spec = vpcs.VpcSpec(
        name=fields.name or "",
        description=fields.description or "",
        cidr=fields.cidr,
        enterprise_project_id=fields.enterprise_project_id,
        routes=[r.model_dump() for r in fields.routes or []],
    )
    with ctx.transaction() as tx:
        return {"vpc": views.native_vpc(vpcs.create_vpc(tx, ctx, spec))}


@router.get("/vpcs")
async def list_vpcs(request: Request, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = [views.native_vpc(r) for r in vpcs.list_vpcs(tx, ctx)]
    return _page(request, items, "vpcs")


@router.get("/vpcs/{vpc_id}")
async def show_vpc(vpc_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"vpc": views.native_vpc(vpcs.get_vpc(tx, ctx, vpc_id))}


@router.put("/vpcs/{vpc_id}")
async def update_vpc(vpc_id: str, body: s.VpcBody, ctx: ProjectContext) -> dict[str, Any]:
    changes = body.vpc.model_dump(exclude_unset=True, exclude={"enterprise_project_id"})
    with ctx.transaction() as tx:
        return {"vpc": views.native_vpc(vpcs.update_vpc(tx, ctx, vpc_id, changes))}


@router.delete("/vpcs/{vpc_id}", status_code=204)
async def delete_vpc(vpc_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        vpcs.delete_vpc(tx, ctx, vpc_id)
    return Response(status_code=204)


# Subnets ---------------------------------------------------------------------------------------


def _dns(primary: str | None, secondary: str | None, listed: list[str] | None) -> list[str]:
    if listed:
        return listed
    return [server for server in (primary, secondary) if server]


@router.post("/subnets")
async def create_subnet(body: s.NativeSubnetCreateBody, ctx: ProjectContext) -> dict[str, Any]:
    fields = body.subnet
    spec = subnets.SubnetSpec(
        network_id="",
        cidr=fields.cidr,
        name=fields.name,
        description=fields.description,
        gateway_ip=fields.gateway_ip,
        enable_dhcp=fields.dhcp_enable,
        dns_nameservers=_dns(fields.primary_dns, fields.secondary_dns, fields.dns_list),
        availability_zone=fields.availability_zone,
        extra_dhcp_opts=[o.model_dump() for o in fields.extra_dhcp_opts],
    )
    with ctx.transaction() as tx:
        subnet = subnets.create_vpc_subnet(tx, ctx, fields.vpc_id, spec)
        return {"subnet": views.native_subnet(subnet)}


@router.get("/subnets")
async def list_subnets(request: Request, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = [views.native_subnet(r) for r in subnets.list_vpc_subnets(tx, ctx)]
    return _page(request, items, "subnets")


@router.get("/subnets/{subnet_id}")
async def show_subnet(subnet_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"subnet": views.native_subnet(subnets.vpc_subnet(tx, ctx, subnet_id))}


@router.put("/vpcs/{vpc_id}/subnets/{subnet_id}")
async def update_subnet(
    vpc_id: str, subnet_id: str, body: s.NativeSubnetUpdateBody, ctx: ProjectContext
) -> dict[str, Any]:
    fields = body.subnet
    changes: dict[str, Any] = {
        "name": fields.name,
        "description": fields.description,
        "enable_dhcp": fields.dhcp_enable,
    }
    servers = _dns(fields.primary_dns, fields.secondary_dns, fields.dns_list)
    if servers:
        changes["dns_nameservers"] = servers
    if fields.extra_dhcp_opts is not None:
        changes["extra_dhcp_opts"] = [o.model_dump() for o in fields.extra_dhcp_opts]
    with ctx.transaction() as tx:
        vpcs.get_vpc(tx, ctx, vpc_id)
        subnet = subnets.vpc_subnet(tx, ctx, subnet_id, vpc_id)
        subnet = subnets.update_subnet(tx, ctx, subnet.id, changes)
        return {"subnet": {"id": subnet.network_id, "status": subnet.status}}


@router.delete("/vpcs/{vpc_id}/subnets/{subnet_id}", status_code=204)
async def delete_subnet(vpc_id: str, subnet_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        subnets.delete_vpc_subnet(tx, ctx, vpc_id, subnet_id)
    return Response(status_code=204)


# Security groups -------------------------------------------------------------------------------


def _native_groups(tx: Session, rows: list[SecurityGroup]) -> list[dict[str, Any]]:
    keys = ("id", "name", "description", "vpc_id", "enterprise_project_id", "security_group_rules")
    return [
        {k: v for k, v in group.items() if k in keys} for group in views.security_groups(tx, rows)
    ]


@router.post("/security-groups")
async def create_security_group(
    body: s.NativeSecurityGroupBody, ctx: ProjectContext
) -> dict[str, Any]:
    fields = body.security_group
    with ctx.transaction() as tx:
        if fields.vpc_id:
            vpcs.get_vpc(tx, ctx, fields.vpc_id)
        group = security.create_group(
            tx,
            ctx,
            name=fields.name,
            description=fields.description,
            vpc_id=fields.vpc_id,
            enterprise_project_id=fields.enterprise_project_id,
            with_member_ingress=True,
        )
        return {"security_group": _native_groups(tx, [group])[0]}


@router.get("/security-groups")
async def list_security_groups(request: Request, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = _native_groups(tx, security.list_groups(tx, ctx))
    return _page(request, items, "security_groups")


@router.get("/security-groups/{group_id}")
async def show_security_group(group_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"security_group": _native_groups(tx, [security.get_group(tx, ctx, group_id)])[0]}


@router.delete("/security-groups/{group_id}", status_code=204)
async def delete_security_group(group_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        security.delete_group(tx, ctx, group_id)
    return Response(status_code=204)


@router.post("/security-group-rules")
async def create_rule(body: s.NativeRuleBody, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        rule = security.create_rule(tx, ctx, rule_spec(body.security_group_rule))
        return {"security_group_rule": views.rule(rule)}


@router.get("/security-group-rules")
async def list_rules(request: Request, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = [views.rule(r) for r in security.list_rules(tx, ctx)]
    return _page(request, items, "security_group_rules")


@router.get("/security-group-rules/{rule_id}")
async def show_rule(rule_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"security_group_rule": views.rule(security.get_rule(tx, ctx, rule_id))}


@router.delete("/security-group-rules/{rule_id}", status_code=204)
async def delete_rule(rule_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        security.delete_rule(tx, ctx, rule_id)
    return Response(status_code=204)


# Ports -----------------------------------------------------------------------------------------


@router.post("/ports")
async def create_port(body: s.NativePortBody, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        port = ports.create_port(tx, ctx, port_spec(body.port))
        return {"port": views.native_ports(tx, [port])[0]}


@router.get("/ports")
async def list_ports(request: Request, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = views.native_ports(tx, ports.list_ports(tx, ctx))
    return _page(request, items, "ports")


@router.get("/ports/{port_id}")
async def show_port(port_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"port": views.native_ports(tx, [ports.get_port(tx, ctx, port_id)])[0]}


@router.put("/ports/{port_id}")
async def update_port(port_id: str, body: s.NativePortBody, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        port = ports.update_port(tx, ctx, port_id, port_changes(body.port))
        return {"port": views.native_ports(tx, [port])[0]}


@router.delete("/ports/{port_id}", status_code=204)
async def delete_port(port_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        ports.delete_port(tx, ctx, port_id)
    return Response(status_code=204)


# Private IPs: ports seen by their address -----------------------------------------------------


@router.post("/privateips")
async def create_privateips(body: s.PrivateipBody, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        made = []
        for wanted in body.privateips:
            fixed = [{"ip_address": wanted.ip_address}] if wanted.ip_address else None
            made.append(ports.create_port(tx, ctx, ports.PortSpec(wanted.subnet_id, fixed)))
        return {"privateips": views.privateips(tx, made)}


@router.get("/subnets/{subnet_id}/privateips")
async def list_privateips(request: Request, subnet_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        subnets.vpc_subnet(tx, ctx, subnet_id)
        rows = [p for p in ports.list_ports(tx, ctx) if p.network_id == subnet_id]
        items = views.privateips(tx, rows)
    return _page(request, items, "privateips")


@router.get("/privateips/{privateip_id}")
async def show_privateip(privateip_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"privateip": views.privateips(tx, [ports.get_port(tx, ctx, privateip_id)])[0]}


@router.delete("/privateips/{privateip_id}", status_code=204)
async def delete_privateip(privateip_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        ports.delete_port(tx, ctx, privateip_id)
    return Response(status_code=204)


# Quotas ----------------------------------------------------------------------------------------


@router.get("/quotas")
async def show_quotas(ctx: ProjectContext, type: str | None = None) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"quotas": quotas_view.native(tx, ctx, type)}
