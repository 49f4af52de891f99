"""List semantics of Neutron and the native VPC API over rendered objects: any attribute is a
filter (repeated = any of), `fields` picks attributes, `sort_key`/`sort_dir` order (in pairs;
by creation otherwise), `limit`/`marker` page, and Neutron gets `<collection>_links` with the
next page. The tag filters take
comma-separated tags: `tags` (all of them), `tags-any` (one of them), `not-tags` (not all of
them), `not-tags-any` (none of them).

Lists are filtered after rendering because Neutron filters on every attribute of the view,
including computed ones (`fixed_ips`, `router:external`, `status`); a tenant's lists are small.
"""

from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from apis.vpc.errors import HTTP_BAD_REQUEST
from emulator.errors import BadRequest

CONTROL = frozenset(("limit", "marker", "fields", "sort_key", "sort_dir", "page_reverse"))
TAG_FILTERS = {
    "tags": lambda has, wanted: wanted <= has,
    "tags-any": lambda has, wanted: bool(wanted & has),
    "not-tags": lambda has, wanted: not wanted <= has,
    "not-tags-any": lambda has, wanted: not wanted & has,
}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _matches(item: dict[str, Any], key: str, wanted: list[str]) -> bool:
    if key in TAG_FILTERS:
        tags = {t for text in wanted for t in text.split(",") if t}
        present = {t for t in item.get("tags") or () if isinstance(t, str)}
        return TAG_FILTERS[key](present, tags)
    if key not in item:
        return True
    value = item[key]
    if key == "fixed_ips":
        pairs = [w.split("=", 1) for w in wanted if "=" in w]
        return all(any(ip.get(k) == v for ip in value) for k, v in pairs)
    values = [_text(v) for v in value] if isinstance(value, list) else [_text(value)]
    if isinstance(value, bool):  # "True" and "true" both mean true
        wanted = [w.lower() for w in wanted]
    return any(w in values for w in wanted)


def _sort_value(value: Any) -> tuple[bool, Any]:
    """Nulls last; values that do not compare among themselves (lists) by their text."""
    plain = isinstance(value, (bool, int, float, str))
    return value is None, value if plain else _text(value)


def _sorted(request: Request, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Neutron's sorting: as many `sort_dir` as `sort_key`, each `asc` or `desc`, on
    attributes of the objects (the first key orders first)."""
    keys, dirs = request.query_params.getlist("sort_key"), request.query_params.getlist("sort_dir")
    if len(keys) != len(dirs):
        raise BadRequest(
            "The number of sort_keys and sort_dirs must be same", codes=HTTP_BAD_REQUEST
        )
    invalid_dirs = [d for d in dirs if d not in ("asc", "desc")]
    if invalid_dirs:
        raise BadRequest(
            f"{invalid_dirs} is invalid value for sort_dirs, valid value is 'asc' and 'desc'",
            codes=HTTP_BAD_REQUEST,
        )
    absent = [k for k in keys if items and k not in items[0]]
    if absent:
        raise BadRequest(f"{absent} is invalid attribute for sort_keys", codes=HTTP_BAD_REQUEST)
    for key, direction in reversed(list(zip(keys, dirs, strict=True))):
        items = sorted(
            items, key=lambda item: _sort_value(item.get(key)), reverse=direction == "desc"
        )
    return items


def _limit(request: Request) -> int | None:
    text = request.query_params.get("limit")
    if text is None:
        return None
    if not text.isdigit():
        raise BadRequest(
            f"Bad limit request: Limit must be an integer 0 or greater and not '{text}'."
        )
    return int(text) or None


def shown(request: Request, item: dict[str, Any]) -> dict[str, Any]:
    """The attributes `fields` asks for (all of them without `fields`), in a list or a show."""
    fields = request.query_params.getlist("fields")
    return {k: v for k, v in item.items() if k in fields} if fields else item


def select(
    request: Request, items: list[dict[str, Any]], collection: str, *, links: bool = True
) -> dict[str, Any]:
    """`{collection: [...], collection_links: [...]}` for the query of `request`."""
    params = request.query_params
    for key in set(params) - CONTROL:
        items = [i for i in items if _matches(i, key, params.getlist(key))]
    items = _sorted(request, items)
    marker = params.get("marker")
    if marker:
        position = next((n for n, item in enumerate(items) if item.get("id") == marker), None)
        if position is None:
            raise BadRequest(f"marker [{marker}] not found")
        items = items[position + 1 :]
    limit = _limit(request)
    page = items[:limit] if limit else items
    page = [shown(request, item) for item in page]
    body: dict[str, Any] = {collection: page}
    if links and limit and len(items) > limit:
        query = [(k, v) for k, v in params.multi_items() if k != "marker"]
        query.append(("marker", str(page[-1].get("id", items[limit - 1]["id"]))))
        body[f"{collection}_links"] = [
            {"rel": "next", "href": str(request.url.replace(query=urlencode(query)))}
        ]
    return body
