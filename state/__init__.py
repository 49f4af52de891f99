"""Persistent state: SQLAlchemy models, the database handle, the blob store, migrations."""
