"""Rows as Cinder and the native EVS API print them."""

from typing import Any

from apis.evs import wire
from apis.evs.models import Snapshot, Volume, VolumeAttachment, VolumeTransfer
from apis.evs.volume_types import TYPES, VolumeType
from apis.ims.models import PrivateImage
from emulator.clock import iso

_UPDATED = "2017-02-25T12:00:00Z"
_MEDIA = [{"base": "application/json", "type": "application/vnd.openstack.volume+json;version=1"}]


def cinder_time(value: Any) -> str | None:
    """Cinder prints 2026-11-28T12:00:00.123456 (no zone)."""
    text = iso(value)
    return text[:-1] if text else None


def _links(base: str, kind: str, ident: str) -> list[dict[str, str]]:
    return [
        {"href": f"{base}/{kind}/{ident}", "rel": "self"},
        {
            "href": f"{base}/{kind}/{ident}".replace("/v3/", "/").replace("/v2/", "/"),
            "rel": "bookmark",
        },
    ]


def attachment(row: VolumeAttachment) -> dict[str, Any]:
    return {
        "id": row.volume_id,
        "attachment_id": row.id,
        "volume_id": row.volume_id,
        "server_id": row.server_id,
        "device": row.device,
        "host_name": None,
        "attached_at": cinder_time(row.attached_at),
    }


def cinder_volume_summary(volume: Volume, base: str) -> dict[str, Any]:
    return {"id": volume.id, "name": volume.name, "links": _links(base, "volumes", volume.id)}


def cinder_volume_core(
    volume: Volume, attachments: list[VolumeAttachment], base: str
) -> dict[str, Any]:
    """A volume as Cinder's create and update print it: without the attributes its extensions
    add to a show or a detailed list."""
    return {
        "id": volume.id,
        "name": volume.name,
        "status": volume.status,
        "size": volume.size,
        "availability_zone": volume.availability_zone,
        "volume_type": volume.volume_type,
        "description": volume.description,
        "created_at": cinder_time(volume.created_at),
        "updated_at": cinder_time(volume.updated_at),
        "attachments": [attachment(row) for row in attachments],
        "bootable": "true" if volume.bootable else "false",
        "encrypted": False,
        "multiattach": volume.multiattach,
        "metadata": dict(volume.metadata_),
        "snapshot_id": volume.snapshot_id,
        "source_volid": volume.source_volid,
        "consistencygroup_id": None,
        "replication_status": "disabled",
        "user_id": volume.user_id,
        "links": _links(base, "volumes", volume.id),
    }


def cinder_volume(volume: Volume, attachments: list[VolumeAttachment], base: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        **cinder_volume_core(volume, attachments, base),
        "shareable": "true" if volume.multiattach else "false",
        "os-vol-tenant-attr:tenant_id": volume.project_id,
        "os-vol-host-attr:host": None,
        "os-vol-mig-status-attr:migstat": None,
        "os-vol-mig-status-attr:name_id": None,
        "os-volume-replication:extended_status": None,
    }
    if volume.image_metadata is not None:
        body["volume_image_metadata"] = dict(volume.image_metadata)
    return body


def native_volume(
    volume: Volume, attachments: list[VolumeAttachment], tags: dict[str, str], base: str
) -> dict[str, Any]:
    return {
        **cinder_volume(volume, attachments, base),
        "service_type": "EVS",
        "wwn": "688860300" + volume.id.replace("-", "")[:23],
        "enterprise_project_id": "0",
        "dedicated_storage_id": None,
        "dedicated_storage_name": None,
        "tags": tags,
    }


def cinder_snapshot_core(snapshot: Snapshot) -> dict[str, Any]:
    """A snapshot as Cinder's create, update and summary list print it: without the attributes
    of its extended-snapshot-attributes extension."""
    return {
        "id": snapshot.id,
        "name": snapshot.name,
        "description": snapshot.description,
        "status": snapshot.status,
        "size": snapshot.size,
        "volume_id": snapshot.volume_id,
        "metadata": dict(snapshot.metadata_),
        "created_at": cinder_time(snapshot.created_at),
        "updated_at": cinder_time(snapshot.updated_at),
    }


def cinder_snapshot(snapshot: Snapshot) -> dict[str, Any]:
    return {
        **cinder_snapshot_core(snapshot),
        "os-extended-snapshot-attributes:project_id": snapshot.project_id,
        "os-extended-snapshot-attributes:progress": "100%"
        if snapshot.status == "available"
        else "0%",
    }


