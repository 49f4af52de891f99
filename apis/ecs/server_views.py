"""Servers as Nova and the native ECS API print them."""

import functools
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from apis.ecs import flavors, server_tags, states
from apis.ecs.details import Facts
from apis.ecs.microversions import Microversion
from apis.ecs.models import Server
from apis.vpc import operations as vpc
from apis.vpc.models import Port
from emulator.clock import iso_seconds
from emulator.topology import Region


def _links(base: str, project_id: str, server_id: str) -> list[dict[str, str]]:
    return [
        {"rel": "self", "href": f"{base}/v2.1/{project_id}/servers/{server_id}"},
        {"rel": "bookmark", "href": f"{base}/{project_id}/servers/{server_id}"},
    ]


def _host_id(server: Server) -> str:
    return _digest(server.project_id, server.availability_zone)


@functools.lru_cache(maxsize=1024)
def _digest(project_id: str, zone: str) -> str:
    return hashlib.sha224(f"{project_id}{zone}".encode()).hexdigest()


def disk_config(auto: bool) -> str:
    return "AUTO" if auto else "MANUAL"


def nova_ips(facts: Facts) -> dict[str, list[dict[str, Any]]]:
    """Addresses as Nova's ips resource and update answer show them: version and address."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for address in facts.addresses:
        item = {"version": address.version, "addr": address.ip_address}
        grouped.setdefault(address.vpc_id, []).append(item)
    return grouped


def _addresses(facts: Facts, *, native: bool) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for address in facts.addresses:
        item: dict[str, Any] = {
            "version": str(address.version) if native else address.version,
            "addr": address.ip_address,
            "OS-EXT-IPS:type": address.kind,
            "OS-EXT-IPS-MAC:mac_addr": address.mac_address,
        }
        if native:
            item["OS-EXT-IPS:port_id"] = address.port_id
        grouped.setdefault(address.vpc_id, []).append(item)
    return grouped


def _tag_strings(facts: Facts) -> list[str]:
    return [f"{key}={value}" for key, value in sorted(facts.tags.items())]


def nova_link(server: Server, base: str) -> dict[str, Any]:
    return {
        "id": server.id,
        "name": server.name,
        "links": _links(base, server.project_id, server.id),
    }


@dataclass(frozen=True)
class _NovaShape:
    """What a microversion changes in a Nova server, decided once per version."""

    flavor_embedded: bool  # 2.47: the flavor's fields instead of a link to it
    delete_flag: bool  # 2.3: volumes_attached carry delete_on_termination
    extended_attributes: bool  # 2.3: hostname, reservation_id, user_data ...
    locked: bool  # 2.9
    host_status: bool  # 2.16
    description: bool  # 2.19
    tags: bool  # 2.26


@functools.lru_cache(maxsize=64)
def _shape(version: Microversion) -> _NovaShape:
    return _NovaShape(
        flavor_embedded=version.at_least("2.47"),
        delete_flag=version.at_least("2.3"),
        extended_attributes=version.at_least("2.3"),
        locked=version.at_least("2.9"),
        host_status=version.at_least("2.16"),
        description=version.at_least("2.19"),
        tags=version.at_least("2.26"),
    )


class _Stamps(dict[Any, str | None]):
    """Timestamps as printed, each distinct one formatted once per page (servers made by one
    request share theirs)."""

    def __missing__(self, value: Any) -> str | None:
        printed = self[value] = iso_seconds(value)
        return printed


def _common(server: Server, stamps: _Stamps | None = None) -> dict[str, Any]:
    stamps = _Stamps() if stamps is None else stamps
    return {
        "id": server.id,
        "name": server.name,
        "status": server.status,
        "tenant_id": server.project_id,
        "user_id": server.user_id,
        "metadata": dict(server.metadata_),
        "hostId": _host_id(server),
        "created": stamps[server.created_at],
        "updated": stamps[server.updated_at],
        "key_name": server.key_name,
        "accessIPv4": server.access_ipv4,
        "accessIPv6": server.access_ipv6,
        "OS-DCF:diskConfig": disk_config(server.auto_disk_config),
        "progress": 0 if server.status == "BUILD" else 100,
        "config_drive": "",
        "OS-EXT-AZ:availability_zone": server.availability_zone,
        "OS-EXT-STS:vm_state": states.vm_state(server),
        "OS-EXT-STS:task_state": server.task_state,
        "OS-EXT-STS:power_state": server.power_state,
        "OS-SRV-USG:launched_at": stamps[server.launched_at],
        "OS-SRV-USG:terminated_at": None,
    }


_HOSTNAME_SEPARATORS = re.compile(r"[ _.]")
_HOSTNAME_REFUSED = re.compile(r"[^\w.-]+")


@functools.lru_cache(maxsize=4096)
def hostname(name: str) -> str:
    """Nova's hostname of a server name: spaces, dots and underscores become hyphens, other
    characters outside letters, digits and hyphens go, lower case, at most 63 characters."""
    cleaned = _HOSTNAME_REFUSED.sub("", _HOSTNAME_SEPARATORS.sub("-", name[:63]))
    cleaned = cleaned.lower().strip(".-")
    return cleaned or "server"


def _add_extended_attributes(body: dict[str, Any], server: Server, *, full: bool) -> None:
    """OS-EXT-SRV-ATTR: the host fields always, the rest from microversion 2.3."""
    host = _host_id(server)[:12]
    body["OS-EXT-SRV-ATTR:host"] = body["OS-EXT-SRV-ATTR:hypervisor_hostname"] = host
    body["OS-EXT-SRV-ATTR:instance_name"] = f"instance-{server.id[:8]}"
    if full:
        body["OS-EXT-SRV-ATTR:hostname"] = hostname(server.name)
        body["OS-EXT-SRV-ATTR:reservation_id"] = server.reservation_id
        body["OS-EXT-SRV-ATTR:launch_index"] = 0
        body["OS-EXT-SRV-ATTR:kernel_id"] = body["OS-EXT-SRV-ATTR:ramdisk_id"] = ""
        body["OS-EXT-SRV-ATTR:root_device_name"] = "/dev/vda"
        body["OS-EXT-SRV-ATTR:user_data"] = server.user_data


@functools.lru_cache(maxsize=1024)
def _embedded_flavor(flavor_id: str, region: Region) -> dict[str, Any]:
    """A flavor as 2.47 embeds it in a server, extra specs included; views only read it."""
    flavor = flavors.get(flavor_id)
    return {
        "original_name": flavor.name,
        "vcpus": flavor.vcpus,
        "ram": flavor.ram_mb,
        "disk": flavor.disk_gb,
        "ephemeral": 0,
        "swap": 0,
        "extra_specs": flavor.extra_specs(region),
    }


def _nova_flavor(server: Server, shape: _NovaShape, base: str, region: Region) -> dict[str, Any]:
    if shape.flavor_embedded:
        return _embedded_flavor(server.flavor_id, region)
    flavor = flavors.get(server.flavor_id)
    href = f"{base}/{server.project_id}/flavors/{flavor.id}"
    return {"id": flavor.id, "links": [{"rel": "bookmark", "href": href}]}


# Nova shows a server's progress in these statuses only.
_PROGRESS_STATUSES = frozenset(
    ("ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING")
)


def _nova_body(
    server: Server, facts: Facts, shape: _NovaShape, base: str, region: Region, stamps: _Stamps
) -> dict[str, Any]:
    body = _common(server, stamps)
    if server.status not in _PROGRESS_STATUSES:
        del body["progress"]
    image: Any = ""
    if server.image_id:
        href = f"{base}/{server.project_id}/images/{server.image_id}"
        image = {"id": server.image_id, "links": [{"rel": "bookmark", "href": href}]}
    body["image"] = image
    body["flavor"] = _nova_flavor(server, shape, base, region)
    body["addresses"] = _addresses(facts, native=False)
    body["links"] = _links(base, server.project_id, server.id)
    if facts.groups:  # Nova leaves the key out for a server in no group
        body["security_groups"] = [{"name": name} for _, name in facts.groups]
    _add_extended_attributes(body, server, full=shape.extended_attributes)
    body["os-extended-volumes:volumes_attached"] = (
        [
            {"id": row.volume_id, "delete_on_termination": row.delete_on_termination}
            for row in facts.volumes
        ]
        if shape.delete_flag
        else [{"id": row.volume_id} for row in facts.volumes]
    )
    if shape.host_status:
        body["host_status"] = "UP"  # every emulated host is up
    if shape.locked:
        body["locked"] = server.locked
    if shape.description:
        body["description"] = server.description or None
    if shape.tags:
        body["tags"] = server_tags.as_strings(facts.tags)
    return body


def nova_servers(
    servers: list[Server],
    facts: dict[str, Facts],
    version: Microversion,
    base: str,
    region: Region,
) -> list[dict[str, Any]]:
    """A page of servers (ORM rows or plain rows of their columns) of one region: what the
    microversion decides and each timestamp's text worked out once for the page."""
    shape = _shape(version)
    stamps = _Stamps()
    return [_nova_body(server, facts[server.id], shape, base, region, stamps) for server in servers]


