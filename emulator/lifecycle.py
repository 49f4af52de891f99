"""Pending status transitions, applied on the virtual clock.

A service schedules `(kind, resource_id) -> target` for a due time and registers a handler for
its kinds. Before each request (and after the clock moves) every transition due by now is applied
in due order, each in its own transaction and as of its due time. No threads sleep. The process
remembers the earliest due time it knows of, so a request costs no query at all while nothing can
be due; the database is asked again at least every second, for transitions scheduled by other
processes sharing it.
"""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import Any

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from state.db import Database
from state.models import Transition
from state.prepared import Prepared, connection_of

Handler = Callable[[Session, Transition, datetime], None]

_handlers: dict[str, Handler] = {}
_RECHECK_SECONDS = 1.0
_BATCH = 50
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


class _Hint:
    next_due: datetime = _FAR_FUTURE
    checked_at: float = float("-inf")


_hint = _Hint()


def forget_hint() -> None:
    """After a reset or a state import: the next request asks the database."""
    _hint.next_due, _hint.checked_at = _FAR_FUTURE, float("-inf")


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that applies transitions of `kind` ("evs.volume", "job" ...)."""

    def register(handler: Handler) -> Handler:
        _handlers[kind] = handler
        return handler

    return register


_EARLIEST = Prepared(
    select(*Transition.__table__.columns).order_by(Transition.due_at, Transition.id).limit(_BATCH)
)
_CLAIM = Prepared(delete(Transition).where(Transition.id == bindparam("claimed")))
_INSERT = Prepared(
    insert(Transition), ["service", "kind", "resource_id", "target", "due_at", "payload"]
)


def schedule(
    tx: Session,
    *,
    service: str,
    kind: str,
    resource_id: str,
    target: str,
    now: datetime,
    after: float,
    payload: dict[str, Any] | None = None,
) -> None:
    """A prepared INSERT on the transaction's connection (no ORM object to flush)."""
    due_at = now + timedelta(seconds=max(after, 0.0))
    _INSERT.run(
        connection_of(tx),
        {
            "service": service,
            "kind": kind,
            "resource_id": resource_id,
            "target": target,
            "due_at": due_at,
            "payload": payload or {},
        },
    )
    _hint.next_due = min(_hint.next_due, due_at)


_CANCEL = Prepared(
    delete(Transition).where(
        Transition.kind == bindparam("kind"), Transition.resource_id == bindparam("resource_id")
    )
)


def cancel(tx: Session, kind: str, resource_id: str) -> None:
    """A prepared DELETE; the session forgets the resource's transitions it holds, as an ORM
    delete would (no code adds Transition objects: `schedule` writes rows)."""
    _CANCEL.run(connection_of(tx), {"kind": kind, "resource_id": resource_id})
    for held in list(tx.identity_map.values()):
        if isinstance(held, Transition) and (held.kind, held.resource_id) == (kind, resource_id):
            tx.expunge(held)


_CANCEL_MANY = Prepared(
    delete(Transition)
    .where(
        Transition.kind == bindparam("kind"),
        Transition.resource_id.in_(bindparam("resource_ids", expanding=True)),
    )
    .returning(Transition.payload)
)


def cancel_many(tx: Session, kind: str, resource_ids: list[str]) -> list[dict[str, Any]]:
    """`cancel` for several resources in one statement: the payloads of what was pending."""
    if not resource_ids:
        return []
    tx.flush()  # pending transitions are cancelled too
    values = {"kind": kind, "resource_ids": resource_ids}
    return [row.payload for row in _CANCEL_MANY.all(connection_of(tx), values)]


def apply_due(db: Database, now: datetime, service_modules: dict[str, str]) -> int:
    """Apply every transition due by `now`; returns how many were applied."""
    if now < _hint.next_due and time.monotonic() - _hint.checked_at < _RECHECK_SECONDS:
        return 0
    applied = 0
    while True:
        # The earliest transitions of all, in due order: those due are applied one by one, the
        # first one not due yet is the next due time.
        with db.statements() as connection:
            batch = _EARLIEST.all(connection, {})
        # The handlers read them: detached copies, as the rows of a closed session would be.
        due = [Transition(**row._asdict()) for row in batch if row.due_at <= now]
        later = batch[len(due)].due_at if len(due) < len(batch) else _FAR_FUTURE
        _hint.next_due = _FAR_FUTURE  # what the handlers schedule lowers it
        try:
            for transition in due:
                if _hint.next_due < transition.due_at:
                    break  # a handler scheduled one due before it: read again, in due order
                applied += _apply(db, transition, service_modules)
        except BaseException:
            forget_hint()
            raise
        if len(due) == _BATCH or _hint.next_due <= now:
            continue  # more may be due: beyond the batch, or scheduled by a handler
        _hint.next_due = min(_hint.next_due, later)
        _hint.checked_at = time.monotonic()
        return applied


def _apply(db: Database, transition: Transition, service_modules: dict[str, str]) -> int:
    """One transition in its own transaction, as of its due time (a deletion stops its meters
    when it happened, however late the next request or clock move comes); 0 if another
    handler or process removed it in the meantime."""
    with db.transaction() as tx:
        if not _CLAIM.run(connection_of(tx), {"claimed": transition.id}):
            return 0
        handler = _handlers.get(transition.kind)
        if handler is None and transition.service in service_modules:
            import_module(service_modules[transition.service])
            handler = _handlers.get(transition.kind)
        if handler is not None:
            handler(tx, transition, transition.due_at)
    return 1
