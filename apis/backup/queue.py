"""The per-tenant queue of backup operations: at most `backup_operations` (5) run at once.

An operation is queued when accepted; it starts when one of its tenant's running slots frees
(first come, first served: lowest id first) and ends `seconds` later on the virtual clock
(`emulator.lifecycle` kind `vbs.operation`). Slots are counted with the shared quota module, a
conditional UPDATE inside the write transaction, so concurrent writers never overshoot. Each
tenant has its own slots: one tenant's queue never holds another's back.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from apis.backup.models import BackupOperation
from emulator import jobs, lifecycle, quotas
from emulator.errors import QuotaExceeded
from state.models import Job, Transition

KIND = "vbs.operation"
SLOTS = "backup_operations"
QUEUED, RUNNING = "queued", "running"

Finisher = Callable[[Session, BackupOperation, datetime], None]
_finishers: dict[str, Finisher] = {}


def finishes(action: str) -> Callable[[Finisher], Finisher]:
    """Register what the end of an operation (`create`, `delete`, `restore`) does."""

    def register(finisher: Finisher) -> Finisher:
        _finishers[action] = finisher
        return finisher

    return register


def enqueue(
    tx: Session,
    *,
    project_id: str,
    action: str,
    backup_id: str,
    at: datetime,
    seconds: float,
    volume_id: str | None = None,
    job: Job | None = None,
    payload: dict[str, Any] | None = None,
) -> BackupOperation:
    """Queue an operation and start it at once if a slot is free."""
    operation = BackupOperation(
        project_id=project_id,
        action=action,
        backup_id=backup_id,
        volume_id=volume_id,
        job_id=job.id if job else None,
        state=QUEUED,
        seconds=seconds,
        payload=payload or {},
        queued_at=at,
    )
    tx.add(operation)
    tx.flush()
    admit(tx, project_id, at)
    return operation


def admit(tx: Session, project_id: str, at: datetime) -> None:
    """Start the tenant's oldest queued operations while it has free slots."""
    while True:
        waiting = tx.scalars(
            select(BackupOperation)
            .where(BackupOperation.project_id == project_id, BackupOperation.state == QUEUED)
            .order_by(BackupOperation.id)
            .limit(1)
        ).first()
        if waiting is None:
            return
        try:
            quotas.consume(tx, project_id, {SLOTS: 1})
        except QuotaExceeded:
            return
        waiting.state = RUNNING
        job = tx.get(Job, waiting.job_id) if waiting.job_id else None
        if job is not None:
            job.status = jobs.RUNNING
        lifecycle.schedule(
            tx,
            service="vbs",
            kind=KIND,
            resource_id=str(waiting.id),
            target=waiting.action,
            now=at,
            after=waiting.seconds,
        )
        tx.flush()


@lifecycle.handles(KIND)
def _finish(tx: Session, transition: Transition, now: datetime) -> None:
    """The end of a running operation, at its due time: its effect, its slot, the next one."""
    operation = tx.get(BackupOperation, int(transition.resource_id))
    if operation is None:
        return
    at = transition.due_at
    _finishers[operation.action](tx, operation, at)
    job = tx.get(Job, operation.job_id) if operation.job_id else None
    if job is not None and job.status != jobs.FAIL:
        jobs.finish(tx, job, at)
    quotas.release(tx, operation.project_id, {SLOTS: 1})
    project_id = operation.project_id
    tx.delete(operation)
    tx.flush()
    admit(tx, project_id, at)
