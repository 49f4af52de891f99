"""The native ECS API's ways into a server: its console log, its remote console, its password.
Registered before the servers' routes, so that `os-reset-passwords` is not taken for an id."""

from typing import Any

from fastapi import APIRouter, Request, Response

from apis.ecs import access_schemas, actions, consoles, remote_consoles, servers, states
from emulator.context import ProjectContext, host_url
from emulator.dialects import HUAWEI

router = APIRouter(route_class=HUAWEI.route_class)
PREFIX = "/v1/{project_id}/cloudservers"


@router.get(PREFIX + "/{server_id}/console-output")
async def console_output(
    server_id: str, ctx: ProjectContext, length: int | None = None
) -> dict[str, Any]:
    if length is not None and length < -1:
        raise states.invalid(f"length {length} is invalid: -1 or more.")
    with ctx.transaction() as tx:
        return {"output": consoles.output(tx, ctx, servers.get(tx, ctx, server_id), length)}


@router.put(PREFIX + "/os-reset-passwords")
async def reset_passwords(
    body: access_schemas.BatchResetPasswordRequest, ctx: ProjectContext
) -> dict[str, Any]:
    """The same password for many servers; `dry_run` checks everything and changes nothing."""
    ids = [ref.id for ref in body.servers]
    if len(set(ids)) != len(ids):
        raise states.invalid("The same server is given twice.")
    if body.new_password is None and not body.dry_run:
        raise states.invalid("new_password is required.")
    with ctx.transaction() as tx:
        for server_id in ids:
            server = servers.get(tx, ctx, server_id)
            if body.new_password is not None:
                actions.reset_password(tx, ctx, server, body.new_password, native=True, check=True)
    return {"response": [{"id": server_id} for server_id in ids]}


@router.put(PREFIX + "/{server_id}/os-reset-password", status_code=204)
async def reset_password(
    server_id: str, body: access_schemas.ResetPasswordRequest, ctx: ProjectContext
) -> Response:
    option = body.reset_password
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        actions.reset_password(
            tx, ctx, server, option.new_password, native=True, check=option.is_check_password
        )
    return Response(status_code=204)


@router.get(PREFIX + "/{server_id}/os-resetpwd-flag")
async def reset_password_flag(server_id: str, ctx: ProjectContext) -> dict[str, Any]:
    """Every image has the one-click password reset plug-in."""
    with ctx.transaction() as tx:
        servers.get(tx, ctx, server_id)
    return {"resetpwd_flag": "True"}


@router.post(PREFIX + "/{server_id}/remote_console")
async def remote_console(
    request: Request,
    server_id: str,
    body: access_schemas.RemoteConsoleRequest,
    ctx: ProjectContext,
) -> dict[str, Any]:
    option = body.remote_console
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        url = remote_consoles.url(server, option.protocol, option.type, host_url(request))
    return {"remote_console": {"protocol": option.protocol, "type": option.type, "url": url}}
