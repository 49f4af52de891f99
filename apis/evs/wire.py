"""What both EVS routers read off a request: the link base, list parameters and Cinder's
microversion."""

import ast
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from apis.evs import errors
from emulator.context import RequestContext, service_url
from emulator.dialects import CINDER, describe_validation
from emulator.errors import BadRequest
from emulator.microversions import Versions, versioned_route
from emulator.microversions import parse as parse_version
from emulator.pagination import MAX_LIMIT, Page

Model = TypeVar("Model", bound=BaseModel)

# Cinder v3 negotiates microversions, and EVS declares 3.0 only; v2 has none.
VOLUME_VERSIONS = Versions("volume", parse_version("3.0"), parse_version("3.0"))
CinderRoute = versioned_route(CINDER, VOLUME_VERSIONS, applies=lambda path: path.startswith("/v3/"))


def link_base(request: Request, ctx: RequestContext) -> str:
    """scheme://host[/evs]/v2|v3/{project_id}, as the client called us."""
    path = request.scope["path"][len(request.scope.get("root_path", "")) :]
    version = path.strip("/").split("/", 1)[0]
    return f"{service_url(request)}/{version}/{ctx.project.id}"


def metadata_filter(text: str | None) -> dict[str, str]:
    """Cinder's `metadata` query parameter: a dict literal, "{'key': 'value'}"."""
    if text is None:
        return {}
    try:
        value: Any = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = None
    if not isinstance(value, dict):
        raise errors.invalid_input(f"Invalid metadata filter: {text}.", native=errors.INVALID_BODY)
    return {str(key): str(item) for key, item in value.items()}


def newest_first(direction: str | None) -> bool:
    direction = direction or "desc"
    if direction not in ("asc", "desc"):
        raise errors.invalid_input(
            f"Invalid sort direction {direction}.", native=errors.INVALID_BODY
        )
    return direction == "desc"


@dataclass(frozen=True)
class SortOrder:
    column: Any
    newest_first: bool


# Cinder also takes its database's name of a volume's or snapshot's name.
_SORT_ALIASES = {"display_name": "name"}


def sort_order(params: Mapping[str, str], model: Any, keys: Collection[str]) -> SortOrder:
    """Cinder's order of a list: `sort=key[:dir]` (its first key) or `sort_key` and `sort_dir`;
    newest first by default. Ties are broken by id."""
    first = (params.get("sort") or "").split(",", 1)[0]
    key, _, direction = first.partition(":")
    key = key.strip() or params.get("sort_key") or "created_at"
    key = _SORT_ALIASES.get(key, key)
    if key not in keys:
        raise errors.invalid_input(
            f"Sort key supplied is invalid: {key}", native=errors.INVALID_BODY
        )
    return SortOrder(getattr(model, key), newest_first(direction.strip() or params.get("sort_dir")))


def offset(params: Mapping[str, str]) -> int:
    """Cinder's `offset`: how many rows to skip (after the marker)."""
    text = params.get("offset", "0")
    if not text.isdigit():
        raise errors.invalid_input(
            f"offset must be a non-negative integer: {text}", native=errors.INVALID_BODY
        )
    return int(text)


def full_page_marker(page: Page[Any], limit: int | None) -> str | None:
    """Cinder links a next page whenever this one is full, even when nothing follows it."""
    size = min(limit if limit is not None else MAX_LIMIT, MAX_LIMIT)
    return str(page.items[-1].id) if page.items and len(page.items) == size else None


def next_link(base: str, path: str, marker: str | None, limit: int | None) -> list[dict[str, str]]:
    if marker is None:
        return []
    query = f"marker={marker}" + (f"&limit={limit}" if limit is not None else "")
    return [{"href": f"{base}/{path}?{query}", "rel": "next"}]


def parse(model: type[Model], body: Any) -> Model:
    """Validate a body read by hand (an action), with the 400 a declared body would get."""
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise BadRequest(describe_validation(RequestValidationError(error.errors()))) from None
