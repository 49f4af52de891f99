"""Regions and availability zones: the shipped data file plus configured partner regions."""

import json
from dataclasses import dataclass
from importlib import resources

from emulator.errors import BadRequest


@dataclass(frozen=True)
class Region:
    id: str
    place: str
    zones: tuple[str, ...]
    description: str = ""
    # Restricted regions (SAP HANA) are refused to accounts not enabled for them.
    restricted: bool = False


class Topology:
    def __init__(self, regions: dict[str, Region], default: str):
        self.regions = regions
        self.default = default

    @classmethod
    def load(cls, extra: dict[str, list[str]], default: str) -> "Topology":
        raw = json.loads(resources.files("emulator").joinpath("data/regions.json").read_text())
        regions = {
            rid: Region(
                rid,
                spec["place"],
                tuple(spec["zones"]),
                spec.get("description", ""),
                spec.get("restricted", False),
            )
            for rid, spec in raw.items()
        }
        for rid, zones in extra.items():
            regions[rid] = Region(rid, "partner region", tuple(zones), "partner region")
        return cls(regions, default)

    def region(self, region_id: str) -> Region:
        try:
            return self.regions[region_id]
        except KeyError:
            raise BadRequest(f"Unknown region {region_id}.") from None

    def zone_region(self, zone: str) -> Region | None:
        for region in self.regions.values():
            if zone in region.zones:
                return region
        return None
