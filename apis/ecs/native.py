"""The native ECS API (`/v1/{project_id}/...`): flavors, AZs, limits and server groups."""

from typing import Any

from fastapi import APIRouter, Request, Response

from apis.ecs import flavors, limits, schemas, server_groups, views
from apis.ecs.models import ServerGroup
from emulator import pagination
from emulator.context import ProjectContext, service_url
from emulator.dialects import HUAWEI

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


@router.post("/cloudservers/os-server-groups")
async def create_server_group(
    body: schemas.ServerGroupCreateRequest, ctx: ProjectContext
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        group = server_groups.create(
            tx, ctx, name=body.server_group.name, policies=body.server_group.policies
        )
        return {"server_group": views.server_group(group, [])}


@router.get("/cloudservers/os-server-groups")
async def list_server_groups(
    ctx: ProjectContext, limit: int | None = None, marker: str | None = None
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        page = pagination.marker_page(
            tx, server_groups.of_project(ctx), ServerGroup, limit=limit, marker=marker
        )
        body: dict[str, Any] = {
            "server_groups": [views.server_group(group, []) for group in page.items]
        }
    if page.next_marker:
        body["page_info"] = {"next_marker": page.next_marker}
    return body


@router.get("/cloudservers/os-server-groups/{group_id}")
async def show_server_group(group_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"server_group": views.server_group(server_groups.get(tx, ctx, group_id), [])}


@router.delete("/cloudservers/os-server-groups/{group_id}")
async def delete_server_group(group_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        server_groups.delete(tx, ctx, group_id)
    return Response(status_code=204)
