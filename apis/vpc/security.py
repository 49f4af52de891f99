"""Security groups and their rules (free of charge, same ids in both dialects)."""

from dataclasses import dataclass
from ipaddress import ip_network
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from apis.vpc.common import consume, owned, release
from apis.vpc.errors import in_use, invalid
from apis.vpc.models import PortSecurityGroup, SecurityGroup, SecurityGroupRule
from emulator import ids, tags
from emulator.context import RequestContext
from emulator.errors import BadRequest, Conflict
from state.prepared import Prepared, connection_of

DEFAULT_NAME = "default"
TAG_TYPE = "vpc.security_group"
# IP protocol numbers of the protocols a rule may name (or give by number, 0 to 255).
PROTOCOL_NUMBERS = {"icmp": 1, "tcp": 6, "udp": 17, "icmpv6": 58}
PROTOCOLS_WITH_PORTS = (6, 17)
ICMP_PROTOCOLS = (1, 58)
ANY_PROTOCOL = (None, "", "any")


@dataclass
class RuleSpec:
    security_group_id: str
    direction: str
    ethertype: str = "IPv4"
    protocol: str | int | None = None
    port_range_min: int | None = None
    port_range_max: int | None = None
    remote_ip_prefix: str | None = None
    remote_group_id: str | None = None
    description: str = ""


def create_group(
    tx: Session,
    ctx: RequestContext,
    *,
    name: str,
    description: str = "",
    vpc_id: str | None = None,
    enterprise_project_id: str = "0",
    with_member_ingress: bool = False,
) -> SecurityGroup:
    """A group that lets all traffic out; `with_member_ingress` also lets its members in
    (the rules of a `default` group, and of groups made with the native API)."""
    consume(tx, ctx, "securityGroup")
    now = ctx.now()
    group = SecurityGroup(
        id=ids.uuid_id(),
        project_id=ctx.project.id,
        name=name,
        description=description,
        vpc_id=vpc_id,
        enterprise_project_id=enterprise_project_id,
        created_at=now,
        updated_at=now,
    )
    tx.add(group)
    tx.flush()
    directions = ("egress", "ingress") if with_member_ingress else ("egress",)
    for direction in directions:
        for ethertype in ("IPv4", "IPv6"):
            remote = group.id if direction == "ingress" else None
            create_rule(tx, ctx, RuleSpec(group.id, direction, ethertype, remote_group_id=remote))
    return group


def create_vpc_default_group(tx: Session, ctx: RequestContext, vpc_id: str) -> SecurityGroup:
    return create_group(
        tx,
        ctx,
        name=DEFAULT_NAME,
        description="Default security group",
        vpc_id=vpc_id,
        with_member_ingress=True,
    )


def default_group_of(tx: Session, ctx: RequestContext, vpc_id: str | None) -> SecurityGroup:
    """The `default` group of a VPC; for a network outside any VPC, the project's own one,
    made on first use as Neutron does."""
    query = select(SecurityGroup).where(
        SecurityGroup.project_id == ctx.project.id,
        SecurityGroup.name == DEFAULT_NAME,
        SecurityGroup.vpc_id.is_(None) if vpc_id is None else SecurityGroup.vpc_id == vpc_id,
    )
    group = tx.scalars(query.order_by(SecurityGroup.created_at)).first()
    if group is None:
        group = create_group(
            tx,
            ctx,
            name=DEFAULT_NAME,
            description="Default security group",
            vpc_id=vpc_id,
            with_member_ingress=True,
        )
    return group


def _default_of(vpc_condition: Any) -> Prepared:
    return Prepared(
        select(SecurityGroup.id, SecurityGroup.name)
        .where(
            SecurityGroup.project_id == bindparam("project_id"),
            SecurityGroup.name == DEFAULT_NAME,
            vpc_condition,
        )
        .order_by(SecurityGroup.created_at)
        .limit(1)
    )


_DEFAULT_OF_VPC = _default_of(SecurityGroup.vpc_id == bindparam("vpc_id"))
_DEFAULT_OUTSIDE_VPCS = _default_of(SecurityGroup.vpc_id.is_(None))


def default_group_brief(tx: Session, ctx: RequestContext, vpc_id: str | None) -> tuple[str, str]:
    """(id, name) of `default_group_of`, read by a prepared query while it exists."""
    statement = _DEFAULT_OUTSIDE_VPCS if vpc_id is None else _DEFAULT_OF_VPC
    row = statement.first(connection_of(tx), {"project_id": ctx.project.id, "vpc_id": vpc_id})
    if row is None:
        group = default_group_of(tx, ctx, vpc_id)
        return group.id, group.name
    return row.id, row.name


