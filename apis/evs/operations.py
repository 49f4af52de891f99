"""Volumes: the behaviour behind Cinder v2/v3 and the native EVS API, once.

Every function takes the caller's write transaction and context; none knows which dialect
called it. Statuses move on the virtual clock through `emulator.lifecycle` (kind `evs.volume`):
creating -> available, extending and retyping -> back, deleting -> gone (applied in
`transitions`).
Compute creates a server's volumes with `create_volume` and attaches them through
`apis.evs.attachments`.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, insert, inspect, select
from sqlalchemy.orm import Session

from apis.evs import errors, volume_types
from apis.evs.models import Snapshot, Volume, VolumeAttachment
from apis.ims import images
from emulator import ids, jobs, lifecycle, metering, quotas, tags
from emulator.context import RequestContext
from emulator.errors import QuotaExceeded
from state.models import Job
from state.prepared import Prepared, connection_of

KIND = "evs.volume"
METER = "evs.volume_gb_hours"
TAG_TYPE = "evs.volume"
DATA_DISK_SIZES = (10, 32768)
SYSTEM_DISK_SIZES = (1, 1024)
MAX_BATCH = 100
DELETABLE = ("available", "error", "error_restoring", "error_extending", "error_managing")
NOT_DELETABLE = (
    "Volume status must be available or error or error_restoring or "
    "error_extending or error_managing and must not be migrating, attached, belong "
    "to a group, have snapshots or be disassociated from snapshots after volume "
    "transfer."
)


@dataclass
class VolumeSpec:
    size: int | None = None
    volume_type: str | None = None
    availability_zone: str | None = None
    name: str = ""
    description: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    image_id: str | None = None
    snapshot_id: str | None = None
    source_volid: str | None = None
    multiattach: bool = False
    tags: dict[str, str] = field(default_factory=dict)
    # The root disk of a server (1–1024 GB), even when not created from an image.
    system_disk: bool = False


@dataclass
class VolumeFilters:
    name: str | None = None
    status: str | None = None
    availability_zone: str | None = None
    multiattach: bool | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    ids: list[str] | None = None
    volume_type: str | None = None
    server_id: str | None = None


# Reading ----------------------------------------------------------------------------------


def get_volume(tx: Session, ctx: RequestContext, volume_id: str | None) -> Volume:
    volume = None if volume_id is None else tx.get(Volume, volume_id)
    if volume is None or volume.project_id != ctx.project.id:
        raise errors.volume_not_found(str(volume_id))
    return volume


def query_volumes(ctx: RequestContext, filters: VolumeFilters) -> Select[Volume]:
    query = select(Volume).where(Volume.project_id == ctx.project.id)
    if filters.name is not None:
        query = query.where(Volume.name == filters.name)
    if filters.status is not None:
        query = query.where(Volume.status == filters.status)
    if filters.availability_zone is not None:
        query = query.where(Volume.availability_zone == filters.availability_zone)
    if filters.multiattach is not None:
        query = query.where(Volume.multiattach == filters.multiattach)
    if filters.ids is not None:
        query = query.where(Volume.id.in_(filters.ids))
    if filters.volume_type is not None:
        vtype = volume_types.get(filters.volume_type)
        query = query.where(Volume.volume_type == (vtype.name if vtype else filters.volume_type))
    if filters.server_id is not None:
        attached = select(VolumeAttachment.volume_id).where(
            VolumeAttachment.server_id == filters.server_id
        )
        query = query.where(Volume.id.in_(attached))
    for key, value in filters.metadata.items():
        query = query.where(Volume.metadata_[key].as_string() == value)
    return query


def attachments_of(tx: Session, volume_ids: list[str]) -> dict[str, list[VolumeAttachment]]:
    found: dict[str, list[VolumeAttachment]] = {volume_id: [] for volume_id in volume_ids}
    rows = tx.scalars(
        select(VolumeAttachment)
        .where(VolumeAttachment.volume_id.in_(volume_ids))
        .order_by(VolumeAttachment.attached_at)
    )
    for row in rows:
        found[row.volume_id].append(row)
    return found


# Creating ---------------------------------------------------------------------------------


def zone_of(ctx: RequestContext, name: str | None) -> str:
    zones = ctx.emulator.topology.region(ctx.region).zones
    if name is None:
        return zones[0]
    if name not in zones:
        raise errors.bad_request(
            f"Availability zone '{name}' is invalid.", native=errors.INVALID_ZONE
        )
    return name


def usage_of(volume_type: str, size: int, kind: str = "volumes") -> dict[str, int]:
    """The quota amounts of one volume (or snapshot, kind="snapshots") of a type."""
    return {
        kind: 1,
        "gigabytes": size,
        f"{kind}_{volume_type}": 1,
        f"gigabytes_{volume_type}": size,
    }


def consume(tx: Session, project_id: str, amounts: dict[str, int]) -> None:
    try:
        quotas.consume(tx, project_id, amounts)
    except QuotaExceeded as error:
        raise errors.quota_exceeded(error) from None


def _check_per_volume_limit(tx: Session, project_id: str, size: int) -> None:
    """Cinder's per_volume_gigabytes: a ceiling on one volume, not a counter."""
    ceiling = quotas.limit(tx, project_id, "per_volume_gigabytes")
    if ceiling != quotas.UNLIMITED and size > ceiling:
        raise errors.volume_size_exceeds_limit(size, ceiling)


