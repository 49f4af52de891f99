"""obs: bucket logging and default encryption configuration

Revision ID: obs3
Revises: ecs4
"""

import sqlalchemy as sa
from alembic import op

revision = "obs3"
down_revision = "ecs4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("obs_buckets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("logging", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column("encryption", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("obs_buckets", schema=None) as batch_op:
        batch_op.drop_column("encryption")
        batch_op.drop_column("logging")
