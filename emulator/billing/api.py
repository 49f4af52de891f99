"""The billing part of the admin API: bills, meters, reserved instances and budgets."""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from emulator import metering
from emulator.billing import bills, budgets, reserved, subscriptions
from emulator.billing.meters import CATALOGUE
from emulator.billing.models import Budget, ReservedInstance
from emulator.clock import iso_seconds
from emulator.context import emulator_of
from emulator.errors import NotFound
from state.models import Project

if TYPE_CHECKING:
    from emulator.app import Emulator


def routes(router: APIRouter) -> None:
    """Add the billing endpoints to the admin router (already behind the admin token)."""
    for path, method, endpoint in (
        ("/prices", "GET", show_prices),
        ("/bills", "GET", show_bill),
        ("/meters", "GET", list_meters),
        ("/reserved-instances", "POST", subscribe),
        ("/reserved-instances", "GET", list_reserved_instances),
        ("/reserved-instances/{reservation_id}", "GET", show_reserved_instance),
        ("/reserved-instances/{reservation_id}", "PATCH", change_reserved_instance),
        ("/reserved-instances/{reservation_id}/cancel", "POST", cancel_reserved_instance),
        ("/budgets/{account}", "PUT", set_budget),
        ("/budgets/{account}", "GET", show_budget),
        ("/budgets/{account}", "DELETE", delete_budget),
    ):
        status = 201 if endpoint is subscribe else 204 if method == "DELETE" else 200
        router.add_api_route(path, endpoint, methods=[method], status_code=status)


def check_budgets(emulator: "Emulator") -> None:
    """Record the alerts of every budget crossed by now (called when the clock moves)."""
    with emulator.db.transaction() as tx:
        budgets.check_all(
            tx, emulator.prices, emulator.clock.now(), emulator.settings.default_region
        )


# Prices, bills and meters --------------------------------------------------------------------


async def show_prices(request: Request) -> dict[str, Any]:
    """The meters the emulator can rate, with their units, and the price table in force."""
    table = emulator_of(request).prices
    return {
        "source": table.source,
        "currency": bills.CURRENCY,
        "meters": [
            {
                "meter": meter.name,
                "service": meter.service,
                "measure": meter.measure,
                "unit": meter.unit,
                "description": meter.description,
            }
            for meter in CATALOGUE.values()
        ],
        "prices": [
            {"region": region, "meter": meter, "class": unit_class, "price": str(price)}
            for (region, meter, unit_class), price in table.rows.items()
        ],
    }


async def show_bill(request: Request, account: str, month: str) -> dict[str, Any]:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        return bills.build(
            tx,
            emulator.prices,
            account,
            month,
            emulator.clock.now(),
            emulator.settings.default_region,
        )


def _interval_view(interval: Any) -> dict[str, Any]:
    return {
        "project_id": interval.project_id,
        "region": interval.region,
        "service": interval.service,
        "resource_type": interval.resource_type,
        "resource_id": interval.resource_id,
        "meter": interval.meter,
        "class": interval.unit_class,
        "quantity": str(interval.quantity),
        "started_at": iso_seconds(interval.started_at),
        "ended_at": iso_seconds(interval.ended_at),
    }


async def list_meters(
    request: Request, account: str | None = None, month: str | None = None
) -> dict[str, Any]:
    """The raw usage intervals, of one account and month if asked."""
    emulator = emulator_of(request)
    now = emulator.clock.now()
    with emulator.db.transaction() as tx:
        project_ids = None
        if account is not None:
            domain = bills.find_account(tx, account)
            project_ids = list(tx.scalars(select(Project.id).where(Project.domain_id == domain.id)))
        window = bills.billed_month(month, now) if month is not None else None
        intervals = metering.intervals(
            tx,
            project_ids=project_ids,
            since=window.start if window else None,
            until=window.end if window else None,
        )
        return {"meters": [_interval_view(interval) for interval in intervals]}


# Reserved instances ----------------------------------------------------------------------------


class ReservedInstanceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account: str
    region: str
    flavor: str
    term_years: int
    upfront: bool = False
    flexible: bool = False


class ReservedInstanceChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    flavor: str


