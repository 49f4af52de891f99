"""ECS: key pairs and server groups

Revision ID: ecs1
Revises: evs1
"""

import sqlalchemy as sa
from alembic import op

import state.types

revision = "ecs1"
down_revision = "evs1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ecs_keypairs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=128), nullable=False),
        sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "user_id", "name"),
    )
    with op.batch_alter_table("ecs_keypairs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ecs_keypairs_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "ecs_server_groups",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("policies", sa.JSON(), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ecs_server_groups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ecs_server_groups_listing", ["project_id", "created_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ecs_server_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_ecs_server_groups_listing")

    op.drop_table("ecs_server_groups")
    with op.batch_alter_table("ecs_keypairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ecs_keypairs_project_id"))

    op.drop_table("ecs_keypairs")
