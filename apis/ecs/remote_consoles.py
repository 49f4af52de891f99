"""The remote console of a running server: Flexible Engine offers noVNC only. Its address is
on the emulator, with a fresh token, as the real one is on the console proxy."""

from apis.ecs import states
from apis.ecs.models import Server
from emulator import ids
from emulator.errors import BadRequest

PROTOCOL, TYPE = "vnc", "novnc"
PATH = "/_emulator/consoles/vnc_auto.html"


def url(server: Server, protocol: str, console_type: str, host_url: str) -> str:
    """A console address for a running server (409 'not ready' otherwise); any console but
    noVNC is 400, in Nova's words."""
    if server.status != "ACTIVE" or server.task_state is not None:
        raise states.not_ready(server.id)
    if (protocol, console_type) != (PROTOCOL, TYPE):
        raise BadRequest(
            f"Unavailable console type {console_type}.", codes={"huawei": states.INVALID}
        )
    return f"{host_url}{PATH}?token={ids.uuid_id()}"