def native_snapshot(snapshot: Snapshot) -> dict[str, Any]:
    return {
        **cinder_snapshot(snapshot),
        "service_type": "EVS",
        "dedicated_storage_id": None,
        "dedicated_storage_name": None,
    }


def volume_type(vtype: VolumeType, zones: tuple[str, ...]) -> dict[str, Any]:
    listed = ",".join(zones)
    return {
        "id": vtype.id,
        "name": vtype.name,
        "description": vtype.description,
        "is_public": True,
        "os-volume-type-access:is_public": True,
        "qos_specs_id": None,
        "extra_specs": {
            "volume_backend_name": vtype.name,
            "availability-zone": listed,
            "RESKEY:availability_zones": listed,
            "os-vendor-extended:sold_out_availability_zones": "",
            "max_iops": str(vtype.max_iops),
            "max_throughput_mbps": str(vtype.max_throughput_mbps),
            "latency_ms": vtype.latency_ms,
        },
    }


def volume_upload(
    volume: Volume, image: PrivateImage, vtype: VolumeType, zones: tuple[str, ...]
) -> dict[str, Any]:
    """The answer to os-volume_upload_image: the volume, now uploading, and the new image."""
    return {
        "id": volume.id,
        "status": volume.status,
        "size": volume.size,
        "display_description": volume.description,
        "updated_at": cinder_time(volume.updated_at),
        "volume_type": volume_type(vtype, zones),
        "image_id": image.id,
        "image_name": image.name,
        "container_format": image.container_format,
        "disk_format": image.disk_format,
    }


def volume_types(zones: tuple[str, ...]) -> list[dict[str, Any]]:
    return [volume_type(vtype, zones) for vtype in TYPES]


def availability_zones(zones: tuple[str, ...]) -> dict[str, Any]:
    return {
        "availabilityZoneInfo": [
            {"zoneName": zone, "zoneState": {"available": True}} for zone in zones
        ]
    }


def quota_set(
    project_id: str, limits: dict[str, int], usage: dict[str, int], with_usage: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {"id": project_id}
    for key in sorted(limits):
        body[key] = (
            {"limit": limits[key], "in_use": usage.get(key, 0), "reserved": 0, "allocated": 0}
            if with_usage
            else limits[key]
        )
    return {"quota_set": body}


# Cinder's absolute limits: (limit name, used name) of each quota key.
_ABSOLUTE = {
    "volumes": ("maxTotalVolumes", "totalVolumesUsed"),
    "gigabytes": ("maxTotalVolumeGigabytes", "totalGigabytesUsed"),
    "snapshots": ("maxTotalSnapshots", "totalSnapshotsUsed"),
    "backups": ("maxTotalBackups", "totalBackupsUsed"),
    "backup_gigabytes": ("maxTotalBackupGigabytes", "totalBackupGigabytesUsed"),
}


def absolute_limits(limits: dict[str, int], usage: dict[str, int]) -> dict[str, Any]:
    absolute: dict[str, int] = {}
    for key, (limit_name, used_name) in _ABSOLUTE.items():
        absolute[limit_name] = limits[key]
        absolute[used_name] = usage.get(key, 0)
    return {"limits": {"rate": [], "absolute": absolute}}


def version(host: str, version_id: str) -> dict[str, Any]:
    """Cinder v3 is CURRENT with its microversions; v2 SUPPORTED; as EVS says."""
    current = version_id == "v3.0"
    versions = wire.VOLUME_VERSIONS
    return {
        "id": version_id,
        "status": "CURRENT" if current else "SUPPORTED",
        "version": str(versions.maximum) if current else "",
        "min_version": str(versions.minimum) if current else "",
        "updated": _UPDATED,
        "media-types": _MEDIA,
        "links": [
            {"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"},
            {"rel": "self", "href": f"{host}/{version_id.split('.')[0]}/"},
        ],
    }


def transfer_summary(transfer: VolumeTransfer, base: str) -> dict[str, Any]:
    return {
        "id": transfer.id,
        "name": transfer.name,
        "volume_id": transfer.volume_id,
        "links": _links(base, "os-volume-transfer", transfer.id),
    }


def transfer(transfer: VolumeTransfer, base: str) -> dict[str, Any]:
    return {**transfer_summary(transfer, base), "created_at": cinder_time(transfer.created_at)}
