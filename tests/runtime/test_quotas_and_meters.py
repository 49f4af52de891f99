"""The quota and metering primitives later services build on."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from emulator import metering, quotas
from emulator.errors import QuotaExceeded
from state.db import Database
from state.models import Base

PROJECT = "p" * 32


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'q.db'}")
    Base.metadata.create_all(database.engine)
    quotas.declare({"test_volumes": 3, "test_gigabytes": 100})
    yield database
    database.dispose()


def usage(db):
    with db.transaction() as tx:
        return quotas.usage(tx, PROJECT)


def test_consume_within_limits_and_release(db):
    with db.transaction() as tx:
        quotas.consume(tx, PROJECT, {"test_volumes": 2, "test_gigabytes": 40})
    assert usage(db)["test_volumes"] == 2
    with db.transaction() as tx:
        quotas.release(tx, PROJECT, {"test_volumes": 1, "test_gigabytes": 40})
    assert (usage(db)["test_volumes"], usage(db)["test_gigabytes"]) == (1, 0)


def test_exceeding_one_key_consumes_nothing(db):
    with pytest.raises(QuotaExceeded) as refused, db.transaction() as tx:
        quotas.consume(tx, PROJECT, {"test_volumes": 1, "test_gigabytes": 101})
    assert (refused.value.key, refused.value.limit, refused.value.in_use) == (
        "test_gigabytes",
        100,
        0,
    )
    assert "Requested 101, but already used 0 of 100" in refused.value.message
    assert usage(db)["test_volumes"] == 0


def test_changed_and_unlimited_limits(db):
    with db.transaction() as tx:
        quotas.set_limits(tx, PROJECT, {"test_volumes": -1})
        quotas.consume(tx, PROJECT, {"test_volumes": 1000})
        assert quotas.limits(tx, PROJECT)["test_volumes"] == -1
        quotas.set_limits(tx, PROJECT, {"test_volumes": 1000})
    with pytest.raises(QuotaExceeded), db.transaction() as tx:
        quotas.consume(tx, PROJECT, {"test_volumes": 1})


def test_concurrent_writers_cannot_overshoot(db):
    granted = []

    def take() -> None:
        try:
            with db.transaction() as tx:
                quotas.consume(tx, PROJECT, {"test_volumes": 1})
            granted.append(1)
        except QuotaExceeded:
            pass

    threads = [threading.Thread(target=take) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 3
    assert usage(db)["test_volumes"] == 3


def test_usage_intervals_open_change_and_close(db):
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with db.transaction() as tx:
        metering.start(
            tx,
            project_id=PROJECT,
            region="eu-west-0",
            service="evs",
            resource_type="volume",
            resource_id="v1",
            meter="evs.gb_hours",
            quantity=10,
            unit_class="SSD",
            at=start,
        )
        metering.change(tx, "v1", "evs.gb_hours", at=start + timedelta(hours=5), quantity=20)
        metering.stop(tx, "v1", at=start + timedelta(hours=8))
    with db.transaction() as tx:
        rows = metering.intervals(tx, project_ids=[PROJECT])
        spans = [(r.quantity, r.unit_class, r.ended_at - r.started_at) for r in rows]
    assert spans == [
        (Decimal(10), "SSD", timedelta(hours=5)),
        (Decimal(20), "SSD", timedelta(hours=3)),
    ]


def test_intervals_are_selected_by_overlap(db):
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with db.transaction() as tx:
        for rid, begin, end in (("a", 0, 10), ("b", 20, None), ("c", 30, 40)):
            metering.start(
                tx,
                project_id=PROJECT,
                region="eu-west-0",
                service="vpc",
                resource_type="eip",
                resource_id=rid,
                meter="eip.hours",
                quantity=1,
                at=start + timedelta(hours=begin),
            )
            if end is not None:
                metering.stop(tx, rid, at=start + timedelta(hours=end))
    with db.transaction() as tx:
        found = metering.intervals(
            tx, since=start + timedelta(hours=15), until=start + timedelta(hours=35)
        )
        assert sorted(r.resource_id for r in found) == ["b", "c"]
