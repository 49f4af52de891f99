"""VBS: backups, the queue of backup operations, backup policies and their volumes

Revision ID: vbs1
Revises: bill1
"""

import sqlalchemy as sa
from alembic import op

import state.types

revision = "vbs1"
down_revision = "bill1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vbs_backups",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("availability_zone", sa.String(length=64), nullable=False),
        sa.Column("volume_id", sa.String(length=64), nullable=False),
        sa.Column("volume_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("stored_gb", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("is_incremental", sa.Boolean(), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("snapshot_id", sa.String(length=64), nullable=True),
        sa.Column("policy_id", sa.String(length=64), nullable=True),
        sa.Column("fail_reason", sa.String(length=1024), nullable=True),
        sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", state.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("project_id", "volume_id", "parent_id", "policy_id"):
        op.create_index(op.f(f"ix_vbs_backups_{column}"), "vbs_backups", [column])
    op.create_table(
        "vbs_operations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("backup_id", sa.String(length=64), nullable=False),
        sa.Column("volume_id", sa.String(length=64), nullable=True),
        sa.Column("job_id", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("queued_at", state.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_vbs_operations_queue", "vbs_operations", ["project_id", "state", "id"])
    op.create_table(
        "vbs_policies",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("start_time", sa.String(length=255), nullable=False),
        sa.Column("frequency", sa.Integer(), nullable=True),
        sa.Column("week_frequency", sa.JSON(), nullable=True),
        sa.Column("retention_num", sa.Integer(), nullable=True),
        sa.Column("retention_day", sa.Integer(), nullable=True),
        sa.Column("keep_first_of_month", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_vbs_policies_project_id"), "vbs_policies", ["project_id"])
    op.create_table(
        "vbs_policy_volumes",
        sa.Column("volume_id", sa.String(length=64), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["policy_id"], ["vbs_policies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("volume_id"),
    )
    for column in ("policy_id", "project_id"):
        op.create_index(op.f(f"ix_vbs_policy_volumes_{column}"), "vbs_policy_volumes", [column])


def downgrade() -> None:
    op.drop_table("vbs_policy_volumes")
    op.drop_table("vbs_policies")
    op.drop_table("vbs_operations")
    op.drop_table("vbs_backups")
