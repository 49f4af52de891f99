"""Blob store: composed blobs kept as the list of their parts (`blob_parts`), blobs' MD5s

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
    with op.batch_alter_table("blob_refs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("md5", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("blob_refs", schema=None) as batch_op:
        batch_op.drop_column("md5")
    op.drop_table("blob_parts")
