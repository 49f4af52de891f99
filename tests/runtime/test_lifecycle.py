"""Status transitions: applied in due order once the clock reaches them, never before."""

from datetime import UTC, datetime, timedelta

import pytest

from emulator import lifecycle
from state.db import Database
from state.models import Base, Transition

applied: list[tuple[str, str]] = []


@lifecycle.handles("test.widget")
def _apply(tx, transition: Transition, now) -> None:
    applied.append((transition.resource_id, transition.target))


@pytest.fixture
def db():
    database = Database("sqlite://")
    Base.metadata.create_all(database.engine)
    lifecycle.forget_hint()
    applied.clear()
    yield database
    database.dispose()


def schedule(db, resource_id, target, now, after):
    with db.transaction() as tx:
        lifecycle.schedule(
            tx,
            service="test",
            kind="test.widget",
            resource_id=resource_id,
            target=target,
            now=now,
            after=after,
        )


def test_nothing_applies_before_its_time_and_all_in_due_order_after(db):
    now = datetime(2026, 11, 1, tzinfo=UTC)
    assert lifecycle.apply_due(db, now, {}) == 0  # the process now believes nothing is due
    schedule(db, "b", "ready", now, after=20)
    schedule(db, "a", "ready", now, after=10)
    assert lifecycle.apply_due(db, now + timedelta(seconds=5), {}) == 0
    assert lifecycle.apply_due(db, now + timedelta(seconds=30), {}) == 2
    assert applied == [("a", "ready"), ("b", "ready")]
    assert lifecycle.apply_due(db, now + timedelta(seconds=60), {}) == 0


def test_a_cancelled_transition_never_applies(db):
    now = datetime(2026, 11, 1, tzinfo=UTC)
    schedule(db, "a", "ready", now, after=10)
    with db.transaction() as tx:
        lifecycle.cancel(tx, "test.widget", "a")
    assert lifecycle.apply_due(db, now + timedelta(minutes=1), {}) == 0
    assert applied == []
