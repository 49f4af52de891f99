"""Cinder v2 and v3 (`/v2/{project_id}/…`, `/v3/{project_id}/…`): the same handlers on both."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from sqlalchemy.orm import Session

from apis.evs import (
    QUOTAS,
    errors,
    extensions,
    metadata,
    operations,
    schemas,
    snapshots,
    transfers,
    uploads,
    views,
    volume_types,
    wire,
)
from apis.evs.metadata import Described
from apis.evs.models import Snapshot, Volume
from emulator import quotas
from emulator.context import ProjectContext, RequestContext, host_url
from emulator.dialects import json_response
from emulator.errors import NotFound, policy_refusal
from emulator.pagination import marker_page

router = APIRouter(route_class=wire.CinderRoute)
VERSIONS = ("v2", "v3")


Register = Callable[[Callable[..., Any]], Callable[..., Any]]


def cinder_routes(target: APIRouter) -> Callable[..., Register]:
    """A decorator factory registering handlers of `target` on both /v2/{project_id}{path} and
    /v3/{project_id}{path}."""

    def route(method: str, path: str, status_code: int = 200) -> Register:
        def register(handler: Callable[..., Any]) -> Callable[..., Any]:
            for version in VERSIONS:
                target.add_api_route(
                    f"/{version}/{{project_id}}{path}",
                    handler,
                    methods=[method],
                    status_code=status_code,
                )
            return handler

        return register

    return route


cinder = cinder_routes(router)


# Versions ------------------------------------------------------------------------------------


@router.get("/")
async def versions(request: Request) -> Response:
    host = host_url(request) + request.scope.get("root_path", "")
    return json_response(300, {"versions": [views.version(host, v) for v in ("v2.0", "v3.0")]})


@router.get("/v2")
@router.get("/v2/")
@router.get("/v3")
@router.get("/v3/")
async def version(request: Request) -> dict[str, Any]:
    host = host_url(request) + request.scope.get("root_path", "")
    current = "v3.0" if "/v3" in request.scope["path"] else "v2.0"
    return {"versions": [views.version(host, current)]}


# Volumes -------------------------------------------------------------------------------------


def _volume_view(tx: Any, volume: Volume, base: str) -> dict[str, Any]:
    return views.cinder_volume(volume, operations.attachments_of(tx, [volume.id])[volume.id], base)


def _changed_volume_view(tx: Any, volume: Volume, base: str) -> dict[str, Any]:
    """What a create or an update answers."""
    attached = operations.attachments_of(tx, [volume.id])[volume.id]
    return views.cinder_volume_core(volume, attached, base)


@cinder("POST", "/volumes", 202)
async def create_volume(
    request: Request, ctx: ProjectContext, body: schemas.CinderVolumeCreate
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        volume = operations.create_volume(tx, ctx, body.volume.to_spec())
        return {"volume": _changed_volume_view(tx, volume, wire.link_base(request, ctx))}


VOLUME_SORT_KEYS = ("id", "name", "status", "size", "availability_zone", "created_at")


def _list_volumes(
    request: Request, ctx: RequestContext, detail: bool, limit: int | None, marker: str | None
) -> dict[str, Any]:
    params = request.query_params
    filters = operations.VolumeFilters(
        name=params.get("name"),
        status=params.get("status"),
        availability_zone=params.get("availability_zone"),
        metadata=wire.metadata_filter(params.get("metadata")),
    )
    base = wire.link_base(request, ctx)
    with ctx.transaction() as tx:
        if marker is not None:
            operations.get_volume(tx, ctx, marker)  # Cinder: an unknown marker is a 404
        order = wire.sort_order(params, Volume, VOLUME_SORT_KEYS)
        page = marker_page(
            tx,
            operations.query_volumes(ctx, filters),
            Volume,
            limit=limit,
            marker=marker,
            newest_first=order.newest_first,
            sort_key=order.column,
            offset=wire.offset(params),
        )
        attached = operations.attachments_of(tx, [v.id for v in page.items])
        items = [
            views.cinder_volume(v, attached[v.id], base)
            if detail
            else views.cinder_volume_summary(v, base)
            for v in page.items
        ]
    body: dict[str, Any] = {"volumes": items}
    path = "volumes/detail" if detail else "volumes"
    links = wire.next_link(base, path, wire.full_page_marker(page, limit), limit)
    if links:
        body["volumes_links"] = links
    return body


@cinder("GET", "/volumes")
async def list_volumes(
    request: Request, ctx: ProjectContext, limit: int | None = None, marker: str | None = None
) -> dict[str, Any]:
    return _list_volumes(request, ctx, False, limit, marker)


@cinder("GET", "/volumes/detail")
async def list_volumes_detail(
    request: Request, ctx: ProjectContext, limit: int | None = None, marker: str | None = None
) -> dict[str, Any]:
    return _list_volumes(request, ctx, True, limit, marker)


@cinder("GET", "/volumes/{volume_id}")
async def show_volume(request: Request, ctx: ProjectContext, volume_id: str) -> dict[str, Any]:
    with ctx.transaction() as tx:
        volume = operations.get_volume(tx, ctx, volume_id)
        return {"volume": _volume_view(tx, volume, wire.link_base(request, ctx))}


@cinder("PUT", "/volumes/{volume_id}")
async def update_volume(
    request: Request, ctx: ProjectContext, volume_id: str, body: schemas.VolumeUpdate
) -> dict[str, Any]:
    changes = body.volume
    with ctx.transaction() as tx:
        volume = operations.update_volume(
            tx,
            ctx,
            volume_id,
            name=changes.name,
            description=changes.description,
            metadata=changes.metadata,
        )
        return {"volume": _changed_volume_view(tx, volume, wire.link_base(request, ctx))}


@cinder("DELETE", "/volumes/{volume_id}", 202)
async def delete_volume(ctx: ProjectContext, volume_id: str, cascade: bool = False) -> Response:
    with ctx.transaction() as tx:
        operations.delete_volume(tx, ctx, volume_id, cascade=cascade)
    return Response(status_code=202)


# A volume action: None for an empty 202, else the body of the 202.
Action = Callable[[Session, RequestContext, str, dict[str, Any]], dict[str, Any] | None]


def _extend(tx: Session, ctx: RequestContext, volume_id: str, body: dict[str, Any]) -> None:
    action = wire.parse(schemas.ExtendAction, body)
    operations.extend_volume(tx, ctx, volume_id, action.os_extend.new_size)


def _set_bootable(tx: Session, ctx: RequestContext, volume_id: str, body: dict[str, Any]) -> None:
    action = wire.parse(schemas.SetBootableAction, body)
    operations.set_bootable(tx, ctx, volume_id, action.os_set_bootable.bootable)


def _retype(tx: Session, ctx: RequestContext, volume_id: str, body: dict[str, Any]) -> None:
    action = wire.parse(schemas.RetypeAction, body)
    operations.retype_volume(tx, ctx, volume_id, action.os_retype.new_type)


def _upload_to_image(
    tx: Session, ctx: RequestContext, volume_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    option = wire.parse(schemas.UploadImageAction, body).os_volume_upload_image
    if not option.image_name:
        raise errors.bad_request(
            "No image_name was specified in request.", native=errors.INVALID_BODY
        )
    spec = uploads.UploadSpec(
        image_name=option.image_name,
        force=option.force,
        disk_format=option.disk_format,
        container_format=option.container_format,
        os_type=option.os_type,
    )
    volume, image = uploads.upload_to_image(tx, ctx, volume_id, spec)
    vtype = volume_types.find(volume.volume_type)
    return {"os-volume_upload_image": views.volume_upload(volume, image, vtype, _zones(ctx))}


# Each action with the status Cinder answers it with.
ACTIONS: dict[str, tuple[Action, int]] = {
    "os-extend": (_extend, 202),
    "os-set_bootable": (_set_bootable, 200),
    "os-retype": (_retype, 202),
    "os-volume_upload_image": (_upload_to_image, 202),
}


@cinder("POST", "/volumes/{volume_id}/action", 202)
async def volume_action(
    ctx: ProjectContext, volume_id: str, body: Annotated[dict[str, Any], Body()]
) -> Response:
    name = next(iter(body), "")
    if name not in ACTIONS:
        raise errors.bad_request(f"There is no such action: {name}", native=errors.INVALID_BODY)
    handler, status = ACTIONS[name]
    with ctx.transaction() as tx:
        answer = handler(tx, ctx, volume_id, body)
    return Response(status_code=status) if answer is None else json_response(status, answer)


def metadata_routes(kind: str, load: Callable[[Session, RequestContext, str], Described]) -> None:
    """Cinder's metadata APIs of a volume or a snapshot, on /{kind}/{id}/metadata[/{key}]."""

    @cinder("GET", f"/{kind}/{{owner_id}}/metadata")
    async def show_metadata(ctx: ProjectContext, owner_id: str) -> dict[str, Any]:
        with ctx.transaction() as tx:
            return {"metadata": dict(load(tx, ctx, owner_id).metadata_)}

    async def set_metadata(
        ctx: ProjectContext, owner_id: str, body: schemas.Metadata, replace: bool
    ) -> dict[str, Any]:
        with ctx.transaction() as tx:
            row = load(tx, ctx, owner_id)
            return {"metadata": metadata.merge(ctx, row, body.metadata, replace=replace)}

    @cinder("POST", f"/{kind}/{{owner_id}}/metadata")
    async def merge_metadata(
        ctx: ProjectContext, owner_id: str, body: schemas.Metadata
    ) -> dict[str, Any]:
        return await set_metadata(ctx, owner_id, body, replace=False)

    @cinder("PUT", f"/{kind}/{{owner_id}}/metadata")
    async def replace_metadata(
        ctx: ProjectContext, owner_id: str, body: schemas.Metadata
    ) -> dict[str, Any]:
        return await set_metadata(ctx, owner_id, body, replace=True)

    @cinder("GET", f"/{kind}/{{owner_id}}/metadata/{{key}}")
    async def show_metadata_item(ctx: ProjectContext, owner_id: str, key: str) -> dict[str, Any]:
        with ctx.transaction() as tx:
            return {"meta": {key: metadata.value(load(tx, ctx, owner_id), key)}}

    @cinder("PUT", f"/{kind}/{{owner_id}}/metadata/{{key}}")
    async def set_metadata_item(
        ctx: ProjectContext, owner_id: str, key: str, body: schemas.MetadataItem
    ) -> dict[str, Any]:
        if list(body.meta) != [key]:
            raise errors.bad_request("Request body and URI mismatch", native=errors.INVALID_BODY)
        with ctx.transaction() as tx:
            metadata.merge(ctx, load(tx, ctx, owner_id), body.meta, replace=False)
        return {"meta": body.meta}

    @cinder("DELETE", f"/{kind}/{{owner_id}}/metadata/{{key}}")
    async def delete_metadata_item(ctx: ProjectContext, owner_id: str, key: str) -> Response:
        with ctx.transaction() as tx:
            metadata.delete_key(ctx, load(tx, ctx, owner_id), key)
        return Response(status_code=200)


