"""Rows -> JSON, one function per object and dialect (Neutron, native VPC v1, native EIP)."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from apis.vpc import eips, ports, security
from apis.vpc.models import (
    Bandwidth,
    IpAllocation,
    Network,
    Port,
    PublicIp,
    Router,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
)
from apis.vpc.vpcs import EXTERNAL_NETWORK_ID, EXTERNAL_NETWORK_NAME

EXTERNAL_OWNER = "0" * 32


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def eip_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _owner(project_id: str) -> dict[str, str]:
    return {"tenant_id": project_id, "project_id": project_id}


# Neutron ---------------------------------------------------------------------------------------


def external_network() -> dict[str, Any]:
    """admin_external_net: owned by the cloud, visible to every tenant."""
    return {
        "id": EXTERNAL_NETWORK_ID,
        "name": EXTERNAL_NETWORK_NAME,
        "status": "ACTIVE",
        "admin_state_up": True,
        "shared": False,
        "router:external": True,
        "subnets": [],
        "availability_zone_hints": [],
        "availability_zones": [],
        "description": "",
        "mtu": 1500,
        "port_security_enabled": True,
        "tags": [],
        "revision_number": 0,
        "created_at": "2017-01-01T00:00:00Z",
        "updated_at": "2017-01-01T00:00:00Z",
        **_owner(EXTERNAL_OWNER),
    }


def neutron_network(network: Network, subnet_ids: list[str]) -> dict[str, Any]:
    return {
        "id": network.id,
        "name": network.name,
        "description": network.description,
        "status": "ACTIVE",
        "admin_state_up": network.admin_state_up,
        "shared": network.shared,
        "router:external": False,
        "subnets": subnet_ids,
        "availability_zone_hints": [],
        "availability_zones": [],
        "mtu": network.mtu,
        "port_security_enabled": network.port_security_enabled,
        "tags": [],
        "revision_number": 0,
        "created_at": iso(network.created_at),
        "updated_at": iso(network.updated_at),
        **_owner(network.project_id),
    }


def neutron_subnet(subnet: Subnet) -> dict[str, Any]:
    return {
        "id": subnet.id,
        "name": subnet.name,
        "description": subnet.description,
        "network_id": subnet.network_id,
        "cidr": subnet.cidr,
        "ip_version": 4,
        "gateway_ip": subnet.gateway_ip,
        "allocation_pools": subnet.allocation_pools,
        "dns_nameservers": subnet.dns_nameservers,
        "host_routes": subnet.host_routes,
        "enable_dhcp": subnet.enable_dhcp,
        "ipv6_ra_mode": None,
        "ipv6_address_mode": None,
        "subnetpool_id": None,
        "service_types": [],
        "tags": [],
        "revision_number": 0,
        "created_at": iso(subnet.created_at),
        "updated_at": iso(subnet.updated_at),
        **_owner(subnet.project_id),
    }


def neutron_router(router: Router) -> dict[str, Any]:
    gateway = (
        {
            "network_id": router.external_network_id,
            "enable_snat": router.enable_snat,
            "external_fixed_ips": [],
        }
        if router.external_network_id
        else None
    )
    return {
        "id": router.id,
        "name": router.name,
        "description": router.description,
        "status": "ACTIVE",
        "admin_state_up": router.admin_state_up,
        "external_gateway_info": gateway,
        "routes": router.routes,
        "distributed": True,
        "ha": False,
        "availability_zone_hints": [],
        "availability_zones": [],
        "tags": [],
        "revision_number": 0,
        "created_at": iso(router.created_at),
        "updated_at": iso(router.updated_at),
        **_owner(router.project_id),
    }


def ip_availability(
    network: Network, rows: list[Subnet], usage: dict[str, tuple[int, int]]
) -> dict[str, Any]:
    per_subnet = [
        {
            "subnet_id": r.id,
            "subnet_name": r.name,
            "cidr": r.cidr,
            "ip_version": 4,
            "used_ips": usage[r.id][0],
            "total_ips": usage[r.id][1],
        }
        for r in rows
    ]
    return {
        "network_id": network.id,
        "network_name": network.name,
        "subnet_ip_availability": per_subnet,
        "used_ips": sum(s["used_ips"] for s in per_subnet),
        "total_ips": sum(s["total_ips"] for s in per_subnet),
        **_owner(network.project_id),
    }


def _fixed_ips(allocations: list[IpAllocation]) -> list[dict[str, str]]:
    return [{"subnet_id": a.subnet_id, "ip_address": a.ip_address} for a in allocations]


def neutron_port(
    port: Port, allocations: list[IpAllocation], group_ids: list[str]
) -> dict[str, Any]:
    return {
        "id": port.id,
        "name": port.name,
        "description": port.description,
        "network_id": port.network_id,
        "admin_state_up": port.admin_state_up,
        "mac_address": port.mac_address,
        "fixed_ips": _fixed_ips(allocations),
        "device_id": port.device_id,
        "device_owner": port.device_owner,
        "status": port.status,
        "security_groups": group_ids,
        "allowed_address_pairs": port.allowed_address_pairs,
        "extra_dhcp_opts": [],
        "port_security_enabled": port.port_security_enabled,
        "binding:vnic_type": "normal",
        "binding:vif_type": "ovs",
        "binding:vif_details": {},
        "binding:profile": {},
        "binding:host_id": "",
        "dns_name": "",
        "dns_assignment": [
            {
                "hostname": f"host-{a.ip_address.replace('.', '-')}",
                "ip_address": a.ip_address,
                "fqdn": f"host-{a.ip_address.replace('.', '-')}.openstacklocal.",
            }
            for a in allocations
        ],
        "tags": [],
        "revision_number": 0,
        "created_at": iso(port.created_at),
        "updated_at": iso(port.updated_at),
        **_owner(port.project_id),
    }


def port_views(tx: Session, rows: list[Port]) -> list[dict[str, Any]]:
    ids = [p.id for p in rows]
    allocations, groups = ports.fixed_ips(tx, ids), ports.groups_of(tx, ids)
    return [neutron_port(p, allocations[p.id], groups[p.id]) for p in rows]


def rule(rule_row: SecurityGroupRule) -> dict[str, Any]:
    """The same in Neutron and the native API."""
    return {
        "id": rule_row.id,
        "security_group_id": rule_row.security_group_id,
        "direction": rule_row.direction,
        "ethertype": rule_row.ethertype,
        "protocol": rule_row.protocol,
        "port_range_min": rule_row.port_range_min,
        "port_range_max": rule_row.port_range_max,
        "remote_ip_prefix": rule_row.remote_ip_prefix,
        "remote_group_id": rule_row.remote_group_id,
        "remote_address_group_id": None,
        "description": rule_row.description,
        "revision_number": 0,
        "created_at": iso(rule_row.created_at),
        "updated_at": iso(rule_row.created_at),
        **_owner(rule_row.project_id),
    }


def security_groups(tx: Session, rows: list[SecurityGroup]) -> list[dict[str, Any]]:
    """Neutron and native at once: the native API adds vpc_id and enterprise_project_id."""
    rules = security.rules_of(tx, [g.id for g in rows])
    return [
        {
            "id": g.id,
            "name": g.name,
            "description": g.description,
            "vpc_id": g.vpc_id or "",
            "enterprise_project_id": g.enterprise_project_id,
            "security_group_rules": [rule(r) for r in rules[g.id]],
            "stateful": True,
            "tags": [],
            "revision_number": 0,
            "created_at": iso(g.created_at),
            "updated_at": iso(g.updated_at),
            **_owner(g.project_id),
        }
        for g in rows
    ]


def floatingip(tx: Session, publicip: PublicIp) -> dict[str, Any]:
    fixed = ports.allocation_of(tx, publicip.port_id, publicip.fixed_ip_address)
    subnet = tx.get(Subnet, fixed.subnet_id) if fixed else None
    return {
        "id": publicip.id,
        "floating_ip_address": publicip.public_ip_address,
        "floating_network_id": EXTERNAL_NETWORK_ID,
        "port_id": publicip.port_id,
        "fixed_ip_address": publicip.fixed_ip_address,
        "router_id": subnet.router_id if subnet else None,
        "status": "ACTIVE" if publicip.port_id else "DOWN",
        "description": publicip.description,
        "dns_name": "",
        "dns_domain": "",
        "tags": [],
        "revision_number": 0,
        "created_at": iso(publicip.created_at),
        "updated_at": iso(publicip.updated_at),
        **_owner(publicip.project_id),
    }


# Native VPC ------------------------------------------------------------------------------------


def native_vpc(router: Router) -> dict[str, Any]:
    return {
        "id": router.id,
        "name": router.name,
        "description": router.description,
        "cidr": router.cidr,
        "status": router.status,
        "routes": router.routes,
        "enterprise_project_id": router.enterprise_project_id,
        "tenant_id": router.project_id,
        "created_at": iso(router.created_at),
        "updated_at": iso(router.updated_at),
    }


def native_subnet(subnet: Subnet) -> dict[str, Any]:
    dns = subnet.dns_nameservers
    return {
        "id": subnet.network_id,
        "name": subnet.name,
        "description": subnet.description,
        "cidr": subnet.cidr,
        "gateway_ip": subnet.gateway_ip or "",
        "vpc_id": subnet.router_id,
        "status": subnet.status,
        "neutron_network_id": subnet.network_id,
        "neutron_subnet_id": subnet.id,
        "dhcp_enable": subnet.enable_dhcp,
        "primary_dns": dns[0] if dns else "",
        "secondary_dns": dns[1] if len(dns) > 1 else "",
        "dnsList": dns,
        "availability_zone": subnet.availability_zone,
        "ipv6_enable": False,
        "cidr_v6": "",
        "gateway_ip_v6": "",
        "extra_dhcp_opts": subnet.extra_dhcp_opts,
        "scope": "center",
        "tenant_id": subnet.project_id,
        "created_at": iso(subnet.created_at),
        "updated_at": iso(subnet.updated_at),
    }


def native_ports(tx: Session, rows: list[Port]) -> list[dict[str, Any]]:
    views = port_views(tx, rows)
    for view, port in zip(views, rows, strict=True):
        server = port.device_owner.startswith("compute:")
        view.update(
            {
                "instance_id": port.device_id if server else "",
                "instance_type": "" if not server else "server",
                "zone_id": port.device_owner.partition(":")[2] if server else "",
            }
        )
    return views


def privateips(tx: Session, rows: list[Port]) -> list[dict[str, Any]]:
    """Each fixed IP of the ports as a native private IP (its id is the port's)."""
    allocations = ports.fixed_ips(tx, [p.id for p in rows])
    return [
        {
            "id": port.id,
            "status": port.status,
            "subnet_id": port.network_id,
            "tenant_id": port.project_id,
            "device_owner": port.device_owner,
            "ip_address": allocation.ip_address,
        }
        for port in rows
        for allocation in allocations[port.id]
    ]


# Native VPC v3 ---------------------------------------------------------------------------------


def _multiport(rule_row: SecurityGroupRule) -> str | None:
    low, high = rule_row.port_range_min, rule_row.port_range_max
    if low is None:
        return None
    return str(low) if high in (None, low) else f"{low}-{high}"


def v3_rule(rule_row: SecurityGroupRule) -> dict[str, Any]:
    return {
        "id": rule_row.id,
        "description": rule_row.description,
        "security_group_id": rule_row.security_group_id,
        "direction": rule_row.direction,
        "protocol": rule_row.protocol,
        "ethertype": rule_row.ethertype,
        "multiport": _multiport(rule_row),
        "action": "allow",
        "priority": 1,
        "remote_group_id": rule_row.remote_group_id,
        "remote_ip_prefix": rule_row.remote_ip_prefix,
        "remote_address_group_id": None,
        "created_at": iso(rule_row.created_at),
        "updated_at": iso(rule_row.created_at),
        "project_id": rule_row.project_id,
    }


def v3_security_group(
    group: SecurityGroup, rules: list[SecurityGroupRule], tag_list: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "id": group.id,
        "name": group.name,
        "description": group.description,
        "project_id": group.project_id,
        "created_at": iso(group.created_at),
        "updated_at": iso(group.updated_at),
        "enterprise_project_id": group.enterprise_project_id,
        "tags": tag_list,
        "security_group_rules": [v3_rule(r) for r in rules],
    }


# Native EIP ------------------------------------------------------------------------------------


def publicip(tx: Session, row: PublicIp) -> dict[str, Any]:
    bandwidth = tx.get(Bandwidth, row.bandwidth_id)
    assert bandwidth is not None
    return {
        "id": row.id,
        "status": row.status,
        "type": row.type,
        "public_ip_address": row.public_ip_address,
        "ip_version": row.ip_version,
        "port_id": row.port_id,
        "private_ip_address": row.fixed_ip_address,
        "bandwidth_id": bandwidth.id,
        "bandwidth_name": bandwidth.name,
        "bandwidth_share_type": bandwidth.share_type,
        "bandwidth_size": bandwidth.size,
        "create_time": eip_time(row.created_at),
        "tenant_id": row.project_id,
        "enterprise_project_id": row.enterprise_project_id,
        "alias": row.alias,
        "profile": {},
        "tags": [],
    }


def bandwidths(tx: Session, rows: list[Bandwidth]) -> list[dict[str, Any]]:
    members = eips.publicips_of(tx, [b.id for b in rows])
    return [
        {
            "id": b.id,
            "name": b.name,
            "size": b.size,
            "share_type": b.share_type,
            "charge_mode": b.charge_mode,
            "bandwidth_type": "bgp",
            "status": "NORMAL",
            "billing_info": "",
            "enterprise_project_id": b.enterprise_project_id,
            "tenant_id": b.project_id,
            "created_at": iso(b.created_at),
            "updated_at": iso(b.updated_at),
            "publicip_info": [
                {
                    "publicip_id": p.id,
                    "publicip_address": p.public_ip_address,
                    "publicip_type": p.type,
                    "ip_version": p.ip_version,
                }
                for p in members[b.id]
            ],
        }
        for b in rows
    ]
