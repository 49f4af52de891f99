"""VPC: the port address an EIP is bound to (`vpc_publicips.fixed_ip_address`)

Revision ID: vpc3
Revises: obs3
"""

from ipaddress import ip_address

import sqlalchemy as sa
from alembic import op

revision = "vpc3"
down_revision = "obs3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("vpc_publicips", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fixed_ip_address", sa.String(length=64), nullable=True))
    # A bound EIP was shown at its port's lowest address: it keeps that one.
    connection = op.get_bind()
    bound = connection.execute(
        sa.text("SELECT id, port_id FROM vpc_publicips WHERE port_id IS NOT NULL")
    ).all()
    for publicip_id, port_id in bound:
        addresses = connection.execute(
            sa.text("SELECT ip_address FROM vpc_ip_allocations WHERE port_id = :port"),
            {"port": port_id},
        ).scalars()
        lowest = min(addresses, key=ip_address, default=None)
        connection.execute(
            sa.text("UPDATE vpc_publicips SET fixed_ip_address = :address WHERE id = :id"),
            {"address": lowest, "id": publicip_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("vpc_publicips", schema=None) as batch_op:
        batch_op.drop_column("fixed_ip_address")