def nova_server(
    server: Server, facts: Facts, version: Microversion, base: str, region: Region
) -> dict[str, Any]:
    return _nova_body(server, facts, _shape(version), base, region, _Stamps())


# What a GET shows and the answer to an update (PUT) leaves out before microversion 2.75:
# availability zone, config drive, host, key name, states, usage, security groups, volumes.
_NOT_IN_UPDATE_VIEW = (
    "OS-EXT-AZ:availability_zone",
    "config_drive",
    "host_status",
    "key_name",
    "OS-EXT-STS:vm_state",
    "OS-EXT-STS:task_state",
    "OS-EXT-STS:power_state",
    "OS-SRV-USG:launched_at",
    "OS-SRV-USG:terminated_at",
    "security_groups",
    "os-extended-volumes:volumes_attached",
)


def nova_server_updated(
    server: Server, facts: Facts, version: Microversion, base: str, region: Region
) -> dict[str, Any]:
    """A server as Nova's update answers it: the basic view, addresses without their type and
    MAC address."""
    body = nova_server(server, facts, version, base, region)
    for key in _NOT_IN_UPDATE_VIEW:
        body.pop(key, None)
    for key in [k for k in body if k.startswith("OS-EXT-SRV-ATTR:")]:
        del body[key]
    body["addresses"] = nova_ips(facts)
    return body


