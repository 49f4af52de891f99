"""Nova's servers: create, list, show, update, delete, actions, volume and interface
attachments. Parses Nova's bodies into the operations' specs and renders Nova's answers."""

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from apis.ecs import (
    actions,
    consoles,
    details,
    disks,
    nics,
    nova_arguments,
    nova_consoles,
    passwords,
    schemas,
    servers,
    states,
    views,
)
from apis.ecs.disks import DiskSpec
from apis.ecs.microversions import Microversion, MicroversionDep, NovaRoute
from apis.ecs.models import Server
from apis.ecs.nics import NicSpec
from apis.ecs.server_views import (
    disk_config,
    interface_view,
    nova_link,
    nova_server,
    nova_server_updated,
    nova_servers,
)
from apis.ims import capture
from emulator import pagination
from emulator.clock import parse_time
from emulator.context import ProjectContext, RequestContext, host_url, service_url
from emulator.dialects import json_response
from emulator.errors import BadRequest, policy_refusal

router = APIRouter(prefix="/v2.1/{project_id}", route_class=NovaRoute)


def _image_id(ref: str | None) -> str | None:
    """imageRef is an id or an image URL; empty for a server booted from a volume."""
    return ref.rstrip("/").rsplit("/", 1)[-1] if ref else None


def _disks(mappings: list[schemas.NovaBlockDevice]) -> list[DiskSpec]:
    """Nova's block device mappings as disks. Flavors have no local root disk here: an image
    mapped to `local` (what the CLI sends for --image) becomes the EVS system disk."""
    found = []
    for mapping in mappings:
        boot = mapping.boot_index == 0
        if mapping.destination_type == "local":
            if not (boot and mapping.source_type == "image"):
                raise states.invalid("Only the boot image can be mapped to a local disk.")
            found.append(DiskSpec(image_id=mapping.uuid, boot=True, delete_on_termination=True))
        elif mapping.source_type == "volume":
            found.append(
                DiskSpec(
                    volume_id=mapping.uuid,
                    boot=boot,
                    delete_on_termination=mapping.delete_on_termination,
                )
            )
        elif mapping.source_type in ("image", "blank"):
            found.append(
                DiskSpec(
                    size=mapping.volume_size,
                    volume_type=mapping.volume_type,
                    image_id=mapping.uuid if mapping.source_type == "image" else None,
                    boot=boot,
                    delete_on_termination=mapping.delete_on_termination,
                )
            )
        else:
            raise states.invalid(f"Unsupported source_type {mapping.source_type}.")
    return found


def _nics(networks: list[schemas.NovaNetwork] | str | None) -> list[NicSpec]:
    if networks is None or isinstance(networks, str):
        return []
    return [
        NicSpec(network_id=item.uuid, port_id=item.port, ip_address=item.fixed_ip)
        for item in networks
    ]


def _spec(
    body: schemas.NovaServerCreate, hints: schemas.SchedulerHints | None
) -> servers.ServerSpec:
    count = body.max_count or body.min_count
    if count < body.min_count:
        raise states.invalid("min_count must be <= max_count")
    names = [body.name] if count == 1 else [f"{body.name}-{i}" for i in range(1, count + 1)]
    return servers.ServerSpec(
        names=names,
        flavor_id=body.flavorRef.rstrip("/").rsplit("/", 1)[-1],
        image_id=_image_id(body.imageRef),
        nics=_nics(body.networks),
        availability_zone=body.availability_zone or None,
        disks=_disks(body.block_device_mapping_v2),
        security_groups=[ref.name for ref in body.security_groups or []] or None,
        key_name=body.key_name,
        user_data=body.user_data,
        metadata=body.metadata,
        description=body.description or "",
        access_ipv4=str(body.accessIPv4 or ""),
        access_ipv6=str(body.accessIPv6 or ""),
        auto_disk_config=bool(nova_arguments.auto_disk_config(body.model_extra or {})),
        server_group_id=hints.group if hints else None,
    )


