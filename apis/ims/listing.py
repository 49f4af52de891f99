"""Filtering and paging of image lists, shared by Glance and the native IMS list."""

import re
from dataclasses import dataclass
from typing import Any

from apis.ims import images, views
from emulator.context import RequestContext
from emulator.errors import BadRequest
from emulator.pagination import after_marker

# Query parameters that steer the listing rather than filter on a property.
CONTROL = frozenset(("limit", "marker", "sort_key", "sort_dir", "sort", "tag", "member_status"))
SORT_KEYS = frozenset(
    (
        "created_at",
        "updated_at",
        "name",
        "id",
        "status",
        "size",
        "min_disk",
        "min_ram",
        "disk_format",
        "container_format",
    )
)
# Keys Glance filters with an operator: `in:a,"b,c"` (any of a list) or `eq:a` (the default).
OPERATOR_KEYS = frozenset(("name", "id", "status", "container_format", "disk_format"))
# One value of an `in:` list: a double-quoted string (may hold commas) or a run of non-commas.
IN_VALUE = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)",?|([^,]+),?|,')


@dataclass
class ImagePage:
    images: list[dict[str, Any]]
    next_marker: str | None


def list_images(
    ctx: RequestContext,
    params: dict[str, str],
    default_limit: int,
    tags: list[str] | None = None,
    max_limit: int = 1000,
) -> ImagePage:
    filters = {key: value for key, value in params.items() if key not in CONTROL}
    choices = {key: _choices(filters.pop(key)) for key in OPERATOR_KEYS & filters.keys()}
    if filters.get("visibility") == "all":
        del filters["visibility"]
    wanted_tags = set(tags or ())
    member_status = params.get("member_status", "accepted")
    if member_status not in (*images.MEMBER_STATUSES, "all"):
        raise BadRequest(f"Invalid member_status: {member_status}")
    found_images = images.visible(ctx, member_status)
    rendered = [views.image(row) for row in found_images if wanted_tags <= set(row.tags)]
    found = [
        view
        for view in rendered
        if views.matches(view, filters)
        and all(view.get(key) in allowed for key, allowed in choices.items())
    ]
    # The last key first: each stable sort keeps the order of the keys before it.
    for sort_key, sort_dir in reversed(_sorting(params)):
        found.sort(key=lambda view: _sort_value(view, sort_key), reverse=sort_dir == "desc")
    found = after_marker(found, params.get("marker"), lambda view: str(view["id"]))
    limit = _limit(params.get("limit"), default_limit, max_limit)
    page = found[:limit]
    more = limit < len(found)
    return ImagePage(page, page[-1]["id"] if more and page else None)


def _choices(expression: str) -> list[str]:
    """The values a Glance `key=op:value` filter accepts, split as glance.common.utils does."""
    operator, found, threshold = expression.partition(":")
    if not found:
        return [expression]
    if operator == "eq":
        return [threshold]
    if operator != "in":
        raise BadRequest(f"Unable to filter by unknown operator '{operator}'.")
    if threshold.count('"') % 2:
        raise BadRequest(f"Invalid filter value {threshold}. The quote is not closed.")
    return [quoted or bare for quoted, bare in IN_VALUE.findall(threshold)]


def _sorting(params: dict[str, str]) -> list[tuple[str, str]]:
    """The sort keys and directions: Glance's `sort=name:asc,size` (a key without a direction
    is descending) or the classic `sort_key` and `sort_dir`, never both."""
    if "sort" not in params:
        wanted = [_sort(params.get("sort_key", "created_at"), params.get("sort_dir", "desc"))]
    elif "sort_key" in params or "sort_dir" in params:
        raise BadRequest("Old and new sorting syntax cannot be combined")
    else:
        pairs = [part.partition(":") for part in params["sort"].strip().split(",")]
        wanted = [_sort(key.strip(), direction.strip() or "desc") for key, _, direction in pairs]
    # Ties are broken as Glance does: by created_at, then id, newest first.
    named = {key for key, _ in wanted}
    return wanted + [(key, "desc") for key in ("created_at", "id") if key not in named]


def _sort(key: str, direction: str) -> tuple[str, str]:
    if key not in SORT_KEYS:
        raise BadRequest(
            f"Invalid sort key: {key}. It must be one of the following: "
            + ", ".join(sorted(SORT_KEYS))
            + "."
        )
    if direction not in ("asc", "desc"):
        raise BadRequest(f"Invalid sort direction: {direction}")
    return key, direction


def _sort_value(view: dict[str, Any], key: str) -> tuple[bool, Any]:
    """Images without a value (the size of a queued image) sort before the others."""
    value = view[key]
    return (value is not None, value if value is not None else 0)


def _limit(text: str | None, default: int, maximum: int) -> int:
    if text is None:
        return default
    if not text.isdigit():
        raise BadRequest(f"limit param must be an integer, got {text!r}.")
    return min(int(text), maximum)
