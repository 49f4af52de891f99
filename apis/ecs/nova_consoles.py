"""Nova's remote consoles: `POST /servers/{id}/remote-consoles` from microversion 2.6, the
os-getVNCConsole action up to 2.5. Only noVNC is offered."""

from typing import Any

from fastapi import APIRouter, Request

from apis.ecs import remote_consoles, servers
from apis.ecs.microversions import Microversion, MicroversionDep, NovaRoute
from apis.ecs.models import Server
from emulator.context import ProjectContext, host_url
from emulator.errors import BadRequest, NotFound

router = APIRouter(prefix="/v2.1/{project_id}", route_class=NovaRoute)

PROTOCOLS = ["vnc", "spice", "rdp", "serial"]
TYPES = ["novnc", "xvpvnc", "rdp-html5", "spice-html5", "serial"]


def _one_of(field: str, value: Any, allowed: list[str]) -> str:
    if value not in allowed:
        raise BadRequest(
            f"Invalid input for field/attribute {field}. Value: {value}. "
            f"{value!r} is not one of {allowed}"
        )
    return str(value)


def _not_in_this_version() -> NotFound:
    return NotFound("The resource could not be found.")


def vnc_console(
    request: Request, server: Server, console_type: str, version: Microversion
) -> dict[str, Any]:
    """The os-getVNCConsole action (up to 2.5): `{"console": {"type", "url"}}`."""
    if version.at_least("2.6"):
        raise _not_in_this_version()
    console_type = _one_of("type", console_type, ["novnc", "xvpvnc"])
    url = remote_consoles.url(server, "vnc", console_type, host_url(request))
    return {"console": {"type": console_type, "url": url}}


@router.post("/servers/{server_id}/remote-consoles")
async def create_remote_console(
    request: Request, server_id: str, ctx: ProjectContext, version: MicroversionDep
) -> dict[str, Any]:
    if not version.at_least("2.6"):
        raise _not_in_this_version()
    try:
        body = await request.json()
    except ValueError:
        raise BadRequest("Malformed request body") from None
    console = body.get("remote_console") if isinstance(body, dict) else None
    if not isinstance(console, dict):
        raise BadRequest("Invalid input for field/attribute remote_console: required object.")
    protocol = _one_of("protocol", console.get("protocol"), PROTOCOLS)
    console_type = _one_of("type", console.get("type"), TYPES)
    with ctx.transaction() as tx:
        server = servers.get(tx, ctx, server_id)
        url = remote_consoles.url(server, protocol, console_type, host_url(request))
    return {"remote_console": {"protocol": protocol, "type": console_type, "url": url}}
