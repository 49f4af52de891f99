"""Nova's smaller resources of a server: its addresses (ips), its password, its tags
(from microversion 2.26) and its instance actions."""

from typing import Any

from fastapi import APIRouter, Request, Response

from apis.ecs import details, server_actions, server_tags, servers, views
from apis.ecs.microversions import Microversion, MicroversionDep, NovaRoute
from apis.ecs.server_views import nova_ips
from emulator.clock import parse_time
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


# Instance actions ----------------------------------------------------------------------------

# The query parameters of the action list from 2.58; others are refused.
_ACTION_LIST_PARAMETERS = ("limit", "marker", "changes-since")


def _action_list_query(params: dict[str, str]) -> dict[str, Any]:
    unexpected = sorted(set(params) - set(_ACTION_LIST_PARAMETERS))
    if unexpected:
        names = ", ".join(f"'{name}'" for name in unexpected)
        verb = "was" if len(unexpected) == 1 else "were"
        raise BadRequest(f"Additional properties are not allowed ({names} {verb} unexpected)")
    query: dict[str, Any] = {"marker": params.get("marker")}
    if "limit" in params:
        try:
            query["limit"] = int(params["limit"])
        except ValueError:
            query["limit"] = -1
        if query["limit"] < 0:
            raise BadRequest(f"Invalid input for query parameters limit. Value: {params['limit']}.")
    if "changes-since" in params:
        try:
            query["since"] = parse_time(params["changes-since"])
        except ValueError:
            raise BadRequest(
                "Invalid input for query parameters changes-since. "
                f"Value: {params['changes-since']}. is not a 'date-time'"
            ) from None
    return query


@router.get("/servers/{server_id}/os-instance-actions")
async def list_instance_actions(
    request: Request, server_id: str, ctx: ProjectContext, version: MicroversionDep
) -> dict[str, Any]:
    """Paging and changes-since from 2.58; a deleted server's actions from 2.21."""
    query = _action_list_query(dict(request.query_params)) if version.at_least("2.58") else {}
    with ctx.transaction() as tx:
        server_actions.check_server(tx, ctx, server_id, deleted=version.at_least("2.21"))
        rows = server_actions.listed(tx, ctx, server_id, **query)
        body: dict[str, Any] = {
            "instanceActions": [views.nova_instance_action(row, version) for row in rows]
        }
    if rows and len(rows) == query.get("limit"):
        body["links"] = views.nova_next_links(
            request, ctx.project.id, f"servers/{server_id}/os-instance-actions", rows[-1].request_id
        )
    return body


@router.get("/servers/{server_id}/os-instance-actions/{request_id}")
async def show_instance_action(
    server_id: str, request_id: str, ctx: ProjectContext, version: MicroversionDep
) -> dict[str, Any]:
    """With its events from 2.51 (before, only administrators see them)."""
    with ctx.transaction() as tx:
        server_actions.check_server(tx, ctx, server_id, deleted=version.at_least("2.21"))
        action = server_actions.get(tx, ctx, server_id, request_id)
        body = views.nova_instance_action(action, version)
        if version.at_least("2.51"):
            body["events"] = views.nova_instance_action_events(action)
    return {"instanceAction": body}
