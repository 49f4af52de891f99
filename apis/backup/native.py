"""The native VBS API: `cloudbackups` (jobs around the queued operations), backup policies and
their volumes, policy tags. Backups are read and deleted through Cinder `/backups` (served by
this app too, for clients that call the vbs endpoint)."""

import re
from typing import Any

from fastapi import APIRouter, Response

from apis.backup import backups, errors, policies, policy_runs, restores, schemas, views
from apis.backup.backups import Tenant
from emulator import tags
from emulator.context import ProjectContext
from emulator.dialects import HUAWEI, Dialect
from emulator.errors import NotFound

VBS = Dialect(
    HUAWEI.name,
    HUAWEI.render_body,
    HUAWEI.request_id_headers,
    {**HUAWEI.default_codes, 400: errors.BAD_REQUEST},
)
router = APIRouter(route_class=VBS.route_class)
_BACKUP_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


# Backups -------------------------------------------------------------------------------------


def _check_backup_name(name: str) -> None:
    if not name:
        raise errors.bad_request("Parameter name in the request is empty.", "VolumeBackup.0007")
    if len(name) > 64:
        raise errors.bad_request("Parameter name in the request is too long.", "VolumeBackup.0003")
    if not _BACKUP_NAME.match(name):
        raise errors.bad_request(
            "Parameter name in the request contains invalid characters.", errors.BAD_NAME
        )
    if name.startswith("auto"):
        raise errors.bad_request(
            "Parameter name in the request starts with auto.", "VolumeBackup.0005"
        )


def _check_description(description: str) -> None:
    if len(description) > 64 or "<" in description or ">" in description:
        raise errors.bad_request(
            "Parameter description in the request is too long or contains invalid characters.",
            errors.BAD_DESCRIPTION,
        )


@router.post("/v2/{project_id}/cloudbackups")
async def create_backup(ctx: ProjectContext, body: schemas.CloudBackupCreate) -> dict[str, Any]:
    option = body.backup
    _check_backup_name(option.name)
    _check_description(option.description or "")
    tag_values = tags.validate(
        [tag.model_dump() for tag in option.tags], codes={"huawei": errors.BAD_TAGS}
    )
    full = str((option.extend_param or {}).get("FullBackup", "")).lower() == "true"
    spec = backups.BackupSpec(
        volume_id=option.volume_id,
        name=option.name,
        description=option.description or "",
        snapshot_id=option.snapshot_id,
        incremental=False if full else None,
        tags=tag_values,
    )
    tenant = Tenant.of(ctx)
    with ctx.transaction() as tx:
        job = backups.job_for(tx, tenant, "bksCreateBackup", volume_id=option.volume_id)
        backups.create_backup(tx, tenant, spec, job)
        return {"job_id": job.id}


@router.delete("/v2/{project_id}/cloudbackups/{backup_id}")
async def delete_backup(ctx: ProjectContext, backup_id: str) -> dict[str, Any]:
    tenant = Tenant.of(ctx)
    with ctx.transaction() as tx:
        job = backups.job_for(tx, tenant, "bksDeleteBackup", backup_id=backup_id)
        backups.delete_backup(tx, tenant, backup_id, job)
        return {"job_id": job.id}


@router.post("/v2/{project_id}/cloudbackups/{backup_id}/restore")
async def restore_backup(
    ctx: ProjectContext, backup_id: str, body: schemas.NativeRestore
) -> dict[str, Any]:
    tenant = Tenant.of(ctx)
    with ctx.transaction() as tx:
        job = backups.job_for(tx, tenant, "bksRestoreBackup", backup_id=backup_id)
        restores.restore_backup(ctx, tx, backup_id, volume_id=body.restore.volume_id, job=job)
        return {"job_id": job.id}


# Policies ------------------------------------------------------------------------------------


def _policy_tags(body: schemas.BackupPolicyBody) -> dict[str, str]:
    return tags.validate(
        [tag.model_dump() for tag in body.tags], codes={"huawei": errors.BAD_POLICY_TAGS}
    )


@router.post("/v2/{project_id}/backuppolicy")
async def create_policy(ctx: ProjectContext, body: schemas.BackupPolicyBody) -> dict[str, Any]:
    spec = body.to_spec(_policy_tags(body))
    with ctx.transaction() as tx:
        policy = policies.create_policy(tx, Tenant.of(ctx), spec)
        return {"backup_policy_id": policy.id}


