"""ECS: Nova's OS-DCF:diskConfig of a server (`ecs_servers.auto_disk_config`)

Revision ID: ecs4
Revises: ecs3
"""

import sqlalchemy as sa
from alembic import op

revision = "ecs4"
down_revision = "ecs3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ecs_servers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("auto_disk_config", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("ecs_servers", schema=None) as batch_op:
        batch_op.drop_column("auto_disk_config")
