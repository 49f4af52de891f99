"""Reserved-instance rules applied to one month of usage.

From the first day of the calendar month after subscription until the term ends (or until the
month of cancellation), each month the subscription covers the server of its flavor, in its
region and account, with the largest consumption that month; the other servers stay
pay-as-you-go. The fees are fixed at subscription: a monthly fee for each covered month, or
the whole term up front in the month of subscription; cancelling before the term ends costs
12% of the amount due over the initial term.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from emulator.billing.models import ReservedInstance
from emulator.billing.months import Month, add_months, month_of
from emulator.billing.rating import UsageKey, money

INSTANCE_METER = "ecs.instance_hours"
HOURS_PER_MONTH = Decimal(730)
CANCELLATION_RATE = Decimal("0.12")


@dataclass(frozen=True)
class Fee:
    kind: str  # "monthly_fee", "upfront_fee", "cancellation_fee"
    unit: str
    amount: Decimal


def coverage_start(reservation: ReservedInstance) -> datetime:
    return month_of(reservation.subscribed_at).end


def term_end(reservation: ReservedInstance) -> datetime:
    return add_months(coverage_start(reservation), 12 * reservation.term_years)


def term_amount(reservation: ReservedInstance) -> Decimal:
    return reservation.monthly_fee * 12 * reservation.term_years


def cancellation_fee(reservation: ReservedInstance) -> Decimal:
    return money(term_amount(reservation) * CANCELLATION_RATE)


def covers(reservation: ReservedInstance, month: Month) -> bool:
    end = term_end(reservation)
    if reservation.cancelled_at is not None:
        end = min(end, month_of(reservation.cancelled_at).start)
    return coverage_start(reservation) <= month.start < end


def flavor_in(reservation: ReservedInstance, month: Month) -> str:
    """The flavor in force on the first day of the month (a change counts from the next one)."""
    flavor = reservation.flavors[0]["flavor"]
    for change in reservation.flavors[1:]:
        if datetime.fromisoformat(change["from"]) <= month.start:
            flavor = change["flavor"]
    return str(flavor)


def fees(reservation: ReservedInstance, month: Month) -> list[Fee]:
    due: list[Fee] = []
    if reservation.upfront and month.contains(reservation.subscribed_at):
        due.append(Fee("upfront_fee", "term", term_amount(reservation)))
    if not reservation.upfront and covers(reservation, month):
        due.append(Fee("monthly_fee", "month", reservation.monthly_fee))
    if reservation.cancelled_at is not None and month.contains(reservation.cancelled_at):
        due.append(Fee("cancellation_fee", "fee", cancellation_fee(reservation)))
    return due


def assign(
    reservations: list[ReservedInstance], used: dict[UsageKey, Decimal], month: Month
) -> dict[UsageKey, str]:
    """The instance-hour usage each subscription covers this month, by usage key."""
    covered: dict[UsageKey, str] = {}
    taken: set[tuple[str, str]] = set()  # (server, flavor) already covered
    for reservation in sorted(reservations, key=lambda r: (r.subscribed_at, r.id)):
        if not covers(reservation, month):
            continue
        flavor = flavor_in(reservation, month)
        consumption: dict[str, Decimal] = {}
        for key, quantity in used.items():
            eligible = (
                key.meter == INSTANCE_METER
                and key.unit_class == flavor
                and key.region == reservation.region
                and (key.resource_id, flavor) not in taken
            )
            if eligible:
                consumption[key.resource_id] = consumption.get(key.resource_id, 0) + quantity
        if not consumption:
            continue
        server = max(sorted(consumption), key=lambda resource_id: consumption[resource_id])
        taken.add((server, flavor))
        for key in used:
            if (
                key.meter == INSTANCE_METER
                and key.unit_class == flavor
                and key.resource_id == server
            ):
                covered[key] = reservation.id
    return covered
