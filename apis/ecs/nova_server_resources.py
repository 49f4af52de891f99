"""Nova's smaller resources of a server: its addresses (ips), its password and its tags
(from microversion 2.26)."""

from typing import Any

from fastapi import APIRouter, Request, Response

from apis.ecs import details, server_tags, servers
from apis.ecs.microversions import Microversion, MicroversionDep, NovaRoute
from apis.ecs.server_views import nova_ips
from emulator.context import ProjectContext, host_url
from emulator.errors import BadRequest, NotFound

router = APIRouter(prefix="/v2.1/{project_id}", route_class=NovaRoute)


@router.get("/servers/{server_id}/ips")
async def list_ips(server_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        return {"addresses": nova_ips(details.gather(tx, [server])[server.id])}


@router.get("/servers/{server_id}/ips/{network}")
async def show_ips(server_id: str, network: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        addresses = nova_ips(details.gather(tx, [server])[server.id])
    if network not in addresses:
        raise NotFound("Instance is not a member of specified network")
    return {network: addresses[network]}


@router.get("/servers/{server_id}/os-server-password")
async def show_password(server_id: str, ctx: ProjectContext) -> dict[str, Any]:
    """Empty: no server of the emulator posts an encrypted password to a metadata service."""
    with ctx.transaction() as tx:
        servers.get(tx, ctx, server_id)
    return {"password": ""}


@router.delete("/servers/{server_id}/os-server-password", status_code=204)
async def clear_password(server_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        servers.get(tx, ctx, server_id)
    return Response(status_code=204)


# Tags ----------------------------------------------------------------------------------------


def _require_tags(version: Microversion) -> None:
    if not version.at_least("2.26"):
        raise NotFound("The resource could not be found.")


@router.get("/servers/{server_id}/tags")
async def list_tags(server_id: str, ctx: ProjectContext, version: MicroversionDep) -> Any:
    _require_tags(version)
    with ctx.transaction() as tx:
        return {"tags": server_tags.of(tx, servers.get(tx, ctx, server_id))}


@router.put("/servers/{server_id}/tags")
async def replace_tags(
    request: Request, server_id: str, ctx: ProjectContext, version: MicroversionDep
) -> Any:
    _require_tags(version)
    try:
        body = await request.json()
    except ValueError:
        raise BadRequest("Malformed request body") from None
    wanted = body.get("tags") if isinstance(body, dict) else None
    if not isinstance(wanted, list) or set(body) != {"tags"}:
        raise BadRequest("Invalid input for field/attribute tags: a list of strings is required.")
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        return {"tags": server_tags.replace(tx, ctx, server, wanted)}


@router.delete("/servers/{server_id}/tags", status_code=204)
async def delete_tags(server_id: str, ctx: ProjectContext, version: MicroversionDep) -> Response:
    _require_tags(version)
    with ctx.transaction() as tx:
        server_tags.remove_all(tx, servers.get(tx, ctx, server_id))
    return Response(status_code=204)


@router.get("/servers/{server_id}/tags/{tag}", status_code=204)
async def check_tag(
    server_id: str, tag: str, ctx: ProjectContext, version: MicroversionDep
) -> Response:
    _require_tags(version)
    with ctx.transaction() as tx:
        if not server_tags.has(tx, servers.get(tx, ctx, server_id), tag):
            raise NotFound(f"Tag '{tag}' could not be found.")
    return Response(status_code=204)


@router.put("/servers/{server_id}/tags/{tag}")
async def add_tag(
    request: Request, server_id: str, tag: str, ctx: ProjectContext, version: MicroversionDep
) -> Response:
    """201 with the tag's location when it is new, 204 when the server already had it."""
    _require_tags(version)
    with ctx.transaction() as tx:
        added = server_tags.add(tx, ctx, servers.get(tx, ctx, server_id), tag)
    if not added:
        return Response(status_code=204)
    return Response(status_code=201, headers={"Location": f"{host_url(request)}{request.url.path}"})


@router.delete("/servers/{server_id}/tags/{tag}", status_code=204)
async def delete_tag(
    server_id: str, tag: str, ctx: ProjectContext, version: MicroversionDep
) -> Response:
    _require_tags(version)
    with ctx.transaction() as tx:
        server_tags.remove(tx, servers.get(tx, ctx, server_id), tag)
    return Response(status_code=204)
