"""The native IMS list (`GET /v2/cloudimages`) with its `__imagetype`, `__os_type` ... filters."""

from typing import Any

from fastapi import APIRouter, Request

from apis.ims import listing, views
from emulator.context import ScopedContext

router = APIRouter(route_class=views.IMS.route_class)
IMS_DEFAULT_LIMIT = 500


@router.get("/v2/cloudimages")
async def list_cloud_images(request: Request, ctx: ScopedContext) -> dict[str, Any]:
    page = listing.list_images(ctx, dict(request.query_params), IMS_DEFAULT_LIMIT)
    return {"images": page.images}
