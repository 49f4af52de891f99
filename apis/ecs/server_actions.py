"""The record of what was asked of each server (Nova's instance actions), written by the
operations whichever API called them: the action, the request that asked, who asked, and the
compute event it started, finished when the server's change is done."""

from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from apis.ecs import states
from apis.ecs.models import Server, ServerAction
from emulator import pagination
from emulator.context import RequestContext
from emulator.errors import NotFound
from state.prepared import Prepared, connection_of

# Nova's names of the compute steps its actions run.
EVENTS = {
    "create": "compute__do_build_and_run_instance",
    "delete": "compute_terminate_instance",
    "start": "compute_start_instance",
    "stop": "compute_stop_instance",
    "reboot": "compute_reboot_instance",
    "rebuild": "compute_rebuild_instance",
    "resize": "compute_resize_instance",
    "confirmResize": "compute_confirm_resize",
    "revertResize": "compute_revert_resize",
    "changePassword": "compute_set_admin_password",
    "createImage": "compute_snapshot_instance",
    "attach_volume": "compute_attach_volume",
    "detach_volume": "compute_detach_volume",
}
# Steps done as soon as they are asked: no status change follows them.
_AT_ONCE = frozenset(
    ("confirmResize", "changePassword", "createImage", "attach_volume", "detach_volume")
)

_INSERT = Prepared(
    insert(ServerAction),
    [
        "project_id",
        "server_id",
        "request_id",
        "action",
        "user_id",
        "start_time",
        "updated_at",
        "event",
        "event_finish_time",
    ],
)
_FINISH = Prepared(
    update(ServerAction)
    .where(
        ServerAction.server_id == bindparam("server_id"),
        ServerAction.event.is_not(None),
        ServerAction.event_finish_time.is_(None),
    )
    .values(event_finish_time=bindparam("now"), updated_at=bindparam("now"))
)


def record(tx: Session, ctx: RequestContext, server_id: str, action: str) -> None:
    """`action` as Nova names it (create, delete, stop, reboot, createImage, lock...)."""
    now = ctx.now()
    _INSERT.run(
        connection_of(tx),
        {
            "project_id": ctx.project.id,
            "server_id": server_id,
            "request_id": f"req-{ctx.request_id}",
            "action": action,
            "user_id": ctx.principal.user_id,
            "start_time": now,
            "updated_at": now,
            "event": EVENTS.get(action),
            "event_finish_time": now if action in _AT_ONCE else None,
        },
    )


def finish(tx: Session, server_id: str, now: datetime) -> None:
    """The server's change is done: so are the events under way."""
    _FINISH.run(connection_of(tx), {"server_id": server_id, "now": now})


def listed(
    tx: Session,
    ctx: RequestContext,
    server_id: str,
    *,
    since: datetime | None = None,
    limit: int | None = None,
    marker: str | None = None,
) -> list[ServerAction]:
    """Newest first; `marker` is the request id of the last action of the previous page."""
    query = select(ServerAction).where(
        ServerAction.project_id == ctx.project.id, ServerAction.server_id == server_id
    )
    if since is not None:
        query = query.where(ServerAction.updated_at >= since)
    rows = list(
        tx.execute(query.order_by(ServerAction.start_time.desc(), ServerAction.id.desc()))
        .scalars()
        .all()
    )
    rows = pagination.after_marker(rows, marker, lambda action: action.request_id)
    return rows if limit is None else rows[:limit]


def get(tx: Session, ctx: RequestContext, server_id: str, request_id: str) -> ServerAction:
    row = tx.execute(
        select(ServerAction).where(
            ServerAction.project_id == ctx.project.id,
            ServerAction.server_id == server_id,
            ServerAction.request_id == request_id,
        )
    ).scalar()
    if row is None:
        raise NotFound(f"Action {request_id} not found")
    return row


def check_server(tx: Session, ctx: RequestContext, server_id: str, *, deleted: bool) -> None:
    """The server is the project's; with `deleted`, a deleted one whose actions remain too."""
    server = tx.get(Server, server_id)
    if server is not None and server.project_id == ctx.project.id:
        return
    if server is None and deleted:
        recorded = select(ServerAction.id).where(
            ServerAction.project_id == ctx.project.id, ServerAction.server_id == server_id
        )
        if tx.execute(recorded.limit(1)).first() is not None:
            return
    raise states.server_not_found(server_id)
