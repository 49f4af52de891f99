"""The native ECS API's ways into a server: its console log, its remote console, its password.
Registered before the servers' routes, so that `os-reset-passwords` is not taken for an id."""

from typing import Any

from fastapi import APIRouter

from apis.ecs import consoles, servers, states
from emulator.context import ProjectContext
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
