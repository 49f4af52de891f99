"""Request bodies, named after the real APIs' objects.

Neutron refuses attributes it does not know (400); the native VPC/EIP API ignores them.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class NeutronModel(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    tenant_id: str | None = None
    project_id: str | None = None


class NativeModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


# Neutron ---------------------------------------------------------------------------------------


class NetworkFields(NeutronModel):
    name: str | None = None
    description: str | None = None
    admin_state_up: bool | None = None
    shared: bool | None = None
    router_external: bool | None = Field(default=None, alias="router:external")
    network_type: str | None = Field(default=None, alias="provider:network_type")
    port_security_enabled: bool | None = None
    mtu: int | None = None
    availability_zone_hints: list[str] | None = None


class NetworkBody(BaseModel):
    network: NetworkFields


class NetworksBody(BaseModel):
    networks: list[NetworkFields] = Field(min_length=1)


class AllocationPool(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: str
    end: str


class HostRoute(BaseModel):
    model_config = ConfigDict(extra="forbid")
    destination: str
    nexthop: str


class SubnetCreate(NeutronModel):
    network_id: str
    cidr: str
    ip_version: int = 4
    name: str = ""
    description: str = ""
    gateway_ip: str | None = "automatic"
    allocation_pools: list[AllocationPool] | None = None
    dns_nameservers: list[str] = []
    host_routes: list[HostRoute] = []
    enable_dhcp: bool = True
    ipv6_ra_mode: None = None
    ipv6_address_mode: None = None
    subnetpool_id: None = None
    service_types: list[str] | None = None


class SubnetCreateBody(BaseModel):
    subnet: SubnetCreate


class SubnetsCreateBody(BaseModel):
    subnets: list[SubnetCreate] = Field(min_length=1)


class SubnetUpdate(NeutronModel):
    name: str | None = None
    description: str | None = None
    gateway_ip: str | None = None
    allocation_pools: list[AllocationPool] | None = None
    dns_nameservers: list[str] | None = None
    host_routes: list[HostRoute] | None = None
    enable_dhcp: bool | None = None


class SubnetUpdateBody(BaseModel):
    subnet: SubnetUpdate


class ExternalGateway(NeutronModel):
    network_id: str
    enable_snat: bool | None = None
    external_fixed_ips: list[dict[str, Any]] | None = None


class Route(BaseModel):
    model_config = ConfigDict(extra="forbid")
    destination: str
    nexthop: str


class RouterFields(NeutronModel):
    name: str | None = None
    description: str | None = None
    admin_state_up: bool | None = None
    external_gateway_info: ExternalGateway | None = None
    routes: list[Route] | None = None
    distributed: bool | None = None
    ha: bool | None = None
    availability_zone_hints: list[str] | None = None

    @field_validator("external_gateway_info", mode="before")
    @classmethod
    def _empty_gateway_is_none(cls, value: Any) -> Any:
        # Neutron's `dict_or_nodata`: an empty gateway is no gateway (it clears one on update).
        return value or None


class RouterBody(BaseModel):
    router: RouterFields


class RouterInterface(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subnet_id: str | None = None
    port_id: str | None = None


class FixedIp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subnet_id: str | None = None
    ip_address: str | None = None


class AddressPair(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ip_address: str
    mac_address: str | None = None


class PortFields(NeutronModel):
    network_id: str | None = None
    name: str | None = None
    description: str | None = None
    admin_state_up: bool | None = None
    fixed_ips: list[FixedIp] | None = None
    security_groups: list[str] | None = None
    device_id: str | None = None
    device_owner: str | None = None
    mac_address: str | None = None
    allowed_address_pairs: list[AddressPair] | None = None
    port_security_enabled: bool | None = None
    extra_dhcp_opts: list[dict[str, Any]] | None = None
    dns_name: str | None = None
    binding_vnic_type: Literal["normal"] | None = Field(default=None, alias="binding:vnic_type")
    binding_host_id: str | None = Field(default=None, alias="binding:host_id")
    binding_profile: dict[str, Any] | None = Field(default=None, alias="binding:profile")


class PortBody(BaseModel):
    port: PortFields


class PortsBody(BaseModel):
    ports: list[PortFields] = Field(min_length=1)


class SecurityGroupFields(NeutronModel):
    name: str | None = None
    description: str | None = None
    stateful: Literal[True] | None = None


class SecurityGroupBody(BaseModel):
    security_group: SecurityGroupFields


class SecurityGroupRuleFields(BaseModel):
    model_config = ConfigDict(extra="forbid")
    security_group_id: str
    direction: Literal["ingress", "egress"]
    ethertype: str = "IPv4"
    protocol: str | int | None = None
    port_range_min: int | None = None
    port_range_max: int | None = None
    remote_ip_prefix: str | None = None
    remote_group_id: str | None = None
    description: str = ""
    tenant_id: str | None = None
    project_id: str | None = None


class SecurityGroupRuleBody(BaseModel):
    security_group_rule: SecurityGroupRuleFields


class SecurityGroupRulesBody(BaseModel):
    security_group_rules: list[SecurityGroupRuleFields] = Field(min_length=1)


class FloatingIpFields(NeutronModel):
    floating_network_id: str | None = None
    floating_ip_address: str | None = None
    port_id: str | None = None
    fixed_ip_address: str | None = None
    description: str | None = None
    subnet_id: str | None = None


class FloatingIpBody(BaseModel):
    floatingip: FloatingIpFields


# Native VPC ------------------------------------------------------------------------------------


class NativeRoute(NativeModel):
    destination: str
    nexthop: str


class VpcFields(NativeModel):
    name: str | None = None
    description: str | None = None
    cidr: str | None = None
    enterprise_project_id: str = "0"
    routes: list[NativeRoute] | None = None


class VpcBody(NativeModel):
    vpc: VpcFields


class DhcpOption(NativeModel):
    opt_name: str
    opt_value: str | None = None


class NativeSubnetCreate(NativeModel):
    name: str
    cidr: str
    gateway_ip: str
    vpc_id: str
    description: str = ""
    dhcp_enable: bool = True
    primary_dns: str | None = None
    secondary_dns: str | None = None
    dns_list: list[str] | None = Field(default=None, alias="dnsList")
    availability_zone: str = ""
    ipv6_enable: Literal[False] = False
    extra_dhcp_opts: list[DhcpOption] = []


class NativeSubnetCreateBody(NativeModel):
    subnet: NativeSubnetCreate


class NativeSubnetUpdate(NativeModel):
    name: str
    description: str | None = None
    dhcp_enable: bool | None = None
    primary_dns: str | None = None
    secondary_dns: str | None = None
    dns_list: list[str] | None = Field(default=None, alias="dnsList")
    extra_dhcp_opts: list[DhcpOption] | None = None


class NativeSubnetUpdateBody(NativeModel):
    subnet: NativeSubnetUpdate


class NativeSecurityGroup(NativeModel):
    name: str
    description: str = ""
    vpc_id: str | None = None
    enterprise_project_id: str = "0"


class NativeSecurityGroupBody(NativeModel):
    security_group: NativeSecurityGroup


class NativeRule(NativeModel):
    security_group_id: str
    direction: Literal["ingress", "egress"]
    ethertype: str = "IPv4"
    protocol: str | int | None = None
    port_range_min: int | None = None
    port_range_max: int | None = None
    remote_ip_prefix: str | None = None
    remote_group_id: str | None = None
    description: str = ""


class NativeRuleBody(NativeModel):
    security_group_rule: NativeRule


class NativePortFields(NativeModel):
    network_id: str | None = None
    name: str | None = None
    admin_state_up: bool | None = None
    fixed_ips: list[FixedIp] | None = None
    security_groups: list[str] | None = None
    device_owner: str | None = None
    allowed_address_pairs: list[AddressPair] | None = None


class NativePortBody(NativeModel):
    port: NativePortFields


class PrivateipFields(NativeModel):
    subnet_id: str
    ip_address: str | None = None


class PrivateipBody(NativeModel):
    privateips: list[PrivateipFields]


# Native EIP ------------------------------------------------------------------------------------


class PublicipFields(NativeModel):
    type: str
    ip_address: str | None = None
    ip_version: Literal[4] = 4
    alias: str = ""
    port_id: str | None = None


class BandwidthFields(NativeModel):
    share_type: str
    name: str | None = None
    size: int | None = None
    charge_mode: str = "bandwidth"
    id: str | None = None


class PublicipCreateBody(NativeModel):
    publicip: PublicipFields
    bandwidth: BandwidthFields
    enterprise_project_id: str = "0"


class PublicipUpdate(NativeModel):
    port_id: str | None = None
    ip_version: Literal[4] | None = None
    alias: str | None = None


class PublicipUpdateBody(NativeModel):
    publicip: PublicipUpdate


class BandwidthUpdate(NativeModel):
    name: str | None = None
    size: int | None = None
    charge_mode: str | None = None


class BandwidthUpdateBody(NativeModel):
    bandwidth: BandwidthUpdate


class SharedBandwidth(NativeModel):
    name: str
    size: int
    charge_mode: str = "bandwidth"


class SharedBandwidthBody(NativeModel):
    bandwidth: SharedBandwidth


class PublicipRef(NativeModel):
    publicip_id: str
    publicip_type: str | None = None


class BandwidthMembers(NativeModel):
    publicip_info: list[PublicipRef]
    size: int | None = None
    charge_mode: str = "bandwidth"


class BandwidthMembersBody(NativeModel):
    bandwidth: BandwidthMembers


# Tags ------------------------------------------------------------------------------------------


class TagItem(NativeModel):
    key: str
    value: str | None = ""


class TagBody(NativeModel):
    tag: TagItem


class TagAction(NativeModel):
    action: Literal["create", "delete"]
    tags: list[TagItem]


class NeutronTags(BaseModel):
    """`PUT /v2.0/{collection}/{id}/tags`: the resource's whole set of tags."""

    model_config = ConfigDict(extra="forbid")
    tags: list[str]


class V3SecurityGroupUpdate(NativeModel):
    """VPC v3 `UpdateSecurityGroupOption`: 1-64 letters, digits, `_-.`; no angle brackets."""

    name: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[\w.\-]+$")
    description: str | None = Field(default=None, max_length=255, pattern=r"^[^<>]*$")


class V3SecurityGroupUpdateBody(NativeModel):
    dry_run: bool = False
    security_group: V3SecurityGroupUpdate
