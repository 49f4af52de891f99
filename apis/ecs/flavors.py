"""The flavor catalogue: a data file of series, with vCPUs and RAM derived from each name.

A name reads `<series><generation>.<size>.<GiB of RAM per vCPU>` (`s3.large.2`: 2 vCPUs,
4 GiB). On Flexible Engine a flavor's id is its name. Whether a flavor is sold in an AZ is the
series' status for that AZ (`cond:operation:az`).
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from emulator.errors import BadRequest, NotFound
from emulator.topology import Region

ON_SALE = ("normal", "promotion")
LOCAL_DISK_GB = 1675  # 1.8 TB disks, 1675 GB usable once formatted
_NAME = re.compile(
    r"^(?P<series>[a-z]+\d+)\.(?P<size>small|medium|large|(?P<n>\d*)xlarge)\.(?P<per_cpu>\d+)$"
)
_FIXED_SIZES = {"small": 1, "medium": 1, "large": 2}


@dataclass(frozen=True)
class Flavor:
    name: str
    size: str
    vcpus: int
    ram_mb: int
    performance_type: str
    resource_type: str
    zone_status: Mapping[str, str]
    bandwidth_mbps: int
    local_disks: int

    @property
    def id(self) -> str:
        return self.name

    @property
    def disk_gb(self) -> int:
        """0: the system disk is an EVS volume, sized at creation."""
        return 0

    @property
    def series(self) -> str:
        return self.name.split(".")[0]

    @property
    def has_local_disks(self) -> bool:
        return self.local_disks > 0

    def usage(self, count: int = 1) -> dict[str, int]:
        """The quota amounts of `count` servers of this flavor."""
        return {"instances": count, "cores": self.vcpus * count, "ram": self.ram_mb * count}

    @property
    def max_nics(self) -> int:
        return 2 if self.vcpus <= 2 else 4

    def status_in(self, region: Region, zone: str) -> str:
        letter = zone[len(region.id) :] if zone.startswith(region.id) else zone
        return self.zone_status.get(letter, "normal")

    def sold_in(self, region: Region, zone: str) -> bool:
        return zone in region.zones and self.status_in(region, zone) in ON_SALE

    def extra_specs(self, region: Region) -> dict[str, str]:
        zones = ",".join(f"{zone}({self.status_in(region, zone)})" for zone in region.zones)
        specs = {
            "ecs:performancetype": self.performance_type,
            "ecs:generation": self.series,
            "ecs:virtualization_env_types": "CloudCompute",
            "resource_type": self.resource_type,
            "cond:operation:status": "normal",
            "cond:operation:az": zones,
            "instance_vnic:type": "enhanced",
            "instance_vnic:instance_bandwidth": str(self.bandwidth_mbps),
            "instance_vnic:max_count": str(self.max_nics),
            "quota:max_rate": str(self.bandwidth_mbps),
        }
        if self.has_local_disks:
            specs["quota:local_disk"] = f"HDD:{self.local_disks}:{LOCAL_DISK_GB}:True"
        return specs


def vcpus_of(size: str) -> int:
    if size in _FIXED_SIZES:
        return _FIXED_SIZES[size]
    multiple = size.removesuffix("xlarge")
    return 4 * (int(multiple) if multiple else 1)


def parse_name(name: str) -> tuple[str, str, int, int]:
    """(series, size, vcpus, ram in MB) of a flavor name, by the naming rule."""
    match = _NAME.match(name)
    if match is None:
        raise ValueError(f"flavor name {name!r} does not follow <series>.<size>.<ram per vCPU>")
    vcpus = vcpus_of(match["size"])
    return match["series"], match["size"], vcpus, vcpus * int(match["per_cpu"]) * 1024


@cache
def catalogue() -> dict[str, Flavor]:
    """Every flavor by id, in the order of the data file."""
    raw = json.loads(resources.files("apis.ecs").joinpath("data/flavors.json").read_text())
    flavors: dict[str, Flavor] = {}
    for series_name, series in raw["series"].items():
        for name in series["flavors"]:
            series_of_name, size, vcpus, ram_mb = parse_name(name)
            if series_of_name != series_name:
                raise ValueError(f"flavor {name} is listed under series {series_name}")
            flavors[name] = Flavor(
                name=name,
                size=size,
                vcpus=vcpus,
                ram_mb=ram_mb,
                performance_type=series["performancetype"],
                resource_type=series["resource_type"],
                zone_status=series["zones"],
                bandwidth_mbps=series["bandwidth"][size],
                local_disks=series.get("local_disks", {}).get(size, 0),
            )
    return flavors


def get(flavor_id: str) -> Flavor:
    """A flavor by id (its name)."""
    flavor = catalogue().get(flavor_id)
    if flavor is None:
        raise NotFound(f"Flavor {flavor_id} could not be found.")
    return flavor


def listed(
    *,
    min_ram: int = 0,
    min_disk: int = 0,
    zone: str | None = None,
    region: Region | None = None,
) -> list[Flavor]:
    """Flavors sorted by id, filtered as Nova's minRam/minDisk and the native AZ filter do."""
    if min_ram < 0 or min_disk < 0:
        raise BadRequest("minRam and minDisk must be non-negative integers.")
    chosen = [
        flavor
        for flavor in catalogue().values()
        if flavor.ram_mb >= min_ram and flavor.disk_gb >= min_disk
    ]
    if zone is not None and region is not None:
        chosen = [flavor for flavor in chosen if flavor.sold_in(region, zone)]
    return sorted(chosen, key=lambda flavor: flavor.id)