def _check_size(size: int, system_disk: bool) -> None:
    low, high = SYSTEM_DISK_SIZES if system_disk else DATA_DISK_SIZES
    if not low <= size <= high:
        disk = "system" if system_disk else "data"
        raise errors.invalid_input(
            f"Volume size {size}GB is out of range: a {disk} disk is {low} to {high} GB.",
            native=errors.INVALID_SIZE,
        )


@dataclass
class _Origin:
    """What a new volume inherits from its image, snapshot or source volume: a snapshot or a
    volume gives its size (the least, and the default); an image its min_disk (the least)."""

    size: int | None = None
    zone: str | None = None
    volume_type: str | None = None
    bootable: bool = False
    image_metadata: dict[str, Any] | None = None
    size_is_default: bool = True


def _origin(tx: Session, ctx: RequestContext, spec: VolumeSpec) -> _Origin:
    if spec.snapshot_id is not None:
        snapshot = tx.get(Snapshot, spec.snapshot_id)
        if snapshot is None or snapshot.project_id != ctx.project.id:
            raise errors.snapshot_not_found(spec.snapshot_id)
        if snapshot.status != "available":
            raise errors.invalid_snapshot(
                "Originating snapshot status must be one of 'available' values"
            )
        parent = get_volume(tx, ctx, snapshot.volume_id)
        return _Origin(
            snapshot.size,
            parent.availability_zone,
            parent.volume_type,
            parent.bootable,
            parent.image_metadata,
        )
    if spec.source_volid is not None:
        source = get_volume(tx, ctx, spec.source_volid)
        if source.status not in ("available", "in-use"):
            raise errors.invalid_volume(
                f"Unable to clone volumes that are in {source.status} status"
            )
        return _Origin(
            source.size,
            source.availability_zone,
            source.volume_type,
            source.bootable,
            source.image_metadata,
        )
    if spec.image_id is not None:
        image = images.lookup(ctx, spec.image_id)
        if image is None:
            raise errors.bad_request(
                "Invalid image identifier or unable to access requested image.",
                native=errors.INVALID_BODY,
            )
        return _Origin(
            image.min_disk,
            size_is_default=False,
            bootable=True,
            image_metadata=image.volume_metadata(),
        )
    return _Origin()


def create_volume(
    tx: Session, ctx: RequestContext, spec: VolumeSpec, job_id: str | None = None
) -> Volume:
    """A new volume in `creating`, available after the `volume_create` delay; quota taken and
    the GB-hours meter started at once. `job_id` is finished when the volume is available."""
    values, tag_values = _new_volume(tx, ctx, spec)
    volume = Volume(**values)
    tx.add(volume)
    _started(tx, ctx, values, tag_values, job_id)
    return volume


# A volume's attributes and the columns they are stored in.
_FIELDS = [(attr.key, attr.columns[0].name) for attr in inspect(Volume).column_attrs]
_INSERT = Prepared(insert(Volume), [column for _, column in _FIELDS])


def create_volume_row(tx: Session, ctx: RequestContext, spec: VolumeSpec) -> str:
    """`create_volume` by a prepared INSERT, for a caller that needs its id only (a server's
    disks): no ORM object, nothing read back."""
    values, tag_values = _new_volume(tx, ctx, spec)
    _INSERT.run(connection_of(tx), {column: values[key] for key, column in _FIELDS})
    _started(tx, ctx, values, tag_values, None)
    return str(values["id"])


