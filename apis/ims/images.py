"""Images a tenant can see: the public catalogue of its region (a data file shipped in the
package, extended by the file named in `public_images_file`), later its private and shared
images. `lookup` is what EVS and compute use to find an image by id.

Public image ids are derived from region and name, so they are stable across restarts and
differ between regions, as on the real cloud.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from emulator.clock import parse_time
from emulator.context import RequestContext
from emulator.ids import stable_hex_id


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


def visible(ctx: RequestContext) -> tuple[Image, ...]:
    """Every image the caller's project may list, oldest first."""
    return catalogue(ctx.emulator.settings.public_images_file, ctx.region)


def lookup(ctx: RequestContext, image_id: str) -> Image | None:
    return next((image for image in visible(ctx) if image.id == image_id), None)
