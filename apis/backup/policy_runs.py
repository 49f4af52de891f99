"""Policy runs on the virtual clock. A policy that is ON has one pending run (`emulator.lifecycle`
kind `vbs.policy`) that, when due, backs up every associated volume through the queue, prunes
by retention, then schedules the next run: advancing the clock a week runs a daily policy 7
times. A volume that cannot be backed up (a limit, its status) is skipped and the reason
recorded as a failed job of the run (`backuptasks`)."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from apis.backup import backups, schedule
from apis.backup.backups import Tenant
from apis.backup.models import Backup, BackupPolicy, PolicyVolume
from apis.evs.models import Volume
from emulator import ids, jobs, lifecycle
from emulator.errors import ApiError
from state.models import Job, Project, Transition

KIND = "vbs.policy"
JOB_TYPE = "bksCreateBackup"


def run(tx: Session, policy: BackupPolicy, tenant: Tenant) -> None:
    links = tx.scalars(
        select(PolicyVolume)
        .where(PolicyVolume.policy_id == policy.id)
        .order_by(PolicyVolume.volume_id)
    ).all()
    for link in links:
        if _back_up(tx, policy, tenant, link.volume_id):
            _prune(tx, policy, tenant, link.volume_id)


def _back_up(tx: Session, policy: BackupPolicy, tenant: Tenant, volume_id: str) -> bool:
    """Back up one volume of a run (False when the volume was deleted since it was associated:
    it leaves the policy, and its backups stay as they are)."""
    if tx.get(Volume, volume_id) is None:
        link = tx.get(PolicyVolume, volume_id)
        if link is not None:
            tx.delete(link)
        return False
    name = f"autobk_{ids.hex_id()[:4]}"
    job = backups.job_for(
        tx, tenant, JOB_TYPE, volume_id=volume_id, policy_id=policy.id, backup_name=name
    )
    spec = backups.BackupSpec(volume_id=volume_id, name=name, policy_id=policy.id)
    try:
        with tx.begin_nested():
            backups.create_backup(tx, tenant, spec, job)
    except ApiError as error:
        jobs.fail(
            tx,
            job,
            tenant.at,
            error_code=error.code_for("huawei", ""),
            reason=error.message_for("huawei"),
        )
    return True


def _prune(tx: Session, policy: BackupPolicy, tenant: Tenant, volume_id: str) -> None:
    """Delete the policy's oldest available backups of the volume past its retention, keeping
    the first backup of the current month if the policy says so."""
    made = tx.scalars(
        select(Backup)
        .where(
            Backup.volume_id == volume_id,
            Backup.policy_id == policy.id,
            Backup.status.in_(("creating", "available")),
        )
        .order_by(Backup.created_at.desc(), Backup.id.desc())
    ).all()
    keep: set[str] = set()
    if policy.retention_num is not None:
        keep = {backup.id for backup in made[: policy.retention_num]}
    elif policy.retention_day is not None:
        horizon = tenant.at - timedelta(days=policy.retention_day)
        keep = {backup.id for backup in made if backup.created_at >= horizon}
    if policy.keep_first_of_month:
        this_month = [b for b in made if _same_month(b.created_at, tenant.at)]
        if this_month:
            keep.add(this_month[-1].id)
    for backup in made:
        if backup.id not in keep and backup.status == "available":
            backups.start_deletion(tx, tenant, backup)


def _same_month(a: datetime, b: datetime) -> bool:
    return (a.year, a.month) == (b.year, b.month)


def _schedule_of(policy: BackupPolicy) -> schedule.Schedule:
    return schedule.Schedule(
        hours=schedule.parse_hours(policy.start_time) or (0,),
        frequency=policy.frequency,
        week_days=tuple(policy.week_frequency or ()),
        since=policy.created_at,
    )


def reschedule(tx: Session, tenant: Tenant, policy: BackupPolicy) -> None:
    """Replace the policy's pending run by the next one after `tenant.at` (none when OFF)."""
    tx.flush()
    lifecycle.cancel(tx, KIND, policy.id)
    if policy.status == "ON":
        _schedule_next(tx, policy, tenant.at, tenant.seconds)


def _schedule_next(tx: Session, policy: BackupPolicy, after: datetime, seconds: float) -> None:
    due = schedule.next_run(_schedule_of(policy), after)
    lifecycle.schedule(
        tx,
        service="vbs",
        kind=KIND,
        resource_id=policy.id,
        target="run",
        now=after,
        after=(due - after).total_seconds(),
        payload={"seconds": seconds},
    )


@lifecycle.handles(KIND)
def _run_when_due(tx: Session, transition: Transition, now: datetime) -> None:
    policy = tx.get(BackupPolicy, transition.resource_id)
    if policy is None or policy.status != "ON":
        return
    at = transition.due_at
    seconds = float(transition.payload.get("seconds", 0.0))
    project_region = _region_of(tx, policy.project_id)
    run(tx, policy, Tenant(policy.project_id, project_region, at, seconds))
    _schedule_next(tx, policy, at, seconds)


def _region_of(tx: Session, project_id: str) -> str:
    project = tx.get(Project, project_id)
    return project.region if project else ""


def policy_jobs(tx: Session, project_id: str, policy_id: str) -> list[Job]:
    """The jobs of a policy's runs (backups made and volumes skipped), oldest first."""
    rows = tx.scalars(
        select(Job)
        .where(Job.project_id == project_id, Job.job_type == JOB_TYPE)
        .order_by(Job.begin_time, Job.id)
    )
    return [job for job in rows if job.entities.get("policy_id") == policy_id]