@router.get("/v2/{project_id}/backuppolicy")
async def list_policies(ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        rows = policies.list_policies(tx, ctx.project.id)
        counts = policies.volume_counts(tx, [row.id for row in rows])
        return {"backup_policies": [views.policy(row, counts.get(row.id, 0)) for row in rows]}


@router.put("/v2/{project_id}/backuppolicy/{policy_id}")
async def update_policy(
    ctx: ProjectContext, policy_id: str, body: schemas.BackupPolicyBody
) -> dict[str, Any]:
    spec = body.to_spec({})
    with ctx.transaction() as tx:
        policy = policies.update_policy(tx, Tenant.of(ctx), policy_id, spec)
        count = policies.volume_counts(tx, [policy.id]).get(policy.id, 0)
        return views.policy(policy, count)


@router.delete("/v2/{project_id}/backuppolicy/{policy_id}", status_code=204)
async def delete_policy(ctx: ProjectContext, policy_id: str) -> Response:
    with ctx.transaction() as tx:
        policies.delete_policy(tx, Tenant.of(ctx), policy_id)
    return Response(status_code=204)


@router.post("/v2/{project_id}/backuppolicy/{policy_id}/action", status_code=204)
async def execute_policy(ctx: ProjectContext, policy_id: str) -> Response:
    with ctx.transaction() as tx:
        policies.execute_now(tx, Tenant.of(ctx), policy_id)
    return Response(status_code=204)


@router.get("/v2/{project_id}/backuppolicy/{policy_id}/backuptasks")
async def list_policy_tasks(
    ctx: ProjectContext,
    policy_id: str,
    status: str | None = None,
    job_id: str | None = None,
    sort_dir: str = "desc",
    offset: int = 0,
    limit: int = 20,
) -> dict[str, Any]:
    if sort_dir not in ("asc", "desc") or offset < 0 or limit < 0:
        raise errors.bad_request("Invalid sort_dir, offset or limit.", errors.BAD_REQUEST)
    with ctx.transaction() as tx:
        policies.get_policy(tx, ctx.project.id, policy_id)
        found = policy_runs.policy_jobs(tx, ctx.project.id, policy_id)
    found = [
        job
        for job in found
        if (status is None or views.task_status(job) == status)
        and (job_id is None or job.id == job_id)
    ]
    if sort_dir == "desc":
        found.reverse()
    page = found[offset : offset + limit]
    return {"tasks": [views.policy_task(job) for job in page], "count": len(found)}


def _resource_results(outcome: policies.Outcome) -> dict[str, Any]:
    return {
        "success_resources": [views.associated(item) for item in outcome.succeeded],
        "fail_resources": [
            {
                "resource_id": resource_id,
                "resource_type": "volume",
                "error_code": error.code_for("huawei", ""),
                "error_msg": error.message,
            }
            for resource_id, error in outcome.failed
        ],
    }


@router.post("/v2/{project_id}/backuppolicyresources")
async def associate(ctx: ProjectContext, body: schemas.Association) -> dict[str, Any]:
    resources = [(item.resource_id, item.resource_type) for item in body.resources]
    with ctx.transaction() as tx:
        outcome = policies.associate(tx, Tenant.of(ctx), body.backup_policy_id, resources)
        return _resource_results(outcome)


@router.post("/v2/{project_id}/backuppolicyresources/{policy_id}/deleted_resources")
async def disassociate(
    ctx: ProjectContext, policy_id: str, body: schemas.Disassociation
) -> dict[str, Any]:
    volume_ids = [item.resource_id for item in body.resources]
    with ctx.transaction() as tx:
        outcome = policies.disassociate(tx, Tenant.of(ctx), policy_id, volume_ids)
        return _resource_results(outcome)


# Policy tags ---------------------------------------------------------------------------------


@router.get("/v2/{project_id}/backuppolicy/{policy_id}/tags")
async def list_policy_tags(ctx: ProjectContext, policy_id: str) -> dict[str, Any]:
    with ctx.transaction() as tx:
        policies.get_policy(tx, ctx.project.id, policy_id)
        return {"tags": tags.as_list(tags.of(tx, policies.TAG_TYPE, policy_id))}


@router.post("/v2/{project_id}/backuppolicy/{policy_id}/tags", status_code=204)
async def add_policy_tag(ctx: ProjectContext, policy_id: str, body: schemas.TagBody) -> Response:
    codes = {"huawei": errors.BAD_POLICY_TAGS}
    values = tags.validate([body.tag.model_dump()], codes=codes)
    with ctx.transaction() as tx:
        policies.get_policy(tx, ctx.project.id, policy_id)
        tags.put(
            tx,
            project_id=ctx.project.id,
            resource_type=policies.TAG_TYPE,
            resource_id=policy_id,
            tags=values,
            codes=codes,
        )
    return Response(status_code=204)


@router.delete("/v2/{project_id}/backuppolicy/{policy_id}/tags/{key}", status_code=204)
async def remove_policy_tag(ctx: ProjectContext, policy_id: str, key: str) -> Response:
    with ctx.transaction() as tx:
        policies.get_policy(tx, ctx.project.id, policy_id)
        if key not in tags.of(tx, policies.TAG_TYPE, policy_id):
            raise NotFound(f"Tag {key} does not exist.", codes={"huawei": errors.NO_POLICY_TAG})
        tags.remove(tx, policies.TAG_TYPE, policy_id, [key])
    return Response(status_code=204)
