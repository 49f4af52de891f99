"""Blob store: composed blobs kept as the list of their parts (`blob_parts`)

Revision ID: blob1
Revises: iam2
"""

import sqlalchemy as sa
from alembic import op

revision = "blob1"
down_revision = "iam2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blob_parts",
        sa.Column("composite", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("composite", "position"),
    )


def downgrade() -> None:
    op.drop_table("blob_parts")
