"""billing: reserved instances, budgets and budget alerts

Revision ID: bill1
Revises: obs1
"""

import sqlalchemy as sa
from alembic import op

import state.types

revision = "bill1"
down_revision = "obs1"
branch_labels = None
depends_on = None


def _account() -> sa.Column:
    return sa.Column(
        "domain_id",
        sa.String(length=64),
        sa.ForeignKey("domains.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "billing_reserved_instances",
        sa.Column("id", sa.String(length=64), nullable=False),
        _account(),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("flavors", sa.JSON(), nullable=False),
        sa.Column("term_years", sa.Integer(), nullable=False),
        sa.Column("upfront", sa.Boolean(), nullable=False),
        sa.Column("flexible", sa.Boolean(), nullable=False),
        sa.Column("monthly_fee", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("subscribed_at", state.types.UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", state.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_billing_reserved_instances_domain_id"),
        "billing_reserved_instances",
        ["domain_id"],
    )
    op.create_index(
        op.f("ix_billing_reserved_instances_project_id"),
        "billing_reserved_instances",
        ["project_id"],
    )
    op.create_table(
        "billing_budgets",
        _account(),
        sa.Column("monthly_limit", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("domain_id"),
    )
    op.create_table(
        "billing_budget_alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _account(),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("limit", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("recorded_at", state.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("domain_id", "month", "threshold"),
    )
    op.create_index(
        op.f("ix_billing_budget_alerts_domain_id"), "billing_budget_alerts", ["domain_id"]
    )


def downgrade() -> None:
    op.drop_table("billing_budget_alerts")
    op.drop_table("billing_budgets")
    op.drop_index(
        op.f("ix_billing_reserved_instances_project_id"), table_name="billing_reserved_instances"
    )
    op.drop_index(
        op.f("ix_billing_reserved_instances_domain_id"), table_name="billing_reserved_instances"
    )
    op.drop_table("billing_reserved_instances")
