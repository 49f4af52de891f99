"""The database handle: one engine per process, one transaction per API call."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, delete, event, inspect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from state.models import Base

# The transaction open in this thread or task, for reads that must not open a second one (a
# second session on the shared in-memory connection would end the first one's transaction).
_open_transaction: ContextVar[Session | None] = ContextVar("open_transaction", default=None)


def make_engine(url: str) -> Engine:
    if url in ("sqlite://", "sqlite:///:memory:"):
        # One shared connection: an in-memory database exists per connection.
        engine = create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    elif url.startswith("sqlite:"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if url != "sqlite://":
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


def sqlite_url(state_dir: Path) -> str:
    state_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{state_dir / 'flexemu.db'}"


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """All writes of one API call: committed together, or rolled back on any error."""
        with self._sessions() as session, session.begin():
            token = _open_transaction.set(session)
            try:
                yield session
            finally:
                _open_transaction.reset(token)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """The transaction already open in this thread or task, else a new one."""
        current = _open_transaction.get()
        if current is not None:
            yield current
            return
        with self.transaction() as tx:
            yield tx

    @contextmanager
    def statements(self) -> Iterator[Connection]:
        """Core statements only, in one transaction on a plain connection: a session's unit
        of work costs more than the hot paths that need none."""
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def reads(self) -> Iterator[Connection]:
        """Core reads only, on a plain connection without a transaction of its own (cheaper
        than `statements`; SQLite runs such reads outside any transaction anyway)."""
        with self.engine.connect() as connection:
            yield connection

    def create_schema(self) -> None:
        Base.metadata.create_all(self.engine)

    def is_empty(self) -> bool:
        return not inspect(self.engine).get_table_names()

    def wipe(self, keep: tuple[str, ...] = ()) -> None:
        """Delete every row of every table (children first), in one transaction."""
        with self.transaction() as tx:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name not in keep:
                    tx.execute(delete(table))

    def dispose(self) -> None:
        self.engine.dispose()
