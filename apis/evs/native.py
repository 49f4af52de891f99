"""The native EVS API (`cloudvolumes`, `cloudsnapshots`, tags): the same operations as Cinder,
with jobs around the asynchronous ones and EVS's own error codes."""

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apis.backup import restores
from apis.evs import errors, operations, schemas, snapshots, views, wire
from apis.evs.models import Snapshot, Volume
from emulator import jobs, tags
from emulator.context import ProjectContext, RequestContext
from emulator.errors import BadRequest
from emulator.pagination import marker_page, offset_page

router = APIRouter(route_class=errors.EVS.route_class)
TAG_CODES = {"huawei": errors.INVALID_BODY}


def _native_view(tx: Session, volume: Volume, base: str) -> dict[str, Any]:
    return views.native_volume(
        volume,
        operations.attachments_of(tx, [volume.id])[volume.id],
        tags.of(tx, operations.TAG_TYPE, volume.id),
        base,
    )


# Volumes -------------------------------------------------------------------------------------


@router.post("/v2.1/{project_id}/cloudvolumes", status_code=202)
@router.post("/v2/{project_id}/cloudvolumes", status_code=202)
async def create_volumes(ctx: ProjectContext, body: schemas.EvsVolumeCreate) -> dict[str, Any]:
    if body.server_id is not None:
        raise errors.bad_request(
            "Creating a volume attached to a server is not supported by "
            "this EVS version: attach it through ECS.",
            native=errors.INVALID_BODY,
        )
    if body.volume.backup_id is not None:
        return _create_from_backup(ctx, body.volume)
    with ctx.transaction() as tx:
        job, volumes = operations.create_volumes_in_job(
            tx, ctx, body.volume.to_spec(), body.volume.count
        )
        return {"job_id": job.id, "volume_ids": [volume.id for volume in volumes]}


def _create_from_backup(ctx: RequestContext, option: schemas.EvsVolume) -> dict[str, Any]:
    """A new volume restored from a VBS backup (one at a time), its job ending with the restore."""
    if option.count != 1:
        raise errors.bad_request(
            "count must be 1 to create a volume from a backup.", native=errors.INVALID_BODY
        )
    with ctx.transaction() as tx:
        job = jobs.create(
            tx, project_id=ctx.project.id, job_type="createVolume", now=ctx.now(), status=jobs.INIT
        )
        restored = restores.restore_backup(
            ctx, tx, str(option.backup_id), new_volume=option.to_spec(), job=job
        )
        job.entities = {**job.entities, **operations.job_entities(restored.volume)}
        return {"job_id": job.id, "volume_ids": [restored.volume.id]}


@router.get("/v2/{project_id}/cloudvolumes/detail")
async def list_volumes(
    request: Request,
    ctx: ProjectContext,
    offset: int = 0,
    limit: int | None = None,
    marker: str | None = None,
    multiattach: bool | None = None,
) -> dict[str, Any]:
    params = request.query_params
    filters = operations.VolumeFilters(
        name=params.get("name"),
        status=params.get("status"),
        availability_zone=params.get("availability_zone"),
        multiattach=multiattach,
        metadata=wire.metadata_filter(params.get("metadata")),
        ids=_ids(params),
        volume_type=params.get("volume_type_id"),
        server_id=params.get("server_id"),
    )
    query = operations.query_volumes(ctx, filters)
    newest_first = wire.newest_first(params.get("sort_dir"))
    base = wire.link_base(request, ctx)
    with ctx.transaction() as tx:
        if marker is not None:
            operations.get_volume(tx, ctx, marker)
        count = tx.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        page = (
            marker_page(tx, query, Volume, limit=limit, marker=marker, newest_first=newest_first)
            if marker is not None
            else offset_page(
                tx, query, Volume, offset=offset, limit=limit, newest_first=newest_first
            )
        )
        attached = operations.attachments_of(tx, [v.id for v in page.items])
        tagged = tags.of_many(tx, operations.TAG_TYPE, [v.id for v in page.items])
        items = [
            views.native_volume(v, attached[v.id], tagged.get(v.id, {}), base) for v in page.items
        ]
    body: dict[str, Any] = {"count": count, "volumes": items}
    links = wire.next_link(base, "cloudvolumes/detail", page.next_marker, limit)
    if links:
        body["volumes_links"] = links
    return body


