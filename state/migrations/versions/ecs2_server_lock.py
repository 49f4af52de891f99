"""ECS: Nova's lock of a server (`ecs_servers.locked`)

Revision ID: ecs2
Revises: ims1
"""

import sqlalchemy as sa
from alembic import op

revision = "ecs2"
down_revision = "ims1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ecs_servers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("ecs_servers", schema=None) as batch_op:
        batch_op.drop_column("locked")
