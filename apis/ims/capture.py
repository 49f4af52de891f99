"""Private images made by the native CreateImage call: from an ECS server's system disk or from
an image file in OBS; and by Cinder's os-volume_upload_image, from an EVS volume. The image is
`saving` (under a job, for CreateImage) until the transition of kind `ims.image`
(apis/ims/transitions.py) makes it `active` and finishes the job.

ECS, EVS and OBS rows are read through their modules, never written.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from apis.ims import images, operations
from apis.ims.models import PrivateImage
from apis.ims.transitions import KIND
from emulator import ids, jobs, lifecycle
from emulator.context import RequestContext
from emulator.errors import ApiError, BadRequest, Forbidden
from state import blobs
from state.models import Job

if TYPE_CHECKING:
    from apis.evs.models import Volume

# Servers an image can be made from (IMS constraints: running or stopped).
CAPTURABLE = frozenset(("ACTIVE", "SHUTOFF"))
# min_disk of an image imported from a file (IMS API: 40 to 1024 GB).
IMPORT_MIN_DISK = (40, 1024)


@dataclass
class ImageSpec:
    name: str
    instance_id: str | None = None
    image_url: str | None = None
    min_disk: int | None = None
    min_ram: int = 0
    os_version: str | None = None
    description: str = ""
    tags: list[str] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Source:
    min_disk: int
    os_type: str
    platform: str
    os_version: str
    origin: str  # __data_origin: "instance,<id>" or "file,<url>"
    licensed: bool = False
    blob: blobs.Blob | None = None
    md5: str | None = None


@dataclass(frozen=True)
class Started:
    job: Job
    image_id: str


def create(ctx: RequestContext, spec: ImageSpec) -> Started:
    """CreateImage: the image row (saving) and its job, in one transaction."""
    _check_name(spec.name)
    if (spec.instance_id is None) == (spec.image_url is None):
        raise BadRequest("Exactly one of instance_id and image_url is required.")
    with ctx.transaction() as tx:
        source = (
            _from_server(tx, ctx, spec.instance_id)
            if spec.instance_id is not None
            else _from_file(tx, ctx, spec)
        )
        operations.consume_image_quota(tx, ctx.project.id)
        row = _row(ctx, spec, source)
        tx.add(row)
        if source.blob is not None:
            blobs.retain(tx, source.blob)
        job = jobs.create(tx, project_id=ctx.project.id, job_type="createImage", now=ctx.now())
        _activate_later(tx, ctx, row.id, {"job_id": job.id})
        return Started(job, row.id)


@dataclass(frozen=True)
class VolumeExport:
    """What os-volume_upload_image asks of the image; `os_type` is Linux or Windows."""

    name: str
    disk_format: str
    container_format: str
    os_type: str


def from_volume(
    tx: Session, ctx: RequestContext, volume: "Volume", export: VolumeExport
) -> PrivateImage:
    """The private image a volume's data is exported to, `saving` until `image_create` has
    passed. The OS is the one of the image the volume was made from, else `export.os_type`."""
    _check_name(export.name)
    metadata = volume.image_metadata or {}
    os_type = metadata.get("__os_type", export.os_type)
    source = _Source(
        min_disk=volume.size,
        os_type=os_type,
        platform=metadata.get("__platform", "Other"),
        os_version=metadata.get("__os_version", f"Other {os_type}(64 bit)"),
        origin=f"volume,{volume.id}",
    )
    operations.consume_image_quota(tx, ctx.project.id)
    row = _row(ctx, ImageSpec(name=export.name), source)
    row.disk_format, row.container_format = export.disk_format, export.container_format
    tx.add(row)
    _activate_later(tx, ctx, row.id, {})
    return row


def _check_name(name: str) -> None:
    if not name or len(name) > 128:
        raise BadRequest("name is mandatory, 1 to 128 characters.")


def _activate_later(
    tx: Session, ctx: RequestContext, image_id: str, payload: dict[str, Any]
) -> None:
    lifecycle.schedule(
        tx,
        service="ims",
        kind=KIND,
        resource_id=image_id,
        target="active",
        now=ctx.now(),
        after=ctx.emulator.settings.delay("image_create"),
        payload=payload,
    )


def _row(ctx: RequestContext, spec: ImageSpec, source: _Source) -> PrivateImage:
    now = ctx.now()
    row = PrivateImage(
        id=ids.uuid_id(),
        project_id=ctx.project.id,
        region=ctx.region,
        name=spec.name,
        status="saving",
        visibility="private",
        protected=False,
        disk_format="zvhd2",
        container_format="bare",
        min_disk=source.min_disk,
        min_ram=spec.min_ram,
        os_type=source.os_type,
        platform=source.platform,
        os_version=source.os_version,
        licensed=source.licensed,
        blob=source.blob.digest if source.blob else None,
        size=source.blob.size if source.blob else 0,
        checksum=source.md5 if source.blob else images.EMPTY_MD5,
        os_hash_value=None if source.blob else images.EMPTY_SHA512,
        tags=[],
        properties={"__description": spec.description, "__data_origin": source.origin},
        created_at=now,
        updated_at=now,
    )
    row.tags = operations.tags_of(spec.tags)
    for key, value in spec.properties.items():
        operations.set_property(row, key, value)
    return row


def _from_server(tx: Session, ctx: RequestContext, server_id: str) -> _Source:
    """A system disk image: the size of the server's system disk, the OS of its image."""
    from apis.ecs import disks, servers
    from apis.evs.operations import get_volume

    try:
        server = servers.get(tx, ctx, server_id)
    except ApiError:
        raise BadRequest(f"The server {server_id} does not exist.") from None
    if server.status not in CAPTURABLE:
        raise BadRequest(
            f"The server {server_id} must be running or stopped, not {server.status}.",
            statuses={"nova": 409},
        )
    system = [disk for disk in disks.of(tx, [server.id])[server.id] if disk.boot_index == 0]
    if not system:
        raise BadRequest(f"The server {server_id} has no system disk.")
    volume = get_volume(tx, ctx, system[0].volume_id)
    source = images.find(ctx, server.image_id) if server.image_id else None
    metadata = volume.image_metadata or {}
    return _Source(
        min_disk=volume.size,
        os_type=source.os_type if source else metadata.get("__os_type", "Linux"),
        platform=source.platform if source else metadata.get("__platform", "Other"),
        os_version=source.os_version if source else metadata.get("__os_version", "Other"),
        origin=f"instance,{server.id}",
        licensed=source.licensed if source else False,
    )


