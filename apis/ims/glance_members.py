"""Glance v2 image members (`/v2/images/{id}/members`): sharing an image with projects."""

import json
from typing import Any

from fastapi import APIRouter, Request, Response

from apis.ims import members, views
from emulator.context import ScopedContext
from emulator.errors import BadRequest

router = APIRouter(route_class=views.IMS.route_class)


async def _field(request: Request, name: str) -> str:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        body = None
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, str):
        raise BadRequest(f"The request body must be a JSON object with a string '{name}'.")
    return value


@router.post("/v2/images/{image_id}/members")
async def add_member(request: Request, ctx: ScopedContext, image_id: str) -> dict[str, Any]:
    member_id = await _field(request, "member")
    return views.member(members.add(ctx, image_id, member_id))


@router.get("/v2/images/{image_id}/members")
async def list_members(ctx: ScopedContext, image_id: str) -> dict[str, Any]:
    found = members.listed(ctx, image_id)
    return {"members": [views.member(row) for row in found], "schema": "/v2/schemas/members"}


@router.get("/v2/images/{image_id}/members/{member_id}")
async def show_member(ctx: ScopedContext, image_id: str, member_id: str) -> dict[str, Any]:
    return views.member(members.show(ctx, image_id, member_id))


@router.put("/v2/images/{image_id}/members/{member_id}")
async def update_member(
    request: Request, ctx: ScopedContext, image_id: str, member_id: str
) -> dict[str, Any]:
    status = await _field(request, "status")
    return views.member(members.set_status(ctx, image_id, member_id, status))


@router.delete("/v2/images/{image_id}/members/{member_id}")
async def remove_member(ctx: ScopedContext, image_id: str, member_id: str) -> Response:
    members.remove(ctx, image_id, member_id)
    return Response(status_code=204)
