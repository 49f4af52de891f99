"""Server statuses, the actions each allows, and the errors of both dialects about servers."""

from apis.ecs.models import Server
from emulator.errors import BadRequest, Conflict, NotFound, QuotaExceeded

NOSTATE, RUNNING, SHUTDOWN = 0, 1, 4

# What Nova shows as OS-EXT-STS:vm_state for each status.
VM_STATES = {
    "BUILD": "building",
    "ACTIVE": "active",
    "SHUTOFF": "stopped",
    "REBOOT": "active",
    "HARD_REBOOT": "active",
    "RESIZE": "active",
    "VERIFY_RESIZE": "resized",
    "REVERT_RESIZE": "resized",
    "REBUILD": "active",
    "ERROR": "error",
}

# Nova's action name -> the statuses it is allowed in (and never while a task runs).
ALLOWED = {
    "stop": ("ACTIVE",),
    "start": ("SHUTOFF",),
    "reboot": ("ACTIVE",),
    "reboot_hard": ("ACTIVE", "SHUTOFF", "ERROR"),
    "resize": ("ACTIVE", "SHUTOFF"),
    "confirmResize": ("VERIFY_RESIZE",),
    "revertResize": ("VERIFY_RESIZE",),
    "rebuild": ("ACTIVE", "SHUTOFF", "ERROR"),
    "attach_volume": ("ACTIVE", "SHUTOFF"),
    "detach_volume": ("ACTIVE", "SHUTOFF"),
    "attach_interface": ("ACTIVE", "SHUTOFF"),
    "detach_interface": ("ACTIVE", "SHUTOFF"),
    "addSecurityGroup": ("ACTIVE", "SHUTOFF"),
    "removeSecurityGroup": ("ACTIVE", "SHUTOFF"),
    "changePassword": ("ACTIVE",),
    "resetPassword": ("ACTIVE", "SHUTOFF"),
    "update metadata": ("ACTIVE", "SHUTOFF"),
    "delete metadata": ("ACTIVE", "SHUTOFF"),
}

# What Nova's lock does not guard (the network API's, not the compute API's).
UNGUARDED = ("addSecurityGroup", "removeSecurityGroup")

INVALID = "Ecs.0005"


def vm_state(server: Server) -> str:
    return VM_STATES.get(server.status, "active")


def require(server: Server, action: str) -> None:
    """Refuse an action on a locked server or in the wrong state: Nova's 409
    conflictingRequest, natively Ecs.0005."""
    if action not in UNGUARDED:
        require_unlocked(server)
    # Nova checks the vm_state first, then that no task runs (REBOOT is vm_state active with
    # a task); a status is both at once here.
    if vm_state(server) not in {VM_STATES[status] for status in ALLOWED[action]}:
        raise _invalid(server, action, f"vm_state {vm_state(server)}")
    if server.task_state is not None:
        raise _invalid(server, action, f"task_state {server.task_state}")
    if server.status not in ALLOWED[action]:
        raise _invalid(server, action, f"vm_state {vm_state(server)}")


def _invalid(server: Server, action: str, state: str) -> Conflict:
    return Conflict(
        f"Cannot '{action.removesuffix('_hard')}' instance {server.id} while it is in {state}",
        codes={"huawei": INVALID},
    )


def require_unlocked(server: Server) -> None:
    """Nova's InstanceIsLocked: no caller here is a cloud administrator who could override."""
    if server.locked:
        raise Conflict(f"Instance {server.id} is locked", codes={"huawei": INVALID})


def server_not_found(server_id: str) -> NotFound:
    return NotFound(
        f"Instance {server_id} could not be found.",
        codes={"huawei": "Ecs.0114"},
        messages={"huawei": f"Instance[{server_id}] could not be found."},
    )


def invalid(message: str, *, nova_status: int = 400) -> BadRequest:
    return BadRequest(message, codes={"huawei": INVALID}, statuses={"nova": nova_status})


def quota_exceeded(error: QuotaExceeded, *, native_code: str = "Ecs.0001") -> QuotaExceeded:
    """Nova answers 403 forbidden; the native API 400 with Ecs.0001 (servers, cores, RAM),
    Ecs.0013 (EIPs) or Ecs.0021 (disks)."""
    error.statuses = {**error.statuses, "nova": 403, "huawei": 400}
    error.codes = {**error.codes, "huawei": native_code, "nova": "forbidden"}
    return error


def not_ready(server_id: str) -> Conflict:
    """Nova's InstanceNotReady: the server has no host yet, or no console to show."""
    return Conflict(f"Instance {server_id} is not ready", codes={"huawei": INVALID})
