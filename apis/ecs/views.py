"""Rows and catalogue entries -> JSON, one function per object and dialect."""

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from apis.ecs.flavors import Flavor
from apis.ecs.microversions import Microversion
from apis.ecs.models import Keypair, ServerAction, ServerGroup
from emulator.clock import iso
from emulator.context import service_url
from emulator.topology import Region


def _links(base: str, project_id: str, collection: str, item_id: str) -> list[dict[str, str]]:
    return [
        {"rel": "self", "href": f"{base}/v2.1/{project_id}/{collection}/{item_id}"},
        {"rel": "bookmark", "href": f"{base}/{project_id}/{collection}/{item_id}"},
    ]


def _flavor_fields(flavor: Flavor) -> dict[str, Any]:
    return {
        "id": flavor.id,
        "name": flavor.name,
        "ram": flavor.ram_mb,
        "disk": flavor.disk_gb,
        "swap": "",
        "OS-FLV-EXT-DATA:ephemeral": 0,
        "OS-FLV-DISABLED:disabled": False,
        "os-flavor-access:is_public": True,
        "rxtx_factor": 1.0,
    }


def nova_flavor(
    flavor: Flavor, version: Microversion, base: str, project_id: str, *, detail: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {"id": flavor.id, "name": flavor.name}
    if detail:
        body.update(_flavor_fields(flavor), vcpus=flavor.vcpus)
    body["links"] = _links(base, project_id, "flavors", flavor.id)
    if version.at_least("2.55"):
        body["description"] = None
    return body


def native_flavor(flavor: Flavor, region: Region, base: str, project_id: str) -> dict[str, Any]:
    """The native API prints vcpus and disk as strings, and embeds the extra specs."""
    return {
        **_flavor_fields(flavor),
        "vcpus": str(flavor.vcpus),
        "disk": str(flavor.disk_gb),
        "rxtx_quota": "",
        "rxtx_cap": "",
        "links": _links(base, project_id, "flavors", flavor.id),
        "os_extra_specs": flavor.extra_specs(region),
    }


def nova_zone(zone: str) -> dict[str, Any]:
    return {"zoneName": zone, "zoneState": {"available": True}, "hosts": None}


def native_zone(zone: str) -> dict[str, Any]:
    return {
        "availability_zone_id": zone,
        "type": "Center",
        "mode": "shared",
        "public_border_group": "center",
        "alias": zone,
        "az_group_ids": [],
        "category": 0,
    }


def _nova_time(value: Any) -> str:
    """Nova prints key pair times without a zone: 2026-11-28T12:00:00.000000."""
    return str(value.strftime("%Y-%m-%dT%H:%M:%S.%f"))


def nova_keypair(
    keypair: Keypair,
    version: Microversion,
    *,
    shape: str,
    private_key: str | None = None,
) -> dict[str, Any]:
    """`shape`: "listed" (in a list), "created" (with the private key once) or "shown"."""
    body: dict[str, Any] = {
        "name": keypair.name,
        "public_key": keypair.public_key,
        "fingerprint": keypair.fingerprint,
    }
    if shape in ("created", "shown"):
        body["user_id"] = keypair.user_id
    if shape == "created" and private_key is not None:
        body["private_key"] = private_key
    if shape == "shown":
        body.update(
            created_at=_nova_time(keypair.created_at),
            updated_at=None,
            deleted=False,
            deleted_at=None,
            id=keypair.id,
        )
    if version.at_least("2.2"):
        body["type"] = keypair.type
    return body


def server_group(
    group: ServerGroup, members: list[str], *, with_owner: bool = False
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": group.id,
        "name": group.name,
        "policies": list(group.policies),
        "members": members,
        "metadata": dict(group.metadata_),
    }
    if with_owner:
        body.update(project_id=group.project_id, user_id=group.user_id)
    return body


def nova_next_links(
    request: Request, project_id: str, collection: str, marker: str
) -> list[dict[str, str]]:
    """A Nova list's link to its next page: the request's parameters, sorted, with the new
    marker, under the collection's absolute URL (Nova's `_get_next_link`)."""
    params = dict(sorted({**request.query_params, "marker": marker}.items()))
    href = f"{service_url(request)}/v2.1/{project_id}/{collection}?{urlencode(params)}"
    return [{"rel": "next", "href": href}]


def nova_instance_action(action: ServerAction, version: Microversion) -> dict[str, Any]:
    """Nova's instance action; `updated_at` from 2.58."""
    body: dict[str, Any] = {
        "action": action.action,
        "instance_uuid": action.server_id,
        "request_id": action.request_id,
        "user_id": action.user_id,
        "project_id": action.project_id,
        "start_time": iso(action.start_time),
        "message": None,
    }
    if version.at_least("2.58"):
        body["updated_at"] = iso(action.updated_at)
    return body


def nova_instance_action_events(action: ServerAction) -> list[dict[str, Any]]:
    """Its compute event, without the traceback only administrators see."""
    if action.event is None:
        return []
    finished = action.event_finish_time
    return [
        {
            "event": action.event,
            "start_time": iso(action.start_time),
            "finish_time": iso(finished),
            "result": "Success" if finished is not None else None,
        }
    ]
