"""The native ECS servers API (`/v1/{project_id}/cloudservers`, `/v1.1/...`): creation and
batch actions as jobs with a sub-job per server, listing with offset pages, volumes, NICs, tags.
"""

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apis.ecs import (
    actions,
    details,
    disks,
    flavors,
    nics,
    schemas,
    server_tags,
    servers,
    states,
    transitions,
    views,
)
from apis.ecs.disks import DiskSpec
from apis.ecs.models import Server, ServerVolume
from apis.ecs.nics import NicSpec
from apis.ecs.server_views import interface_view, native_server
from apis.evs.models import Volume
from apis.ims import images
from apis.vpc import operations as vpc
from emulator import jobs, tags
from emulator.context import ProjectContext, RequestContext, service_url
from emulator.dialects import HUAWEI
from state.models import Job

router = APIRouter(route_class=HUAWEI.route_class)
_VERSIONS = ("v1", "v1.1")
MAX_PAGE = 1000


def _paths(path: str) -> list[str]:
    return [f"/{version}/{{project_id}}/cloudservers{path}" for version in _VERSIONS]


def route(method: str, path: str, **options: Any) -> Any:
    """Register a handler under /v1 and /v1.1 (the prepaid-capable variant)."""

    def register(handler: Any) -> Any:
        for full in _paths(path):
            router.add_api_route(full, handler, methods=[method], **options)
        return handler

    return register


def _job(tx: Session, ctx: RequestContext, job_type: str) -> Job:
    return jobs.create(tx, project_id=ctx.project.id, job_type=job_type, now=ctx.now())


def _publicip(spec: schemas.NativePublicIp | None) -> servers.PublicIpSpec | None:
    if spec is None:
        return None
    if spec.id is None and spec.eip is None:
        raise states.invalid("publicip needs an id or an eip.")
    if spec.eip is None:
        return servers.PublicIpSpec(id=spec.id)
    band = spec.eip.bandwidth
    return servers.PublicIpSpec(
        ip_type=spec.eip.iptype,
        bandwidth=vpc.BandwidthSpec(
            share_type=band.sharetype,
            name=band.name,
            size=band.size,
            charge_mode=band.chargemode,
            id=band.id,
        ),
        delete_on_termination=spec.delete_on_termination,
    )


def _spec(body: schemas.NativeServer) -> servers.ServerSpec:
    if body.count > 1 and body.isAutoRename:
        names = [f"{body.name}-{i:04d}" for i in range(1, body.count + 1)]
    else:
        names = [body.name] * body.count
    root = body.root_volume
    return servers.ServerSpec(
        names=names,
        flavor_id=body.flavorRef,
        image_id=body.imageRef,
        nics=[NicSpec(network_id=nic.subnet_id, ip_address=nic.ip_address) for nic in body.nics],
        availability_zone=body.availability_zone,
        disks=[
            DiskSpec(
                size=root.size,
                volume_type=root.volumetype,
                image_id=body.imageRef,
                boot=True,
                delete_on_termination=True,
            ),
            *(
                DiskSpec(
                    size=disk.size,
                    volume_type=disk.volumetype,
                    multiattach=disk.multiattach,
                    delete_on_termination=disk.delete_on_termination,
                )
                for disk in body.data_volumes
            ),
        ],
        security_groups=[ref.id for ref in body.security_groups or []] or None,
        key_name=body.key_name,
        user_data=body.user_data,
        metadata=body.metadata,
        publicip=_publicip(body.publicip),
        tags={tag.key: tag.value for tag in body.server_tags},
        description=body.description,
        vpc_id=body.vpcid,
        server_group_id=body.scheduler_hints.group if body.scheduler_hints else None,
    )


@route("POST", "")
async def create_servers(
    body: schemas.NativeServerCreateRequest, ctx: ProjectContext
) -> dict[str, Any]:
    spec = _spec(body.server)
    with ctx.transaction() as tx:
        job = _job(tx, ctx, "createServer")
        created = servers.create(tx, ctx, spec, job)
        return {"job_id": job.id, "serverIds": [each.server.id for each in created]}


def _image_names(ctx: RequestContext, rows: list[Server]) -> dict[str, str]:
    names: dict[str, str] = {}
    for image_id in {server.image_id for server in rows if server.image_id}:
        image = images.lookup(ctx, image_id)
        names[image_id] = image.name if image else ""
    return names


