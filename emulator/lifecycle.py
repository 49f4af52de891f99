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
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, delete, select
from sqlalchemy.orm import Session

from state.db import Database
from state.models import Transition
from state.prepared import Prepared

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
) -> Transition:
    due_at = now + timedelta(seconds=max(after, 0.0))
    transition = Transition(
        service=service,
        kind=kind,
        resource_id=resource_id,
        target=target,
        due_at=due_at,
        payload=payload or {},
    )
    tx.add(transition)
    _hint.next_due = min(_hint.next_due, due_at)
    return transition


def cancel(tx: Session, kind: str, resource_id: str) -> None:
    tx.execute(
        delete(Transition).where(Transition.kind == kind, Transition.resource_id == resource_id)
    )


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
    return [row.payload for row in _CANCEL_MANY.all(tx.connection(), values)]


def apply_due(db: Database, now: datetime, service_modules: dict[str, str]) -> int:
    """Apply every transition due by `now`; returns how many were applied."""
    if now < _hint.next_due and time.monotonic() - _hint.checked_at < _RECHECK_SECONDS:
        return 0
    applied = 0
    while True:
        # The earliest transitions of all, in due order: those due are applied one by one, the
        # first one not due yet is the next due time.
        with db.transaction() as tx:
            batch = list(
                tx.scalars(
                    select(Transition).order_by(Transition.due_at, Transition.id).limit(_BATCH)
                )
            )
        due = [transition for transition in batch if transition.due_at <= now]
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
        claimed = tx.execute(delete(Transition).where(Transition.id == transition.id))
        if not cast(CursorResult[Any], claimed).rowcount:
            return 0
        handler = _handlers.get(transition.kind)
        if handler is None and transition.service in service_modules:
            import_module(service_modules[transition.service])
            handler = _handlers.get(transition.kind)
        if handler is not None:
            handler(tx, transition, transition.due_at)
    return 1
