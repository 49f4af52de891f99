"""Tables of billing: reserved-instance subscriptions, budgets and their alerts."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from state.models import Base


class ReservedInstance(Base):
    """A subscription for one flavor in one region; its fees are fixed when subscribed.

    `flavors` is the flavor in force from each date on ([{"from": iso, "flavor": name}]): a
    flexible subscription appends to it when its flavor changes within the family.
    """

    __tablename__ = "billing_reserved_instances"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    domain_id: Mapped[str] = mapped_column(ForeignKey("domains.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    region: Mapped[str] = mapped_column(String(64))
    flavors: Mapped[list[Any]]
    term_years: Mapped[int]
    upfront: Mapped[bool]
    flexible: Mapped[bool]
    monthly_fee: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    subscribed_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class Budget(Base):
    """A monthly spending limit of an account, with alert thresholds in percent of it."""

    __tablename__ = "billing_budgets"
    domain_id: Mapped[str] = mapped_column(
        ForeignKey("domains.id", ondelete="CASCADE"), primary_key=True
    )
    monthly_limit: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    thresholds: Mapped[list[Any]]
    created_at: Mapped[datetime]


class BudgetAlert(Base):
    """A threshold of a budget crossed in a month, recorded once."""

    __tablename__ = "billing_budget_alerts"
    __table_args__ = (UniqueConstraint("domain_id", "month", "threshold"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    domain_id: Mapped[str] = mapped_column(ForeignKey("domains.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    threshold: Mapped[int]
    limit: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    recorded_at: Mapped[datetime]
