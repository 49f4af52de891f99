"""ECS: Nova's instance actions (`ecs_server_actions`)

Revision ID: ecs5
Revises: vpc3
"""

import sqlalchemy as sa
from alembic import op

import state.types

revision = "ecs5"
down_revision = "vpc3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ecs_server_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("server_id", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("start_time", state.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", state.types.UTCDateTime(), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=True),
        sa.Column("event_finish_time", state.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ecs_server_actions_server", "ecs_server_actions", ["server_id"])


def downgrade() -> None:
    op.drop_index("ix_ecs_server_actions_server", table_name="ecs_server_actions")
    op.drop_table("ecs_server_actions")
