"""Glance v2 (`/v2/images`) for the images a tenant can see."""

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from apis.ims import images, listing, views
from emulator.context import ScopedContext, host_url
from emulator.dialects import json_response
from emulator.errors import NotFound

router = APIRouter(route_class=views.IMS.route_class)
GLANCE_DEFAULT_LIMIT = 25


def _version(request: Request, version_id: str, status: str) -> dict[str, Any]:
    base = host_url(request) + request.scope.get("root_path", "")
    return {"id": version_id, "status": status, "links": [{"rel": "self", "href": f"{base}/v2/"}]}


@router.get("/")
@router.get("/versions")
async def versions(request: Request) -> Response:
    return json_response(
        300,
        {
            "versions": [
                _version(request, "v2.5", "CURRENT"),
                _version(request, "v2.4", "SUPPORTED"),
                _version(request, "v2.3", "SUPPORTED"),
                _version(request, "v2.2", "SUPPORTED"),
                _version(request, "v2.1", "SUPPORTED"),
                _version(request, "v2.0", "SUPPORTED"),
            ]
        },
    )


@router.get("/v2/images")
async def list_images(request: Request, ctx: ScopedContext) -> dict[str, Any]:
    params = dict(request.query_params)
    page = listing.list_images(ctx, params, GLANCE_DEFAULT_LIMIT)
    body: dict[str, Any] = {
        "images": page.images,
        "schema": "/v2/schemas/images",
        "first": "/v2/images",
    }
    if page.next_marker is not None:
        following = {**params, "marker": page.next_marker}
        body["next"] = "/v2/images?" + urlencode(following)
    return body


@router.get("/v2/images/{image_id}")
async def show_image(ctx: ScopedContext, image_id: str) -> dict[str, Any]:
    found = images.lookup(ctx, image_id)
    if found is None:
        raise NotFound(f"No image found with ID {image_id}")
    return views.image(found)