metadata_routes("volumes", operations.get_volume)
metadata_routes("snapshots", snapshots.get_snapshot)


# Transfers -----------------------------------------------------------------------------------


@cinder("POST", "/os-volume-transfer", 202)
async def create_transfer(
    request: Request, ctx: ProjectContext, body: schemas.TransferCreate
) -> dict[str, Any]:
    option = body.transfer
    with ctx.transaction() as tx:
        made = transfers.create_transfer(tx, ctx, option.volume_id, option.name or "")
        view = views.transfer(made.transfer, wire.link_base(request, ctx))
    return {"transfer": {**view, "auth_key": made.auth_key}}


def _list_transfers(request: Request, ctx: RequestContext, detail: bool) -> dict[str, Any]:
    base = wire.link_base(request, ctx)
    view = views.transfer if detail else views.transfer_summary
    with ctx.transaction() as tx:
        return {"transfers": [view(t, base) for t in tx.scalars(transfers.query_transfers(ctx))]}


@cinder("GET", "/os-volume-transfer")
async def list_transfers(request: Request, ctx: ProjectContext) -> dict[str, Any]:
    return _list_transfers(request, ctx, False)


@cinder("GET", "/os-volume-transfer/detail")
async def list_transfers_detail(request: Request, ctx: ProjectContext) -> dict[str, Any]:
    return _list_transfers(request, ctx, True)


