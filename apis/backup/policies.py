"""Backup policies: when to back up the volumes associated with them, and how many of those
backups to keep. A policy that is ON has one pending run (`emulator.lifecycle` kind
`vbs.policy`) that, when due, backs up every associated volume through the queue, prunes by
retention, then schedules the next run: advancing the clock a week runs a daily policy 7 times.
A volume that cannot be backed up (a limit, its status) is skipped and the reason recorded as a
failed job of the run."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apis.backup import backups, errors, schedule
from apis.backup.backups import Tenant
from apis.backup.models import Backup, BackupPolicy, PolicyVolume
from apis.evs.models import Volume
from emulator import ids, jobs, lifecycle, tags
from emulator.errors import ApiError
from state.models import Job, Project, Transition

KIND = "vbs.policy"
TAG_TYPE = "vbs.policy"
JOB_TYPE = "bksCreateBackup"
MAX_POLICIES = 10
RETENTION_NUM = (2, 99)
RETENTION_DAY = (2, 99999)
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass
class PolicySpec:
    """A policy as the API gives it; fields left None keep their value on update."""

    name: str | None = None
    start_time: str | None = None
    frequency: int | None = None
    week_frequency: list[str] | None = None
    retention_num: int | None = None
    retention_day: int | None = None
    keep_first_of_month: str | None = None
    status: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


# Validation -------------------------------------------------------------------------------


def _check_name(name: str) -> None:
    if not 1 <= len(name) <= 64:
        raise errors.policy_error(
            "The backup policy name must be 1 to 64 characters.", errors.POLICY_NAME_LENGTH
        )
    if not _NAME.match(name) or name.startswith("default"):
        raise errors.policy_error(
            "The backup policy name may contain only letters, digits, underscores and hyphens, "
            "and cannot start with 'default'.",
            errors.POLICY_NAME,
        )


def _apply(policy: BackupPolicy, spec: PolicySpec) -> None:
    """Validate `spec` and write it on `policy` (a new one or an update)."""
    if spec.name is not None:
        _check_name(spec.name)
        policy.name = spec.name
    if spec.start_time is not None:
        if schedule.parse_hours(spec.start_time) is None:
            raise errors.policy_error(
                f"Invalid start_time {spec.start_time!r}: full hours HH:00, comma-separated.",
                errors.POLICY_START_TIME,
            )
        policy.start_time = spec.start_time
    _apply_frequency(policy, spec)
    _apply_retention(policy, spec)
    if spec.keep_first_of_month is not None:
        if spec.keep_first_of_month not in ("Y", "N"):
            raise errors.policy_error(
                "remain_first_backup_of_curMonth must be Y or N.", errors.POLICY_KEEP_FIRST
            )
        policy.keep_first_of_month = spec.keep_first_of_month == "Y"
    if spec.status is not None:
        if spec.status not in ("ON", "OFF"):
            raise errors.policy_error("status must be ON or OFF.", errors.POLICY_STATUS)
        policy.status = spec.status


def _apply_frequency(policy: BackupPolicy, spec: PolicySpec) -> None:
    if spec.frequency is not None:
        if not 1 <= spec.frequency <= schedule.MAX_FREQUENCY:
            raise errors.policy_error(
                f"frequency must be 1 to {schedule.MAX_FREQUENCY} days.", errors.POLICY_FREQUENCY
            )
        policy.frequency, policy.week_frequency = spec.frequency, None
    elif spec.week_frequency is not None:
        unknown = [day for day in spec.week_frequency if day not in schedule.WEEK_DAYS]
        if unknown or not spec.week_frequency:
            raise errors.policy_error(
                f"week_frequency takes SUN, MON, TUE, WED, THU, FRI, SAT; got {unknown}.",
                errors.POLICY_FREQUENCY,
            )
        policy.frequency, policy.week_frequency = None, sorted(set(spec.week_frequency))
    if policy.frequency is None and not policy.week_frequency:
        raise errors.policy_error(
            "Either frequency or week_frequency must be given.", errors.POLICY_FREQUENCY
        )


def _apply_retention(policy: BackupPolicy, spec: PolicySpec) -> None:
    if spec.retention_num is not None:
        low, high = RETENTION_NUM
        if not low <= spec.retention_num <= high:
            raise errors.policy_error(
                f"rentention_num must be {low} to {high}.", errors.POLICY_RETENTION
            )
        policy.retention_num, policy.retention_day = spec.retention_num, None
    elif spec.retention_day is not None:
        low, high = RETENTION_DAY
        if not low <= spec.retention_day <= high:
            raise errors.policy_error(
                f"rentention_day must be {low} to {high}.", errors.POLICY_RETENTION
            )
        policy.retention_num, policy.retention_day = None, spec.retention_day
    if policy.retention_num is None and policy.retention_day is None:
        raise errors.policy_error(
            "Either rentention_num or rentention_day must be given.", errors.POLICY_RETENTION
        )


# CRUD -------------------------------------------------------------------------------------


def get_policy(tx: Session, project_id: str, policy_id: str) -> BackupPolicy:
    policy = tx.get(BackupPolicy, policy_id)
    if policy is None or policy.project_id != project_id:
        raise errors.policy_not_found(policy_id)
    return policy


def list_policies(tx: Session, project_id: str) -> list[BackupPolicy]:
    return list(
        tx.scalars(
            select(BackupPolicy)
            .where(BackupPolicy.project_id == project_id)
            .order_by(BackupPolicy.created_at, BackupPolicy.id)
        )
    )


def volume_counts(tx: Session, policy_ids: list[str]) -> dict[str, int]:
    rows = tx.execute(
        select(PolicyVolume.policy_id, func.count())
        .where(PolicyVolume.policy_id.in_(policy_ids))
        .group_by(PolicyVolume.policy_id)
    )
    return {policy_id: count for policy_id, count in rows}


def create_policy(tx: Session, tenant: Tenant, spec: PolicySpec) -> BackupPolicy:
    if spec.name is None or spec.start_time is None or spec.status is None:
        raise errors.policy_error(
            "backup_policy_name, start_time and status are required.", errors.POLICY_NAME
        )
    policy = BackupPolicy(
        id=ids.uuid_id(),
        project_id=tenant.project_id,
        keep_first_of_month=False,
        created_at=tenant.at,
    )
    _apply(policy, spec)
    count = tx.scalar(
        select(func.count(BackupPolicy.id)).where(BackupPolicy.project_id == tenant.project_id)
    )
    if (count or 0) >= MAX_POLICIES:
        raise errors.policy_error(
            f"A tenant has at most {MAX_POLICIES} backup policies.", errors.POLICY_COUNT
        )
    tx.add(policy)
    if spec.tags:
        tags.put(
            tx,
            project_id=tenant.project_id,
            resource_type=TAG_TYPE,
            resource_id=policy.id,
            tags=spec.tags,
            codes={"huawei": errors.BAD_POLICY_TAGS},
        )
    _reschedule(tx, tenant, policy)
    return policy


def update_policy(tx: Session, tenant: Tenant, policy_id: str, spec: PolicySpec) -> BackupPolicy:
    policy = get_policy(tx, tenant.project_id, policy_id)
    _apply(policy, spec)
    _reschedule(tx, tenant, policy)
    return policy


def delete_policy(tx: Session, tenant: Tenant, policy_id: str) -> None:
    policy = get_policy(tx, tenant.project_id, policy_id)
    lifecycle.cancel(tx, KIND, policy.id)
    tags.remove_all(tx, TAG_TYPE, policy.id)
    for link in tx.scalars(select(PolicyVolume).where(PolicyVolume.policy_id == policy.id)):
        tx.delete(link)
    tx.delete(policy)


# Volumes ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """Per resource: associated or disassociated, or why not."""

    succeeded: list[Volume | str] = field(default_factory=list)
    failed: list[tuple[str, ApiError]] = field(default_factory=list)


def associate(
    tx: Session, tenant: Tenant, policy_id: str, volume_ids: list[tuple[str, str]]
) -> Outcome:
    """Protect volumes (resource_id, resource_type) with a policy, one at a time: a volume of
    another policy moves to this one."""
    policy = get_policy(tx, tenant.project_id, policy_id)
    if not volume_ids:
        raise errors.policy_error("The resources to associate are empty.", errors.NO_RESOURCES)
    outcome = Outcome()
    for volume_id, resource_type in volume_ids:
        try:
            volume = _associable(tx, tenant, volume_id, resource_type)
        except ApiError as error:
            outcome.failed.append((volume_id, error))
            continue
        link = tx.get(PolicyVolume, volume.id)
        if link is None:
            tx.add(
                PolicyVolume(volume_id=volume.id, policy_id=policy.id, project_id=policy.project_id)
            )
        else:
            link.policy_id = policy.id
        outcome.succeeded.append(volume)
    return outcome


def _associable(tx: Session, tenant: Tenant, volume_id: str, resource_type: str) -> Volume:
    if resource_type != "volume":
        raise errors.policy_error(
            f"Unknown resource type {resource_type!r}.", errors.BAD_RESOURCE_TYPE
        )
    volume = tx.get(Volume, volume_id)
    if volume is None or volume.project_id != tenant.project_id:
        raise errors.policy_error(f"Volume {volume_id} does not exist.", errors.BAD_RESOURCE)
    if volume.status not in backups.BACKUP_FROM:
        raise errors.policy_error(
            f"Volume {volume_id} is {volume.status}: only available or in-use volumes can be "
            "associated.",
            errors.BAD_RESOURCE_STATUS,
        )
    return volume


def disassociate(tx: Session, tenant: Tenant, policy_id: str, volume_ids: list[str]) -> Outcome:
    policy = get_policy(tx, tenant.project_id, policy_id)
    if not volume_ids:
        raise errors.policy_error("The resources to disassociate are empty.", errors.NO_RESOURCES)
    outcome = Outcome()
    for volume_id in volume_ids:
        link = tx.get(PolicyVolume, volume_id)
        if link is None or link.policy_id != policy.id:
            outcome.failed.append(
                (
                    volume_id,
                    errors.policy_error(
                        f"Volume {volume_id} is not associated with policy {policy.id}.",
                        errors.BAD_RESOURCE,
                    ),
                )
            )
            continue
        tx.delete(link)
        outcome.succeeded.append(volume_id)
    return outcome


# Runs -------------------------------------------------------------------------------------


def execute_now(tx: Session, tenant: Tenant, policy_id: str) -> None:
    """Back up the policy's volumes at once (the schedule is unchanged)."""
    run(tx, get_policy(tx, tenant.project_id, policy_id), tenant)


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


def _reschedule(tx: Session, tenant: Tenant, policy: BackupPolicy) -> None:
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
