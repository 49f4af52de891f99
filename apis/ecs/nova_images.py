"""Nova's image proxy (deprecated, gone from microversion 2.36): the images IMS shows the
project, in Nova's shape; listing, showing, reading metadata and deleting, as the ECS API
reference keeps them ("Image Management (discarded)")."""

from typing import Any

from fastapi import APIRouter, Request, Response

from apis.ecs.microversions import MicroversionDep, NovaRoute
from apis.ecs.views import nova_next_links
from apis.ims import images, operations, views
from apis.ims.images import Image
from emulator.clock import iso_seconds, parse_time
from emulator.context import ProjectContext, host_url, service_url
from emulator.errors import BadRequest, NotFound
from emulator.pagination import after_marker

router = APIRouter(prefix="/v2.1/{project_id}", route_class=NovaRoute)

# Glance statuses as Nova names them, and the progress Nova derives from them.
_STATUS = {
    "queued": "SAVING",
    "saving": "SAVING",
    "uploading": "SAVING",
    "importing": "SAVING",
    "active": "ACTIVE",
    "killed": "ERROR",
    "deleted": "DELETED",
    "pending_delete": "DELETED",
}
_PROGRESS = {"queued": 25, "saving": 50, "active": 100}

# Glance's own attributes; everything else an image carries is Nova's `metadata`.
_CORE = frozenset(
    (
        "id",
        "name",
        "status",
        "visibility",
        "protected",
        "owner",
        "disk_format",
        "container_format",
        "min_disk",
        "min_ram",
        "size",
        "checksum",
        "os_hash_algo",
        "os_hash_value",
        "virtual_size",
        "created_at",
        "updated_at",
        "active_at",
        "tags",
        "self",
        "file",
        "schema",
        "locations",
        "direct_url",
    )
)


def _removed(version: MicroversionDep) -> None:
    if version.at_least("2.36"):
        raise NotFound("The resource could not be found.")


def _links(request: Request, project_id: str, image_id: str) -> list[dict[str, str]]:
    base = service_url(request)
    return [
        {"rel": "self", "href": f"{base}/v2.1/{project_id}/images/{image_id}"},
        {"rel": "bookmark", "href": f"{base}/{project_id}/images/{image_id}"},
        {
            "rel": "alternate",
            "type": "application/vnd.openstack.image",
            "href": f"{host_url(request)}/ims/images/{image_id}",
        },
    ]


def _metadata(image: Image) -> dict[str, str]:
    return {
        key: value if isinstance(value, str) else str(value)
        for key, value in views.image(image).items()
        if key not in _CORE and value is not None
    }


def _detail(request: Request, project_id: str, image: Image) -> dict[str, Any]:
    created = iso_seconds(image.created_at)
    return {
        "id": image.id,
        "name": image.name,
        "minRam": image.min_ram,
        "minDisk": image.min_disk,
        "metadata": _metadata(image),
        "created": created,
        "updated": iso_seconds(image.updated_at) if image.updated_at is not None else created,
        "status": _STATUS.get(image.status, "UNKNOWN"),
        "progress": _PROGRESS.get(image.status, 0),
        "OS-EXT-IMG-SIZE:size": image.size,
        "links": _links(request, project_id, image.id),
    }


def _integer(params: dict[str, str], name: str) -> int | None:
    if name not in params:
        return None
    try:
        return int(params[name])
    except ValueError:
        raise BadRequest(f"Invalid {name} filter [{params[name]}]") from None


def _origin(image: Image) -> str:
    return str(image.properties.get("__data_origin", ""))


def _from_a_server(image: Image) -> bool:
    return _origin(image).startswith("instance,")


