"""EVS: volume transfers (`evs_transfers`, Cinder's os-volume-transfer)

Revision ID: evs3
Revises: evs2
"""

import sqlalchemy as sa
from alembic import op

import state.types

revision = "evs3"
down_revision = "evs2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evs_transfers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("volume_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("salt", sa.String(length=16), nullable=False),
        sa.Column("crypt_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evs_transfers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evs_transfers_project_id"), ["project_id"])
        batch_op.create_index(batch_op.f("ix_evs_transfers_volume_id"), ["volume_id"])


def downgrade() -> None:
    op.drop_table("evs_transfers")
