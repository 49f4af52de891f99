"""The volume types of Flexible Engine and their performance (service description 6.2.1).

Every type is offered in every AZ of a region; its ids are stable across restarts.
"""

from dataclasses import dataclass

from apis.evs import errors
from emulator.errors import NotFound
from emulator.ids import stable_hex_id


@dataclass(frozen=True)
class VolumeType:
    name: str
    description: str
    max_iops: int
    max_throughput_mbps: int
    latency_ms: str

    @property
    def id(self) -> str:
        raw = stable_hex_id("evs-volume-type", self.name)
        return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


TYPES: tuple[VolumeType, ...] = (
    VolumeType("SATA", "Common I/O (standard)", 1000, 40, "10-15"),
    VolumeType("SAS", "High I/O", 5000, 150, "3-5"),
    VolumeType("SSD", "Ultra-high I/O", 20000, 350, "1-3"),
)
_BY_KEY = {key: vtype for vtype in TYPES for key in (vtype.name, vtype.id)}


def find(name_or_id: str) -> VolumeType:
    try:
        return _BY_KEY[name_or_id]
    except KeyError:
        # Cinder's VolumeTypeNotFoundByName is a 404; the native API calls it a bad request.
        raise NotFound(
            f"Volume type with name {name_or_id} could not be found.",
            codes={"huawei": errors.INVALID_TYPE},
            statuses={"huawei": 400},
        ) from None


def get(type_id: str) -> VolumeType | None:
    return _BY_KEY.get(type_id)
