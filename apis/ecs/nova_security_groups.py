"""Nova's security group proxy (`os-security-groups`, `os-security-group-rules`, a server's
groups) over the VPC's groups, up to microversion 2.35 as in Nova: the rules shown are the
ingress ones, a rule given is an ingress rule."""

from ipaddress import ip_network
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from apis.ecs import details, servers
from apis.ecs.microversions import Microversion, MicroversionDep, NovaRoute
from apis.vpc import security
from apis.vpc.models import SecurityGroup, SecurityGroupRule
from emulator.context import ProjectContext, RequestContext
from emulator.errors import BadRequest, Conflict, NotFound

router = APIRouter(prefix="/v2.1/{project_id}", route_class=NovaRoute)

_PROTOCOLS = ("tcp", "udp", "icmp")
_MAX_LENGTH = 255


def _require_proxy(version: Microversion) -> None:
    if version.at_least("2.36"):
        raise NotFound("The resource could not be found.")


def _group_named(tx: Session, ctx: RequestContext, group_id: str) -> SecurityGroup:
    try:
        return security.get_group(tx, ctx, group_id)
    except NotFound:
        raise NotFound(f"Security group {group_id} not found.") from None


def _check_uuid(group_id: Any) -> None:
    try:
        UUID(str(group_id))
    except ValueError:
        raise BadRequest("Security group id should be uuid") from None


def _rule_view(tx: Session, rule: SecurityGroupRule) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": rule.id,
        "parent_group_id": rule.security_group_id,
        "ip_protocol": rule.protocol,
        "from_port": -1 if rule.port_range_min is None else rule.port_range_min,
        "to_port": -1 if rule.port_range_max is None else rule.port_range_max,
        "group": {},
        "ip_range": {},
    }
    if rule.remote_group_id:
        remote = tx.get(SecurityGroup, rule.remote_group_id)
        if remote is not None:
            view["group"] = {"name": remote.name, "tenant_id": remote.project_id}
    else:
        any_address = "0.0.0.0/0" if rule.ethertype == "IPv4" else "::/0"
        view["ip_range"] = {"cidr": rule.remote_ip_prefix or any_address}
    return view


def _group_view(tx: Session, group: SecurityGroup) -> dict[str, Any]:
    rules = security.rules_of(tx, [group.id])[group.id]
    return {
        "id": group.id,
        "name": group.name,
        "description": group.description,
        "tenant_id": group.project_id,
        "rules": [_rule_view(tx, rule) for rule in rules if rule.direction == "ingress"],
    }


async def _argument(request: Request, key: str) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise BadRequest("Malformed request body") from None
    argument = body.get(key) if isinstance(body, dict) else None
    if not isinstance(argument, dict):
        raise BadRequest(f"Invalid input for field/attribute {key}: an object is required.")
    return argument


def _property(argument: dict[str, Any], name: str) -> str:
    """Nova's check of a group's name and description: a string of 1 to 255 characters once
    stripped; the value is kept as given."""
    value = argument.get(name)
    if not isinstance(value, str):
        raise BadRequest(f"Security group {name} is not a string or unicode")
    if not 1 <= len(value.strip()) <= _MAX_LENGTH:
        raise BadRequest(
            f"Security group {name} has a length of {len(value.strip())}: it must be 1 to "
            f"{_MAX_LENGTH} characters."
        )
    return value


@router.get("/os-security-groups")
async def list_groups(ctx: ProjectContext, version: MicroversionDep) -> dict[str, Any]:
    _require_proxy(version)
    with ctx.transaction() as tx:
        return {"security_groups": [_group_view(tx, g) for g in security.list_groups(tx, ctx)]}


@router.post("/os-security-groups")
async def create_group(
    request: Request, ctx: ProjectContext, version: MicroversionDep
) -> dict[str, Any]:
    _require_proxy(version)
    argument = await _argument(request, "security_group")
    name, description = _property(argument, "name"), _property(argument, "description")
    with ctx.transaction() as tx:
        group = security.create_group(tx, ctx, name=name, description=description)
        return {"security_group": _group_view(tx, group)}


@router.get("/os-security-groups/{group_id}")
async def show_group(group_id: str, ctx: ProjectContext, version: MicroversionDep) -> Any:
    _require_proxy(version)
    with ctx.transaction() as tx:
        return {"security_group": _group_view(tx, _group_named(tx, ctx, group_id))}


