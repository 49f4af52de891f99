"""VPC: tag keys as long as a Neutron tag (255 characters)

Revision ID: vpc2
Revises: ecs1
"""

import sqlalchemy as sa
from alembic import op

revision = "vpc2"
down_revision = "ecs1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.alter_column(
            "key", existing_type=sa.String(length=64), type_=sa.String(length=255)
        )


def downgrade() -> None:
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.alter_column(
            "key", existing_type=sa.String(length=255), type_=sa.String(length=64)
        )
