"""Monthly budgets of an account: a limit and thresholds in percent; crossing one records an
alert once per month. Checked whenever the clock moves and whenever the budget is read."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from emulator.billing import bills
from emulator.billing.models import Budget, BudgetAlert
from emulator.billing.months import month_of
from emulator.billing.prices import PriceTable
from emulator.billing.rating import money
from emulator.errors import BadRequest
from state.models import Domain


def set_budget(
    tx: Session, account: Domain, limit: Decimal, thresholds: list[int], now: datetime
) -> Budget:
    if not limit.is_finite() or limit <= 0:
        raise BadRequest(f"A budget's monthly limit must be a positive amount, not {limit}.")
    if not thresholds or any(not 0 < t <= 1000 for t in thresholds):
        raise BadRequest("Give at least one threshold, each a percentage from 1 to 1000.")
    budget = tx.get(Budget, account.id) or Budget(domain_id=account.id, created_at=now)
    budget.monthly_limit = money(limit)
    budget.thresholds = sorted(set(thresholds))
    tx.add(budget)
    tx.flush()
    return budget


def delete_budget(tx: Session, budget: Budget) -> None:
    """The budget and the alerts it recorded."""
    tx.execute(delete(BudgetAlert).where(BudgetAlert.domain_id == budget.domain_id))
    tx.delete(budget)


def alerts_of(tx: Session, account: Domain) -> list[BudgetAlert]:
    return list(
        tx.scalars(
            select(BudgetAlert)
            .where(BudgetAlert.domain_id == account.id)
            .order_by(BudgetAlert.month, BudgetAlert.threshold)
        )
    )


def check(
    tx: Session, prices: PriceTable, budget: Budget, now: datetime, default_region: str
) -> None:
    """Record an alert for each threshold crossed in each month since the budget was set."""
    account = tx.get_one(Domain, budget.domain_id)
    recorded = {(alert.month, alert.threshold) for alert in alerts_of(tx, account)}
    month = month_of(budget.created_at)
    while month.start <= now:
        lines, _, _ = bills.rate(tx, prices, account, month, now, default_region)
        spent = bills.total_of(lines)
        for threshold in budget.thresholds:
            crossed = spent >= budget.monthly_limit * threshold / 100
            if crossed and (month.name, threshold) not in recorded:
                tx.add(
                    BudgetAlert(
                        domain_id=account.id,
                        month=month.name,
                        threshold=threshold,
                        limit=budget.monthly_limit,
                        amount=spent,
                        recorded_at=min(now, month.end),
                    )
                )
        month = month.next()
    tx.flush()


def check_all(tx: Session, prices: PriceTable, now: datetime, default_region: str) -> None:
    for budget in tx.scalars(select(Budget)):
        check(tx, prices, budget, now, default_region)