def names_of(tx: Session, ctx: RequestContext, group_ids: list[str]) -> list[tuple[str, str]]:
    """(id, name) of the caller's groups `group_ids`, each once; NotFound for another's."""
    return [(g.id, g.name) for g in (get_group(tx, ctx, i) for i in dict.fromkeys(group_ids))]


def get_group(tx: Session, ctx: RequestContext, group_id: str) -> SecurityGroup:
    return owned(tx, SecurityGroup, group_id, ctx, "security_group")


def list_groups(tx: Session, ctx: RequestContext) -> list[SecurityGroup]:
    """The project's groups. A project always has a `default` one: listed before anything
    made it, it is made then, as Neutron does on a project's first listing."""
    groups = list(
        tx.scalars(
            select(SecurityGroup)
            .where(SecurityGroup.project_id == ctx.project.id)
            .order_by(SecurityGroup.created_at, SecurityGroup.id)
        )
    )
    if not any(group.name == DEFAULT_NAME for group in groups):
        groups.append(default_group_of(tx, ctx, None))
    return groups


def update_group(
    tx: Session,
    ctx: RequestContext,
    group_id: str,
    *,
    name: str | None = None,
    description: str | None = None,
) -> SecurityGroup:
    group = get_group(tx, ctx, group_id)
    if name is not None:
        group.name = name
    if description is not None:
        group.description = description
    group.updated_at = ctx.now()
    return group


def delete_group(tx: Session, ctx: RequestContext, group_id: str) -> None:
    group = get_group(tx, ctx, group_id)
    if (
        tx.scalars(
            select(PortSecurityGroup).where(PortSecurityGroup.security_group_id == group_id)
        ).first()
        is not None
    ):
        raise in_use(
            f"Security Group {group_id} in use.", neutron="SecurityGroupInUse", native="VPC.0608"
        )
    rules = rules_of(tx, [group_id])[group_id]
    referring = list(
        tx.scalars(
            select(SecurityGroupRule).where(
                SecurityGroupRule.remote_group_id == group_id,
                SecurityGroupRule.security_group_id != group_id,
            )
        )
    )
    for rule in [*rules, *referring]:
        delete_rule(tx, ctx, rule.id)
    tags.remove_all(tx, TAG_TYPE, group_id)
    tx.delete(group)
    release(tx, ctx, "securityGroup")


def rules_of(tx: Session, group_ids: list[str]) -> dict[str, list[SecurityGroupRule]]:
    found: dict[str, list[SecurityGroupRule]] = {gid: [] for gid in group_ids}
    rows = tx.scalars(
        select(SecurityGroupRule)
        .where(SecurityGroupRule.security_group_id.in_(group_ids))
        .order_by(SecurityGroupRule.created_at, SecurityGroupRule.id)
    )
    for rule in rows:
        found[rule.security_group_id].append(rule)
    return found


def _rule_error(message: str, neutron: str) -> BadRequest:
    return invalid("security_group_rule", message, neutron=neutron)


def _checked_protocol(value: str | int | None) -> tuple[str | None, int | None]:
    """The protocol as a rule keeps it (a name in lower case, or a number as text) and its
    IP protocol number."""
    if value in ANY_PROTOCOL:
        return None, None
    text = str(value).lower()
    if text in PROTOCOL_NUMBERS:
        return text, PROTOCOL_NUMBERS[text]
    if text.isdigit() and int(text) <= 255:
        return text, int(text)
    raise _rule_error(
        f"Security group rule protocol {value} not supported. Only protocol values "
        f"{list(PROTOCOL_NUMBERS)} and integer representations [0 to 255] are supported.",
        "SecurityGroupRuleInvalidProtocol",
    )


