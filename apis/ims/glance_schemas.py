"""Glance v2 schemas (`/v2/schemas/image`, `images`, `member`, `members`): the JSON Schemas
IMS publishes for its images and image members, the ones `schema` links in their bodies name."""

from typing import Any

from fastapi import APIRouter, Depends

from apis.ims import views
from apis.ims.operations import CONTAINER_FORMATS, DISK_FORMATS, VISIBILITIES
from emulator.context import authenticate

router = APIRouter(route_class=views.IMS.route_class, dependencies=[Depends(authenticate)])

_UUID = "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"
_READ_ONLY = {"type": "string", "readOnly": True}


def _string(description: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **more}


def _integer(description: str) -> dict[str, Any]:
    return {"type": ["null", "integer"], "description": description}


IMAGE = {
    "name": "image",
    "properties": {
        "id": _string("An identifier for the image", pattern=_UUID),
        "name": {"type": ["null", "string"], "description": "Name of the image", "maxLength": 255},
        "status": _string(
            "Status of the image (READ-ONLY)",
            enum=["queued", "saving", "active", "killed", "deleted", "pending_delete"],
            readOnly=True,
        ),
        "visibility": _string("Scope of image accessibility", enum=sorted(VISIBILITIES)),
        "protected": {"type": "boolean", "description": "If true, image will not be deletable."},
        "owner": {
            "type": ["null", "string"],
            "description": "Owner of the image",
            "maxLength": 255,
        },
        "checksum": {
            "type": ["null", "string"],
            "description": "md5 hash of image contents (READ-ONLY)",
            "maxLength": 32,
            "readOnly": True,
        },
        "os_hash_algo": {"type": ["null", "string"], "readOnly": True, "maxLength": 64},
        "os_hash_value": {"type": ["null", "string"], "readOnly": True, "maxLength": 128},
        "size": {**_integer("Size of image file in bytes (READ-ONLY)"), "readOnly": True},
        "virtual_size": {
            **_integer("Virtual size of image in bytes (READ-ONLY)"),
            "readOnly": True,
        },
        "container_format": {
            "type": ["null", "string"],
            "description": "Format of the container",
            "enum": [None, *sorted(CONTAINER_FORMATS)],
        },
        "disk_format": {
            "type": ["null", "string"],
            "description": "Format of the disk",
            "enum": [None, *sorted(DISK_FORMATS)],
        },
        "min_ram": _integer("Amount of ram (in MB) required to boot image."),
        "min_disk": _integer("Amount of disk space (in GB) required to boot image."),
        "os_hidden": {
            "type": "boolean",
            "description": "If true, image will not appear in default image list response.",
        },
        "created_at": _string("Date and time of image registration (READ-ONLY)", readOnly=True),
        "updated_at": _string("Date and time of the last image modification (READ-ONLY)"),
        "active_at": _string("Date and time the image became active (READ-ONLY)", readOnly=True),
        "tags": {
            "type": "array",
            "description": "List of strings related to the image",
            "items": {"type": "string", "maxLength": 255},
        },
        "self": _READ_ONLY,
        "file": _READ_ONLY,
        "schema": _READ_ONLY,
        "__imagetype": _string("Image type: gold (public), private or shared"),
        "__os_type": _string("Operating system type", enum=["Linux", "Windows", "Other"]),
        "__platform": _string("Operating system platform"),
        "__os_version": _string("Operating system version"),
        "__os_bit": _string("Operating system architecture", enum=["32", "64"]),
        "__isregistered": _string("Whether the image is registered", enum=["true", "false"]),
        "__support_kvm": _string("Whether the image supports KVM"),
        "__support_xen": _string("Whether the image supports Xen"),
        "__image_source_type": _string("Backend storage of the image", enum=["uds", "obs"]),
        "__image_size": _string("Size of the image file in bytes"),
        "__description": _string("Description of the image", maxLength=1024),
        "__originalimagename": _string("Parent image ID, for an image created from an image"),
        "__data_origin": _string("Source of the image"),
        "__backup_id": _string("Backup ID, for an image created from a backup"),
        "__productcode": _string("Product code of a marketplace image"),
        "__lazyloading": _string("Whether the image supports lazy loading"),
        "virtual_env_type": _string("Environment where the image is used"),
        "hw_firmware_type": _string("Boot mode of the image", enum=["bios", "uefi"]),
        "enterprise_project_id": _string("Enterprise project of the image"),
    },
    "additionalProperties": {"type": "string"},
    "links": [
        {"rel": "self", "href": "{self}"},
        {"rel": "enclosure", "href": "{file}"},
        {"rel": "describedby", "href": "{schema}"},
    ],
}

IMAGES = {
    "name": "images",
    "properties": {
        "images": {"type": "array", "items": IMAGE},
        "schema": {"type": "string"},
        "first": {"type": "string"},
        "next": {"type": "string"},
    },
    "links": [
        {"rel": "first", "href": "{first}"},
        {"rel": "next", "href": "{next}"},
        {"rel": "describedby", "href": "{schema}"},
    ],
}

MEMBER = {
    "name": "member",
    "properties": {
        "image_id": _string("An identifier for the image", pattern=_UUID),
        "member_id": _string("An identifier for the image member (project id)"),
        "status": _string(
            "The status of this image member", enum=["pending", "accepted", "rejected"]
        ),
        "created_at": _string("Date and time of image member creation"),
        "updated_at": _string("Date and time of last modification of image member"),
        "schema": _READ_ONLY,
    },
}

MEMBERS = {
    "name": "members",
    "properties": {
        "members": {"type": "array", "items": MEMBER},
        "schema": {"type": "string"},
    },
    "links": [{"rel": "describedby", "href": "{schema}"}],
}


@router.get("/v2/schemas/image")
async def image_schema() -> dict[str, Any]:
    return IMAGE


@router.get("/v2/schemas/images")
async def images_schema() -> dict[str, Any]:
    return IMAGES


@router.get("/v2/schemas/member")
async def member_schema() -> dict[str, Any]:
    return MEMBER


@router.get("/v2/schemas/members")
async def members_schema() -> dict[str, Any]:
    return MEMBERS
