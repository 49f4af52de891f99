"""Migrations produce exactly the schema of the models, and HEAD names Alembic's head."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

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
