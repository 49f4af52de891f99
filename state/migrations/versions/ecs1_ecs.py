"""ECS: servers with their volumes and interfaces, key pairs, server groups

Revision ID: ecs1
Revises: obs2
"""

import sqlalchemy as sa
from alembic import op

import state.types

revision = "ecs1"
down_revision = "obs2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ecs_keypairs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=128), nullable=False),
        sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "user_id", "name"),
    )
    with op.batch_alter_table("ecs_keypairs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ecs_keypairs_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "ecs_server_groups",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("policies", sa.JSON(), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ecs_server_groups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ecs_server_groups_listing", ["project_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "ecs_servers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("task_state", sa.String(length=32), nullable=True),
        sa.Column("power_state", sa.Integer(), nullable=False),
        sa.Column("flavor_id", sa.String(length=64), nullable=False),
        sa.Column("previous_flavor_id", sa.String(length=64), nullable=True),
        sa.Column("image_id", sa.String(length=64), nullable=False),
        sa.Column("licence", sa.String(length=32), nullable=True),
        sa.Column("availability_zone", sa.String(length=64), nullable=False),
        sa.Column("vpc_id", sa.String(length=64), nullable=True),
        sa.Column("key_name", sa.String(length=255), nullable=True),
        sa.Column("user_data", sa.Text(), nullable=True),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("reservation_id", sa.String(length=64), nullable=False),
        sa.Column("publicip_delete_on_termination", sa.Boolean(), nullable=False),
        sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", state.types.UTCDateTime(), nullable=False),
        sa.Column("launched_at", state.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ecs_servers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ecs_servers_listing", ["project_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "ecs_server_group_members",
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("server_id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["ecs_server_groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("group_id", "server_id"),
    )
    with op.batch_alter_table("ecs_server_group_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ecs_server_group_members_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ecs_server_group_members_server_id"), ["server_id"], unique=False
        )

    op.create_table(
        "ecs_server_interfaces",
        sa.Column("port_id", sa.String(length=64), nullable=False),
        sa.Column("server_id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("owned", sa.Boolean(), nullable=False),
        sa.Column("created_at", state.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["server_id"], ["ecs_servers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("port_id"),
    )
    with op.batch_alter_table("ecs_server_interfaces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ecs_server_interfaces_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ecs_server_interfaces_server_id"), ["server_id"], unique=False
        )

    op.create_table(
        "ecs_server_volumes",
        sa.Column("server_id", sa.String(length=64), nullable=False),
        sa.Column("volume_id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("device", sa.String(length=64), nullable=False),
        sa.Column("boot_index", sa.Integer(), nullable=True),
        sa.Column("delete_on_termination", sa.Boolean(), nullable=False),
        sa.Column("attached_at", state.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["server_id"], ["ecs_servers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("server_id", "volume_id"),
    )
    with op.batch_alter_table("ecs_server_volumes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ecs_server_volumes_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ecs_server_volumes_volume_id"), ["volume_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ecs_server_volumes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ecs_server_volumes_volume_id"))
        batch_op.drop_index(batch_op.f("ix_ecs_server_volumes_project_id"))

    op.drop_table("ecs_server_volumes")
    with op.batch_alter_table("ecs_server_interfaces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ecs_server_interfaces_server_id"))
        batch_op.drop_index(batch_op.f("ix_ecs_server_interfaces_project_id"))

    op.drop_table("ecs_server_interfaces")
    with op.batch_alter_table("ecs_server_group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ecs_server_group_members_server_id"))
        batch_op.drop_index(batch_op.f("ix_ecs_server_group_members_project_id"))

    op.drop_table("ecs_server_group_members")
    with op.batch_alter_table("ecs_servers", schema=None) as batch_op:
        batch_op.drop_index("ix_ecs_servers_listing")

    op.drop_table("ecs_servers")
    with op.batch_alter_table("ecs_server_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_ecs_server_groups_listing")

    op.drop_table("ecs_server_groups")
    with op.batch_alter_table("ecs_keypairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ecs_keypairs_project_id"))

    op.drop_table("ecs_keypairs")
