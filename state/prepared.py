"""Statements of hot paths (OBS), compiled once and run on the SQLite driver's cursor.

SQLAlchemy spends about 45 µs of Python on each statement it runs (execution context, result
set-up); sqlite3 itself about 7. A `Prepared` statement keeps SQLAlchemy's compiled SQL and its
type conversions (SQLAlchemy's own bind and result processors: JSON, booleans, UTC datetimes)
and runs them on the connection's driver, inside the transaction SQLAlchemy began. Other
databases run the statement through SQLAlchemy as usual.
"""

from collections import namedtuple
from collections.abc import Callable, Mapping
from typing import Any, cast

from sqlalchemy import Connection, Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable


def connection_of(tx: Session | Connection) -> Connection:
    """The connection under a session, or the plain connection of a Core-only transaction."""
    return tx if isinstance(tx, Connection) else tx.connection()


class _Compiled:
    """The statement's SQL for one dialect, its parameters in order, its row type."""

    def __init__(self, statement: Executable, dialect: Dialect, keys: list[str] | None):
        compiled: Any = cast(Any, statement).compile(dialect=dialect, column_keys=keys)
        self.sql = str(compiled)
        # IN lists (expanding parameters): one `?` per value, the SQL kept per list length.
        self.expanding = {name for name, bind in compiled.binds.items() if bind.expanding}
        self._sql_by_lengths: dict[tuple[int, ...], str] = {}
        self.order: list[str] = list(compiled.positiontup or ())
        self.binds: dict[str, Callable[[Any], Any]] = dict(compiled._bind_processors)
        self.constants = {
            name: value
            for name, value in compiled.construct_params(_check=False).items()
            if value is not None
        }
        columns = compiled._result_columns
        processors = (column.type._cached_result_processor(dialect, None) for column in columns)
        self.results = [(index, process) for index, process in enumerate(processors) if process]
        names = [column.keyname for column in columns]
        self.row: Any = namedtuple("Row", names) if columns else None

    def runnable(self, values: Mapping[str, Any]) -> bool:
        """False for an empty IN list, which SQLAlchemy renders in its own way."""
        return not self.expanding or all(values[name] for name in self.expanding)

    def sql_for(self, values: Mapping[str, Any]) -> str:
        if not self.expanding:
            return self.sql
        lengths = tuple(len(values[name]) for name in sorted(self.expanding))
        sql = self._sql_by_lengths.get(lengths)
        if sql is None:
            sql = self.sql
            for name in self.expanding:
                places = ", ".join("?" * len(values[name]))
                sql = sql.replace(f"__[POSTCOMPILE_{name}]", places)
            self._sql_by_lengths[lengths] = sql
        return sql

    def parameters(self, values: Mapping[str, Any]) -> list[Any]:
        ordered: list[Any] = []
        for name in self.order:
            value = values[name] if name in values else self.constants[name]
            process = self.binds.get(name)
            if name in self.expanding:
                ordered += value if process is None else [process(item) for item in value]
            else:
                ordered.append(value if process is None else process(value))
        return ordered

    def converted(self, raw: tuple[Any, ...]) -> Any:
        if self.results:
            values = list(raw)
            for index, process in self.results:
                values[index] = process(values[index])
            raw = tuple(values)
        return self.row._make(raw) if self.row is not None else raw


class Prepared:
    """One statement of a hot path; `keys`: the columns an INSERT is given values of."""

    def __init__(self, statement: Executable, keys: list[str] | None = None):
        self.statement = statement
        self.keys = keys
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _Compiled(self.statement, dialect, self.keys)
        return compiled

    def _given(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values SQLAlchemy runs the statement with: an INSERT's only its `keys` (a
        NULL given for an autoincrement key is refused by PostgreSQL)."""
        if self.keys is None:
            return dict(values)
        return {key: values[key] for key in self.keys if key in values}

    def _on_driver(self, connection: Connection, values: Mapping[str, Any]) -> bool:
        dialect = connection.dialect
        return dialect.name == "sqlite" and self._for(dialect).runnable(values)

    def _cursor(self, connection: Connection, values: Mapping[str, Any]) -> Any:
        compiled = self._for(connection.dialect)
        driver: Any = connection.connection.driver_connection
        return driver.execute(compiled.sql_for(values), compiled.parameters(values)), compiled

    def first(self, connection: Connection, values: Mapping[str, Any]) -> Any:
        """The first row of a SELECT (columns by name or position), or None."""
        if not self._on_driver(connection, values):
            return connection.execute(self.statement, self._given(values)).first()
        cursor, compiled = self._cursor(connection, values)
        raw = cursor.fetchone()
        cursor.close()
        return None if raw is None else compiled.converted(raw)

    def all(self, connection: Connection, values: Mapping[str, Any]) -> list[Any]:
        """Every row of a SELECT."""
        if not self._on_driver(connection, values):
            return list(connection.execute(self.statement, self._given(values)).all())
        cursor, compiled = self._cursor(connection, values)
        raws = cursor.fetchall()
        cursor.close()
        if compiled.results or compiled.row is None:
            return [compiled.converted(raw) for raw in raws]
        return list(map(compiled.row._make, raws))  # nothing to convert: the cheaper way

    def run(self, connection: Connection, values: Mapping[str, Any]) -> int:
        """An INSERT, UPDATE or DELETE: the number of rows it changed."""
        if not self._on_driver(connection, values):
            return int(connection.execute(self.statement, self._given(values)).rowcount)
        cursor, _ = self._cursor(connection, values)
        count = int(cursor.rowcount)
        cursor.close()
        return count

    def run_many(self, connection: Connection, values: list[Mapping[str, Any]]) -> None:
        """An INSERT, UPDATE or DELETE once per set of values (no IN lists)."""
        if connection.dialect.name != "sqlite":
            connection.execute(self.statement, [self._given(each) for each in values])
            return
        compiled = self._for(connection.dialect)
        driver: Any = connection.connection.driver_connection
        driver.executemany(compiled.sql, [compiled.parameters(each) for each in values]).close()
