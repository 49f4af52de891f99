"""The native VPC v3 API (`/v3/{project_id}/vpc/...`): security groups shown and updated with
the operations Neutron and the v1 API use."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from apis.vpc import schemas as s
from apis.vpc import security, views
from apis.vpc.errors import VPC_V3
from apis.vpc.models import SecurityGroup
from emulator import tags
from emulator.context import ProjectContext, request_id_of

router = APIRouter(prefix="/v3/{project_id}/vpc", route_class=VPC_V3.route_class)


def _group_view(tx: Session, group: SecurityGroup) -> dict[str, Any]:
    rules = security.rules_of(tx, [group.id])[group.id]
    tag_list = tags.as_list(tags.of(tx, security.TAG_TYPE, group.id))
    return views.v3_security_group(group, rules, tag_list)


@router.get("/security-groups/{group_id}")
async def show_security_group(
    request: Request, group_id: str, ctx: ProjectContext
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        group = security.get_group(tx, ctx, group_id)
        return {"request_id": request_id_of(request), "security_group": _group_view(tx, group)}


@router.put("/security-groups/{group_id}", response_model=None)
async def update_security_group(
    request: Request, group_id: str, body: s.V3SecurityGroupUpdateBody, ctx: ProjectContext
) -> dict[str, Any] | JSONResponse:
    fields = body.security_group
    with ctx.transaction() as tx:
        if body.dry_run:
            security.get_group(tx, ctx, group_id)
            return JSONResponse(
                status_code=202,
                content={
                    "request_id": request_id_of(request),
                    "error_code": "DryRunOperation",
                    "error_msg": "Request validation has been passed with dry run.",
                },
            )
        group = security.update_group(
            tx, ctx, group_id, name=fields.name, description=fields.description
        )
        return {"request_id": request_id_of(request), "security_group": _group_view(tx, group)}
