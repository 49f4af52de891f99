"""VBS: a backup keeps its volume's metadata for the restore (`vbs_backups.volume_metadata`)

Revision ID: vbs2
Revises: evs3
"""

import sqlalchemy as sa
from alembic import op

revision = "vbs2"
down_revision = "evs3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("vbs_backups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("volume_metadata", sa.JSON(), nullable=False, server_default="{}")
        )


def downgrade() -> None:
    with op.batch_alter_table("vbs_backups", schema=None) as batch_op:
        batch_op.drop_column("volume_metadata")
