"""Usage intervals measured inside a month, then priced: quantities per resource and meter."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from emulator.billing.meters import CATALOGUE
from emulator.billing.months import hours_between
from emulator.billing.prices import PriceTable
from state.models import UsageInterval

CENT = Decimal("0.01")


def money(amount: Decimal) -> Decimal:
    """The one rounding rule of bills: to the cent, half up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, order=True)
class UsageKey:
    project_id: str
    region: str
    service: str
    resource_type: str
    resource_id: str
    meter: str
    unit_class: str


@dataclass(frozen=True)
class Line:
    key: UsageKey
    quantity: Decimal
    unit: str
    unit_price: Decimal
    reserved_instance: str | None = None

    @property
    def amount(self) -> Decimal:
        return money(self.quantity * self.unit_price)


@dataclass(frozen=True)
class Unpriced:
    key: UsageKey
    quantity: Decimal
    reason: str


def measure(
    intervals: Iterable[UsageInterval], start: datetime, cut: datetime, home_region: str
) -> dict[UsageKey, Decimal]:
    """Each resource's use of each meter and class in [start, cut), in the meter's priced unit.

    A meter missing from the catalogue is measured by time, as most are, so that it can be
    reported with its quantity.
    """
    used: dict[UsageKey, Decimal] = {}
    for interval in intervals:
        key = UsageKey(
            interval.project_id,
            interval.region or home_region,
            interval.service,
            interval.resource_type,
            interval.resource_id,
            interval.meter,
            interval.unit_class,
        )
        meter = CATALOGUE.get(interval.meter)
        quantity = interval.quantity / (meter.scale if meter else 1)
        measure = meter.measure if meter else "time"
        if measure == "count":
            if start <= interval.started_at < cut:
                used[key] = used.get(key, Decimal(0)) + quantity
        elif measure == "monthly":
            if interval.started_at < cut and (interval.ended_at or cut) > start:
                used[key] = max(used.get(key, Decimal(0)), quantity)
        else:
            end = min(interval.ended_at or cut, cut)
            hours = hours_between(max(interval.started_at, start), end)
            if hours:
                used[key] = used.get(key, Decimal(0)) + quantity * hours
    return used


def price(used: dict[UsageKey, Decimal], prices: PriceTable) -> tuple[list[Line], list[Unpriced]]:
    """Lines for the usage the table prices; the rest, with the reason, for the bill to show."""
    lines: list[Line] = []
    unpriced: list[Unpriced] = []
    for key in sorted(used):
        meter = CATALOGUE.get(key.meter)
        unit_price = prices.price(key.region, key.meter, key.unit_class) if meter else None
        if meter is None:
            unpriced.append(Unpriced(key, used[key], f"unknown meter {key.meter}"))
        elif unit_price is None:
            reason = f"no price for {key.meter} class {key.unit_class!r} in region {key.region}"
            unpriced.append(Unpriced(key, used[key], reason))
        else:
            lines.append(Line(key, used[key], meter.unit, unit_price))
    return lines, unpriced
