"""TMS-style tags of VPCs, subnets, EIPs and security groups: `/v2.0/{pid}/{kind}/{id}/tags`."""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from apis.vpc import eips, security, subnets, vpcs
from apis.vpc import schemas as s
from apis.vpc.errors import INVALID, VPC_NATIVE, not_found
from emulator import tags
from emulator.context import ProjectContext, RequestContext

router = APIRouter(prefix="/v2.0/{project_id}/{kind}", route_class=VPC_NATIVE.route_class)

Finder = Callable[[Session, RequestContext, str], Any]
# URL kind -> (tag resource type, lookup that raises the kind's 404, parameter error code)
KINDS: dict[str, tuple[str, Finder, str]] = {
    "vpcs": (vpcs.TAG_TYPE, vpcs.get_vpc, INVALID["vpc"]),
    "subnets": (
        subnets.TAG_TYPE,
        lambda tx, ctx, i: subnets.vpc_subnet(tx, ctx, i),
        INVALID["subnet"],
    ),
    "publicips": (eips.TAG_TYPE, eips.get_publicip, INVALID["publicip"]),
    "security-groups": (security.TAG_TYPE, security.get_group, INVALID["security_group"]),
}


def _resolve(tx: Session, ctx: RequestContext, kind: str, resource_id: str) -> tuple[str, str]:
    if kind not in KINDS:
        raise not_found("vpc", kind)
    resource_type, find, code = KINDS[kind]
    find(tx, ctx, resource_id)
    return resource_type, code


@router.get("/tags")
async def project_tags(kind: str, ctx: ProjectContext) -> dict[str, Any]:
    """Every key used on the project's resources of this kind, with its values."""
    if kind not in KINDS:
        raise not_found("vpc", kind)
    with ctx.transaction() as tx:
        values = tags.values_in_project(tx, ctx.project.id, KINDS[kind][0])
    return {"tags": [{"key": key, "values": v} for key, v in values.items()]}


@router.get("/{resource_id}/tags")
async def show_tags(kind: str, resource_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        resource_type, _ = _resolve(tx, ctx, kind, resource_id)
        return {"tags": tags.as_list(tags.of(tx, resource_type, resource_id))}


@router.post("/{resource_id}/tags", status_code=204)
async def create_tag(kind: str, resource_id: str, body: s.TagBody, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        resource_type, code = _resolve(tx, ctx, kind, resource_id)
        values = tags.validate([body.tag.model_dump()], codes={"vpc": code})
        tags.put(
            tx,
            project_id=ctx.project.id,
            resource_type=resource_type,
            resource_id=resource_id,
            tags=values,
            codes={"vpc": code},
        )
    return Response(status_code=204)


@router.delete("/{resource_id}/tags/{key}", status_code=204)
async def delete_tag(kind: str, resource_id: str, key: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        resource_type, _ = _resolve(tx, ctx, kind, resource_id)
        tags.remove(tx, resource_type, resource_id, [key])
    return Response(status_code=204)


@router.post("/{resource_id}/tags/action", status_code=204)
async def tag_action(
    kind: str, resource_id: str, body: s.TagAction, ctx: ProjectContext
) -> Response:
    with ctx.transaction() as tx:
        resource_type, code = _resolve(tx, ctx, kind, resource_id)
        if body.action == "delete":
            tags.remove(tx, resource_type, resource_id, [t.key for t in body.tags])
        else:
            values = tags.validate([t.model_dump() for t in body.tags], codes={"vpc": code})
            tags.put(
                tx,
                project_id=ctx.project.id,
                resource_type=resource_type,
                resource_id=resource_id,
                tags=values,
                codes={"vpc": code},
            )
    return Response(status_code=204)
