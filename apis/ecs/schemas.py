"""Request bodies of Nova and the native ECS API, as the real APIs name them."""

from ipaddress import IPv4Address, IPv6Address
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Nova's JSON schemas refuse properties they do not know."""

    model_config = ConfigDict(extra="forbid")


class NovaKeypairCreate(Strict):
    name: str
    public_key: str | None = None
    type: str | None = None  # microversion 2.2
    user_id: str | None = None  # microversion 2.10, administrators only


class NovaKeypairCreateRequest(BaseModel):
    keypair: NovaKeypairCreate


class ServerGroupCreate(Strict):
    name: str
    policies: list[str] = Field(min_length=1, max_length=1)


class ServerGroupCreateRequest(BaseModel):
    server_group: ServerGroupCreate


class Loose(BaseModel):
    """Server bodies carry many optional extras (OS-DCF:diskConfig, config_drive ...)."""

    model_config = ConfigDict(extra="allow")


# Nova ---------------------------------------------------------------------------------------


class NovaNetwork(Loose):
    uuid: str | None = None
    port: str | None = None
    fixed_ip: str | None = None


class NovaBlockDevice(Loose):
    boot_index: int | None = None
    uuid: str | None = None
    source_type: str = "blank"
    destination_type: str = "volume"
    volume_size: int | None = None
    volume_type: str | None = None
    delete_on_termination: bool = False


class NameRef(Loose):
    name: str


class NovaServerCreate(Loose):
    name: str
    flavorRef: str  # noqa: N815 - Nova's field names
    imageRef: str | None = None  # noqa: N815
    networks: list[NovaNetwork] | str | None = None
    security_groups: list[NameRef] | None = None
    key_name: str | None = None
    availability_zone: str | None = None
    user_data: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    block_device_mapping_v2: list[NovaBlockDevice] = Field(default_factory=list)
    min_count: int = Field(default=1, ge=1)
    max_count: int | None = Field(default=None, ge=1)
    description: str | None = None
    adminPass: str | None = None  # noqa: N815
    return_reservation_id: bool = False
    accessIPv4: IPv4Address | None = None  # noqa: N815
    accessIPv6: IPv6Address | None = None  # noqa: N815


class SchedulerHints(Loose):
    group: str | None = None


class NovaServerCreateRequest(Loose):
    server: NovaServerCreate
    scheduler_hints: SchedulerHints | None = Field(default=None, alias="os:scheduler_hints")


class NovaServerUpdate(Loose):
    name: str | None = None
    description: str | None = None
    accessIPv4: IPv4Address | None = None  # noqa: N815
    accessIPv6: IPv6Address | None = None  # noqa: N815


class NovaServerUpdateRequest(BaseModel):
    server: NovaServerUpdate


class VolumeAttachmentCreate(Loose):
    volumeId: str  # noqa: N815
    device: str | None = None


class VolumeAttachmentRequest(BaseModel):
    volumeAttachment: VolumeAttachmentCreate  # noqa: N815


class InterfaceAttachmentCreate(Loose):
    net_id: str | None = None
    port_id: str | None = None
    fixed_ips: list[dict[str, str]] = Field(default_factory=list)


class InterfaceAttachmentRequest(BaseModel):
    interfaceAttachment: InterfaceAttachmentCreate  # noqa: N815


# Native ECS ---------------------------------------------------------------------------------


class NativeNic(Loose):
    subnet_id: str
    ip_address: str | None = None


class NativeVolume(Loose):
    volumetype: str
    size: int | None = None
    multiattach: bool = False
    delete_on_termination: bool = False


class NativeBandwidth(Loose):
    size: int | None = None
    sharetype: str = "PER"
    chargemode: str = "bandwidth"
    name: str | None = None
    id: str | None = None


class NativeEip(Loose):
    iptype: str
    bandwidth: NativeBandwidth


class NativePublicIp(Loose):
    id: str | None = None
    eip: NativeEip | None = None
    delete_on_termination: bool = False


class IdRef(Loose):
    id: str


class KeyValue(Loose):
    key: str
    value: str = ""


class NativeServer(Loose):
    name: str = Field(min_length=1, max_length=64)
    imageRef: str  # noqa: N815
    flavorRef: str  # noqa: N815
    vpcid: str
    nics: list[NativeNic] = Field(min_length=1, max_length=12)
    root_volume: NativeVolume
    data_volumes: list[NativeVolume] = Field(default_factory=list, max_length=23)
    security_groups: list[IdRef] | None = None
    availability_zone: str | None = None
    key_name: str | None = None
    user_data: str | None = None
    count: int = Field(default=1, ge=1, le=500)
    isAutoRename: bool = True  # noqa: N815
    publicip: NativePublicIp | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    server_tags: list[KeyValue] = Field(default_factory=list)
    description: str = Field(default="", max_length=85)
    scheduler_hints: SchedulerHints | None = Field(default=None, alias="os:scheduler_hints")


class NativeServerCreateRequest(Loose):
    server: NativeServer


class ServerRef(Loose):
    id: str


class NativeDeleteRequest(Loose):
    servers: list[ServerRef] = Field(min_length=1, max_length=1000)
    delete_publicip: bool = False
    delete_volume: bool = False


class NativeServerUpdate(Loose):
    name: str | None = Field(default=None, min_length=1, max_length=64)
    description: str | None = Field(default=None, max_length=85)
    hostname: str | None = None


class NativeServerUpdateRequest(BaseModel):
    server: NativeServerUpdate


class NativeResize(Loose):
    flavorRef: str  # noqa: N815
    mode: str | None = None


class NativeResizeRequest(Loose):
    resize: NativeResize


class MemberRef(Loose):
    instance_uuid: str


class ServerGroupMemberAction(Loose):
    add_member: MemberRef | None = None
    remove_member: MemberRef | None = None


class NativeNicsRequest(Loose):
    nics: list[NativeNic] = Field(min_length=1)


class NativeNicRefsRequest(Loose):
    nics: list[IdRef] = Field(min_length=1)


class NativeTagsRequest(Loose):
    action: str
    tags: list[KeyValue] = Field(min_length=1)


class TagFilter(Loose):
    key: str = Field(min_length=1, max_length=127)
    values: list[str] = Field(default=[], max_length=10)


class NameMatch(Loose):
    key: Literal["resource_name"]
    value: str = Field(min_length=1, max_length=255)


class ResourceInstancesRequest(Loose):
    """`resource_instances/action`: servers having every key of `tags` (each with one of its
    values, any when none is listed) and none of `not_tags`."""

    action: Literal["filter", "count"]
    tags: list[TagFilter] = Field(default=[], max_length=10)
    not_tags: list[TagFilter] = Field(default=[], max_length=10)
    matches: list[NameMatch] = Field(default=[], max_length=1)
    limit: int = Field(default=1000, ge=0, le=1000)
    offset: int = Field(default=0, ge=0)


class MetadataRequest(BaseModel):
    metadata: dict[str, str]


class MetaItemRequest(BaseModel):
    meta: dict[str, str] = Field(min_length=1, max_length=1)
