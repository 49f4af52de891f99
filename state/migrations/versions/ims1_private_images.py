"""IMS: private images and their members (`ims_images`, `ims_image_members`)

Revision ID: ims1
Revises: iam1
"""

import sqlalchemy as sa
from alembic import op

import state.types

revision = "ims1"
down_revision = "iam1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ims_images",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("visibility", sa.String(length=32), nullable=False),
        sa.Column("protected", sa.Boolean(), nullable=False),
        sa.Column("disk_format", sa.String(length=32), nullable=True),
        sa.Column("container_format", sa.String(length=32), nullable=True),
        sa.Column("min_disk", sa.Integer(), nullable=False),
        sa.Column("min_ram", sa.Integer(), nullable=False),
        sa.Column("os_type", sa.String(length=32), nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("os_version", sa.String(length=255), nullable=False),
        sa.Column("licensed", sa.Boolean(), nullable=False),
        sa.Column("blob", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("checksum", sa.String(length=32), nullable=True),
        sa.Column("os_hash_value", sa.String(length=128), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=False),
        sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", state.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ims_images", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ims_images_project_id"), ["project_id"], unique=False)
    op.create_table(
        "ims_image_members",
        sa.Column("image_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", state.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["image_id"], ["ims_images.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("image_id", "member_id"),
    )
    with op.batch_alter_table("ims_image_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ims_image_members_member_id"), ["member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ims_image_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ims_image_members_member_id"))
    op.drop_table("ims_image_members")
    with op.batch_alter_table("ims_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ims_images_project_id"))
    op.drop_table("ims_images")
