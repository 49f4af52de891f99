"""Images a tenant can see: the public catalogue of its region (a data file shipped in the
package, extended by the file named in `public_images_file`), its private images (rows of
`ims_images`) and those shared with it (`ims_image_members`). `lookup` is what EVS and compute
use to find an image by id: a dictionary hit for a public image, one indexed query otherwise.

Public image ids are derived from region and name, so they are stable across restarts and
differ between regions, as on the real cloud.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.orm import Session

from apis.ims.models import ImageMember, PrivateImage
from emulator.clock import parse_time
from emulator.context import RequestContext
from emulator.ids import stable_hex_id

# The data of every public image is empty: its checksums are those of no bytes.
EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"
EMPTY_SHA512 = (
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
)


@dataclass(frozen=True)
class Image:
    id: str
    name: str
    owner: str
    os_type: str
    platform: str
    os_version: str
    min_disk: int
    min_ram: int
    # Windows, Red Hat and SUSE images carry a licence billed by the hour.
    licensed: bool
    created_at: datetime
    image_type: str = "gold"
    visibility: str = "public"
    status: str = "active"
    disk_format: str = "zvhd2"
    container_format: str = "bare"
    protected: bool = True
    size: int | None = 2
    checksum: str | None = EMPTY_MD5
    os_hash_value: str | None = EMPTY_SHA512
    tags: tuple[str, ...] = ()
    # Custom properties, printed beside the image's own attributes.
    properties: Mapping[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None

    def volume_metadata(self) -> dict[str, str]:
        """What Cinder shows as `volume_image_metadata` of a volume made from this image."""
        return {
            "image_id": self.id,
            "image_name": self.name,
            "min_disk": str(self.min_disk),
            "min_ram": str(self.min_ram),
            "__os_type": self.os_type,
            "__platform": self.platform,
            "__os_version": self.os_version,
            "__imagetype": self.image_type,
            "disk_format": self.disk_format,
            "container_format": self.container_format,
        }


def _image_id(region: str, name: str) -> str:
    raw = stable_hex_id("ims-public-image", region, name)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def _entries(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    owner = document.get("owner", "")
    return [(entry.get("owner", owner), entry) for entry in document.get("images", [])]


@cache
def catalogue(extra_file: Path | None, region: str) -> tuple[Image, ...]:
    shipped = json.loads(resources.files("apis.ims").joinpath("public_images.json").read_text())
    entries = _entries(shipped)
    if extra_file is not None:
        entries += _entries(json.loads(extra_file.read_text()))
    found: dict[str, Image] = {}
    for owner, entry in entries:
        if region not in entry.get("regions", [region]):
            continue
        image = Image(
            id=entry.get("id") or _image_id(region, entry["name"]),
            name=entry["name"],
            owner=owner,
            os_type=entry["os_type"],
            platform=entry["platform"],
            os_version=entry["os_version"],
            min_disk=int(entry["min_disk"]),
            min_ram=int(entry.get("min_ram", 0)),
            licensed=bool(entry.get("licensed", False)),
            created_at=parse_time(entry["created_at"]),
        )
        found[image.id] = image
    return tuple(sorted(found.values(), key=lambda image: (image.created_at, image.id)))


@cache
def _public_by_id(extra_file: Path | None, region: str) -> dict[str, Image]:
    return {image.id: image for image in catalogue(extra_file, region)}


def public(ctx: RequestContext) -> tuple[Image, ...]:
    return catalogue(ctx.emulator.settings.public_images_file, ctx.region)


def from_row(row: PrivateImage, viewer: str) -> Image:
    """The image as the project `viewer` sees it: its own is `private`, another's `shared`."""
    return Image(
        id=row.id,
        name=row.name,
        owner=row.project_id,
        os_type=row.os_type,
        platform=row.platform,
        os_version=row.os_version,
        min_disk=row.min_disk,
        min_ram=row.min_ram,
        licensed=row.licensed,
        created_at=row.created_at,
        image_type="private" if row.project_id == viewer else "shared",
        visibility=row.visibility,
        status=row.status,
        disk_format=row.disk_format or "",
        container_format=row.container_format or "",
        protected=row.protected,
        size=row.size,
        checksum=row.checksum,
        os_hash_value=row.os_hash_value,
        tags=tuple(row.tags),
        properties=dict(row.properties),
        updated_at=row.updated_at,
    )


# Prebuilt statements: images are looked up on every server and volume creation.
_MEMBERSHIP = exists().where(
    ImageMember.image_id == PrivateImage.id,
    ImageMember.member_id == bindparam("project"),
    ImageMember.status.in_(bindparam("statuses", expanding=True)),
)
MEMBER_STATUSES = ("pending", "accepted", "rejected")
# The images of a project in a region: its own and those shared with it (membership status).
_VISIBLE = select(PrivateImage).where(
    PrivateImage.region == bindparam("region"),
    or_(PrivateImage.project_id == bindparam("project"), _MEMBERSHIP),
)
_VISIBLE_BY_ID = _VISIBLE.where(PrivateImage.id == bindparam("image_id"))


def private_rows(
    tx: Session, ctx: RequestContext, member_status: str = "accepted"
) -> list[PrivateImage]:
    """The caller's own images in its region and those shared with it whose membership has
    this status (`all`: any), in one query."""
    statuses = MEMBER_STATUSES if member_status == "all" else (member_status,)
    params = {"region": ctx.region, "project": ctx.project.id, "statuses": statuses}
    return list(tx.scalars(_VISIBLE, params))


def visible(ctx: RequestContext, member_status: str = "accepted") -> list[Image]:
    """Every image the caller's project may list: the public catalogue, its own images and
    the images shared with it (accepted ones unless told otherwise)."""
    with ctx.emulator.db.reading() as tx:
        rows = private_rows(tx, ctx, member_status)
        private = [from_row(row, ctx.project.id) for row in rows]
    return [*public(ctx), *private]


def find_private(tx: Session, ctx: RequestContext, image_id: str) -> PrivateImage | None:
    """The private image with this id if the caller owns it or is one of its members (any
    membership status: a member sees the image it was offered), in one indexed query."""
    params = {"region": ctx.region, "project": ctx.project.id, "statuses": MEMBER_STATUSES}
    return tx.scalar(_VISIBLE_BY_ID, {**params, "image_id": image_id})


def find(ctx: RequestContext, image_id: str) -> Image | None:
    """An image the caller sees, whatever its status (Glance's show)."""
    found = _public_by_id(ctx.emulator.settings.public_images_file, ctx.region).get(image_id)
    if found is not None:
        return found
    with ctx.emulator.db.reading() as tx:
        row = find_private(tx, ctx, image_id)
        return from_row(row, ctx.project.id) if row is not None else None


def lookup(ctx: RequestContext, image_id: str) -> Image | None:
    """An image the caller may make servers and volumes from: one it sees that is active (not
    queued, saving or deactivated)."""
    found = find(ctx, image_id)
    return found if found is not None and found.status == "active" else None