def _from_file(tx: Session, ctx: RequestContext, spec: ImageSpec) -> _Source:
    """An image imported from an OBS object ("bucket:key") the caller may read; the image
    shares the object's blob."""
    low, high = IMPORT_MIN_DISK
    if spec.min_disk is None or not low <= spec.min_disk <= high:
        raise BadRequest(f"min_disk is mandatory with image_url, {low} to {high} GB.")
    bucket, _, key = (spec.image_url or "").partition(":")
    if not bucket or not key:
        raise BadRequest("image_url is bucket:key, the OBS object of the image file.")
    found = _readable_object(tx, ctx, bucket, key)
    blob = blobs.Blob(found.blob, found.size, "")
    md5 = found.etag.strip('"') if found.parts == 0 else None
    os_version = spec.os_version or "Other Linux(64 bit)"
    return _Source(
        min_disk=spec.min_disk,
        os_type="Windows" if os_version.lower().startswith("windows") else "Linux",
        platform=os_version.split()[0] if spec.os_version else "Other",
        os_version=os_version,
        origin=f"file,{spec.image_url}",
        blob=blob,
        md5=md5,
    )


def _readable_object(tx: Session, ctx: RequestContext, bucket: str, key: str) -> Any:
    from apis.obs import access, objects
    from apis.obs.auth import Caller
    from apis.obs.errors import S3Error
    from apis.obs.models import Bucket

    caller = Caller(
        access="",
        user_id=ctx.principal.user_id,
        domain_id=ctx.principal.domain_id,
        scheme="token",
        region=ctx.region,
    )
    decision = access.decide(tx.connection(), caller, bucket, key, "s3:GetObject", {})
    if decision.owner is None:
        raise BadRequest(f"The OBS bucket {bucket} does not exist.")
    if not decision.allowed:
        raise Forbidden(f"The OBS object {bucket}:{key} cannot be read by this account.")
    try:
        found = objects.find(tx, tx.scalars(select(Bucket).where(Bucket.name == bucket)).one(), key)
    except S3Error:
        raise BadRequest(f"The OBS object {bucket}:{key} does not exist.") from None
    if not objects.readable(found, ctx.now()):
        raise BadRequest(f"The OBS object {bucket}:{key} is archived (COLD) and not restored.")
    return found
