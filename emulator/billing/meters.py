"""Every meter a service writes, with how it is measured and the unit its price is per.

A service's meter is priced only if it is listed here; usage of a meter missing here is shown in
the bill as unpriced, never dropped. Measures:

- "time": quantity x hours of the interval inside the month (a volume's GB, an EIP's 1);
- "count": the quantity itself, for intervals that start in the month (requests, bytes out,
  counted per hour by the service);
- "monthly": a fixed fee per month in which the resource exists (the largest quantity).

`scale` converts the recorded quantity into the priced unit (bytes into GB).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Measure = Literal["time", "count", "monthly"]
GIB = Decimal(1024**3)


@dataclass(frozen=True)
class Meter:
    name: str
    service: str
    measure: Measure
    unit: str
    scale: Decimal = Decimal(1)
    description: str = ""


CATALOGUE: dict[str, Meter] = {
    meter.name: meter
    for meter in (
        Meter("vpc.eip_hours", "vpc", "time", "hour", description="EIP held, by IP type"),
        Meter(
            "vpc.bandwidth_mbit_hours",
            "vpc",
            "time",
            "Mbit/s-hour",
            description="bandwidth size, by share type (PER, WHOLE)",
        ),
        Meter("evs.volume_gb_hours", "evs", "time", "GB-hour", description="by volume type"),
        Meter("evs.snapshot_gb_hours", "evs", "time", "GB-hour", description="snapshot size"),
        Meter(
            "ecs.instance_hours",
            "ecs",
            "time",
            "hour",
            description="server by flavor: running, or every state for local-disk flavors",
        ),
        Meter(
            "ecs.licence_hours",
            "ecs",
            "time",
            "hour",
            description="licensed image of a billed server, by platform (Windows, RedHat, SUSE)",
        ),
        Meter("obs.stored_bytes", "obs", "time", "GB-hour", GIB, "by storage class"),
        Meter(
            "obs.requests",
            "obs",
            "count",
            "10,000 requests",
            Decimal(10_000),
            "by class and kind (STANDARD:read, COLD:write ...)",
        ),
        Meter("obs.transfer_out_bytes", "obs", "count", "GB", GIB, "bytes out to the Internet"),
        Meter("vbs.backup_gb_hours", "vbs", "time", "GB-hour", description="volume backups"),
        Meter("csbs.backup_gb_hours", "csbs", "time", "GB-hour", description="server backups"),
        Meter(
            "csbs.protected_servers",
            "csbs",
            "monthly",
            "server-month",
            description="fixed monthly fee per protected server",
        ),
    )
}

# Not a meter: the discount of a reserved instance on the pay-as-you-go price, by term ("1y").
RESERVED_DISCOUNT = "ecs.reserved_discount"
TERMS_YEARS = (1, 2, 3, 5)
