"""The native IMS API: the list (`GET /v2/cloudimages`) with its `__imagetype`, `__os_type` ...
filters, CreateImage (`POST /v2/cloudimages/action`, a job), UpdateImage (a JSON-patch list)
and the image quota."""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from apis.ims import capture, listing, operations, views
from emulator import quotas
from emulator.context import ScopedContext
from emulator.errors import BadRequest

router = APIRouter(route_class=views.IMS.route_class)
IMS_DEFAULT_LIMIT = 500
# Attributes UpdateImage takes as strings though they are numbers or booleans.
NUMBERS = frozenset(("min_disk", "min_ram"))


@router.get("/v2/cloudimages")
async def list_cloud_images(request: Request, ctx: ScopedContext) -> dict[str, Any]:
    page = listing.list_images(ctx, dict(request.query_params), IMS_DEFAULT_LIMIT)
    return {"images": page.images}


class CreateImageBody(BaseModel):
    name: str
    instance_id: str | None = None
    image_url: str | None = None
    min_disk: int | None = None
    min_ram: int = 0
    os_version: str | None = None
    description: str = ""
    tags: list[str] = Field(default_factory=list)


@router.post("/v2/cloudimages/action")
async def create_image(body: CreateImageBody, ctx: ScopedContext) -> dict[str, str]:
    started = capture.create(ctx, capture.ImageSpec(**body.model_dump()))
    return {"job_id": started.job.id}


class PatchOperation(BaseModel):
    op: str
    path: str
    value: Any = None


@router.patch("/v2/cloudimages/{image_id}")
async def update_image(
    body: list[PatchOperation], ctx: ScopedContext, image_id: str
) -> dict[str, Any]:
    changes = [operations.Patch(change.op, change.path, _typed(change)) for change in body]
    return views.image(operations.update(ctx, image_id, changes))


def _typed(change: PatchOperation) -> Any:
    """The native API sends every value as a string."""
    name, value = change.path.removeprefix("/"), change.value
    if name in NUMBERS and isinstance(value, str):
        if not value.isdigit():
            raise BadRequest(f"Invalid value for {name}: {value}")
        return int(value)
    if name == "protected" and value in ("true", "false"):
        return value == "true"
    return value


@router.get("/v1/cloudimages/quota")
async def show_quota(ctx: ScopedContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        limit = quotas.limit(tx, ctx.project.id, "images")
        used = quotas.usage(tx, ctx.project.id).get("images", 0)
    resource = {"type": "image", "used": used, "quota": limit, "min": 1, "max": 1000}
    return {"quotas": {"resources": [resource]}}
