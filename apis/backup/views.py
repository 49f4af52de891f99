"""Backup rows -> JSON: the Cinder backup object (also what VBS serves under `/backups`) and
the native policy objects."""

from datetime import UTC, datetime
from typing import Any

from apis.backup.models import Backup, BackupPolicy
from apis.evs.models import Volume
from apis.evs.views import cinder_time
from emulator.jobs import FAIL, INIT, SUCCESS
from state.models import Job


def links(base: str, backup: Backup) -> list[dict[str, str]]:
    """`base` is scheme://host[/prefix]/v2|v3/{project_id}."""
    version_root = base.rsplit("/", 2)[0]
    return [
        {"href": f"{base}/backups/{backup.id}", "rel": "self"},
        {"href": f"{version_root}/{backup.project_id}/backups/{backup.id}", "rel": "bookmark"},
    ]


def cinder_backup_summary(backup: Backup, base: str) -> dict[str, Any]:
    return {"id": backup.id, "name": backup.name, "links": links(base, backup)}


def cinder_backup(backup: Backup, has_dependents: bool, base: str) -> dict[str, Any]:
    return {
        **cinder_backup_summary(backup, base),
        "description": backup.description,
        "status": backup.status,
        "size": backup.size,
        "volume_id": backup.volume_id,
        "snapshot_id": backup.snapshot_id,
        "availability_zone": backup.availability_zone,
        "container": backup.id,
        "object_count": 0,
        "fail_reason": backup.fail_reason,
        "is_incremental": backup.is_incremental,
        "has_dependent_backups": has_dependents,
        "created_at": cinder_time(backup.created_at),
        "updated_at": cinder_time(backup.updated_at),
        "data_timestamp": cinder_time(backup.created_at),
        "os-bak-tenant-attr:tenant_id": backup.project_id,
    }


def restore(backup: Backup, volume_id: str, volume_name: str) -> dict[str, Any]:
    return {"restore": {"backup_id": backup.id, "volume_id": volume_id, "volume_name": volume_name}}


def scheduled_policy(policy: BackupPolicy) -> dict[str, Any]:
    body: dict[str, Any] = {
        "start_time": policy.start_time,
        "status": policy.status,
        "remain_first_backup_of_curMonth": "Y" if policy.keep_first_of_month else "N",
    }
    if policy.frequency is not None:
        body["frequency"] = policy.frequency
    else:
        body["week_frequency"] = list(policy.week_frequency or [])
    if policy.retention_num is not None:
        body["rentention_num"] = policy.retention_num
    else:
        body["rentention_day"] = policy.retention_day
    return body


def policy(policy: BackupPolicy, volume_count: int) -> dict[str, Any]:
    return {
        "backup_policy_id": policy.id,
        "backup_policy_name": policy.name,
        "scheduled_policy": scheduled_policy(policy),
        "policy_resource_count": volume_count,
    }


def associated(resource: Volume | str) -> dict[str, Any]:
    """A volume (dis)associated with a policy."""
    if isinstance(resource, str):
        return {"resource_id": resource}
    return {
        "resource_id": resource.id,
        "resource_type": "volume",
        "availability_zone": resource.availability_zone,
        "os_vol_host_attr": f"pod01.{resource.availability_zone}",
    }


_TASK_STATUS = {INIT: "WAITING", SUCCESS: "EXECUTE_SUCCESS", FAIL: "EXECUTE_FAIL"}


def task_status(job: Job) -> str:
    return _TASK_STATUS.get(job.status, job.status)


def _task_time(value: datetime | None) -> str | None:
    """Policy tasks print times as 2016-12-02T09:06:46.706 (UTC, no zone)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] if value else None


def policy_task(job: Job) -> dict[str, Any]:
    """One volume of one policy run: the backup it made, or why it was skipped."""
    body = {
        "job_id": job.id,
        "vbs_job_id": job.id,
        "status": task_status(job),
        "created_at": _task_time(job.begin_time),
        "backup_name": job.entities.get("backup_name"),
        "resource_id": job.entities.get("volume_id"),
        "resource_type": "volume",
    }
    if job.end_time is not None:
        body["finished_at"] = _task_time(job.end_time)
    if job.status == FAIL:
        body["code"], body["message"] = job.error_code, job.fail_reason
    return body
