"""IAM's system roles and policies: a catalogue shipped with the package (`system_roles.json`).

Role ids are derived from the role name, so they are stable across restarts and installs.
"""

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from emulator.errors import BadRequest, NotFound
from emulator.ids import stable_hex_id

CREATED_TIME = "1522393473000"


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    display_name: str
    description: str
    catalog: str
    type: str
    flag: str | None
    policy: dict[str, Any]

    @property
    def fine_grained(self) -> bool:
        return self.flag == "fine_grained"


@cache
def catalogue() -> dict[str, Role]:
    shipped = json.loads(resources.files("apis.iam").joinpath("system_roles.json").read_text())
    roles = [
        Role(
            id=stable_hex_id("iam-system-role", entry["name"]),
            name=entry["name"],
            display_name=entry["display_name"],
            description=entry["description"],
            catalog=entry["catalog"],
            type=entry["type"],
            flag=entry.get("flag"),
            policy=entry["policy"],
        )
        for entry in shipped
    ]
    return {role.id: role for role in roles}


def by_name(name: str) -> Role:
    return next(role for role in catalogue().values() if role.name == name)


def role(role_id: str) -> Role:
    found = catalogue().get(role_id)
    if found is None:
        raise NotFound(f"Could not find role: {role_id}.")
    return found


@dataclass(frozen=True)
class RoleFilter:
    name: str | None = None
    domain_id: str | None = None
    permission_type: str | None = None
    display_name: str | None = None
    type: str | None = None
    catalog: str | None = None


def _matches(role: Role, wanted: RoleFilter) -> bool:
    if wanted.domain_id is not None:
        # System roles have no domain: asking for an account's custom policies lists none.
        return False
    if wanted.permission_type == "policy" and not role.fine_grained:
        return False
    if wanted.permission_type == "role" and role.fine_grained:
        return False
    if wanted.type == "domain" and role.type not in ("AX", "AA"):
        return False
    if wanted.type == "project" and role.type not in ("XA", "AA"):
        return False
    return (
        (wanted.name is None or role.name == wanted.name)
        # IAM matches display names partially: "Administrator" finds every administrator role.
        and (wanted.display_name is None or wanted.display_name in role.display_name)
        and (wanted.catalog is None or role.catalog == wanted.catalog)
    )


def listed(wanted: RoleFilter, page: int | None, per_page: int | None) -> tuple[list[Role], int]:
    """The matching roles (a page of them when asked) and how many match in all."""
    found = [r for r in catalogue().values() if _matches(r, wanted)]
    found.sort(key=lambda r: r.name)
    if page is None and per_page is None:
        return found, len(found)
    if page is None or per_page is None or page < 1 or not 1 <= per_page <= 300:
        raise BadRequest(
            "page and per_page must be given together (page >= 1, 1 <= per_page <= 300)."
        )
    start = (page - 1) * per_page
    return found[start : start + per_page], len(found)