def _ids(params: Any) -> list[str] | None:
    """`ids=['id1','id2']` (as the EVS API documents it), else `id`."""
    text = params.get("ids")
    if text is None:
        return [params["id"]] if "id" in params else None
    return [part.strip(" '\"") for part in text.strip("[]").split(",") if part.strip(" '\"")]


@router.get("/v2/{project_id}/cloudvolumes/tags")
async def project_tags(ctx: ProjectContext) -> dict[str, Any]:
    """Every tag key used on the project's volumes, with its values."""
    with ctx.transaction() as tx:
        return {"tags": tags.values_in_project(tx, ctx.project.id, operations.TAG_TYPE)}


@router.post("/v2/{project_id}/cloudvolumes/resource_instances/action")
async def volumes_by_tags(
    request: Request, ctx: ProjectContext, body: schemas.ResourceInstancesQuery
) -> dict[str, Any]:
    keys = [tag.key for tag in body.tags]
    if len(set(keys)) != len(keys):
        raise BadRequest("Tag keys must be unique.", codes={"huawei": errors.INVALID_BODY})
    query = operations.query_volumes(
        ctx, operations.VolumeFilters(name=next((m.value for m in body.matches), None))
    )
    for tag in body.tags:
        query = query.where(tags.having(operations.TAG_TYPE, Volume.id, tag.key, tag.values))
    base = wire.link_base(request, ctx)
    with ctx.transaction() as tx:
        count = tx.scalar(select(func.count()).select_from(query.subquery()))
        page = offset_page(tx, query, Volume, offset=body.offset, limit=body.limit)
        resources = []
        for volume in page.items:
            view = _native_view(tx, volume, base)
            resources.append(
                {
                    "resource_id": volume.id,
                    "resource_name": volume.name,
                    "resource_detail": view,
                    "tags": tags.as_list(view["tags"]),
                }
            )
    return {"total_count": count, "resources": resources}


@router.get("/v2/{project_id}/cloudvolumes/{volume_id}")
async def show_volume(request: Request, ctx: ProjectContext, volume_id: str) -> dict[str, Any]:
    with ctx.transaction() as tx:
        volume = operations.get_volume(tx, ctx, volume_id)
        return {"volume": _native_view(tx, volume, wire.link_base(request, ctx))}


@router.put("/v2/{project_id}/cloudvolumes/{volume_id}")
async def update_volume(
    request: Request, ctx: ProjectContext, volume_id: str, body: schemas.VolumeUpdate
) -> dict[str, Any]:
    changes = body.volume
    if changes.name is None and changes.description is None and changes.metadata is None:
        raise errors.bad_request(
            "volume name and description can not both be empty!", native="EVS.1007"
        )
    with ctx.transaction() as tx:
        volume = operations.update_volume(
            tx,
            ctx,
            volume_id,
            name=changes.name,
            description=changes.description,
            metadata=changes.metadata,
        )
        return _native_view(tx, volume, wire.link_base(request, ctx))


@router.delete("/v2/{project_id}/cloudvolumes/{volume_id}", status_code=202)
async def delete_volume(ctx: ProjectContext, volume_id: str) -> dict[str, Any]:
    with ctx.transaction() as tx:
        job = _job(tx, ctx, "deleteVolume", volume_id)
        operations.delete_volume(tx, ctx, volume_id, job_id=job.id)
        return {"job_id": job.id}


