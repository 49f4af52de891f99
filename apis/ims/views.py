"""Images as Glance v2 and the native IMS API print them, and the IMS error dialect."""

from typing import Any

from apis.ims.images import Image
from apis.ims.models import ImageMember
from emulator.clock import iso_seconds
from emulator.dialects import HUAWEI, Dialect


def _ids(request_id: str) -> dict[str, str]:
    return {"X-Request-Id": request_id, "X-Openstack-Request-Id": f"req-{request_id}"}


# Glance and IMS answer {"error": {"code": "IMG.xxxx", "message": ...}} (IMG.0001 is a bad
# parameter, IMG.0027 an image that does not exist; inferred from the IMS error table's form).
IMS = Dialect(
    "ims",
    HUAWEI.render_body,
    _ids,
    {
        400: "IMG.0001",
        401: "IMG.0002",
        403: "IMG.0003",
        404: "IMG.0027",
        405: "IMG.0005",
        409: "IMG.0009",
        413: "IMG.0013",
        415: "IMG.0015",
    },
)


def image(row: Image) -> dict[str, Any]:
    created = iso_seconds(row.created_at)
    updated = iso_seconds(row.updated_at) if row.updated_at is not None else created
    body: dict[str, Any] = {
        "id": row.id,
        "name": row.name,
        "status": row.status,
        "visibility": row.visibility,
        "protected": row.protected,
        "owner": row.owner,
        "disk_format": row.disk_format,
        "container_format": row.container_format,
        "min_disk": row.min_disk,
        "min_ram": row.min_ram,
        "os_hidden": False,
        "size": row.size,
        "checksum": row.checksum,
        "os_hash_algo": "sha512" if row.os_hash_value else None,
        "os_hash_value": row.os_hash_value,
        "virtual_size": 0 if row.size is not None else None,
        "created_at": created,
        "updated_at": updated,
        "tags": list(row.tags),
        "self": f"/v2/images/{row.id}",
        "file": f"/v2/images/{row.id}/file",
        "schema": "/v2/schemas/image",
        "virtual_env_type": "FusionCompute",
        "hw_firmware_type": "bios",
        "__imagetype": row.image_type,
        "__isregistered": "true",
        "__os_type": row.os_type,
        "__platform": row.platform,
        "__os_version": row.os_version,
        "__os_bit": "64",
        "__support_kvm": "true",
        "__support_xen": "false",
        "__image_source_type": "uds",
        "__image_size": str(row.size or 0),
        "__description": "",
        "__originalimagename": "",
        "__data_origin": "",
        "__backup_id": "",
        "__productcode": "",
        "__lazyloading": "true",
        "enterprise_project_id": "0",
    }
    if row.status == "active":
        body["active_at"] = updated
    body.update(row.properties)
    if row.licensed:
        # The real cloud flags images whose licence is billed with a charging code.
        body["__account_code"] = f"{row.platform.lower()}-licence"
    return body


def member(row: ImageMember) -> dict[str, Any]:
    return {
        "image_id": row.image_id,
        "member_id": row.member_id,
        "status": row.status,
        "created_at": iso_seconds(row.created_at),
        "updated_at": iso_seconds(row.updated_at),
        "schema": "/v2/schemas/member",
    }


def matches(view: dict[str, Any], filters: dict[str, str]) -> bool:
    """Glance's property filters: every given key equals the printed value."""
    for key, wanted in filters.items():
        value = view.get(key)
        printed = str(value).lower() if isinstance(value, bool) else str(value)
        if value is None or printed != wanted:
            return False
    return True
