"""ECS: Nova's accessIPv4 and accessIPv6 of a server (`ecs_servers.access_ipv4`, `access_ipv6`)

Revision ID: ecs3
Revises: vbs2
"""

import sqlalchemy as sa
from alembic import op

revision = "ecs3"
down_revision = "vbs2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ecs_servers", schema=None) as batch_op:
        for name in ("access_ipv4", "access_ipv6"):
            batch_op.add_column(
                sa.Column(name, sa.String(length=64), nullable=False, server_default="")
            )


def downgrade() -> None:
    with op.batch_alter_table("ecs_servers", schema=None) as batch_op:
        batch_op.drop_column("access_ipv6")
        batch_op.drop_column("access_ipv4")
