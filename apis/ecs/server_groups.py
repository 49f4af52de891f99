"""Server groups: named placement policies (anti-affinity ...) that servers join at creation."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from apis.ecs.models import ServerGroup
from emulator import ids, quotas
from emulator.context import RequestContext
from emulator.errors import BadRequest, NotFound, QuotaExceeded

POLICIES = ("anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity")
MAX_NAME = 255


def create(tx: Session, ctx: RequestContext, *, name: str, policies: Sequence[str]) -> ServerGroup:
    if not 1 <= len(name.strip()) <= MAX_NAME:
        raise BadRequest(
            f"Invalid input for field/attribute name. Value: {name}. The name must be 1 to "
            f"{MAX_NAME} characters long.",
            codes={"huawei": "Ecs.0005"},
        )
    if len(policies) != 1 or policies[0] not in POLICIES:
        raise BadRequest(
            f"Invalid input for field/attribute policies. Value: {list(policies)}. Exactly one "
            f"of {', '.join(POLICIES)} is required.",
            codes={"huawei": "Ecs.0005"},
        )
    try:
        quotas.consume(tx, ctx.project.id, {"server_groups": 1})
    except QuotaExceeded as error:
        error.message = "Quota exceeded, too many server groups."
        error.statuses = {"nova": 403}
        raise
    group = ServerGroup(
        id=ids.uuid_id(),
        project_id=ctx.project.id,
        user_id=ctx.principal.user_id,
        name=name,
        policies=list(policies),
        metadata_={},
        created_at=ctx.now(),
    )
    tx.add(group)
    return group


def get(tx: Session, ctx: RequestContext, group_id: str) -> ServerGroup:
    group = tx.get(ServerGroup, group_id)
    if group is None or group.project_id != ctx.project.id:
        raise NotFound(f"Server group {group_id} could not be found.")
    return group


def of_project(ctx: RequestContext) -> Select[Any]:
    """The project's groups, for the dialects' paging (`emulator.pagination`)."""
    return select(ServerGroup).where(ServerGroup.project_id == ctx.project.id)


def delete(tx: Session, ctx: RequestContext, group_id: str) -> None:
    tx.delete(get(tx, ctx, group_id))
    quotas.release(tx, ctx.project.id, {"server_groups": 1})