def _render(tx: Session, ctx: RequestContext, rows: list[Server]) -> list[dict[str, Any]]:
    facts = details.gather(tx, rows)
    names = _image_names(ctx, rows)
    return [native_server(row, facts[row.id], names.get(row.image_id, "")) for row in rows]


@route("GET", "/detail")
async def list_servers(
    ctx: ProjectContext,
    offset: int = 1,
    limit: int = 25,
    name: str | None = None,
    status: str | None = None,
    flavor: str | None = None,
    tags: str | None = None,
    ip: str | None = None,
    reservation_id: str | None = None,
) -> dict[str, Any]:
    """`offset` is a page number from 1; `limit` servers per page."""
    if offset < 1 or not 1 <= limit <= MAX_PAGE:
        raise states.invalid(f"offset starts at 1 and limit is 1 to {MAX_PAGE}.")
    query = servers.of_project(ctx)
    if name:
        query = query.where(Server.name.contains(name))
    if status:
        query = query.where(Server.status == status.upper())
    if flavor:
        query = query.where(Server.flavor_id == flavor)
    if reservation_id:
        query = query.where(Server.reservation_id == reservation_id)
    with ctx.transaction() as tx:
        rows = list(tx.scalars(query.order_by(Server.created_at.desc(), Server.id.desc())))
        if tags or ip:
            facts = details.gather(tx, rows)
            if tags:
                wanted = dict(item.partition("=")[::2] for item in tags.split(","))
                rows = [r for r in rows if wanted.items() <= facts[r.id].tags.items()]
            if ip:
                rows = [r for r in rows if any(ip in a.ip_address for a in facts[r.id].addresses)]
        count = len(rows)
        page = rows[(offset - 1) * limit : offset * limit]
        return {"count": count, "servers": _render(tx, ctx, page)}


@route("GET", "/resize_flavors")
async def resize_flavors(
    request: Request,
    ctx: ProjectContext,
    instance_uuid: str | None = None,
    source_flavor_id: str | None = None,
) -> dict[str, Any]:
    region = ctx.emulator.topology.region(ctx.region)
    zone, current = None, source_flavor_id
    if instance_uuid is not None:
        with ctx.transaction() as tx:
            server = servers.get(tx, ctx, instance_uuid)
            zone, current = server.availability_zone, server.flavor_id
    if current is None:
        raise states.invalid("instance_uuid or source_flavor_id is required.")
    chosen = [f for f in flavors.listed(zone=zone, region=region) if f.id != current]
    base = service_url(request)
    shown = []
    for flavor in chosen:
        item = views.native_flavor(flavor, region, base, ctx.project.id)
        item["extra_specs"] = item.pop("os_extra_specs")
        shown.append(item)
    return {"flavors": shown}


