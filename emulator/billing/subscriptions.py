"""Subscribing to, changing and cancelling reserved instances; bad requests store nothing."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from emulator import ids
from emulator.billing.meters import TERMS_YEARS
from emulator.billing.models import ReservedInstance
from emulator.billing.months import month_of
from emulator.billing.prices import PriceTable
from emulator.billing.rating import money
from emulator.billing.reserved import HOURS_PER_MONTH, INSTANCE_METER, term_end
from emulator.errors import BadRequest, Conflict, NotFound
from state.models import Domain, Project


def family(flavor: str) -> str:
    """The series of a flavor name (s3.large.2 -> s3): a flexible subscription stays in it."""
    return flavor.split(".")[0]


def _hourly_price(prices: PriceTable, region: str, flavor: str) -> Decimal:
    hourly = prices.price(region, INSTANCE_METER, flavor)
    if hourly is None:
        raise BadRequest(f"Unknown flavor {flavor!r} in region {region}: it has no price.")
    return hourly


def _region_project(tx: Session, account: Domain, region: str, prices: PriceTable) -> Project:
    project = tx.scalar(
        select(Project).where(Project.domain_id == account.id, Project.name == region)
    )
    if project is None or region not in prices.regions:
        raise BadRequest(f"Unknown region {region!r} for account {account.name}.")
    return project


def subscribe(
    tx: Session,
    prices: PriceTable,
    *,
    account: Domain,
    region: str,
    flavor: str,
    term_years: int,
    upfront: bool,
    flexible: bool,
    now: datetime,
) -> ReservedInstance:
    if term_years not in TERMS_YEARS:
        terms = ", ".join(map(str, TERMS_YEARS))
        raise BadRequest(f"A reserved instance's term is {terms} years, not {term_years}.")
    project = _region_project(tx, account, region, prices)
    discount = prices.reserved_discount(region, term_years)
    monthly_fee = money(_hourly_price(prices, region, flavor) * HOURS_PER_MONTH * (1 - discount))
    reservation = ReservedInstance(
        id=ids.uuid_id(),
        domain_id=account.id,
        project_id=project.id,
        region=region,
        flavors=[{"from": now.isoformat(), "flavor": flavor}],
        term_years=term_years,
        upfront=upfront,
        flexible=flexible,
        monthly_fee=monthly_fee,
        subscribed_at=now,
        cancelled_at=None,
    )
    tx.add(reservation)
    tx.flush()
    return reservation


def find(tx: Session, reservation_id: str) -> ReservedInstance:
    reservation = tx.get(ReservedInstance, reservation_id)
    if reservation is None:
        raise NotFound(f"Reserved instance {reservation_id} does not exist.")
    return reservation


def _in_term(reservation: ReservedInstance, now: datetime) -> None:
    if reservation.cancelled_at is not None:
        raise Conflict(f"Reserved instance {reservation.id} is already cancelled.")
    if now >= term_end(reservation):
        raise Conflict(f"Reserved instance {reservation.id} has reached its term end.")


def cancel(reservation: ReservedInstance, now: datetime) -> None:
    _in_term(reservation, now)
    reservation.cancelled_at = now


def change_flavor(
    prices: PriceTable, reservation: ReservedInstance, flavor: str, now: datetime
) -> None:
    """A flexible subscription covers `flavor` from the first day of the next month."""
    _in_term(reservation, now)
    if not reservation.flexible:
        raise BadRequest(f"Reserved instance {reservation.id} is not flexible.")
    current = reservation.flavors[-1]["flavor"]
    if family(flavor) != family(current):
        raise BadRequest(
            f"A flexible reservation of {current} changes only within its family "
            f"{family(current)}, not to {flavor}."
        )
    _hourly_price(prices, reservation.region, flavor)
    effective = month_of(now).end.isoformat()
    kept = [change for change in reservation.flavors if change["from"] != effective]
    reservation.flavors = [*kept, {"from": effective, "flavor": flavor}]
