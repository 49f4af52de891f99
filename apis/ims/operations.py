"""Private images: create, show, update, tag, (de)activate and delete them (their data is
apis/ims/image_data.py). Glance and the native IMS API call these same functions on the same
rows."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from apis.ims import images
from apis.ims.models import PrivateImage
from emulator import ids, quotas
from emulator.context import RequestContext
from emulator.errors import BadRequest, Conflict, Forbidden, NotFound, QuotaExceeded
from state import blobs

DISK_FORMATS = frozenset(
    ("ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop")
    + ("zvhd", "zvhd2")
)
CONTAINER_FORMATS = frozenset(("ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"))
VISIBILITIES = frozenset(("private", "shared", "public", "community"))
# Attributes Glance computes: a request that sets them is refused (403), as are reserved ones.
READ_ONLY = frozenset(
    (
        "status",
        "checksum",
        "os_hash_algo",
        "os_hash_value",
        "size",
        "virtual_size",
        "created_at",
        "updated_at",
        "file",
        "self",
        "schema",
        "direct_url",
        "owner",
    )
)
RESERVED = frozenset(("deleted", "deleted_at", "location", "locations", "stores"))
# Glance keeps property names in this namespace for itself (os_glance_import_task ...).
RESERVED_NAMESPACE = "os_glance"
# Attributes of the image itself, as opposed to custom properties.
CORE = frozenset(
    ("id", "name", "visibility", "protected", "disk_format", "container_format", "tags")
    + ("min_disk", "min_ram", "os_hidden")
)
OS_FIELDS = {"__os_type": "os_type", "__platform": "platform", "__os_version": "os_version"}
MAX_TAGS = 128


def _not_found(image_id: str) -> NotFound:
    return NotFound(f"No image found with ID {image_id}")


def owned(tx: Session, ctx: RequestContext, image_id: str) -> PrivateImage:
    """The caller's own image: 404 if it cannot see it, 403 if it is not the owner (a public
    image, or one shared with it)."""
    row = images.find_private(tx, ctx, image_id)
    if row is None:
        if images.find(ctx, image_id) is not None:
            raise Forbidden("You are not permitted to modify this image.")
        raise _not_found(image_id)
    if row.project_id != ctx.project.id:
        raise Forbidden("You are not permitted to modify this image.")
    return row


def _check_settable(key: str) -> None:
    if key in RESERVED or key.startswith(RESERVED_NAMESPACE):
        raise Forbidden(f"Attribute '{key}' is reserved.")
    if key in READ_ONLY:
        raise Forbidden(f"Attribute '{key}' is read-only.")


def _set(row: PrivateImage, key: str, value: Any) -> None:
    """Set one attribute or custom property, validated as Glance's image schema does."""
    _check_settable(key)
    if key == "name":
        if value is not None and (not isinstance(value, str) or len(value) > 255):
            raise BadRequest("Invalid value for name: a string of at most 255 characters.")
        row.name = value or ""
    elif key == "visibility":
        if value not in VISIBILITIES:
            raise BadRequest(f"Invalid visibility value: {value}")
        if value in ("public", "community"):
            raise Forbidden(
                f"You are not authorized to complete publicize_image action to {value}."
            )
        row.visibility = value
    elif key == "protected":
        if not isinstance(value, bool):
            raise BadRequest(f"Invalid value for protected: {value!r} is not of type 'boolean'.")
        row.protected = value
    elif key in ("disk_format", "container_format"):
        _set_format(row, key, value)
    elif key in ("min_disk", "min_ram"):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise BadRequest(f"Invalid value for {key}: {value!r} is not a non-negative integer.")
        setattr(row, key, value)
    elif key == "tags":
        row.tags = tags_of(value)
    elif key == "id":
        raise Forbidden("Attribute 'id' is read-only.")
    elif key == "os_hidden":
        if not isinstance(value, bool):
            raise BadRequest(f"Invalid value for os_hidden: {value!r} is not of type 'boolean'.")
        row.properties = {**row.properties, key: value}
    else:
        set_property(row, key, value)


def _set_format(row: PrivateImage, key: str, value: Any) -> None:
    allowed = DISK_FORMATS if key == "disk_format" else CONTAINER_FORMATS
    if value is not None and value not in allowed:
        raise BadRequest(f"Invalid value '{value}' for {key}: one of {', '.join(sorted(allowed))}.")
    if row.status not in ("queued", "new"):
        raise Forbidden(f"Attribute {key} can be only replaced for a queued image.")
    setattr(row, key, value)


def set_property(row: PrivateImage, key: str, value: Any) -> None:
    if not key or len(key) > 255:
        raise BadRequest("Property names are 1 to 255 characters.")
    if not isinstance(value, str) or len(value) > 65535:
        raise BadRequest(f"Invalid value for property {key}: {value!r} is not of type 'string'.")
    if key in OS_FIELDS:
        setattr(row, OS_FIELDS[key], value)
    else:
        row.properties = {**row.properties, key: value}


