"""The service catalog: the emulator's own URLs, in the path-prefix form of DESIGN §2."""

from functools import lru_cache
from typing import Any

from emulator import services
from emulator.ids import stable_hex_id
from state.models import Project

# service package -> (type, name, path under the base URL); {project_id} is filled in.
# Services appear once their package exists, so clients never discover an absent one.
ENTRIES: dict[str, list[tuple[str, str, str]]] = {
    "iam": [("identity", "keystone", "/iam/v3"), ("iam", "iam", "/iam/v3.0")],
    "ecs": [
        ("compute", "nova", "/ecs/v2.1/{project_id}"),
        ("ecs", "ecs", "/ecs/v1/{project_id}"),
        ("ecsv1.1", "ecsv1.1", "/ecs/v1.1/{project_id}"),
    ],
    "evs": [
        ("volumev2", "cinderv2", "/evs/v2/{project_id}"),
        ("volumev3", "cinderv3", "/evs/v3/{project_id}"),
        ("block-storage", "cinder", "/evs/v3/{project_id}"),
        ("evs", "evs", "/evs/v2/{project_id}"),
    ],
    "vpc": [("network", "neutron", "/vpc"), ("vpc", "vpc", "/vpc/v1/{project_id}")],
    "ims": [("image", "glance", "/ims"), ("ims", "ims", "/ims/v2")],
    "obs": [("object-store", "obs", "/oss")],
    "vbs": [("vbs", "vbs", "/vbs/v2/{project_id}")],
}


def _present() -> list[tuple[str, str, str]]:
    available = services.available()
    return [row for service, rows in ENTRIES.items() if service in available for row in rows]


def catalog(base_url: str, project: Project | None, regions: list[str]) -> list[dict[str, Any]]:
    """Every region of the account gets an endpoint; as in Keystone, URLs carry the token's
    project id. Without a project scope only the identity services are listed."""
    return _catalog(base_url, project.id if project else None, tuple(regions))


@lru_cache(maxsize=1024)
def _catalog(
    base_url: str, project_id: str | None, regions: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Built once per (URL, project, regions): every token of a project carries the same one.
    The result is shared; callers only serialise it."""
    entries: list[dict[str, Any]] = []
    for service_type, name, path in _present():
        if project_id is None and not path.startswith("/iam"):
            continue
        url = base_url + path.replace("{project_id}", project_id or "")
        entries.append(
            {
                "type": service_type,
                "name": name,
                "id": stable_hex_id("service", service_type),
                "endpoints": [endpoint(service_type, region, url) for region in regions],
            }
        )
    return entries


def endpoint(service_type: str, region: str, url: str) -> dict[str, Any]:
    return {
        "id": stable_hex_id("endpoint", service_type, region),
        "interface": "public",
        "region": region,
        "region_id": region,
        "url": url,
    }


def service_list(type: str | None = None, name: str | None = None) -> list[dict[str, Any]]:
    """GET /v3/services: one entry per service type, filtered as Keystone does."""
    return [
        {
            "id": stable_hex_id("service", service_type),
            "type": service_type,
            "name": service_name,
            "enabled": True,
            "description": "",
        }
        for service_type, service_name, _ in _present()
        if type in (None, service_type) and name in (None, service_name)
    ]


def endpoint_list(
    base_url: str,
    regions: list[str],
    *,
    interface: str | None = None,
    service_id: str | None = None,
    region_id: str | None = None,
) -> list[dict[str, Any]]:
    """GET /v3/endpoints: URLs templated with $(tenant_id)s, as Keystone stores them; filtered
    as Keystone does (every endpoint is public)."""
    if interface not in (None, "public"):
        return []
    return [
        {
            **endpoint(
                service_type, region, base_url + path.replace("{project_id}", "$(tenant_id)s")
            ),
            "service_id": owner,
            "enabled": True,
        }
        for service_type, _, path in _present()
        for owner in [stable_hex_id("service", service_type)]
        if service_id in (None, owner)
        for region in regions
        if region_id in (None, region)
    ]