@router.post("/v2.1/{project_id}/cloudvolumes/{volume_id}/action", status_code=202)
@router.post("/v2/{project_id}/cloudvolumes/{volume_id}/action", status_code=202)
async def resize_volume(
    ctx: ProjectContext, volume_id: str, body: schemas.ExtendAction
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        job = _job(tx, ctx, "extendVolume", volume_id)
        volume = operations.extend_volume(
            tx, ctx, volume_id, body.os_extend.new_size, job_id=job.id
        )
        job.entities = {
            **job.entities,
            "size": body.os_extend.new_size,
            "volume_type": volume.volume_type,
            "name": volume.name,
        }
        return {"job_id": job.id}


@router.post("/v2/{project_id}/volumes/{volume_id}/retype", status_code=202)
async def retype_volume(
    ctx: ProjectContext, volume_id: str, body: schemas.RetypeAction
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        job = _job(tx, ctx, "retypeVolume", volume_id)
        operations.retype_volume(tx, ctx, volume_id, body.os_retype.new_type, job_id=job.id)
        return {"job_id": job.id}


def _job(tx: Session, ctx: RequestContext, job_type: str, volume_id: str) -> Any:
    return jobs.create(
        tx,
        project_id=ctx.project.id,
        job_type=job_type,
        now=ctx.now(),
        entities={"volume_id": volume_id},
    )


# Tags (also under os-vendor-volumes, the path terraform uses) --------------------------------


@router.get("/v2/{project_id}/cloudvolumes/{volume_id}/tags")
@router.get("/v2/{project_id}/os-vendor-volumes/{volume_id}/tags")
async def show_tags(ctx: ProjectContext, volume_id: str) -> dict[str, Any]:
    with ctx.transaction() as tx:
        volume = operations.get_volume(tx, ctx, volume_id)
        return {"tags": tags.as_list(tags.of(tx, operations.TAG_TYPE, volume.id))}


@router.post("/v2/{project_id}/cloudvolumes/{volume_id}/tags/action", status_code=204)
@router.post("/v2/{project_id}/os-vendor-volumes/{volume_id}/tags/action", status_code=204)
async def tag_action(ctx: ProjectContext, volume_id: str, body: schemas.TagAction) -> Response:
    with ctx.transaction() as tx:
        volume = operations.get_volume(tx, ctx, volume_id)
        if body.action == "create":
            values = tags.validate([tag.model_dump() for tag in body.tags], codes=TAG_CODES)
            tags.put(
                tx,
                project_id=ctx.project.id,
                resource_type=operations.TAG_TYPE,
                resource_id=volume.id,
                tags=values,
                codes=TAG_CODES,
            )
        else:
            tags.remove(tx, operations.TAG_TYPE, volume.id, [tag.key for tag in body.tags])
    return Response(status_code=204)


# Snapshots -----------------------------------------------------------------------------------


@router.post("/v2/{project_id}/cloudsnapshots")
async def create_snapshot(ctx: ProjectContext, body: schemas.SnapshotCreate) -> dict[str, Any]:
    option = body.snapshot
    with ctx.transaction() as tx:
        snapshot = snapshots.create_snapshot(
            tx,
            ctx,
            option.volume_id,
            name=option.name or "",
            description=option.description or "",
            metadata=option.metadata,
            force=bool(option.force),
        )
        return {"snapshot": views.native_snapshot(snapshot)}


@router.get("/v2/{project_id}/cloudsnapshots/detail")
async def list_snapshots(
    request: Request, ctx: ProjectContext, offset: int = 0, limit: int | None = None
) -> dict[str, Any]:
    params = request.query_params
    query = snapshots.query_snapshots(
        ctx,
        name=params.get("name"),
        status=params.get("status"),
        volume_id=params.get("volume_id"),
        snapshot_ids=params.getlist("id") or None,
        availability_zone=params.get("availability_zone"),
    )
    with ctx.transaction() as tx:
        page = offset_page(tx, query, Snapshot, offset=offset, limit=limit, newest_first=True)
        return {"count": page.total, "snapshots": [views.native_snapshot(s) for s in page.items]}


@router.get("/v2/{project_id}/cloudsnapshots/{snapshot_id}")
async def show_snapshot(ctx: ProjectContext, snapshot_id: str) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"snapshot": views.native_snapshot(snapshots.get_snapshot(tx, ctx, snapshot_id))}


@router.put("/v2/{project_id}/cloudsnapshots/{snapshot_id}")
async def update_snapshot(
    ctx: ProjectContext, snapshot_id: str, body: schemas.SnapshotUpdate
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        snapshot = snapshots.update_snapshot(
            tx, ctx, snapshot_id, name=body.snapshot.name, description=body.snapshot.description
        )
        return {"snapshot": views.native_snapshot(snapshot)}


@router.delete("/v2/{project_id}/cloudsnapshots/{snapshot_id}", status_code=202)
async def delete_snapshot(ctx: ProjectContext, snapshot_id: str) -> Response:
    with ctx.transaction() as tx:
        snapshots.delete_snapshot(tx, ctx, snapshot_id)
    return Response(status_code=202)


@router.post("/v2/{project_id}/cloudsnapshots/{snapshot_id}/rollback", status_code=202)
async def rollback_snapshot(
    ctx: ProjectContext, snapshot_id: str, body: schemas.SnapshotRollback
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        volume = snapshots.rollback_snapshot(
            tx, ctx, snapshot_id, body.rollback.volume_id, body.rollback.name
        )
        return {"rollback": {"volume_id": volume.id}}
