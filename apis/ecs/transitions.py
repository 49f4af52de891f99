"""How server statuses change when their time comes (`emulator.lifecycle` kind `ecs.server`),
and the jobs that end with them."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Session

from apis.ecs import billing, disks, flavors, server_actions, server_groups, states
from apis.ecs.models import Server
from emulator import jobs, lifecycle, quotas, tags
from emulator.context import RequestContext
from state.models import Job, Transition
from state.prepared import Prepared

KIND = "ecs.server"
TAG_TYPE = "ecs.server"


def schedule(
    tx: Session,
    ctx: RequestContext,
    server: Server,
    target: str,
    delay: float,
    *,
    job: Job | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    lifecycle.schedule(
        tx,
        service="ecs",
        kind=KIND,
        resource_id=server.id,
        target=target,
        now=ctx.now(),
        after=delay,
        payload={**(payload or {}), "job_id": job.id if job else None},
    )


def cancel(tx: Session, server: Server, now: datetime) -> None:
    """Drop the server's pending changes; their jobs fail (the server is being deleted)."""
    for payload in lifecycle.cancel_many(tx, KIND, [server.id]):
        job_id = payload.get("job_id")
        job = tx.get(Job, job_id) if job_id else None
        if job is not None and job.status == jobs.RUNNING:
            jobs.fail(tx, job, now, error_code="Ecs.0000", reason="The server was deleted.")


def _running(server: Server) -> None:
    server.status, server.power_state, server.task_state = "ACTIVE", states.RUNNING, None


def _settled(server: Server) -> None:
    """Back to ACTIVE or SHUTOFF, as the power state says."""
    server.status = "ACTIVE" if server.power_state == states.RUNNING else "SHUTOFF"
    server.task_state = None


def _built(tx: Session, server: Server, payload: dict[str, Any], now: datetime) -> None:
    disks.attach_at_build(tx, server, now)
    _running(server)
    server.launched_at = now


def _stopped(tx: Session, server: Server, payload: dict[str, Any], now: datetime) -> None:
    server.status, server.power_state, server.task_state = "SHUTOFF", states.SHUTDOWN, None


def _resized(tx: Session, server: Server, payload: dict[str, Any], now: datetime) -> None:
    if payload.get("confirm"):
        server.previous_flavor_id = None
        _settled(server)
    else:
        server.status, server.task_state = "VERIFY_RESIZE", None


_REMOVE = Prepared(
    sql_delete(Server)
    .where(Server.id == bindparam("server_id"))
    .returning(Server.project_id, Server.flavor_id)
)


def _remove(tx: Session, server_id: str) -> None:
    """The end of a deletion: the row goes, its quota, tags and group memberships with it."""
    removed = _REMOVE.first(tx.connection(), {"server_id": server_id})
    if removed is not None:
        quotas.release(tx, removed.project_id, flavors.get(removed.flavor_id).usage())
        tags.remove_all_of(tx, TAG_TYPE, [server_id])
        server_groups.leave_all(tx, server_id)


_TARGETS: dict[str, Callable[[Session, Server, dict[str, Any], datetime], None]] = {
    "built": _built,
    "started": lambda tx, server, payload, now: _running(server),
    "rebooted": lambda tx, server, payload, now: _running(server),
    "stopped": _stopped,
    "resized": _resized,
    "reverted": lambda tx, server, payload, now: _settled(server),
    "rebuilt": lambda tx, server, payload, now: _settled(server),
    "job_done": lambda tx, server, payload, now: None,
}


@lifecycle.handles(KIND)
def _apply(tx: Session, transition: Transition, now: datetime) -> None:
    server_actions.finish(tx, transition.resource_id, now)
    if transition.target == "deleted":
        _remove(tx, transition.resource_id)
    else:
        server = tx.get(Server, transition.resource_id)
        if server is not None:
            _TARGETS[transition.target](tx, server, transition.payload, now)
            server.updated_at = now
            billing.sync(tx, server, now)
    job = _job_of(tx, transition)
    if job is not None and job.status == jobs.RUNNING:
        jobs.finish(tx, job, now)


def _job_of(tx: Session, transition: Transition) -> Job | None:
    job_id = transition.payload.get("job_id")
    return tx.get(Job, job_id) if job_id else None
