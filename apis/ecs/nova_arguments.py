"""The arguments of Nova's server actions that carry one, checked as Nova's JSON schemas do,
with Nova's words for a bad one."""

import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address
from typing import Any

from apis.ecs.microversions import Microversion
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


DISK_CONFIG = "OS-DCF:diskConfig"


def auto_disk_config(argument: dict[str, Any]) -> bool | None:
    """OS-DCF:diskConfig of a create, update, rebuild or resize: AUTO, MANUAL or absent."""
    value = argument.get(DISK_CONFIG)
    if value is None:
        return None
    if value not in ("AUTO", "MANUAL"):
        raise _invalid(DISK_CONFIG, value, f"{value!r} is not one of ['AUTO', 'MANUAL']")
    return bool(value == "AUTO")


@dataclass(frozen=True)
class Rebuild:
    image_id: str
    name: str | None
    description: str | None
    metadata: dict[str, str] | None
    admin_pass: str | None
    access_ipv4: str | None
    access_ipv6: str | None
    auto_disk_config: bool | None
    # key_name (2.54) and user_data (2.57) when given, None to remove them.
    login: dict[str, str | None]


# rebuild's properties in Nova's schema, and the microversions that add some.
_REBUILD_FIELDS = {
    "imageRef",
    "name",
    "adminPass",
    "metadata",
    "preserve_ephemeral",
    "OS-DCF:diskConfig",
    "accessIPv4",
    "accessIPv6",
    "personality",
}
_REBUILD_FIELDS_SINCE = {"description": "2.19", "key_name": "2.54", "user_data": "2.57"}


def _login(argument: dict[str, Any]) -> dict[str, str | None]:
    login: dict[str, str | None] = {
        k: argument[k] for k in ("key_name", "user_data") if k in argument
    }
    for field, value in login.items():
        if value is not None and not isinstance(value, str):
            raise _invalid(field, value, f"{value!r} is not of type 'string', 'null'")
    return login


def rebuild(body: dict[str, Any], version: Microversion) -> Rebuild:
    allowed = _REBUILD_FIELDS | {
        f for f, since in _REBUILD_FIELDS_SINCE.items() if version.at_least(since)
    }
    if version.at_least("2.57"):
        allowed.discard("personality")
    argument = _object(body, "rebuild", allowed)
    image_id = argument.get("imageRef")
    if not isinstance(image_id, str) or not image_id:
        raise _invalid("rebuild", argument, "'imageRef' is a required property")
    for field in ("name", "adminPass"):
        if field in argument and not isinstance(argument[field], str):
            raise _invalid(field, argument[field], f"{argument[field]!r} is not of type 'string'")
    description = argument.get("description")
    if description is not None and not isinstance(description, str):
        raise _invalid("description", description, f"{description!r} is not of type 'string'")
    metadata = argument.get("metadata")
    if metadata is not None and (
        not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values())
    ):
        raise _invalid("metadata", metadata, "metadata is an object of strings")
    access: dict[str, str] = {}
    for field, kind, name in (
        ("accessIPv4", IPv4Address, "ipv4"),
        ("accessIPv6", IPv6Address, "ipv6"),
    ):
        if field in argument:
            try:
                if not isinstance(argument[field], str):
                    raise ValueError
                access[field] = str(kind(argument[field]))
            except ValueError:
                raise _invalid(
                    field, argument[field], f"{argument[field]!r} is not a '{name}'"
                ) from None
    return Rebuild(
        image_id=image_id,
        name=argument.get("name"),
        description=description,
        metadata=metadata,
        admin_pass=argument.get("adminPass"),
        access_ipv4=access.get("accessIPv4"),
        access_ipv6=access.get("accessIPv6"),
        auto_disk_config=auto_disk_config(argument),
        login=_login(argument),
    )