def native_server(server: Server, facts: Facts, image_name: str) -> dict[str, Any]:
    flavor = flavors.get(server.flavor_id)
    body = _common(server)
    body.update(
        image={"id": server.image_id},
        flavor={
            "id": flavor.id,
            "name": flavor.name,
            "vcpus": str(flavor.vcpus),
            "ram": str(flavor.ram_mb),
            "disk": str(flavor.disk_gb),
        },
        addresses=_addresses(facts, native=True),
        security_groups=[{"id": gid, "name": name} for gid, name in facts.groups],
        description=server.description,
        locked=server.locked,
        tags=_tag_strings(facts),
        enterprise_project_id="0",
        sys_tags=[],
    )
    body["metadata"] = {
        **server.metadata_,
        "image_name": image_name,
        "vpc_id": server.vpc_id or "",
        "charging_mode": "0",
        "metering.image_id": server.image_id,
    }
    body["os-extended-volumes:volumes_attached"] = [
        {
            "id": row.volume_id,
            "delete_on_termination": str(row.delete_on_termination),
            "bootIndex": str(row.boot_index) if row.boot_index is not None else "",
            "device": row.device,
        }
        for row in facts.volumes
    ]
    body["OS-EXT-SRV-ATTR:reservation_id"] = server.reservation_id
    body["OS-EXT-SRV-ATTR:hostname"] = hostname(server.name)
    body["OS-EXT-SRV-ATTR:root_device_name"] = "/dev/vda"
    return body


def interface_view(tx: Session, port_id: str) -> dict[str, Any]:
    port = tx.get(Port, port_id)
    fixed = vpc.fixed_ips(tx, [port_id])[port_id]
    return {
        "port_id": port_id,
        "net_id": port.network_id if port else "",
        "mac_addr": port.mac_address if port else "",
        "port_state": port.status if port else "DOWN",
        "fixed_ips": [{"subnet_id": ip.subnet_id, "ip_address": ip.ip_address} for ip in fixed],
    }
