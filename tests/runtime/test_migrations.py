"""Migrations produce exactly the schema of the models, and HEAD names Alembic's head."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from emulator import services
from state import migrate
from state.models import Base


def test_head_constant_is_alembic_head():
    with create_engine("sqlite://").begin() as connection:
        script = ScriptDirectory.from_config(migrate.alembic_config(connection))
        assert script.get_heads() == [migrate.HEAD]


def test_migrations_from_empty_match_the_models():
    services.load_declarations()
    with create_engine("sqlite://").begin() as connection:
        command.upgrade(migrate.alembic_config(connection), "head")
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_vpc3_keeps_a_bound_eip_at_the_address_it_showed():
    with create_engine("sqlite://").begin() as connection:
        config = migrate.alembic_config(connection)
        command.upgrade(config, "ecs4")
        for address in ("10.0.0.10", "10.0.0.9"):
            connection.execute(
                text(
                    "INSERT INTO vpc_ip_allocations (subnet_id, ip_address, port_id, project_id)"
                    " VALUES ('subnet', :address, 'port', 'project')"
                ),
                {"address": address},
            )
        for eip, port in (("bound", "port"), ("unbound", None)):
            connection.execute(
                text(
                    "INSERT INTO vpc_publicips (id, project_id, region, type, ip_version,"
                    " public_ip_address, status, port_id, bandwidth_id, alias, description,"
                    " enterprise_project_id, created_at, updated_at) VALUES (:id, 'project',"
                    " 'eu-west-0', '5_bgp', 4, :id, 'ACTIVE', :port, 'bandwidth', '', '', '0',"
                    " '2026-01-01', '2026-01-01')"
                ),
                {"id": eip, "port": port},
            )
        command.upgrade(config, "vpc3")
        rows = connection.execute(text("SELECT id, fixed_ip_address FROM vpc_publicips"))
        assert dict(rows.all()) == {"bound": "10.0.0.9", "unbound": None}
