"""Server groups: named placement policies (anti-affinity ...) that servers join at creation
or later (native API), up to `server_group_members` servers per group."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy import delete as delete_rows
from sqlalchemy.orm import Session

from apis.ecs.models import ServerGroup, ServerGroupMember
from emulator import ids, quotas
from emulator.context import RequestContext
from emulator.errors import BadRequest, NotFound, QuotaExceeded
from state.prepared import Prepared

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


def members(tx: Session, group_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {group_id: [] for group_id in group_ids}
    rows = tx.scalars(select(ServerGroupMember).where(ServerGroupMember.group_id.in_(group_ids)))
    for row in rows:
        found[row.group_id].append(row.server_id)
    return found


def join(tx: Session, ctx: RequestContext, group: ServerGroup, server_ids: list[str]) -> None:
    """Servers join a group; a server is in one group at most."""
    current = members(tx, [group.id])[group.id]
    ceiling = quotas.limit(tx, ctx.project.id, "server_group_members")
    if ceiling != quotas.UNLIMITED and len(current) + len(server_ids) > ceiling:
        raise BadRequest(
            "Quota exceeded, too many servers in group",
            codes={"huawei": "Ecs.0005"},
            statuses={"nova": 403},
        )
    for server_id in server_ids:
        if tx.scalars(
            select(ServerGroupMember).where(ServerGroupMember.server_id == server_id)
        ).first():
            raise BadRequest(
                f"Server {server_id} is already in a server group.", codes={"huawei": "Ecs.0005"}
            )
        tx.add(ServerGroupMember(group_id=group.id, server_id=server_id, project_id=ctx.project.id))
    tx.flush()


def leave(tx: Session, server_id: str, group: ServerGroup) -> None:
    tx.execute(
        delete_rows(ServerGroupMember).where(
            ServerGroupMember.server_id == server_id, ServerGroupMember.group_id == group.id
        )
    )


_LEAVE_ALL = Prepared(
    delete_rows(ServerGroupMember).where(ServerGroupMember.server_id == bindparam("server_id"))
)


def leave_all(tx: Session, server_id: str) -> None:
    """A server removed leaves every group (one prepared statement: the session holds none of
    its memberships)."""
    _LEAVE_ALL.run(tx.connection(), {"server_id": server_id})
