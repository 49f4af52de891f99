"""IAM: Keystone v3 credentials (`/v3/credentials`)

Revision ID: iam1
Revises: vpc2
"""

import sqlalchemy as sa
from alembic import op

revision = "iam1"
down_revision = "vpc2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "keystone_credentials",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=True),
        sa.Column("type", sa.String(length=255), nullable=False),
        sa.Column("blob", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("keystone_credentials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_keystone_credentials_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("keystone_credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_keystone_credentials_user_id"))
    op.drop_table("keystone_credentials")