@cinder("GET", "/os-volume-transfer/{transfer_id}")
async def show_transfer(request: Request, ctx: ProjectContext, transfer_id: str) -> dict[str, Any]:
    with ctx.transaction() as tx:
        transfer = transfers.get_transfer(tx, ctx, transfer_id)
        return {"transfer": views.transfer(transfer, wire.link_base(request, ctx))}


@cinder("DELETE", "/os-volume-transfer/{transfer_id}", 202)
async def delete_transfer(ctx: ProjectContext, transfer_id: str) -> Response:
    with ctx.transaction() as tx:
        transfers.delete_transfer(tx, ctx, transfer_id)
    return Response(status_code=202)


@cinder("POST", "/os-volume-transfer/{transfer_id}/accept", 202)
async def accept_transfer(
    request: Request, ctx: ProjectContext, transfer_id: str, body: schemas.TransferAccept
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        transfer = transfers.accept_transfer(tx, ctx, transfer_id, body.accept.auth_key)
        return {"transfer": views.transfer_summary(transfer, wire.link_base(request, ctx))}


# Snapshots -----------------------------------------------------------------------------------


@cinder("POST", "/snapshots", 202)
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
        return {"snapshot": views.cinder_snapshot_core(snapshot)}


SNAPSHOT_SORT_KEYS = ("id", "name", "status", "size", "volume_id", "created_at")


async def _list_snapshots(
    request: Request, ctx: RequestContext, detail: bool, limit: int | None, marker: str | None
) -> dict[str, Any]:
    params = request.query_params
    query = snapshots.query_snapshots(
        ctx, name=params.get("name"), status=params.get("status"), volume_id=params.get("volume_id")
    )
    base = wire.link_base(request, ctx)
    with ctx.transaction() as tx:
        if marker is not None:
            snapshots.get_snapshot(tx, ctx, marker)
        order = wire.sort_order(params, Snapshot, SNAPSHOT_SORT_KEYS)
        page = marker_page(
            tx,
            query,
            Snapshot,
            limit=limit,
            marker=marker,
            newest_first=order.newest_first,
            sort_key=order.column,
            offset=wire.offset(params),
        )
        view = views.cinder_snapshot if detail else views.cinder_snapshot_core
        body: dict[str, Any] = {"snapshots": [view(s) for s in page.items]}
    path = "snapshots/detail" if detail else "snapshots"
    links = wire.next_link(base, path, wire.full_page_marker(page, limit), limit)
    if links:
        body["snapshots_links"] = links
    return body


@cinder("GET", "/snapshots")
async def list_snapshots(
    request: Request, ctx: ProjectContext, limit: int | None = None, marker: str | None = None
) -> dict[str, Any]:
    return await _list_snapshots(request, ctx, False, limit, marker)


@cinder("GET", "/snapshots/detail")
async def list_snapshots_detail(
    request: Request, ctx: ProjectContext, limit: int | None = None, marker: str | None = None
) -> dict[str, Any]:
    return await _list_snapshots(request, ctx, True, limit, marker)


@cinder("GET", "/snapshots/{snapshot_id}")
async def show_snapshot(ctx: ProjectContext, snapshot_id: str) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"snapshot": views.cinder_snapshot(snapshots.get_snapshot(tx, ctx, snapshot_id))}