@router.put("/os-security-groups/{group_id}")
async def update_group(
    request: Request, group_id: str, ctx: ProjectContext, version: MicroversionDep
) -> dict[str, Any]:
    _require_proxy(version)
    argument = await _argument(request, "security_group")
    name, description = _property(argument, "name"), _property(argument, "description")
    with ctx.transaction() as tx:
        _group_named(tx, ctx, group_id)
        group = security.update_group(tx, ctx, group_id, name=name, description=description)
        return {"security_group": _group_view(tx, group)}


@router.delete("/os-security-groups/{group_id}", status_code=202)
async def delete_group(group_id: str, ctx: ProjectContext, version: MicroversionDep) -> Response:
    """The default group and a group in use are 400, as Nova answers Neutron's conflicts."""
    _require_proxy(version)
    with ctx.transaction() as tx:
        if _group_named(tx, ctx, group_id).name == security.DEFAULT_NAME:
            raise BadRequest("Removing default security group not allowed.")
        try:
            security.delete_group(tx, ctx, group_id)
        except Conflict as error:
            raise BadRequest(error.message) from None
    return Response(status_code=202)


def _port(argument: dict[str, Any], name: str) -> int:
    value = argument.get(name)
    refused = BadRequest(f"Invalid input for {name}: {value!r} is not an integer.")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise refused
    try:
        return int(value)
    except ValueError:
        raise refused from None


def _rule_spec(argument: dict[str, Any]) -> security.RuleSpec:
    """Nova's checks of an ingress rule: tcp or udp ports 1-65535 (from not above to), icmp
    type and code -1 to 255, a valid CIDR, another group or a CIDR."""
    protocol = argument.get("ip_protocol")
    if not isinstance(protocol, str) or protocol.lower() not in _PROTOCOLS:
        raise BadRequest(f"Invalid IP protocol {protocol}.")
    protocol = protocol.lower()
    low, high = _port(argument, "from_port"), _port(argument, "to_port")
    if protocol == "icmp":
        if not (-1 <= low <= 255 and -1 <= high <= 255):
            raise BadRequest(
                f"Type and Code must be integers for ICMP protocol type: {low}, {high}"
            )
        ports = (None if low == -1 else low, None if high == -1 else high)
    elif not 1 <= low <= high <= 65535:
        raise BadRequest(
            f"Invalid port range {low}:{high}. Valid TCP ports should be between 1-65535"
        )
    else:
        ports = (low, high)
    group_id, cidr = argument.get("group_id"), argument.get("cidr")
    ethertype = "IPv4"
    if not group_id:
        cidr = cidr or "0.0.0.0/0"
        try:
            ethertype = f"IPv{ip_network(cidr, strict=False).version}"
        except (TypeError, ValueError):
            raise BadRequest(f"Invalid cidr {cidr}.") from None
    return security.RuleSpec(
        security_group_id=str(argument.get("parent_group_id")),
        direction="ingress",
        ethertype=ethertype,
        protocol=protocol,
        port_range_min=ports[0],
        port_range_max=ports[1],
        remote_ip_prefix=None if group_id else cidr,
        remote_group_id=group_id or None,
    )


@router.post("/os-security-group-rules")
async def create_rule(
    request: Request, ctx: ProjectContext, version: MicroversionDep
) -> dict[str, Any]:
    _require_proxy(version)
    argument = await _argument(request, "security_group_rule")
    _check_uuid(argument.get("parent_group_id"))
    if argument.get("group_id"):
        _check_uuid(argument["group_id"])
    with ctx.transaction() as tx:
        _group_named(tx, ctx, str(argument.get("parent_group_id")))
        spec = _rule_spec(argument)
        if spec.remote_group_id:
            _group_named(tx, ctx, spec.remote_group_id)
        try:
            rule = security.create_rule(tx, ctx, spec)
        except Conflict:
            raise BadRequest(
                f"This rule already exists in group {spec.security_group_id}"
            ) from None
        return {"security_group_rule": _rule_view(tx, rule)}


@router.delete("/os-security-group-rules/{rule_id}", status_code=202)
async def delete_rule(rule_id: str, ctx: ProjectContext, version: MicroversionDep) -> Response:
    _require_proxy(version)
    with ctx.transaction() as tx:
        try:
            security.delete_rule(tx, ctx, rule_id)
        except NotFound:
            raise NotFound(f"Security group rule {rule_id} not found.") from None
    return Response(status_code=202)


@router.get("/servers/{server_id}/os-security-groups")
async def server_security_groups(server_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        groups = details.groups(tx, [server.id])[server.id]
        shown = [_group_view(tx, security.get_group(tx, ctx, gid)) for gid, _ in groups]
    return {"security_groups": shown}
