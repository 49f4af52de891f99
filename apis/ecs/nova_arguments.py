"""The arguments of Nova's server actions that carry one, checked as Nova's JSON schemas do,
with Nova's words for a bad one."""

import re
from typing import Any

from emulator.errors import BadRequest

_INTEGER = re.compile(r"^-?[0-9]+$")


def _invalid(field: str, value: Any, reason: str) -> BadRequest:
    return BadRequest(f"Invalid input for field/attribute {field}. Value: {value}. {reason}")


def _object(body: dict[str, Any], action: str, allowed: set[str]) -> dict[str, Any]:
    argument = body[action]
    if not isinstance(argument, dict):
        raise _invalid(action, argument, f"{argument!r} is not of type 'object'")
    unexpected = sorted(set(argument) - allowed)
    if unexpected:
        names = ", ".join(repr(name) for name in unexpected)
        raise BadRequest(
            f"Invalid input for field/attribute {action}. Value: {argument}. Additional "
            f"properties are not allowed ({names} {'was' if len(unexpected) == 1 else 'were'} "
            "unexpected)"
        )
    return argument


def console_length(body: dict[str, Any]) -> int | None:
    """os-getConsoleOutput's `length`: an integer, its decimal string or null; -1 is all."""
    length = _object(body, "os-getConsoleOutput", {"length"}).get("length")
    if length is None:
        return None
    if isinstance(length, bool) or not isinstance(length, int | str):
        raise _invalid("length", length, f"{length!r} is not of type 'integer', 'string', 'null'")
    if isinstance(length, str) and not _INTEGER.match(length):
        raise _invalid("length", length, f"{length!r} does not match '^-?[0-9]+$'")
    if int(length) < -1:
        raise _invalid("length", length, f"{length} is less than the minimum of -1")
    return int(length)


def admin_pass(body: dict[str, Any]) -> str:
    argument = _object(body, "changePassword", {"adminPass"})
    if "adminPass" not in argument:
        raise _invalid("changePassword", argument, "'adminPass' is a required property")
    password = argument["adminPass"]
    if not isinstance(password, str):
        raise _invalid("adminPass", password, f"{password!r} is not of type 'string'")
    return password


def console_type(body: dict[str, Any], action: str) -> str:
    """The `type` of os-getVNCConsole (required, a string)."""
    argument = _object(body, action, {"type"})
    if not isinstance(argument.get("type"), str):
        raise _invalid(action, argument, "'type' is a required property")
    return str(argument["type"])