def _new_volume(
    tx: Session, ctx: RequestContext, spec: VolumeSpec
) -> tuple[dict[str, Any], dict[str, str]]:
    """The checked values of a new volume's row and its tags, its quota taken."""
    origin = _origin(tx, ctx, spec)
    if (
        spec.availability_zone is not None
        and origin.zone is not None
        and spec.availability_zone != origin.zone
    ):
        raise errors.invalid_input(
            f"Volume must be in the same availability zone as its source ({origin.zone}).",
            native=errors.INVALID_ZONE,
        )
    zone = zone_of(ctx, spec.availability_zone or origin.zone)
    vtype = volume_types.find(spec.volume_type or origin.volume_type or "SATA")
    size = spec.size if spec.size is not None or not origin.size_is_default else origin.size
    if size is None:
        raise errors.invalid_input("Size must be specified.", native=errors.INVALID_SIZE)
    _check_size(size, spec.system_disk or origin.bootable)
    _check_per_volume_limit(tx, ctx.project.id, size)
    if origin.size is not None and size < origin.size:
        what = "image minDisk" if spec.image_id else "source"
        raise errors.invalid_input(
            f"Volume size {size}GB cannot be smaller than the {what} size {origin.size}GB.",
            native=errors.INVALID_SIZE,
        )
    tag_values = tags.validate(list(_tag_items(spec.tags)), codes={"huawei": errors.INVALID_BODY})
    consume(tx, ctx.project.id, usage_of(vtype.name, size))
    values = {
        "id": ids.uuid_id(),
        "project_id": ctx.project.id,
        "user_id": ctx.principal.user_id,
        "region": ctx.region,
        "availability_zone": zone,
        "name": spec.name,
        "description": spec.description,
        "size": size,
        "volume_type": vtype.name,
        "status": "creating",
        "bootable": origin.bootable,
        "multiattach": spec.multiattach,
        "metadata_": dict(spec.metadata),
        "image_metadata": origin.image_metadata,
        "snapshot_id": spec.snapshot_id,
        "source_volid": spec.source_volid,
        "created_at": ctx.now(),
        "updated_at": None,
    }
    return values, tag_values


def _started(
    tx: Session,
    ctx: RequestContext,
    values: dict[str, Any],
    tag_values: dict[str, str],
    job_id: str | None,
) -> None:
    """What a new volume starts: its tags, its meter, its way to `available`."""
    volume_id = values["id"]
    if tag_values:
        tags.put(
            tx,
            project_id=ctx.project.id,
            resource_type=TAG_TYPE,
            resource_id=volume_id,
            tags=tag_values,
        )
    metering.start(
        tx,
        project_id=ctx.project.id,
        region=ctx.region,
        service="evs",
        resource_type="volume",
        resource_id=volume_id,
        meter=METER,
        quantity=values["size"],
        at=values["created_at"],
        unit_class=values["volume_type"],
    )
    schedule(tx, ctx, volume_id, "available", "volume_create", job_id=job_id)


def _tag_items(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in values.items()]


def create_volumes_in_job(
    tx: Session, ctx: RequestContext, spec: VolumeSpec, count: int
) -> tuple[Job, list[Volume]]:
    """The native batch create: one job (sub-jobs when count > 1), names suffixed -0001 ..."""
    if not 1 <= count <= MAX_BATCH:
        raise errors.bad_request(
            f"count must be between 1 and {MAX_BATCH}.", native=errors.INVALID_BODY
        )
    now = ctx.now()
    if count == 1:
        job = jobs.create(tx, project_id=ctx.project.id, job_type="createVolume", now=now)
        volume = create_volume(tx, ctx, spec, job_id=job.id)
        job.entities = job_entities(volume)
        return job, [volume]
    parent = jobs.create(tx, project_id=ctx.project.id, job_type="batchCreateVolume", now=now)
    volumes = []
    for index in range(1, count + 1):
        sub_job = jobs.create(
            tx, project_id=ctx.project.id, job_type="createVolume", now=now, parent_id=parent.id
        )
        named = VolumeSpec(**{**spec.__dict__, "name": f"{spec.name}-{index:04d}"})
        volume = create_volume(tx, ctx, named, job_id=sub_job.id)
        sub_job.entities = job_entities(volume)
        volumes.append(volume)
    return parent, volumes


def job_entities(volume: Volume) -> dict[str, Any]:
    return {
        "volume_id": volume.id,
        "volume_type": volume.volume_type,
        "size": volume.size,
        "name": volume.name,
    }


# Changing ---------------------------------------------------------------------------------