def tags_of(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise BadRequest("Invalid value for tags: a list of strings.")
    if any(not 1 <= len(tag) <= 255 for tag in value):
        raise BadRequest("Image tags are 1 to 255 characters.")
    unique = list(dict.fromkeys(value))
    if len(unique) > MAX_TAGS:
        raise Conflict(f"Maximum number of tags exceeded ({MAX_TAGS}).")
    return unique


def create(ctx: RequestContext, spec: dict[str, Any]) -> images.Image:
    """POST /v2/images: a queued private image of the caller's project, without data."""
    image_id = spec.get("id") or ids.uuid_id()
    if not isinstance(image_id, str):
        raise BadRequest("Invalid value for id: a string UUID.")
    now = ctx.now()
    row = PrivateImage(
        id=image_id,
        project_id=ctx.project.id,
        region=ctx.region,
        name="",
        status="queued",
        visibility="private",
        protected=False,
        disk_format=None,
        container_format=None,
        min_disk=0,
        min_ram=0,
        os_type="Linux",
        platform="Other",
        os_version="Other Linux(64 bit)",
        licensed=False,
        tags=[],
        properties={},
        created_at=now,
        updated_at=now,
    )
    for key, value in spec.items():
        if key != "id":
            _set(row, key, value)
    with ctx.transaction() as tx:
        if tx.get(PrivateImage, image_id) is not None or images.find(ctx, image_id):
            raise Conflict(f"An image with identifier {image_id} already exists")
        consume_image_quota(tx, ctx.project.id)
        tx.add(row)
    return images.from_row(row, ctx.project.id)


def consume_image_quota(tx: Session, project_id: str) -> None:
    """One private image more (50 per region by default, IMS constraints); Glance answers 413."""
    try:
        quotas.consume(tx, project_id, {"images": 1})
    except QuotaExceeded as error:
        raise QuotaExceeded(
            f"Maximum number of images exceeded: {error.limit} private images per region.",
            key=error.key,
            requested=error.requested,
            in_use=error.in_use,
            limit=error.limit,
            statuses={"ims": 413},
        ) from None


def show(ctx: RequestContext, image_id: str) -> images.Image:
    found = images.find(ctx, image_id)
    if found is None:
        raise _not_found(image_id)
    return found


@dataclass(frozen=True)
class Patch:
    op: str
    path: str
    value: Any = None


def update(ctx: RequestContext, image_id: str, changes: list[Patch]) -> images.Image:
    """PATCH: JSON-patch operations on attributes and custom properties, all or nothing."""
    with ctx.transaction() as tx:
        row = owned(tx, ctx, image_id)
        for change in changes:
            _apply(row, change)
        row.updated_at = ctx.now()
        return images.from_row(row, ctx.project.id)


def _apply(row: PrivateImage, change: Patch) -> None:
    key = change.path.removeprefix("/").replace("~1", "/").replace("~0", "~")
    if not change.path.startswith("/") or not key or "/" in change.path[1:]:
        raise BadRequest(f"Invalid JSON pointer for this resource: '{change.path}'")
    if change.op in ("add", "replace"):
        present = key in CORE or key in OS_FIELDS or key in row.properties
        if change.op == "replace" and not present and key not in READ_ONLY | RESERVED:
            raise Conflict(f"Property {key} does not exist.")
        _set(row, key, change.value)
    elif change.op == "remove":
        _check_settable(key)
        if key in CORE or key in OS_FIELDS:
            raise Forbidden(f"Properties {key} cannot be removed.")
        if key not in row.properties:
            raise Conflict(f"Property {key} does not exist.")
        row.properties = {name: value for name, value in row.properties.items() if name != key}
    else:
        raise BadRequest(f"Unsupported JSON patch operation: {change.op}")


def delete(ctx: RequestContext, image_id: str) -> None:
    with ctx.transaction() as tx:
        row = owned(tx, ctx, image_id)
        if row.protected:
            raise Forbidden(f"Image {image_id} is protected and cannot be deleted.")
        unused = blobs.release(tx, [row.blob]) if row.blob else []
        quotas.release(tx, row.project_id, {"images": 1})
        tx.delete(row)
    collect_blobs(ctx, unused)


def collect_blobs(ctx: RequestContext, digests: list[str]) -> None:
    if digests:
        with ctx.emulator.db.transaction() as tx:
            ctx.emulator.blobs.collect(tx, digests)


def add_tag(ctx: RequestContext, image_id: str, tag: str) -> None:
    with ctx.transaction() as tx:
        row = owned(tx, ctx, image_id)
        row.tags = tags_of([*row.tags, tag])
        row.updated_at = ctx.now()


def remove_tag(ctx: RequestContext, image_id: str, tag: str) -> None:
    with ctx.transaction() as tx:
        row = owned(tx, ctx, image_id)
        if tag not in row.tags:
            raise NotFound(f"Tag {tag} not found")
        row.tags = [kept for kept in row.tags if kept != tag]
        row.updated_at = ctx.now()


def set_active(ctx: RequestContext, image_id: str, active: bool) -> None:
    """The deactivate and reactivate actions (idempotent, as in Glance)."""
    target, other = ("active", "deactivated") if active else ("deactivated", "active")
    with ctx.transaction() as tx:
        row = owned(tx, ctx, image_id)
        if row.status not in (target, other):
            action = "reactivate" if active else "deactivate"
            raise Forbidden(f"Not allowed to {action} image in status '{row.status}'")
        if row.status != target:
            row.status = target
            row.updated_at = ctx.now()
