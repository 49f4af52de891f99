"""Request bodies of Cinder and of the native EVS API, named after the real API's objects."""

from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, StringConstraints

from apis.evs.operations import VolumeSpec

Name = Field(default=None, max_length=255)
# Cinder's metadata: keys of 1 to 255 characters, values of at most 255 (its `extra_specs`
# parameter type, cinder/api/validation/parameter_types.py).
MetadataKey = Annotated[str, StringConstraints(min_length=1, max_length=255)]
MetadataValue = Annotated[str, StringConstraints(max_length=255)]
CinderMetadata = dict[MetadataKey, MetadataValue]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


# Cinder v2/v3 ------------------------------------------------------------------------------

# Cinder also takes a volume's or snapshot's name and description under their v1 names.
CinderName = Field(
    default=None, max_length=255, validation_alias=AliasChoices("name", "display_name")
)
CinderDescription = Field(
    default=None,
    max_length=255,
    validation_alias=AliasChoices("description", "display_description"),
)


class CinderVolume(_Body):
    size: int | None = None
    name: str | None = CinderName
    description: str | None = CinderDescription
    volume_type: str | None = None
    availability_zone: str | None = None
    image_ref: str | None = Field(default=None, alias="imageRef")
    snapshot_id: str | None = None
    source_volid: str | None = None
    metadata: dict[str, str] | None = None
    multiattach: bool | None = None

    def to_spec(self) -> VolumeSpec:
        return VolumeSpec(
            size=self.size,
            volume_type=self.volume_type,
            availability_zone=self.availability_zone,
            name=self.name or "",
            description=self.description or "",
            metadata=self.metadata or {},
            image_id=self.image_ref,
            snapshot_id=self.snapshot_id,
            source_volid=self.source_volid,
            multiattach=bool(self.multiattach),
        )


class CinderVolumeCreate(_Body):
    volume: CinderVolume


class VolumeChanges(_Body):
    name: str | None = CinderName
    description: str | None = CinderDescription
    metadata: dict[str, str] | None = None


class VolumeUpdate(_Body):
    volume: VolumeChanges


class NewSize(_Body):
    new_size: int


class ExtendAction(_Body):
    os_extend: NewSize = Field(alias="os-extend")


class NewType(_Body):
    new_type: str
    migration_policy: str | None = None


class RetypeAction(_Body):
    os_retype: NewType = Field(alias="os-retype")


class Bootable(_Body):
    bootable: bool


class SetBootableAction(_Body):
    os_set_bootable: Bootable = Field(alias="os-set_bootable")


class UploadImage(_Body):
    image_name: str | None = None
    force: bool = False
    disk_format: str = "vhd"
    container_format: str = "bare"
    os_type: str = Field(default="linux", alias="__os_type")


class UploadImageAction(_Body):
    os_volume_upload_image: UploadImage = Field(alias="os-volume_upload_image")


class Metadata(_Body):
    metadata: CinderMetadata


class MetadataItem(_Body):
    meta: CinderMetadata


class SnapshotOption(_Body):
    volume_id: str | None  # required, but null is a volume not found (Cinder's uuid_allow_null)
    name: str | None = CinderName
    description: str | None = CinderDescription
    force: bool | None = None
    metadata: dict[str, str] | None = None


class SnapshotCreate(_Body):
    snapshot: SnapshotOption


class SnapshotChanges(_Body):
    name: str | None = CinderName
    description: str | None = CinderDescription


class SnapshotUpdate(_Body):
    snapshot: SnapshotChanges


class TransferOption(_Body):
    volume_id: str
    name: str | None = Name


class TransferCreate(_Body):
    transfer: TransferOption


class AcceptOption(_Body):
    auth_key: str


class TransferAccept(_Body):
    accept: AcceptOption


# Native EVS ---------------------------------------------------------------------------------


class EvsVolume(_Body):
    availability_zone: str
    volume_type: str
    size: int | None = None
    name: str | None = Name
    description: str | None = Name
    count: int = 1
    image_ref: str | None = Field(default=None, alias="imageRef")
    snapshot_id: str | None = None
    backup_id: str | None = None
    multiattach: bool | None = None
    metadata: dict[str, str] | None = None
    tags: dict[str, str] | None = None

    def to_spec(self) -> VolumeSpec:
        return VolumeSpec(
            size=self.size,
            volume_type=self.volume_type,
            availability_zone=self.availability_zone,
            name=self.name or "",
            description=self.description or "",
            metadata=self.metadata or {},
            image_id=self.image_ref,
            snapshot_id=self.snapshot_id,
            multiattach=bool(self.multiattach),
            tags=self.tags or {},
        )


class EvsVolumeCreate(_Body):
    volume: EvsVolume
    server_id: str | None = None
    bss_param: dict[str, Any] | None = Field(default=None, alias="bssParam")
    scheduler_hints: dict[str, Any] | None = Field(default=None, alias="OS-SCH-HNT:scheduler_hints")


class RollbackOption(_Body):
    volume_id: str
    name: str | None = Name


class SnapshotRollback(_Body):
    rollback: RollbackOption


class ResourceTag(_Body):
    key: str
    value: str | None = None


class TagAction(_Body):
    action: Literal["create", "delete"]
    tags: list[ResourceTag]


class TagFilter(_Body):
    key: str
    values: list[str] = Field(max_length=10)


class Match(_Body):
    key: Literal["resource_name"]
    value: str


class ResourceInstancesQuery(_Body):
    """`cloudvolumes/resource_instances/action`: disks having every key, each with one of its
    values (any value when none is listed)."""

    action: Literal["filter"]
    tags: list[TagFilter] = Field(max_length=10)
    matches: list[Match] = []
    limit: int = Field(default=1000, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)
