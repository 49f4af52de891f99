"""The native ECS API (`/v1/{project_id}/...`): flavors, AZs, limits and server groups."""

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from apis.ecs import flavors, limits, schemas, server_groups, servers, views
from apis.ecs.models import ServerGroup
from emulator import pagination
from emulator.context import ProjectContext, service_url
from emulator.dialects import HUAWEI
from emulator.errors import BadRequest

router = APIRouter(prefix="/v1/{project_id}", route_class=HUAWEI.route_class)


@router.get("/cloudservers/flavors")
async def list_flavors(
    request: Request, ctx: ProjectContext, availability_zone: str | None = None
) -> dict[str, Any]:
    region = ctx.emulator.topology.region(ctx.region)
    chosen = flavors.listed(zone=availability_zone, region=region)
    base = service_url(request)
    return {
        "flavors": [views.native_flavor(flavor, region, base, ctx.project.id) for flavor in chosen]
    }


@router.get("/availability-zones")
async def list_zones(ctx: ProjectContext) -> dict[str, Any]:
    zones = ctx.emulator.topology.region(ctx.region).zones
    return {"availability_zones": [views.native_zone(zone) for zone in zones]}


@router.get("/cloudservers/limits")
async def show_limits(ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"absolute": limits.absolute(tx, ctx.project.id)}


# Server groups -------------------------------------------------------------------------------


def _groups(tx: Session, groups: list[ServerGroup]) -> list[dict[str, Any]]:
    members = server_groups.members(tx, [group.id for group in groups])
    return [views.server_group(group, members[group.id]) for group in groups]


@router.post("/cloudservers/os-server-groups")
async def create_server_group(
    body: schemas.ServerGroupCreateRequest, ctx: ProjectContext
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        group = server_groups.create(
            tx, ctx, name=body.server_group.name, policies=body.server_group.policies
        )
        return {"server_group": _groups(tx, [group])[0]}


@router.get("/cloudservers/os-server-groups")
async def list_server_groups(
    ctx: ProjectContext, limit: int | None = None, marker: str | None = None
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        page = pagination.marker_page(
            tx, server_groups.of_project(ctx), ServerGroup, limit=limit, marker=marker
        )
        body: dict[str, Any] = {"server_groups": _groups(tx, page.items)}
    if page.next_marker:
        body["page_info"] = {"next_marker": page.next_marker}
    return body


@router.get("/cloudservers/os-server-groups/{group_id}")
async def show_server_group(group_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"server_group": _groups(tx, [server_groups.get(tx, ctx, group_id)])[0]}


@router.delete("/cloudservers/os-server-groups/{group_id}")
async def delete_server_group(group_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        server_groups.delete(tx, ctx, group_id)
    return Response(status_code=204)


@router.post("/cloudservers/os-server-groups/{group_id}/action")
async def server_group_action(
    group_id: str, body: schemas.ServerGroupMemberAction, ctx: ProjectContext
) -> Response:
    """{"add_member": {"instance_uuid"}} or {"remove_member": {...}}."""
    member = body.add_member or body.remove_member
    if member is None or (body.add_member and body.remove_member):
        raise BadRequest("Give one of add_member or remove_member.", codes={"huawei": "Ecs.0005"})
    with ctx.transaction() as tx:
        group = server_groups.get(tx, ctx, group_id)
        server = servers.get(tx, ctx, member.instance_uuid)
        if body.add_member is not None:
            server_groups.join(tx, ctx, group, [server.id])
        else:
            server_groups.leave(tx, server.id, group)
    return Response(status_code=204)
