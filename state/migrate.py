"""Schema set-up and upgrades.

A new database gets the current schema at once and is stamped with the head revision; an older
one is upgraded by Alembic. Alembic is imported only when there is something to upgrade, which
keeps start-up fast.
"""

from importlib import import_module
from pathlib import Path

from sqlalchemy import text

from state.db import Database

# The newest revision under state/migrations/versions; a test checks it is Alembic's head.
HEAD = "ecs5"
MIGRATIONS = Path(__file__).parent / "migrations"


def load_models(modules: list[str]) -> None:
    """Import every service's models so that the metadata is complete."""
    for module in modules:
        import_module(module)


def alembic_config(connection: object) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        try:
            row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
        except Exception:
            return None
    return row[0] if row else None


def upgrade(db: Database) -> None:
    if db.is_empty():
        db.create_schema()
        with db.engine.begin() as connection:
            connection.execute(
                text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
            )
            connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": HEAD})
        return
    if current_revision(db) == HEAD:
        return
    from alembic import command

    with db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")  # type: ignore[arg-type]