@route("GET", "/{server_id}")
async def show_server(server_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        (server,) = _render(tx, ctx, [servers.get_plain(tx, ctx, server_id)])
        return {"server": server}


@route("PUT", "/{server_id}")
async def update_server(
    server_id: str, body: schemas.NativeServerUpdateRequest, ctx: ProjectContext
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.update(
            tx,
            ctx,
            servers.get(tx, ctx, server_id),
            name=body.server.name,
            description=body.server.description,
        )
        (shown,) = _render(tx, ctx, [server])
        return {"server": shown}


def _batch(
    tx: Session, ctx: RequestContext, refs: list[schemas.ServerRef], get: Any = servers.get
) -> list[Server]:
    """All of the batch's servers, or none: one unknown id refuses the whole request;
    `get` reads one (`servers.get_plain`: as a plain row)."""
    ids = [ref.id for ref in refs]
    if len(set(ids)) != len(ids):
        raise states.invalid("The same server is given twice.")
    return [get(tx, ctx, server_id) for server_id in ids]


@route("POST", "/delete")
async def delete_servers(body: schemas.NativeDeleteRequest, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        chosen = _batch(tx, ctx, body.servers, servers.get_plain)
        for server in chosen:
            states.require_unlocked(server)
        job = _job(tx, ctx, "deleteServer")
        scheduled = [
            servers.delete(
                tx,
                ctx,
                server,
                delete_publicip=body.delete_publicip,
                delete_volume=body.delete_volume,
                job=job,
            )
            for server in chosen
        ]
        if not any(scheduled):
            jobs.finish(tx, job, ctx.now())  # every one was being deleted already
        return {"job_id": job.id}


_BATCH_ACTIONS = {
    "os-start": ("batchStartServer", "startServer"),
    "os-stop": ("batchStopServer", "stopServer"),
    "reboot": ("batchRebootServer", "rebootServer"),
}


@route("POST", "/action")
async def batch_action(request: Request, ctx: ProjectContext) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise states.invalid("request body is illegal.") from None
    if not isinstance(body, dict) or len(body) != 1 or next(iter(body)) not in _BATCH_ACTIONS:
        raise states.invalid("request body is illegal: give one of os-start, os-stop, reboot.")
    ((name, argument),) = body.items()
    if not isinstance(argument, dict) or not isinstance(argument.get("servers"), list):
        raise states.invalid(f"request body is illegal: {name}.servers is required.")
    refs = [schemas.ServerRef.model_validate(item) for item in argument["servers"]]
    kind = str(argument.get("type", "SOFT")).upper()
    if kind not in ("SOFT", "HARD"):
        raise states.invalid(f"type {kind} is invalid: SOFT or HARD.")
    parent_type, child_type = _BATCH_ACTIONS[name]
    with ctx.transaction() as tx:
        chosen = _batch(tx, ctx, refs)
        job = _job(tx, ctx, parent_type)
        for server in chosen:
            sub = servers.sub_job(tx, ctx, job, child_type, server)
            if name == "os-start":
                actions.start(tx, ctx, server, sub)
            elif name == "os-stop":
                actions.stop(tx, ctx, server, sub)
            else:
                actions.reboot(tx, ctx, server, kind == "HARD", sub)
        return {"job_id": job.id}


@route("POST", "/{server_id}/resize")
async def resize_server(
    server_id: str, body: schemas.NativeResizeRequest, ctx: ProjectContext
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        job = _job(tx, ctx, "resizeServer")
        actions.resize(tx, ctx, server, body.resize.flavorRef, confirm=True, job=job)
        return {"job_id": job.id}


# Volumes -------------------------------------------------------------------------------------


def _job_done(tx: Session, ctx: RequestContext, server: Server, job_type: str, delay: str) -> str:
    """A job that ends after `delay`, with the EVS status change it reports."""
    job = _job(tx, ctx, job_type)
    transitions.schedule(tx, ctx, server, "job_done", ctx.emulator.settings.delay(delay), job=job)
    return job.id


@route("POST", "/{server_id}/attachvolume")
async def attach_volume(
    server_id: str, body: schemas.VolumeAttachmentRequest, ctx: ProjectContext
) -> dict[str, Any]:
    spec = body.volumeAttachment
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        disks.attach(tx, ctx, server, spec.volumeId, spec.device)
        return {"job_id": _job_done(tx, ctx, server, "attachVolume", "volume_attach")}


@route("DELETE", "/{server_id}/detachvolume/{volume_id}")
async def detach_volume(server_id: str, volume_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        disks.detach(tx, ctx, server, volume_id)
        return {"job_id": _job_done(tx, ctx, server, "detachVolume", "volume_detach")}


def _attachments(
    tx: Session, server: Server, rows: list[ServerVolume] | None = None
) -> list[dict[str, Any]]:
    """The native view of a server's attachments (all of them unless `rows` is given)."""
    if rows is None:
        rows = disks.of(tx, [server.id])[server.id]
    found = tx.execute(
        select(Volume.id, Volume.size).where(Volume.id.in_([r.volume_id for r in rows]))
    )
    sizes = {volume_id: size for volume_id, size in found}
    return [
        {
            "id": row.volume_id,
            "volumeId": row.volume_id,
            "serverId": server.id,
            "device": row.device,
            "bootIndex": row.boot_index if row.boot_index is not None else -1,
            "size": sizes.get(row.volume_id, 0),
            "bus": "virtio",
        }
        for row in rows
    ]


@route("GET", "/{server_id}/os-volume_attachments")
async def list_volume_attachments(server_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"volumeAttachments": _attachments(tx, servers.get(tx, ctx, server_id))}


@route("GET", "/{server_id}/block_device")
async def list_block_devices(server_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        found = _attachments(tx, server)
    free = 24 - len(found)
    return {
        "attachableQuantity": {"free_scsi": free, "free_blk": free, "free_disk": free},
        "volumeAttachments": found,
    }


@route("GET", "/{server_id}/block_device/{volume_id}")
async def show_block_device(server_id: str, volume_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        row = disks.find(tx, server, volume_id)
        return {"volumeAttachment": _attachments(tx, server, [row])[0]}


# NICs ----------------------------------------------------------------------------------------


@route("POST", "/{server_id}/nics")
async def add_nics(
    server_id: str, body: schemas.NativeNicsRequest, ctx: ProjectContext
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        states.require(server, "attach_interface")
        present = len(nics.of(tx, [server.id])[server.id])
        if present + len(body.nics) > flavors.get(server.flavor_id).max_nics:
            raise states.invalid(
                f"Flavor {server.flavor_id} takes at most "
                f"{flavors.get(server.flavor_id).max_nics} NICs."
            )
        groups = nics.groups(tx, server) or None
        for nic in body.nics:
            nics.plug(
                tx,
                ctx,
                server,
                NicSpec(network_id=nic.subnet_id, ip_address=nic.ip_address),
                groups,
            )
        return {"job_id": _job_done(tx, ctx, server, "attachNic", "server_nic")}


@route("POST", "/{server_id}/nics/delete")
async def delete_nics(
    server_id: str, body: schemas.NativeNicRefsRequest, ctx: ProjectContext
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        states.require(server, "detach_interface")
        attached = nics.of(tx, [server.id])[server.id]
        removed = {ref.id for ref in body.nics}
        if attached and attached[0].port_id in removed:
            raise states.invalid("The primary NIC of a server cannot be deleted.")
        for port_id in removed:
            nics.find(tx, server, port_id)
        for port_id in removed:
            nics.unplug(tx, ctx, server, port_id)
        return {"job_id": _job_done(tx, ctx, server, "detachNic", "server_nic")}


@route("GET", "/{server_id}/os-interface")
async def list_interfaces(server_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        rows = nics.of(tx, [server.id])[server.id]
        return {"interfaceAttachments": [interface_view(tx, row.port_id) for row in rows]}


# Tags ----------------------------------------------------------------------------------------


@route("GET", "/{server_id}/tags")
async def show_tags(server_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        return {"tags": tags.as_list(tags.of(tx, servers.TAG_TYPE, server.id))}


@route("POST", "/{server_id}/tags/action", status_code=204)
async def tag_action(
    server_id: str, body: schemas.NativeTagsRequest, ctx: ProjectContext
) -> Response:
    if body.action not in ("create", "delete"):
        raise states.invalid(f"action {body.action} is invalid: create or delete.")
    items = [{"key": tag.key, "value": tag.value} for tag in body.tags]
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        if body.action == "create":
            codes = {"huawei": states.INVALID}
            server_tags.put(tx, ctx, server, tags.validate(items, codes=codes), codes)
        else:
            tags.remove(tx, servers.TAG_TYPE, server.id, [tag.key for tag in body.tags])
    return Response(status_code=204)


@router.post("/v1/{project_id}/servers/resource_instances/action")
@route("POST", "/resource_instances/action")
async def servers_by_tags(
    body: schemas.ResourceInstancesRequest, ctx: ProjectContext
) -> dict[str, Any]:
    for filters in (body.tags, body.not_tags):
        if len({tag.key for tag in filters}) != len(filters):
            raise states.invalid("Tag keys must be unique.")
    query = servers.of_project(ctx)
    for tag in body.tags:
        query = query.where(tags.having(servers.TAG_TYPE, Server.id, tag.key, tag.values))
    for tag in body.not_tags:
        query = query.where(~tags.having(servers.TAG_TYPE, Server.id, tag.key, tag.values))
    if body.matches:
        query = query.where(Server.name == body.matches[0].value)
    with ctx.transaction() as tx:
        count = tx.scalar(select(func.count()).select_from(query.subquery()))
        if body.action == "count":
            return {"total_count": count}
        page = list(
            tx.scalars(
                query.order_by(Server.created_at.desc(), Server.id.desc())
                .offset(body.offset)
                .limit(body.limit)
            )
        )
        tagged = tags.of_many(tx, servers.TAG_TYPE, [server.id for server in page])
    resources = [
        {
            "resource_id": server.id,
            "resource_detail": None,
            "resource_name": server.name,
            "tags": tags.as_list(tagged.get(server.id, {})),
        }
        for server in page
    ]
    return {"resources": resources, "total_count": count}


# Metadata ------------------------------------------------------------------------------------


@route("POST", "/{server_id}/metadata")
async def update_metadata(
    server_id: str, body: schemas.MetadataRequest, ctx: ProjectContext
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        return {"metadata": servers.set_metadata(tx, ctx, server, body.metadata, replace=False)}


@route("DELETE", "/{server_id}/metadata/{key}", status_code=204)
async def delete_metadata(server_id: str, key: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        servers.delete_metadata_key(tx, ctx, servers.get(tx, ctx, server_id), key)
    return Response(status_code=204)
