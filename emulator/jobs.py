"""Jobs of the native APIs (ECS, EVS, IMS, VBS): one table, one `GET /v1/{pid}/jobs/{id}`.

A service creates a job (with sub-jobs for batch operations) when it accepts an asynchronous
call, and finishes it from the transition that completes the work, or fails it with the error
code and reason the real service reports.
"""

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session

from emulator import ids
from emulator.clock import iso
from emulator.context import ProjectContext
from emulator.dialects import HUAWEI
from emulator.errors import NotFound
from state.models import Job

RUNNING, SUCCESS, FAIL, INIT = "RUNNING", "SUCCESS", "FAIL", "INIT"


def create(
    tx: Session,
    *,
    project_id: str,
    job_type: str,
    now: datetime,
    entities: dict[str, Any] | None = None,
    parent_id: str | None = None,
    status: str = RUNNING,
) -> Job:
    job = Job(
        id=ids.hex_id(),
        project_id=project_id,
        parent_id=parent_id,
        job_type=job_type,
        status=status,
        begin_time=now,
        entities=entities or {},
    )
    tx.add(job)
    return job


def finish(tx: Session, job: Job, now: datetime, *, entities: dict[str, Any] | None = None) -> None:
    job.status = SUCCESS
    job.end_time = now
    if entities:
        job.entities = {**job.entities, **entities}
    _settle_parent(tx, job, now)


def fail(tx: Session, job: Job, now: datetime, *, error_code: str, reason: str) -> None:
    job.status = FAIL
    job.end_time = now
    job.error_code = error_code
    job.fail_reason = reason
    _settle_parent(tx, job, now)


def _settle_parent(tx: Session, job: Job, now: datetime) -> None:
    """A parent job ends when its last sub-job ends: SUCCESS if all succeeded, else FAIL."""
    if job.parent_id is None:
        return
    parent = tx.get(Job, job.parent_id)
    if parent is None:
        return
    tx.flush()
    children = tx.scalars(select(Job).where(Job.parent_id == parent.id)).all()
    if any(child.status in (RUNNING, INIT) for child in children):
        return
    failed = [child for child in children if child.status == FAIL]
    if failed:
        fail(
            tx,
            parent,
            now,
            error_code=failed[0].error_code or "",
            reason=failed[0].fail_reason or "",
        )
    else:
        finish(tx, parent, now)


def get(tx: Session, project_id: str, job_id: str) -> Job:
    job = tx.get(Job, job_id)
    if job is None or job.project_id != project_id:
        raise NotFound(f"Job {job_id} does not exist.", codes={"huawei": "Common.0011"})
    return job


def view(tx: Session, job: Job) -> dict[str, Any]:
    entities = dict(job.entities)
    children = tx.scalars(select(Job).where(Job.parent_id == job.id).order_by(Job.begin_time)).all()
    if children:
        entities["sub_jobs_total"] = len(children)
        entities["sub_jobs"] = [view(tx, child) for child in children]
    return {
        "job_id": job.id,
        "job_type": job.job_type,
        "status": job.status,
        "begin_time": iso_z(job.begin_time),
        "end_time": iso_z(job.end_time) or "",
        "error_code": job.error_code,
        "fail_reason": job.fail_reason,
        "entities": entities,
    }


def iso_z(value: datetime | None) -> str | None:
    """Jobs print times as 2026-11-28T12:00:00.123Z."""
    text = iso(value)
    return text[:-4] + "Z" if text else None


router = APIRouter(route_class=HUAWEI.route_class)


@router.get("/v1/{project_id}/jobs/{job_id}")
async def show_job(job_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return view(tx, get(tx, ctx.project.id, job_id))
