"""Nova's version documents: the list at the service root, and v2.1 with its microversions."""

from typing import Any

from fastapi import APIRouter, Request

from apis.ecs.microversions import MAXIMUM, MINIMUM
from emulator.context import service_url
from emulator.dialects import NOVA

router = APIRouter(route_class=NOVA.route_class)


def _v2_1(request: Request, *, full: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "v2.1",
        "status": "CURRENT",
        "version": str(MAXIMUM),
        "min_version": str(MINIMUM),
        "updated": "2013-07-23T11:33:21Z",
        "links": [{"rel": "self", "href": f"{service_url(request)}/v2.1/"}],
    }
    if full:
        body["links"].append(
            {"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"}
        )
        body["media-types"] = [
            {
                "base": "application/json",
                "type": "application/vnd.openstack.compute+json;version=2.1",
            }
        ]
    return body


@router.get("/")
async def list_versions(request: Request) -> dict[str, Any]:
    return {"versions": [_v2_1(request, full=False)]}


@router.get("/v2.1")
@router.get("/v2.1/")
async def show_version(request: Request) -> dict[str, Any]:
    return {"version": _v2_1(request, full=True)}
