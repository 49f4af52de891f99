"""EVS: volumes, snapshots and attachments

Revision ID: evs1
Revises: vpc1
"""

import sqlalchemy as sa
from alembic import op

import state.types

revision = "evs1"
down_revision = "vpc1"
branch_labels = None
depends_on = None


def _common(*items: sa.schema.SchemaItem) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        *items,
        sa.PrimaryKeyConstraint("id"),
    ]


def upgrade() -> None:
    op.create_table(
        "evs_volumes",
        *_common(
            sa.Column("region", sa.String(length=64), nullable=False),
            sa.Column("availability_zone", sa.String(length=64), nullable=False),
            sa.Column("name", sa.String(length=255), nullable=False),
            sa.Column("description", sa.String(length=255), nullable=False),
            sa.Column("size", sa.Integer(), nullable=False),
            sa.Column("volume_type", sa.String(length=32), nullable=False),
            sa.Column("status", sa.String(length=32), nullable=False),
            sa.Column("bootable", sa.Boolean(), nullable=False),
            sa.Column("multiattach", sa.Boolean(), nullable=False),
            sa.Column("metadata", sa.JSON(), nullable=False),
            sa.Column("image_metadata", sa.JSON(), nullable=True),
            sa.Column("snapshot_id", sa.String(length=64), nullable=True),
            sa.Column("source_volid", sa.String(length=64), nullable=True),
            sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
            sa.Column("updated_at", state.types.UTCDateTime(), nullable=True),
        ),
    )
    op.create_index(op.f("ix_evs_volumes_project_id"), "evs_volumes", ["project_id"])
    op.create_table(
        "evs_snapshots",
        *_common(
            sa.Column("volume_id", sa.String(length=64), nullable=False),
            sa.Column("name", sa.String(length=255), nullable=False),
            sa.Column("description", sa.String(length=255), nullable=False),
            sa.Column("size", sa.Integer(), nullable=False),
            sa.Column("status", sa.String(length=32), nullable=False),
            sa.Column("metadata", sa.JSON(), nullable=False),
            sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
            sa.Column("updated_at", state.types.UTCDateTime(), nullable=True),
        ),
    )
    op.create_index(op.f("ix_evs_snapshots_project_id"), "evs_snapshots", ["project_id"])
    op.create_index(op.f("ix_evs_snapshots_volume_id"), "evs_snapshots", ["volume_id"])
    op.create_table(
        "evs_attachments",
        *_common(
            sa.Column("volume_id", sa.String(length=64), nullable=False),
            sa.Column("server_id", sa.String(length=64), nullable=False),
            sa.Column("device", sa.String(length=64), nullable=False),
            sa.Column("attached_at", state.types.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(["volume_id"], ["evs_volumes.id"], ondelete="CASCADE"),
        ),
    )
    for column in ("project_id", "server_id", "volume_id"):
        op.create_index(op.f(f"ix_evs_attachments_{column}"), "evs_attachments", [column])


def downgrade() -> None:
    op.drop_table("evs_attachments")
    op.drop_table("evs_snapshots")
    op.drop_table("evs_volumes")