def update_volume(
    tx: Session,
    ctx: RequestContext,
    volume_id: str,
    *,
    name: str | None = None,
    description: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Volume:
    volume = get_volume(tx, ctx, volume_id)
    if name is not None:
        volume.name = name
    if description is not None:
        volume.description = description
    if metadata is not None:
        volume.metadata_ = dict(metadata)
    volume.updated_at = ctx.now()
    return volume


def set_bootable(tx: Session, ctx: RequestContext, volume_id: str, bootable: bool) -> Volume:
    volume = get_volume(tx, ctx, volume_id)
    volume.bootable = bootable
    volume.updated_at = ctx.now()
    return volume


def extend_volume(
    tx: Session, ctx: RequestContext, volume_id: str, new_size: int, job_id: str | None = None
) -> Volume:
    """Grow a volume (available or in-use): `extending`, then back with its new size."""
    volume = get_volume(tx, ctx, volume_id)
    if volume.status not in ("available", "in-use"):
        raise errors.invalid_volume(
            f"Volume {volume.id} status must be available or in-use to extend, but current "
            f"status is: {volume.status}."
        )
    if new_size <= volume.size:
        raise errors.invalid_input(
            f"New size for extend must be greater than current size. (current: {volume.size}, "
            f"extended: {new_size}).",
            native=errors.INVALID_SIZE,
        )
    _check_size(new_size, volume.bootable)
    _check_per_volume_limit(tx, ctx.project.id, new_size)
    growth = new_size - volume.size
    consume(tx, ctx.project.id, {"gigabytes": growth, f"gigabytes_{volume.volume_type}": growth})
    payload = {"size": new_size, "status": volume.status}
    volume.status = "extending"
    volume.updated_at = ctx.now()
    schedule(tx, ctx, volume.id, "extended", "volume_extend", job_id=job_id, payload=payload)
    return volume


def retype_volume(
    tx: Session, ctx: RequestContext, volume_id: str, new_type: str, job_id: str | None = None
) -> Volume:
    """Change a volume's type (available or in-use): `retyping`, then back with the new type.
    The new type's quota is taken now, the old one's released when the change completes."""
    volume = get_volume(tx, ctx, volume_id)
    vtype = volume_types.find(new_type)
    if volume.status not in ("available", "in-use"):
        raise errors.invalid_volume(
            f"Volume {volume.id} status must be available or in-use to retype, but current "
            f"status is: {volume.status}."
        )
    if vtype.name == volume.volume_type:
        raise errors.invalid_input(
            f"New volume_type same as original: {vtype.name}.", native=errors.INVALID_TYPE
        )
    consume(
        tx, ctx.project.id, {f"volumes_{vtype.name}": 1, f"gigabytes_{vtype.name}": volume.size}
    )
    payload = {"volume_type": vtype.name, "status": volume.status}
    volume.status = "retyping"
    volume.updated_at = ctx.now()
    schedule(tx, ctx, volume.id, "retyped", "volume_retype", job_id=job_id, payload=payload)
    return volume


def delete_volume(
    tx: Session,
    ctx: RequestContext,
    volume_id: str,
    *,
    cascade: bool = False,
    job_id: str | None = None,
) -> Volume:
    """`deleting`, then gone (quota released, meter stopped). Refused while attached, in a
    transitional status, or with snapshots unless `cascade`."""
    volume = get_volume(tx, ctx, volume_id)
    if volume.status not in DELETABLE or attachments_of(tx, [volume.id])[volume.id]:
        raise errors.invalid_volume(NOT_DELETABLE)
    return begin_deletion(tx, ctx, volume, cascade=cascade, job_id=job_id)


def begin_deletion(
    tx: Session,
    ctx: RequestContext,
    volume: Volume,
    *,
    cascade: bool = False,
    job_id: str | None = None,
) -> Volume:
    """`delete_volume` of a volume known to be deletable and attached nowhere."""
    snapshots = list(tx.scalars(select(Snapshot).where(Snapshot.volume_id == volume.id)))
    if snapshots and not cascade:
        raise errors.invalid_volume(NOT_DELETABLE)
    for snapshot in snapshots:
        if snapshot.status not in ("available", "error"):
            raise errors.invalid_snapshot(
                f"Snapshot {snapshot.id} status must be available or error, but current status "
                f"is: {snapshot.status}."
            )
        snapshot.status = "deleting"
    volume.status = "deleting"
    volume.updated_at = ctx.now()
    schedule(tx, ctx, volume.id, "deleted", "volume_delete", job_id=job_id)
    return volume


# Transitions -----------------------------------------------------------------------------


def schedule(
    tx: Session,
    ctx: RequestContext,
    volume_id: str,
    target: str,
    delay: str,
    *,
    job_id: str | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    lifecycle.schedule(
        tx,
        service="evs",
        kind=KIND,
        resource_id=volume_id,
        target=target,
        now=ctx.now(),
        after=ctx.emulator.settings.delay(delay),
        payload={**(payload or {}), "job_id": job_id},
    )