def _checked_ports(spec: RuleSpec, number: int | None) -> tuple[int | None, int | None]:
    low, high = spec.port_range_min, spec.port_range_max
    for port in (low, high):
        if port is not None and not 0 <= port <= 65535:
            raise _rule_error(f"Invalid value for port {port}.", "InvalidInput")
    if low is None and high is None:
        return None, None
    if number in PROTOCOLS_WITH_PORTS:
        if low == 0 or high == 0:
            raise _rule_error("Invalid value for port 0.", "SecurityGroupInvalidPortValue")
        if low is None or high is None or low > high:
            raise _rule_error(
                "For TCP/UDP protocols, port_range_min must be <= port_range_max.",
                "SecurityGroupInvalidPortRange",
            )
        return low, high
    if number in ICMP_PROTOCOLS:
        if low is None and high is not None:
            raise _rule_error(
                f"ICMP code (port-range-max) {high} is provided but ICMP type "
                "(port-range-min) is missing.",
                "SecurityGroupMissingIcmpType",
            )
        for field, value in (("type", low), ("code", high)):
            if value is not None and not 0 <= value <= 255:
                raise _rule_error(
                    f"Invalid value for ICMP {field} (port-range-"
                    f"{'min' if field == 'type' else 'max'}): {value}. It must "
                    "be 0 to 255.",
                    "SecurityGroupInvalidIcmpValue",
                )
        return low, high
    if number is None:
        raise _rule_error(
            "Must also specify protocol if port range is given.",
            "SecurityGroupProtocolRequiredWithPorts",
        )
    raise _rule_error(
        f"Invalid protocol {number} for port range, only supported for TCP, UDP protocols.",
        "SecurityGroupInvalidProtocolForPort",
    )


def _checked_prefix(spec: RuleSpec) -> str | None:
    if not spec.remote_ip_prefix:
        return None
    try:
        prefix = ip_network(spec.remote_ip_prefix, strict=False)
    except ValueError:
        raise _rule_error(
            f"'{spec.remote_ip_prefix}' is not a valid IP prefix.", "InvalidInput"
        ) from None
    if f"IPv{prefix.version}" != spec.ethertype:
        raise _rule_error(
            f"Conflicting value ethertype {spec.ethertype} for CIDR {spec.remote_ip_prefix}.",
            "SecurityGroupRuleParameterConflict",
        )
    return str(prefix)


def create_rule(tx: Session, ctx: RequestContext, spec: RuleSpec) -> SecurityGroupRule:
    get_group(tx, ctx, spec.security_group_id)
    if spec.direction not in ("ingress", "egress"):
        raise _rule_error(f"'{spec.direction}' is not in ['ingress', 'egress'].", "InvalidInput")
    if spec.ethertype not in ("IPv4", "IPv6"):
        raise _rule_error(
            f"Security group rule for ethertype '{spec.ethertype}' not "
            "supported. Allowed values are ['IPv4', 'IPv6'].",
            "SecurityGroupRuleInvalidEtherType",
        )
    protocol, number = _checked_protocol(spec.protocol)
    low, high = _checked_ports(spec, number)
    if spec.remote_ip_prefix and spec.remote_group_id:
        raise _rule_error(
            "Only remote_ip_prefix or remote_group_id may be provided.",
            "SecurityGroupRemoteGroupAndRemoteIpPrefix",
        )
    prefix = _checked_prefix(spec)
    if spec.remote_group_id:
        get_group(tx, ctx, spec.remote_group_id)
    values = dict(
        direction=spec.direction,
        ethertype=spec.ethertype,
        protocol=protocol,
        port_range_min=low,
        port_range_max=high,
        remote_ip_prefix=prefix,
        remote_group_id=spec.remote_group_id or None,
    )
    for existing in rules_of(tx, [spec.security_group_id])[spec.security_group_id]:
        if all(getattr(existing, key) == value for key, value in values.items()):
            raise Conflict(
                f"Security group rule already exists. Rule id is {existing.id}.",
                codes={"neutron": "SecurityGroupRuleExists", "vpc": "VPC.0604"},
            )
    consume(tx, ctx, "securityGroupRule")
    rule = SecurityGroupRule(
        id=ids.uuid_id(),
        project_id=ctx.project.id,
        security_group_id=spec.security_group_id,
        description=spec.description,
        created_at=ctx.now(),
        **values,
    )
    tx.add(rule)
    tx.flush()
    return rule


def get_rule(tx: Session, ctx: RequestContext, rule_id: str) -> SecurityGroupRule:
    return owned(tx, SecurityGroupRule, rule_id, ctx, "security_group_rule")


def list_rules(tx: Session, ctx: RequestContext) -> list[SecurityGroupRule]:
    return list(
        tx.scalars(
            select(SecurityGroupRule)
            .where(SecurityGroupRule.project_id == ctx.project.id)
            .order_by(SecurityGroupRule.created_at, SecurityGroupRule.id)
        )
    )


def delete_rule(tx: Session, ctx: RequestContext, rule_id: str) -> None:
    get_rule(tx, ctx, rule_id)
    tx.execute(delete(SecurityGroupRule).where(SecurityGroupRule.id == rule_id))
    release(tx, ctx, "securityGroupRule")