def _chosen(ctx: ProjectContext, params: dict[str, str]) -> tuple[list[Image], bool]:
    """The filtered images, newest first, one page of them; and whether the page is full."""
    found = images.visible(ctx)
    if "name" in params:
        found = [image for image in found if image.name == params["name"]]
    if "status" in params:
        wanted = params["status"].upper()
        found = [image for image in found if _STATUS.get(image.status, "UNKNOWN") == wanted]
    if "server" in params:
        # A server's id or its link (Nova keeps the last path segment).
        origin = f"instance,{params['server'].rsplit('/', 1)[-1]}"
        found = [image for image in found if _origin(image) == origin]
    if "type" in params:
        # Nova's createImage makes images of type snapshot; nothing here makes backups.
        wanted_snapshots = params["type"] == "snapshot"
        found = [image for image in found if wanted_snapshots and _from_a_server(image)]
    min_ram, min_disk = _integer(params, "minRam"), _integer(params, "minDisk")
    if min_ram is not None:
        found = [image for image in found if image.min_ram >= min_ram]
    if min_disk is not None:
        found = [image for image in found if image.min_disk >= min_disk]
    if "changes-since" in params:
        try:
            since = parse_time(params["changes-since"])
        except ValueError:
            raise BadRequest("Invalid filter field: changes-since.") from None
        found = [image for image in found if (image.updated_at or image.created_at) >= since]
    found.sort(key=lambda image: (image.created_at, image.id), reverse=True)
    found = after_marker(found, params.get("marker"), lambda image: image.id)
    limit = _integer(params, "limit")
    if limit is None:
        return found, False
    if limit < 0:
        raise BadRequest("limit must be a non-negative integer.")
    return found[:limit], 0 < limit <= len(found)


def _listed(request: Request, ctx: ProjectContext, *, detail: bool) -> dict[str, Any]:
    params = dict(request.query_params)
    chosen, full = _chosen(ctx, params)
    pid = ctx.project.id
    body: dict[str, Any] = {
        "images": [
            _detail(request, pid, image)
            if detail
            else {"id": image.id, "name": image.name, "links": _links(request, pid, image.id)}
            for image in chosen
        ]
    }
    if full and chosen:
        collection = "images/detail" if detail else "images"
        body["images_links"] = nova_next_links(request, pid, collection, chosen[-1].id)
    return body


def _image(ctx: ProjectContext, image_id: str) -> Image:
    found = images.find(ctx, image_id)
    if found is None:
        raise NotFound("Image not found.")
    return found


@router.get("/images")
async def list_images(
    request: Request, ctx: ProjectContext, version: MicroversionDep
) -> dict[str, Any]:
    _removed(version)
    return _listed(request, ctx, detail=False)


@router.get("/images/detail")
async def list_images_detail(
    request: Request, ctx: ProjectContext, version: MicroversionDep
) -> dict[str, Any]:
    _removed(version)
    return _listed(request, ctx, detail=True)


@router.get("/images/{image_id}")
async def show_image(
    request: Request, ctx: ProjectContext, version: MicroversionDep, image_id: str
) -> dict[str, Any]:
    _removed(version)
    return {"image": _detail(request, ctx.project.id, _image(ctx, image_id))}


@router.delete("/images/{image_id}", status_code=204)
async def delete_image(ctx: ProjectContext, version: MicroversionDep, image_id: str) -> Response:
    _removed(version)
    _image(ctx, image_id)
    operations.delete(ctx, image_id)
    return Response(status_code=204)


@router.get("/images/{image_id}/metadata")
async def image_metadata(
    ctx: ProjectContext, version: MicroversionDep, image_id: str
) -> dict[str, Any]:
    _removed(version)
    return {"metadata": _metadata(_image(ctx, image_id))}


@router.get("/images/{image_id}/metadata/{key}")
async def image_metadata_item(
    ctx: ProjectContext, version: MicroversionDep, image_id: str, key: str
) -> dict[str, Any]:
    _removed(version)
    metadata = _metadata(_image(ctx, image_id))
    if key not in metadata:
        raise NotFound("Image not found.")
    return {"meta": {key: metadata[key]}}
