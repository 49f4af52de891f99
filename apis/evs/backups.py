"""Cinder v2/v3 `/backups`: the Cinder dialect of the VBS operations in `apis.backup`. Served by
the EVS app (the block-storage endpoint) and by the VBS app (terraform reads and deletes VBS
backups there)."""

from typing import Any

from fastapi import APIRouter, Request, Response

from apis.backup import backups, restores, schemas, views
from apis.backup.backups import Tenant
from apis.backup.models import Backup
from apis.evs import wire
from apis.evs.cinder import cinder_routes
from apis.evs.operations import VolumeSpec
from emulator.context import ProjectContext, RequestContext
from emulator.pagination import marker_page

router = APIRouter(route_class=wire.CinderRoute)
route = cinder_routes(router)


@route("POST", "/backups", 202)
async def create_backup(
    request: Request, ctx: ProjectContext, body: schemas.CinderBackupCreate
) -> dict[str, Any]:
    option = body.backup
    spec = backups.BackupSpec(
        volume_id=option.volume_id,
        name=option.name or "",
        description=option.description or "",
        snapshot_id=option.snapshot_id,
        incremental=option.incremental,
        force=option.force,
    )
    with ctx.transaction() as tx:
        backup = backups.create_backup(tx, Tenant.of(ctx), spec)
        return {"backup": views.cinder_backup_summary(backup, wire.link_base(request, ctx))}


SORT_KEYS = ("id", "name", "status", "size", "volume_id", "created_at")


def _list(request: Request, ctx: RequestContext, detail: bool) -> dict[str, Any]:
    params = request.query_params
    limit = int(params["limit"]) if params.get("limit", "").isdigit() else None
    marker = params.get("marker")
    query = backups.query_backups(
        ctx.project.id,
        name=params.get("name"),
        status=params.get("status"),
        volume_id=params.get("volume_id"),
    )
    base = wire.link_base(request, ctx)
    with ctx.transaction() as tx:
        if marker is not None:
            backups.get_backup(tx, ctx.project.id, marker)
        order = wire.sort_order(params, Backup, SORT_KEYS)
        page = marker_page(
            tx,
            query,
            Backup,
            limit=limit,
            marker=marker,
            newest_first=order.newest_first,
            sort_key=order.column,
            offset=wire.offset(params),
        )
        parents = backups.with_dependents(tx, [b.id for b in page.items])
        items = [
            views.cinder_backup(b, b.id in parents, base)
            if detail
            else views.cinder_backup_summary(b, base)
            for b in page.items
        ]
    body: dict[str, Any] = {"backups": items}
    path = "backups/detail" if detail else "backups"
    links = wire.next_link(base, path, wire.full_page_marker(page, limit), limit)
    if links:
        body["backups_links"] = links
    return body


@route("GET", "/backups")
async def list_backups(request: Request, ctx: ProjectContext) -> dict[str, Any]:
    return _list(request, ctx, detail=False)


@route("GET", "/backups/detail")
async def list_backups_detail(request: Request, ctx: ProjectContext) -> dict[str, Any]:
    return _list(request, ctx, detail=True)


@route("GET", "/backups/{backup_id}")
async def show_backup(request: Request, ctx: ProjectContext, backup_id: str) -> dict[str, Any]:
    with ctx.transaction() as tx:
        backup = backups.get_backup(tx, ctx.project.id, backup_id)
        dependent = bool(backups.with_dependents(tx, [backup.id]))
        return {"backup": views.cinder_backup(backup, dependent, wire.link_base(request, ctx))}


@route("PUT", "/backups/{backup_id}")
async def update_backup(
    request: Request, ctx: ProjectContext, backup_id: str, body: schemas.CinderBackupUpdate
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        backup = backups.update_backup(
            tx,
            Tenant.of(ctx),
            backup_id,
            name=body.backup.name,
            description=body.backup.description,
        )
        dependent = bool(backups.with_dependents(tx, [backup.id]))
        return {"backup": views.cinder_backup(backup, dependent, wire.link_base(request, ctx))}


@route("DELETE", "/backups/{backup_id}", 202)
async def delete_backup(ctx: ProjectContext, backup_id: str) -> Response:
    with ctx.transaction() as tx:
        backups.delete_backup(tx, Tenant.of(ctx), backup_id)
    return Response(status_code=202)


@route("POST", "/backups/{backup_id}/restore", 202)
async def restore_backup(
    ctx: ProjectContext, backup_id: str, body: schemas.Restore
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        done = restores.restore_backup(
            ctx,
            tx,
            backup_id,
            volume_id=body.restore.volume_id,
            new_volume=VolumeSpec(name=body.restore.name or ""),
        )
        return views.restore(done.backup, done.volume.id, done.volume.name)
