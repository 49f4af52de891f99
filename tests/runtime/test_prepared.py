"""Prepared statements (state.prepared) write and read what SQLAlchemy's own execution does, in
the transaction SQLAlchemy began."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, insert, select, update

from apis.obs.models import Bucket, ObjectVersion
from state.db import Database
from state.models import Base, UsageInterval
from state.prepared import Prepared

_versions = ObjectVersion.__table__
_intervals = UsageInterval.__table__
AT = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
VERSION = {
    "bucket_id": "b1",
    "project_id": "p1",
    "key": "dir/ünïcode key",
    "version_id": "null",
    "is_latest": True,
    "delete_marker": False,
    "owner_id": "d1",
    "blob": "ab" * 32,
    "size": 1 << 40,
    "etag": '"etag"',
    "storage_class": "STANDARD",
    "content_headers": {"content-type": "text/plain"},
    "user_metadata": {},
    "checksums": {"CRC32": "AAAAAA=="},
    "parts": 0,
    "appendable": False,
    "last_modified": AT,
    "restore_ready_at": None,
    "restore_expires_at": None,
    "tags": {"a": "b"},
    "grants": [{"type": "Group", "uri": "all", "permission": "READ"}],
}
_VERSION_KEYS = list(VERSION)
_BY_KEY = select(_versions).where(_versions.c.key == bindparam("key"))
_LATEST_BY_KEY = select(_versions.c.id, _versions.c.is_latest, _versions.c.tags).where(
    _versions.c.key == bindparam("key"), _versions.c.is_latest.is_(True)
)


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'p.db'}")
    Base.metadata.create_all(database.engine)
    with database.transaction() as tx:
        tx.add(
            Bucket(
                id="b1",
                name="bucket",
                domain_id="d1",
                project_id="p1",
                region="eu-west-0",
                owner_id="d1",
                created_at=AT,
            )
        )
    yield database
    database.dispose()


def test_insert_then_select_match_sqlalchemy(db):
    with db.statements() as connection:
        assert Prepared(insert(_versions), _VERSION_KEYS).run(connection, VERSION) == 1
    with db.statements() as connection:
        expected = connection.execute(_BY_KEY, {"key": VERSION["key"]}).first()
        found = Prepared(_BY_KEY).first(connection, {"key": VERSION["key"]})
        assert tuple(found) == tuple(expected)
        assert found.last_modified == AT and found.is_latest is True and found.tags == {"a": "b"}
        latest = Prepared(_LATEST_BY_KEY).first(connection, {"key": VERSION["key"]})
        assert (latest.is_latest, latest.tags) == (True, {"a": "b"})
        assert Prepared(_BY_KEY).first(connection, {"key": "missing"}) is None


def test_updates_count_rows_and_convert_parameters(db):
    add = Prepared(
        update(_intervals)
        .where(_intervals.c.resource_id == bindparam("resource"), _intervals.c.meter == "m")
        .values(quantity=_intervals.c.quantity + bindparam("amount"), ended_at=bindparam("end"))
    )
    with db.transaction() as tx:
        tx.add(
            UsageInterval(
                project_id="p1",
                region="r",
                service="obs",
                resource_type="bucket",
                resource_id="b1",
                meter="m",
                quantity=Decimal(5),
                started_at=AT,
            )
        )
    with db.statements() as connection:
        assert add.run(connection, {"resource": "b1", "amount": Decimal(7), "end": AT}) == 1
        assert add.run(connection, {"resource": "nothing", "amount": 1, "end": AT}) == 0
    with db.transaction() as tx:
        row = tx.scalars(select(UsageInterval)).one()
        assert (row.quantity, row.ended_at) == (Decimal(12), AT)


def test_writes_belong_to_the_transaction(db):
    with pytest.raises(RuntimeError), db.statements() as connection:
        Prepared(insert(_versions), _VERSION_KEYS).run(connection, VERSION)
        raise RuntimeError("rolled back")
    with db.statements() as connection:
        assert Prepared(_BY_KEY).first(connection, {"key": VERSION["key"]}) is None


def test_in_lists_of_any_length_and_empty(db):
    keyed = Prepared(
        select(_versions.c.key).where(_versions.c.key.in_(bindparam("keys", expanding=True)))
    )
    remove = Prepared(
        _versions.delete().where(_versions.c.key.in_(bindparam("keys", expanding=True)))
    )
    with db.statements() as connection:
        insert_version = Prepared(insert(_versions), _VERSION_KEYS)
        for key in ("a", "b", "c"):
            insert_version.run(connection, {**VERSION, "key": key})
        assert sorted(row.key for row in keyed.all(connection, {"keys": ["a", "c", "x"]})) == [
            "a",
            "c",
        ]
        assert [row.key for row in keyed.all(connection, {"keys": ["b"]})] == ["b"]
        assert keyed.all(connection, {"keys": []}) == []
        assert remove.run(connection, {"keys": []}) == 0
        assert remove.run(connection, {"keys": ["a", "b"]}) == 2
        assert [row.key for row in keyed.all(connection, {"keys": ["a", "b", "c"]})] == ["c"]