@router.post("/servers", status_code=202)
async def create_server(
    request: Request, body: schemas.NovaServerCreateRequest, ctx: ProjectContext
) -> Response:
    with ctx.transaction() as tx:
        first = servers.create(tx, ctx, _spec(body.server, body.scheduler_hints))[0]
        server = first.server
        if body.server.return_reservation_id:
            return json_response(202, {"reservation_id": server.reservation_id})
        groups = first.groups
        if groups is None:
            groups = details.groups(tx, [server.id])[server.id]
        answer = {
            "server": {
                "id": server.id,
                "links": nova_link(server, service_url(request))["links"],
                "OS-DCF:diskConfig": disk_config(server.auto_disk_config),
                "security_groups": [{"name": name} for _, name in groups],
                "adminPass": (
                    passwords.generate() if body.server.adminPass is None else body.server.adminPass
                ),
            }
        }
    return json_response(202, answer)


def _filtered(tx: Session, ctx: RequestContext, query_params: dict[str, str]) -> Any:
    query = servers.of_project(ctx, plain_rows=True)
    if "name" in query_params:
        query = query.where(Server.id.in_(servers.named_like(tx, ctx, query_params["name"])))
    if "status" in query_params:
        query = query.where(Server.status == query_params["status"].upper())
    if "flavor" in query_params:
        query = query.where(Server.flavor_id == query_params["flavor"])
    if "image" in query_params:
        query = query.where(Server.image_id == query_params["image"])
    if "reservation_id" in query_params:
        query = query.where(Server.reservation_id == query_params["reservation_id"])
    if "changes-since" in query_params:
        try:
            since = parse_time(query_params["changes-since"])
        except ValueError:
            raise BadRequest("Invalid filter field: changes-since.") from None
        query = query.where(Server.updated_at >= since)
    return query


_TRUE = ("1", "t", "true", "on", "y", "yes")
_FALSE = ("0", "f", "false", "off", "n", "no")
_ACCEPTABLE = ", ".join(f"'{value}'" for value in sorted(_TRUE + _FALSE))


def _refuse_all_tenants(params: dict[str, str], rule: str) -> None:
    """Nova's all_tenants (empty or true) needs an administrator, which a tenant never is."""
    if "all_tenants" not in params:
        return
    value = params["all_tenants"].strip().lower()
    if value in _FALSE:
        return
    if value and value not in _TRUE:
        raise BadRequest(
            f"Invalid input received: Unrecognized value '{params['all_tenants']}', acceptable "
            f"values are: {_ACCEPTABLE}"
        )
    raise policy_refusal(f"os_compute_api:servers:{rule}:get_all_tenants")


def _page(tx: Session, ctx: RequestContext, request: Request, rule: str) -> pagination.Page[Any]:
    """A page of servers as plain rows (read-only, for the views); `rule` names the listing
    in Nova's policies (index, detail)."""
    params = dict(request.query_params)
    _refuse_all_tenants(params, rule)
    try:
        limit = int(params["limit"]) if "limit" in params else None
    except ValueError:
        raise BadRequest("limit param must be an integer") from None
    return pagination.marker_page(
        tx,
        _filtered(tx, ctx, params),
        Server,
        limit=limit,
        marker=params.get("marker"),
        newest_first=True,
        plain_rows=True,
    )


def _with_next(
    body: dict[str, Any], page: pagination.Page[Any], request: Request, ctx: ProjectContext
) -> Response:
    """The page as JSON, written at once: the bodies hold only JSON types, and FastAPI's
    encoder would walk every field of a long list first."""
    if page.next_marker:
        collection = "servers/detail" if request.url.path.endswith("/detail") else "servers"
        body["servers_links"] = views.nova_next_links(
            request, ctx.project.id, collection, page.next_marker
        )
    return json_response(200, body)


@router.get("/servers")
async def list_servers(request: Request, ctx: ProjectContext) -> Response:
    base = service_url(request)
    with ctx.transaction() as tx:
        page = _page(tx, ctx, request, "index")
        body = {"servers": [nova_link(server, base) for server in page.items]}
    return _with_next(body, page, request, ctx)