def _reservation_view(tx: Any, reservation: ReservedInstance) -> dict[str, Any]:
    account = bills.find_account(tx, reservation.domain_id)
    return {
        "id": reservation.id,
        "account": account.name,
        "project_id": reservation.project_id,
        "region": reservation.region,
        "flavor": reservation.flavors[-1]["flavor"],
        "flavors": reservation.flavors,
        "term_years": reservation.term_years,
        "upfront": reservation.upfront,
        "flexible": reservation.flexible,
        "monthly_fee": str(reservation.monthly_fee),
        "term_amount": str(reserved.term_amount(reservation)),
        "subscribed_at": iso_seconds(reservation.subscribed_at),
        "coverage_start": iso_seconds(reserved.coverage_start(reservation)),
        "term_end": iso_seconds(reserved.term_end(reservation)),
        "cancelled_at": iso_seconds(reservation.cancelled_at),
        "cancellation_fee": (
            str(reserved.cancellation_fee(reservation)) if reservation.cancelled_at else None
        ),
    }


async def subscribe(request: Request, body: ReservedInstanceCreate) -> dict[str, Any]:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        reservation = subscriptions.subscribe(
            tx,
            emulator.prices,
            account=bills.find_account(tx, body.account),
            region=body.region,
            flavor=body.flavor,
            term_years=body.term_years,
            upfront=body.upfront,
            flexible=body.flexible,
            now=emulator.clock.now(),
        )
        return {"reserved_instance": _reservation_view(tx, reservation)}


async def list_reserved_instances(request: Request, account: str | None = None) -> dict[str, Any]:
    with emulator_of(request).db.transaction() as tx:
        query = select(ReservedInstance).order_by(ReservedInstance.subscribed_at)
        if account is not None:
            query = query.where(ReservedInstance.domain_id == bills.find_account(tx, account).id)
        return {"reserved_instances": [_reservation_view(tx, r) for r in tx.scalars(query)]}


async def show_reserved_instance(request: Request, reservation_id: str) -> dict[str, Any]:
    with emulator_of(request).db.transaction() as tx:
        reservation = subscriptions.find(tx, reservation_id)
        return {"reserved_instance": _reservation_view(tx, reservation)}


async def change_reserved_instance(
    request: Request, reservation_id: str, body: ReservedInstanceChange
) -> dict[str, Any]:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        reservation = subscriptions.find(tx, reservation_id)
        subscriptions.change_flavor(emulator.prices, reservation, body.flavor, emulator.clock.now())
        return {"reserved_instance": _reservation_view(tx, reservation)}


async def cancel_reserved_instance(request: Request, reservation_id: str) -> dict[str, Any]:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        reservation = subscriptions.find(tx, reservation_id)
        subscriptions.cancel(reservation, emulator.clock.now())
        return {"reserved_instance": _reservation_view(tx, reservation)}


# Budgets ---------------------------------------------------------------------------------------


class BudgetSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    monthly_limit: Decimal
    thresholds: list[int] = Field(default_factory=lambda: [50, 80, 100])


def _budget_view(tx: Any, budget: Budget) -> dict[str, Any]:
    account = bills.find_account(tx, budget.domain_id)
    return {
        "account": account.name,
        "monthly_limit": str(budget.monthly_limit),
        "currency": bills.CURRENCY,
        "thresholds": budget.thresholds,
        "alerts": [
            {
                "month": alert.month,
                "threshold": alert.threshold,
                "limit": str(alert.limit),
                "amount": str(alert.amount),
                "recorded_at": iso_seconds(alert.recorded_at),
            }
            for alert in budgets.alerts_of(tx, account)
        ],
    }


def _budget_of(tx: Any, account: str) -> Budget:
    domain = bills.find_account(tx, account)
    budget = tx.get(Budget, domain.id)
    if budget is None:
        raise NotFound(f"Account {domain.name} has no budget.")
    return budget


async def set_budget(request: Request, account: str, body: BudgetSet) -> dict[str, Any]:
    emulator = emulator_of(request)
    now = emulator.clock.now()
    with emulator.db.transaction() as tx:
        domain = bills.find_account(tx, account)
        budget = budgets.set_budget(tx, domain, body.monthly_limit, body.thresholds, now)
        budgets.check(tx, emulator.prices, budget, now, emulator.settings.default_region)
        return {"budget": _budget_view(tx, budget)}


async def show_budget(request: Request, account: str) -> dict[str, Any]:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        budget = _budget_of(tx, account)
        budgets.check(
            tx, emulator.prices, budget, emulator.clock.now(), emulator.settings.default_region
        )
        return {"budget": _budget_view(tx, budget)}


async def delete_budget(request: Request, account: str) -> Response:
    with emulator_of(request).db.transaction() as tx:
        budgets.delete_budget(tx, _budget_of(tx, account))
    return Response(status_code=204)
