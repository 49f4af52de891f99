"""obs: tags, ACL grants, policies, CORS, lifecycle and website configuration

Revision ID: obs2
Revises: vbs1
"""

import sqlalchemy as sa
from alembic import op

revision = "obs2"
down_revision = "vbs1"
branch_labels = None
depends_on = None

EMPTY_OBJECT = sa.text("'{}'")
EMPTY_LIST = sa.text("'[]'")


def upgrade() -> None:
    with op.batch_alter_table("obs_buckets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tags", sa.JSON(), nullable=False, server_default=EMPTY_OBJECT)
        )
        batch_op.add_column(
            sa.Column("grants", sa.JSON(), nullable=False, server_default=EMPTY_LIST)
        )
        batch_op.add_column(sa.Column("policy", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("cors", sa.JSON(), nullable=False, server_default=EMPTY_LIST))
        batch_op.add_column(
            sa.Column("lifecycle", sa.JSON(), nullable=False, server_default=EMPTY_LIST)
        )
        batch_op.add_column(
            sa.Column("website", sa.JSON(), nullable=False, server_default=EMPTY_OBJECT)
        )
    with op.batch_alter_table("obs_objects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tags", sa.JSON(), nullable=False, server_default=EMPTY_OBJECT)
        )
        batch_op.add_column(
            sa.Column("grants", sa.JSON(), nullable=False, server_default=EMPTY_LIST)
        )

    with op.batch_alter_table("obs_uploads", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tags", sa.JSON(), nullable=False, server_default=EMPTY_OBJECT)
        )
        batch_op.add_column(
            sa.Column("grants", sa.JSON(), nullable=False, server_default=EMPTY_LIST)
        )


def downgrade() -> None:
    with op.batch_alter_table("obs_uploads", schema=None) as batch_op:
        batch_op.drop_column("grants")
        batch_op.drop_column("tags")
    with op.batch_alter_table("obs_objects", schema=None) as batch_op:
        batch_op.drop_column("grants")
        batch_op.drop_column("tags")
    with op.batch_alter_table("obs_buckets", schema=None) as batch_op:
        for column in ("website", "lifecycle", "cors", "policy", "grants", "tags"):
            batch_op.drop_column(column)