@router.get("/servers/detail")
async def list_servers_detail(
    request: Request, ctx: ProjectContext, version: MicroversionDep
) -> Response:
    base = service_url(request)
    with ctx.transaction() as tx:
        page = _page(tx, ctx, request, "detail")
        facts = details.gather(tx, page.items)
        region = ctx.emulator.topology.region(ctx.region)
        body = {"servers": nova_servers(page.items, facts, version, base, region)}
    return _with_next(body, page, request, ctx)


def _shown(
    tx: Session, ctx: RequestContext, server: Server, version: Microversion, request: Request
) -> dict[str, Any]:
    facts = details.gather(tx, [server])[server.id]
    region = ctx.emulator.topology.region(ctx.region)
    return {"server": nova_server(server, facts, version, service_url(request), region)}


@router.get("/servers/{server_id}")
async def show_server(
    request: Request, server_id: str, ctx: ProjectContext, version: MicroversionDep
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return _shown(tx, ctx, servers.get_plain(tx, ctx, server_id), version, request)


def _optional_text(value: object | None) -> str | None:
    return None if value is None else str(value)


@router.put("/servers/{server_id}")
async def update_server(
    request: Request,
    server_id: str,
    body: schemas.NovaServerUpdateRequest,
    ctx: ProjectContext,
    version: MicroversionDep,
) -> dict[str, Any]:
    if body.server.description is not None and not version.at_least("2.19"):
        raise BadRequest("Additional properties are not allowed ('description' was unexpected)")
    with ctx.transaction() as tx:
        server = servers.update(
            tx,
            ctx,
            servers.get(tx, ctx, server_id),
            name=body.server.name,
            description=body.server.description,
            access_ipv4=_optional_text(body.server.accessIPv4),
            access_ipv6=_optional_text(body.server.accessIPv6),
            auto_disk_config=nova_arguments.auto_disk_config(body.server.model_extra or {}),
        )
        facts = details.gather(tx, [server])[server.id]
        region = ctx.emulator.topology.region(ctx.region)
        view = nova_server_updated(server, facts, version, service_url(request), region)
        return {"server": view}


@router.delete("/servers/{server_id}", status_code=204)
async def delete_server(server_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        server = servers.get_plain(tx, ctx, server_id)
        states.require_unlocked(server)
        servers.delete(tx, ctx, server)
    return Response(status_code=204)


# Actions -------------------------------------------------------------------------------------


def _argument(body: dict[str, Any], key: str, field: str) -> str:
    value = body.get(key)
    if not isinstance(value, dict) or not isinstance(value.get(field), str):
        raise BadRequest(f"Invalid input for field/attribute {key}: '{field}' is required.")
    return str(value[field])


def _create_image(
    request: Request, ctx: RequestContext, server_id: str, body: Any, version: Microversion
) -> Response:
    """createImage through the IMS operation: 202 with the image id in the body from 2.45,
    in a Location header before."""
    spec = body.get("createImage")
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise BadRequest("Invalid input for field/attribute createImage: 'name' is required.")
    metadata = spec.get("metadata", {})
    if not isinstance(metadata, dict):
        raise BadRequest("Invalid input for field/attribute metadata: not an object.")
    with ctx.transaction() as tx:
        servers.get(tx, ctx, server_id)
    image_spec = capture.ImageSpec(name=spec["name"], instance_id=server_id, properties=metadata)
    image_id = actions.create_image(ctx, image_spec).image_id
    if version.at_least("2.45"):
        return json_response(202, {"image_id": image_id})
    location = f"{host_url(request)}/ims/v2/images/{image_id}"
    return Response(status_code=202, headers={"Location": location})


def _rebuild(
    request: Request,
    tx: Session,
    ctx: RequestContext,
    server: Server,
    body: dict[str, Any],
    version: Microversion,
) -> Response:
    """202 with the server as an update shows it, and its adminPass (given or generated)."""
    spec = nova_arguments.rebuild(body, version)
    actions.rebuild(
        tx,
        ctx,
        server,
        spec.image_id,
        name=spec.name,
        description=spec.description,
        metadata=spec.metadata,
        access_ips=(spec.access_ipv4, spec.access_ipv6),
        auto_disk_config=spec.auto_disk_config,
        login=spec.login,
    )
    facts = details.gather(tx, [server])[server.id]
    region = ctx.emulator.topology.region(ctx.region)
    view = nova_server_updated(server, facts, version, service_url(request), region)
    if version.at_least("2.54"):
        view["key_name"] = server.key_name
    if version.at_least("2.57"):
        view["user_data"] = server.user_data
    view["adminPass"] = passwords.generate() if spec.admin_pass is None else spec.admin_pass
    return json_response(202, {"server": view})


@router.post("/servers/{server_id}/action")
async def server_action(
    request: Request, server_id: str, ctx: ProjectContext, version: MicroversionDep
) -> Response:
    try:
        body = await request.json()
    except ValueError:
        raise BadRequest("Malformed request body") from None
    if not isinstance(body, dict) or len(body) != 1:
        raise BadRequest("There is no such action: the body names exactly one action.")
    (name,) = body
    if name == "createBackup":
        # Flexible Engine's Nova offers no server backups (CSBS and CBR back servers up).
        raise policy_refusal("os_compute_api:os-create-backup")
    if name == "createImage":
        return _create_image(request, ctx, server_id, body, version)
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        if name == "os-start":
            actions.start(tx, ctx, server)
        elif name == "os-stop":
            actions.stop(tx, ctx, server)
        elif name == "reboot":
            kind = _argument(body, "reboot", "type").upper()
            if kind not in ("SOFT", "HARD"):
                raise BadRequest(f"Invalid input for field/attribute type. Value: {kind}.")
            actions.reboot(tx, ctx, server, hard=kind == "HARD")
        elif name == "resize":
            flavor_id = _argument(body, "resize", "flavorRef")
            auto = nova_arguments.auto_disk_config(body["resize"])
            actions.resize(tx, ctx, server, flavor_id, auto_disk_config=auto)
        elif name == "confirmResize":
            actions.confirm_resize(tx, ctx, server)
            return Response(status_code=204)
        elif name == "revertResize":
            actions.revert_resize(tx, ctx, server)
        elif name == "rebuild":
            return _rebuild(request, tx, ctx, server, body, version)
        elif name == "addSecurityGroup":
            actions.add_security_group(tx, ctx, server, _argument(body, name, "name"))
        elif name == "removeSecurityGroup":
            actions.remove_security_group(tx, ctx, server, _argument(body, name, "name"))
        elif name == "changePassword":
            password = nova_arguments.admin_pass(body)
            actions.reset_password(tx, ctx, server, password, native=False, check=False)
        elif name in ("lock", "unlock"):
            actions.lock(tx, ctx, server, locked=name == "lock")
        elif name == "os-getVNCConsole":
            kind = nova_arguments.console_type(body, name)
            return json_response(200, nova_consoles.vnc_console(request, server, kind, version))
        elif name == "os-getConsoleOutput":
            length = nova_arguments.console_length(body)
            return json_response(200, {"output": consoles.output(tx, ctx, server, length)})
        else:
            raise BadRequest(f"There is no such action: {name}")
    return Response(status_code=202)


# Volume attachments --------------------------------------------------------------------------


def _attachment(row: Any) -> dict[str, Any]:
    return {
        "id": row.volume_id,
        "volumeId": row.volume_id,
        "serverId": row.server_id,
        "device": row.device,
    }


@router.get("/servers/{server_id}/os-volume_attachments")
async def list_volume_attachments(server_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        rows = disks.of(tx, [server.id])[server.id]
        return {"volumeAttachments": [_attachment(row) for row in rows]}


@router.post("/servers/{server_id}/os-volume_attachments")
async def attach_volume(
    server_id: str, body: schemas.VolumeAttachmentRequest, ctx: ProjectContext
) -> dict[str, Any]:
    spec = body.volumeAttachment
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        row = disks.attach(tx, ctx, server, spec.volumeId, spec.device)
        return {"volumeAttachment": _attachment(row)}


@router.get("/servers/{server_id}/os-volume_attachments/{volume_id}")
async def show_volume_attachment(
    server_id: str, volume_id: str, ctx: ProjectContext
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        return {"volumeAttachment": _attachment(disks.find(tx, server, volume_id))}


@router.delete("/servers/{server_id}/os-volume_attachments/{volume_id}", status_code=202)
async def detach_volume(server_id: str, volume_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        disks.detach(tx, ctx, servers.get(tx, ctx, server_id), volume_id)
    return Response(status_code=202)


# Interfaces ----------------------------------------------------------------------------------


@router.get("/servers/{server_id}/os-interface")
async def list_interfaces(server_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        rows = nics.of(tx, [server.id])[server.id]
        return {"interfaceAttachments": [interface_view(tx, row.port_id) for row in rows]}


@router.post("/servers/{server_id}/os-interface")
async def attach_interface(
    server_id: str, body: schemas.InterfaceAttachmentRequest, ctx: ProjectContext
) -> dict[str, Any]:
    spec = body.interfaceAttachment
    if (spec.net_id is None) == (spec.port_id is None):
        raise BadRequest("Must input network_id or port_id, but not both.")
    address = spec.fixed_ips[0].get("ip_address") if spec.fixed_ips else None
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        states.require(server, "attach_interface")
        nic = NicSpec(network_id=spec.net_id, port_id=spec.port_id, ip_address=address)
        groups = nics.groups(tx, server) or None
        port = nics.plug(tx, ctx, server, nic, groups)
        return {"interfaceAttachment": interface_view(tx, port.port_id)}


@router.get("/servers/{server_id}/os-interface/{port_id}")
async def show_interface(server_id: str, port_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        nics.find(tx, servers.get(tx, ctx, server_id), port_id)
        return {"interfaceAttachment": interface_view(tx, port_id)}


@router.delete("/servers/{server_id}/os-interface/{port_id}", status_code=202)
async def detach_interface(server_id: str, port_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        states.require(server, "detach_interface")
        nics.unplug(tx, ctx, server, port_id)
    return Response(status_code=202)


# Metadata ------------------------------------------------------------------------------------


@router.get("/servers/{server_id}/metadata")
async def show_metadata(server_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"metadata": dict(servers.get(tx, ctx, server_id).metadata_)}


@router.put("/servers/{server_id}/metadata")
@router.post("/servers/{server_id}/metadata")
async def set_metadata(
    request: Request, server_id: str, body: schemas.MetadataRequest, ctx: ProjectContext
) -> dict[str, Any]:
    """PUT replaces the metadata, POST merges into it."""
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        replace = request.method == "PUT"
        return {"metadata": servers.set_metadata(tx, ctx, server, body.metadata, replace=replace)}


@router.get("/servers/{server_id}/metadata/{key}")
async def show_metadata_item(server_id: str, key: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        metadata = servers.get(tx, ctx, server_id).metadata_
    if key not in metadata:
        raise states.invalid("Metadata item was not found", nova_status=404)
    return {"meta": {key: metadata[key]}}


@router.put("/servers/{server_id}/metadata/{key}")
async def set_metadata_item(
    server_id: str, key: str, body: schemas.MetaItemRequest, ctx: ProjectContext
) -> dict[str, Any]:
    if key not in body.meta:
        raise BadRequest("Request body and URI mismatch")
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        servers.set_metadata(tx, ctx, server, body.meta, replace=False)
    return {"meta": body.meta}


@router.delete("/servers/{server_id}/metadata/{key}", status_code=204)
async def delete_metadata_item(server_id: str, key: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        servers.delete_metadata_key(tx, ctx, servers.get(tx, ctx, server_id), key)
    return Response(status_code=204)