@cinder("PUT", "/snapshots/{snapshot_id}")
async def update_snapshot(
    ctx: ProjectContext, snapshot_id: str, body: schemas.SnapshotUpdate
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        snapshot = snapshots.update_snapshot(
            tx, ctx, snapshot_id, name=body.snapshot.name, description=body.snapshot.description
        )
        return {"snapshot": views.cinder_snapshot_core(snapshot)}


@cinder("DELETE", "/snapshots/{snapshot_id}", 202)
async def delete_snapshot(ctx: ProjectContext, snapshot_id: str) -> Response:
    with ctx.transaction() as tx:
        snapshots.delete_snapshot(tx, ctx, snapshot_id)
    return Response(status_code=202)


# Types, zones, quotas, limits ------------------------------------------------------------------


def _zones(ctx: RequestContext) -> tuple[str, ...]:
    return ctx.emulator.topology.region(ctx.region).zones


@cinder("GET", "/types")
async def list_types(ctx: ProjectContext) -> dict[str, Any]:
    return {"volume_types": views.volume_types(_zones(ctx))}


@cinder("GET", "/types/{type_id}")
async def show_type(ctx: ProjectContext, type_id: str) -> dict[str, Any]:
    vtype = volume_types.get(type_id)
    if vtype is None:
        raise NotFound(f"Volume type {type_id} could not be found.")
    return {"volume_type": views.volume_type(vtype, _zones(ctx))}


# Volume types are the cloud's: managing them is the cloud administrator's.
@cinder("POST", "/types")
@cinder("PUT", "/types/{type_id}")
@cinder("DELETE", "/types/{type_id}")
async def manage_types() -> None:
    raise policy_refusal("volume_extension:types_manage")


@cinder("GET", "/os-availability-zone")
async def list_zones(ctx: ProjectContext) -> dict[str, Any]:
    return views.availability_zones(_zones(ctx))


# The keys Cinder's quota set shows: EVS's own, and the backup keys once VBS declares them.
QUOTA_SET_KEYS = frozenset((*QUOTAS, "backups", "backup_gigabytes"))


def _own_project(ctx: RequestContext, target_project_id: str) -> None:
    """Quotas of another project are not the caller's to read."""
    if target_project_id != ctx.project.id:
        raise NotFound(f"Project {target_project_id} could not be found.")


def _with_usage(text: str | None) -> bool:
    return (text or "").lower() in ("true", "1", "yes")


@cinder("GET", "/os-quota-sets/{target_project_id}")
async def show_quotas(
    ctx: ProjectContext, target_project_id: str, usage: Annotated[str | None, Query()] = None
) -> dict[str, Any]:
    _own_project(ctx, target_project_id)
    with ctx.transaction() as tx:
        limits = quotas.limits(tx, ctx.project.id)
        limits = {key: value for key, value in limits.items() if key in QUOTA_SET_KEYS}
        used = quotas.usage(tx, ctx.project.id)
    return views.quota_set(ctx.project.id, limits, used, _with_usage(usage))


@cinder("GET", "/os-quota-sets/{target_project_id}/defaults")
async def show_default_quotas(ctx: ProjectContext, target_project_id: str) -> dict[str, Any]:
    _own_project(ctx, target_project_id)
    return views.quota_set(ctx.project.id, dict(QUOTAS), {}, with_usage=False)


@cinder("GET", "/limits")
async def show_limits(ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return views.absolute_limits(
            quotas.limits(tx, ctx.project.id), quotas.usage(tx, ctx.project.id)
        )


@cinder("GET", "/extensions")
async def list_extensions(ctx: ProjectContext) -> dict[str, Any]:
    return {"extensions": extensions.listed()}
