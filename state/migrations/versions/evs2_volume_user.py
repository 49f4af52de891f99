"""EVS: the user who created a volume (`evs_volumes.user_id`, Cinder's user_id)

Revision ID: evs2
Revises: blob1
"""

import sqlalchemy as sa
from alembic import op

revision = "evs2"
down_revision = "blob1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evs_volumes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evs_volumes", schema=None) as batch_op:
        batch_op.drop_column("user_id")
