"""Glance v2 (`/v2/images`): the images a tenant can see, and the lifecycle of its own.

The image data (`/v2/images/{id}/file`) has its own router, which streams the body instead of
buffering it like the JSON calls.
"""

import json
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from apis.ims import image_data, listing, operations, views
from emulator.context import ScopedContext, host_url
from emulator.dialects import json_response
from emulator.errors import ApiError, BadRequest

router = APIRouter(route_class=views.IMS.route_class)
data_router = APIRouter(route_class=replace(views.IMS, buffers_body=False).route_class)
GLANCE_DEFAULT_LIMIT = 25
JSON_PATCH = "application/openstack-images-v2.1-json-patch"
# The older media type names the operation by its key: {"replace": "/name", "value": ...}.
JSON_PATCH_OPERATION_KEYS = "application/openstack-images-v2.0-json-patch"
PATCH_TYPES = (JSON_PATCH, JSON_PATCH_OPERATION_KEYS)
PATCH_OPERATIONS = ("add", "remove", "replace")


class UnsupportedMediaType(ApiError):
    status = 415
    title = "Unsupported Media Type"


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except ValueError as error:
        raise BadRequest(f"Malformed JSON in request body: {error}") from None


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
    tags = request.query_params.getlist("tag")
    # Glance leaves hidden images (os_hidden) out of a list unless the query asks for them.
    filters = {"os_hidden": "false", **params}
    page = listing.list_images(ctx, filters, GLANCE_DEFAULT_LIMIT, tags)
    body: dict[str, Any] = {
        "images": page.images,
        "schema": "/v2/schemas/images",
        "first": "/v2/images",
    }
    if page.next_marker is not None:
        following = {**params, "marker": page.next_marker}
        body["next"] = "/v2/images?" + urlencode(following)
    return body


@router.post("/v2/images")
async def create_image(request: Request, ctx: ScopedContext) -> Response:
    spec = await _json(request)
    if not isinstance(spec, dict):
        raise BadRequest("The request body must be a JSON object.")
    created = operations.create(ctx, spec)
    base = host_url(request) + request.scope.get("root_path", "")
    return json_response(201, views.image(created), {"Location": f"{base}/v2/images/{created.id}"})


@router.get("/v2/images/{image_id}")
async def show_image(ctx: ScopedContext, image_id: str) -> dict[str, Any]:
    return views.image(operations.show(ctx, image_id))


@router.patch("/v2/images/{image_id}")
async def update_image(request: Request, ctx: ScopedContext, image_id: str) -> dict[str, Any]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip()
    if media_type not in PATCH_TYPES:
        raise UnsupportedMediaType(
            f"The media type {media_type or 'None'} is not supported, use {JSON_PATCH}"
        )
    body = await _json(request)
    if not isinstance(body, list) or not all(isinstance(change, dict) for change in body):
        raise BadRequest("Request body must be a JSON array of operation objects.")
    parse = _keyed_patch if media_type == JSON_PATCH_OPERATION_KEYS else _patch
    changes = [parse(change) for change in body]
    return views.image(operations.update(ctx, image_id, changes))


def _keyed_patch(change: dict[str, Any]) -> operations.Patch:
    named = [op for op in PATCH_OPERATIONS if op in change]
    if len(named) != 1:
        raise BadRequest(
            'Operation objects must contain exactly one member named "add", "remove", or "replace".'
        )
    return _patch({**change, "op": named[0], "path": change[named[0]]})


def _patch(change: dict[str, Any]) -> operations.Patch:
    op, path = change.get("op"), change.get("path")
    if not isinstance(op, str) or not isinstance(path, str):
        raise BadRequest("Operation objects must contain exactly one member named 'op' and 'path'.")
    if op in ("add", "replace") and "value" not in change:
        raise BadRequest(f'Operation "{op}" requires a member named "value".')
    return operations.Patch(op, path, change.get("value"))


@router.delete("/v2/images/{image_id}")
async def delete_image(ctx: ScopedContext, image_id: str) -> Response:
    operations.delete(ctx, image_id)
    return Response(status_code=204)


@router.put("/v2/images/{image_id}/tags/{tag}")
async def add_tag(ctx: ScopedContext, image_id: str, tag: str) -> Response:
    operations.add_tag(ctx, image_id, tag)
    return Response(status_code=204)


@router.delete("/v2/images/{image_id}/tags/{tag}")
async def remove_tag(ctx: ScopedContext, image_id: str, tag: str) -> Response:
    operations.remove_tag(ctx, image_id, tag)
    return Response(status_code=204)


@router.post("/v2/images/{image_id}/actions/deactivate")
async def deactivate(ctx: ScopedContext, image_id: str) -> Response:
    operations.set_active(ctx, image_id, active=False)
    return Response(status_code=204)


@router.post("/v2/images/{image_id}/actions/reactivate")
async def reactivate(ctx: ScopedContext, image_id: str) -> Response:
    operations.set_active(ctx, image_id, active=True)
    return Response(status_code=204)


@data_router.put("/v2/images/{image_id}/file")
async def upload_data(request: Request, ctx: ScopedContext, image_id: str) -> Response:
    media_type = request.headers.get("content-type", "").split(";")[0].strip()
    if media_type != "application/octet-stream":
        raise UnsupportedMediaType(
            f"The media type {media_type or 'None'} is not supported, use application/octet-stream"
        )
    await image_data.upload(ctx, image_id, request.stream())
    return Response(status_code=204)


@data_router.get("/v2/images/{image_id}/file")
async def download_data(ctx: ScopedContext, image_id: str) -> Response:
    data = image_data.download(ctx, image_id)
    if data is None:
        return Response(status_code=204)
    headers = {"Content-MD5": data.md5, "Content-Length": str(data.size)}
    return StreamingResponse(data.chunks, media_type="application/octet-stream", headers=headers)
