"""A month's bill of an account: line items per tenant (project) and region, subtotals per
service, totals, and the usage the price table could not rate."""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from emulator import metering
from emulator.billing import rating, reserved
from emulator.billing.models import ReservedInstance
from emulator.billing.months import Month, parse_month
from emulator.billing.prices import PriceTable
from emulator.billing.rating import Line, Unpriced, UsageKey
from emulator.clock import iso_seconds
from emulator.errors import BadRequest
from state.models import Domain, Project

CURRENCY = "EUR"
QUANTITY = Decimal("0.000001")


def find_account(tx: Session, name_or_id: str) -> Domain:
    account = tx.scalar(
        select(Domain).where((Domain.name == name_or_id) | (Domain.id == name_or_id))
    )
    if account is None:
        raise BadRequest(f"Unknown account {name_or_id!r}.")
    return account


def billed_month(text: str, now: datetime) -> Month:
    month = parse_month(text)
    if month.start > now:
        raise BadRequest(
            f"Unknown month {text}: it has not begun (the clock is at {iso_seconds(now)})."
        )
    return month


def home_region(projects: list[Project], default_region: str) -> str:
    """Where fees not tied to a region go: the default region if the account has it."""
    regions = sorted(project.region for project in projects)
    return default_region if default_region in regions else (regions or [default_region])[0]


def _fee_lines(reservations: list[ReservedInstance], month: Month) -> list[Line]:
    lines = []
    for reservation in reservations:
        for fee in reserved.fees(reservation, month):
            key = UsageKey(
                reservation.project_id,
                reservation.region,
                "ecs",
                "reserved_instance",
                reservation.id,
                f"ecs.reserved_instance.{fee.kind}",
                reserved.flavor_in(reservation, month),
            )
            lines.append(Line(key, Decimal(1), fee.unit, fee.amount))
    return lines


def rate(
    tx: Session,
    prices: PriceTable,
    account: Domain,
    month: Month,
    now: datetime,
    default_region: str,
) -> tuple[list[Line], list[Unpriced], list[Project]]:
    projects = list(tx.scalars(select(Project).where(Project.domain_id == account.id)))
    cut = min(month.end, now)
    intervals = metering.intervals(
        tx, project_ids=[p.id for p in projects], since=month.start, until=cut
    )
    used = rating.measure(intervals, month.start, cut, home_region(projects, default_region))
    reservations = list(
        tx.scalars(select(ReservedInstance).where(ReservedInstance.domain_id == account.id))
    )
    covered = reserved.assign(reservations, used, month)
    lines, unpriced = rating.price(used, prices)
    lines = [
        Line(line.key, line.quantity, line.unit, Decimal(0), covered[line.key])
        if line.key in covered
        else line
        for line in lines
    ]
    return lines + _fee_lines(reservations, month), unpriced, projects


def _line_view(line: Line) -> dict[str, Any]:
    key = line.key
    view = {
        "service": key.service,
        "resource_type": key.resource_type,
        "resource_id": key.resource_id,
        "meter": key.meter,
        "class": key.unit_class,
        "quantity": str(line.quantity.quantize(QUANTITY)),
        "unit": line.unit,
        "unit_price": str(line.unit_price),
        "amount": str(line.amount),
    }
    if line.reserved_instance:
        view["reserved_instance"] = line.reserved_instance
    return view


def _tenant_view(project: Project, lines: list[Line]) -> dict[str, Any]:
    subtotals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        subtotals[line.key.service] += line.amount
    return {
        "project_id": project.id,
        "project": project.name,
        "region": project.region,
        "lines": [_line_view(line) for line in lines],
        "subtotals": {service: str(amount) for service, amount in sorted(subtotals.items())},
        "total": str(sum(subtotals.values(), Decimal("0.00"))),
    }


def _unpriced_view(item: Unpriced) -> dict[str, Any]:
    key = item.key
    return {
        "project_id": key.project_id,
        "region": key.region,
        "resource_id": key.resource_id,
        "meter": key.meter,
        "class": key.unit_class,
        "quantity": str(item.quantity.quantize(QUANTITY)),
        "reason": item.reason,
    }


def total_of(lines: list[Line]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


def build(
    tx: Session,
    prices: PriceTable,
    account_name: str,
    month_text: str,
    now: datetime,
    default_region: str,
) -> dict[str, Any]:
    account = find_account(tx, account_name)
    month = billed_month(month_text, now)
    lines, unpriced, projects = rate(tx, prices, account, month, now, default_region)
    by_project: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        by_project[line.key.project_id].append(line)
    tenants = [
        _tenant_view(project, by_project[project.id])
        for project in sorted(projects, key=lambda p: (p.region, p.name))
        if by_project[project.id]
    ]
    return {
        "account": account.name,
        "month": month.name,
        "currency": CURRENCY,
        "period": {"start": iso_seconds(month.start), "end": iso_seconds(month.end)},
        "as_of": iso_seconds(min(now, month.end)),
        "final": now >= month.end,
        "prices": prices.source,
        "tenants": tenants,
        "unpriced": [_unpriced_view(item) for item in unpriced],
        "total": str(total_of(lines)),
    }
