"""Exporting a volume's data as a private IMS image (Cinder's os-volume_upload_image): the
volume is `uploading` until the `volume_upload` delay has passed, then back to its status; the
image is IMS's, `saving` until it becomes active."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from apis.evs import errors
from apis.evs.models import Volume
from apis.evs.operations import get_volume, schedule
from apis.ims import capture
from apis.ims.models import PrivateImage
from emulator.context import RequestContext

# The formats EVS exports to (EVS API, "Exporting EVS Disk Data as an Image").
DISK_FORMATS = ("vhd", "zvhd", "zvhd2", "raw", "qcow2")
CONTAINER_FORMATS = ("bare", "ami", "ari", "aki", "ovf")
OS_TYPES = {"linux": "Linux", "windows": "Windows"}


@dataclass
class UploadSpec:
    image_name: str
    force: bool = False
    disk_format: str = "vhd"
    container_format: str = "bare"
    os_type: str = "linux"


def upload_to_image(
    tx: Session, ctx: RequestContext, volume_id: str, spec: UploadSpec
) -> tuple[Volume, PrivateImage]:
    """Export an available volume (an in-use one only with `force`) to a new private image."""
    volume = get_volume(tx, ctx, volume_id)
    if volume.status not in ("available", "in-use"):
        raise errors.invalid_volume("Volume status must be available/in-use.")
    if volume.status == "in-use" and not spec.force:
        raise errors.invalid_volume("Volume status is in-use.")
    _check_choice("disk-format", spec.disk_format, DISK_FORMATS)
    _check_choice("container-format", spec.container_format, CONTAINER_FORMATS)
    _check_choice("__os_type", spec.os_type, tuple(OS_TYPES))
    export = capture.VolumeExport(
        name=spec.image_name,
        disk_format=spec.disk_format,
        container_format=spec.container_format,
        os_type=OS_TYPES[spec.os_type],
    )
    image = capture.from_volume(tx, ctx, volume, export)
    schedule(tx, ctx, volume.id, volume.status, "volume_upload")
    volume.status = "uploading"
    volume.updated_at = ctx.now()
    return volume, image


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise errors.invalid_input(
            f"Invalid {name} '{value}' is specified. Allowed {name}s are {', '.join(allowed)}.",
            native=errors.INVALID_BODY,
        )
