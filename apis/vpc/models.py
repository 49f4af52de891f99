"""Tables of the network: one set of rows behind both the Neutron and the native VPC/EIP APIs.

A VPC is a Neutron router (`Router`); a native VPC subnet is a Neutron network plus its subnet,
attached to the router (`Subnet.router_id`); security groups, ports and EIPs (floating IPs) are
the same rows in both dialects.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from state.models import Base


class Router(Base):
    """A VPC (native) or router (Neutron). `cidr` is empty for routers made through Neutron."""

    __tablename__ = "vpc_routers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(String(255), default="")
    cidr: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16))
    admin_state_up: Mapped[bool] = mapped_column(default=True)
    external_network_id: Mapped[str | None] = mapped_column(String(64))
    enable_snat: Mapped[bool] = mapped_column(default=False)
    routes: Mapped[list[Any]] = mapped_column(default=list)
    enterprise_project_id: Mapped[str] = mapped_column(String(64), default="0")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Network(Base):
    __tablename__ = "vpc_networks"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(String(255), default="")
    admin_state_up: Mapped[bool] = mapped_column(default=True)
    shared: Mapped[bool] = mapped_column(default=False)
    mtu: Mapped[int] = mapped_column(default=1500)
    port_security_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Subnet(Base):
    """A Neutron subnet; with `router_id` set it is also a native VPC subnet (status, DNS, AZ)."""

    __tablename__ = "vpc_subnets"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    network_id: Mapped[str] = mapped_column(ForeignKey("vpc_networks.id"), index=True)
    router_id: Mapped[str | None] = mapped_column(ForeignKey("vpc_routers.id"), index=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(String(255), default="")
    cidr: Mapped[str] = mapped_column(String(64))
    ip_version: Mapped[int] = mapped_column(default=4)
    gateway_ip: Mapped[str | None] = mapped_column(String(64))
    allocation_pools: Mapped[list[Any]] = mapped_column(default=list)
    dns_nameservers: Mapped[list[Any]] = mapped_column(default=list)
    host_routes: Mapped[list[Any]] = mapped_column(default=list)
    enable_dhcp: Mapped[bool] = mapped_column(default=True)
    extra_dhcp_opts: Mapped[list[Any]] = mapped_column(default=list)
    availability_zone: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="ACTIVE")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SecurityGroup(Base):
    __tablename__ = "vpc_security_groups"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(String(255), default="")
    # The VPC whose `default` group this is (or the VPC named at native creation).
    vpc_id: Mapped[str | None] = mapped_column(String(64), index=True)
    enterprise_project_id: Mapped[str] = mapped_column(String(64), default="0")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SecurityGroupRule(Base):
    __tablename__ = "vpc_security_group_rules"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    security_group_id: Mapped[str] = mapped_column(
        ForeignKey("vpc_security_groups.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(8))
    ethertype: Mapped[str] = mapped_column(String(8))
    protocol: Mapped[str | None] = mapped_column(String(16))
    port_range_min: Mapped[int | None]
    port_range_max: Mapped[int | None]
    remote_ip_prefix: Mapped[str | None] = mapped_column(String(64))
    remote_group_id: Mapped[str | None] = mapped_column(String(64), index=True)
    description: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime]


class Port(Base):
    __tablename__ = "vpc_ports"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    network_id: Mapped[str] = mapped_column(ForeignKey("vpc_networks.id"), index=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(String(255), default="")
    admin_state_up: Mapped[bool] = mapped_column(default=True)
    mac_address: Mapped[str] = mapped_column(String(17), unique=True)
    device_id: Mapped[str] = mapped_column(String(64), default="")
    device_owner: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="DOWN")
    port_security_enabled: Mapped[bool] = mapped_column(default=True)
    allowed_address_pairs: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PortSecurityGroup(Base):
    __tablename__ = "vpc_port_security_groups"
    port_id: Mapped[str] = mapped_column(
        ForeignKey("vpc_ports.id", ondelete="CASCADE"), primary_key=True
    )
    security_group_id: Mapped[str] = mapped_column(
        ForeignKey("vpc_security_groups.id"), primary_key=True, index=True
    )
    project_id: Mapped[str] = mapped_column(String(64), index=True)


class IpAllocation(Base):
    """A fixed IP of a port; the primary key makes an address impossible to hand out twice."""

    __tablename__ = "vpc_ip_allocations"
    subnet_id: Mapped[str] = mapped_column(
        ForeignKey("vpc_subnets.id", ondelete="CASCADE"), primary_key=True
    )
    ip_address: Mapped[str] = mapped_column(String(64), primary_key=True)
    port_id: Mapped[str] = mapped_column(ForeignKey("vpc_ports.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)


class Bandwidth(Base):
    """The bandwidth of one EIP (share type PER) or shared by several (WHOLE)."""

    __tablename__ = "vpc_bandwidths"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    share_type: Mapped[str] = mapped_column(String(8))
    charge_mode: Mapped[str] = mapped_column(String(16), default="bandwidth")
    enterprise_project_id: Mapped[str] = mapped_column(String(64), default="0")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PublicIp(Base):
    """An EIP (native) or floating IP (Neutron): the same row, the same id."""

    __tablename__ = "vpc_publicips"
    __table_args__ = (UniqueConstraint("region", "public_ip_address"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    region: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(16), default="5_bgp")
    ip_version: Mapped[int] = mapped_column(default=4)
    public_ip_address: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    port_id: Mapped[str | None] = mapped_column(ForeignKey("vpc_ports.id"), index=True)
    fixed_ip_address: Mapped[str | None] = mapped_column(String(64))  # the port's bound address
    bandwidth_id: Mapped[str] = mapped_column(ForeignKey("vpc_bandwidths.id"), index=True)
    alias: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(String(255), default="")
    enterprise_project_id: Mapped[str] = mapped_column(String(64), default="0")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
