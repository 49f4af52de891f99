"""Paging of list APIs, done in SQL: OpenStack's limit/marker and Huawei's offset/limit.

Rows are ordered by (created_at, id) so that a marker is stable under concurrent writes.
"""

import functools
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from emulator.errors import BadRequest

Row = TypeVar("Row")
# The longest page a list answers when no limit, or a larger one, is asked.
MAX_LIMIT = 1000
Item = TypeVar("Item")


@dataclass
class Page(Generic[Row]):
    items: list[Row]
    # The id to pass as the next marker, or None on the last page.
    next_marker: str | None
    total: int | None = None


def marker_page(
    tx: Session,
    query: Select[Any],
    model: Any,
    *,
    limit: int | None,
    marker: str | None,
    max_limit: int = MAX_LIMIT,
    newest_first: bool = False,
    plain_rows: bool = False,
    sort_key: Any = None,
    offset: int = 0,
) -> Page[Any]:
    """`query` selects rows of `model` (with `id` and `created_at`), already filtered: ORM
    objects, or with `plain_rows` named tuples of columns (one of them `id`), read through
    the session's connection. Rows are ordered by `sort_key` (a non-null column of `model`,
    `created_at` by default), then by id; `offset` of them are skipped (after the marker)."""
    if limit is not None and limit < 0:
        raise BadRequest("limit must be a non-negative integer.")
    size = min(limit if limit is not None else max_limit, max_limit)
    key = model.created_at if sort_key is None else sort_key
    ident = model.id
    if marker is not None:
        anchor = tx.execute(select(key, ident).where(ident == marker)).first()
        if anchor is None:
            raise BadRequest(f"marker [{marker}] not found")
        after = (
            or_(key < anchor[0], and_(key == anchor[0], ident < anchor[1]))
            if newest_first
            else or_(key > anchor[0], and_(key == anchor[0], ident > anchor[1]))
        )
        query = query.where(after)
    order = (key.desc(), ident.desc()) if newest_first else (key, ident)
    if offset < 0:
        raise BadRequest("offset must be a non-negative integer.")
    paged = query.order_by(*order).offset(offset).limit(size + 1)
    if plain_rows:  # Core execution: no ORM loading for rows that are not entities
        tx.flush()
        result = tx.connection().execute(paged)
        make = _row_type(tuple(result.keys()))._make
        rows: list[Any] = [make(row) for row in result]
    else:
        rows = list(tx.execute(paged).scalars())
    more = len(rows) > size
    items = rows[:size]
    return Page(items, str(items[-1].id) if more and items else None)


@functools.lru_cache(maxsize=64)
def _row_type(names: tuple[str, ...]) -> Any:
    """Plain rows as named tuples: their fields read several times faster than a Row's."""
    return namedtuple("Row", names)


def after_marker(items: list[Item], marker: str | None, ident: Callable[[Item], str]) -> list[Item]:
    """The items after the one whose id is `marker`, for lists paged in memory."""
    if marker is None:
        return items
    for index, item in enumerate(items):
        if ident(item) == marker:
            return items[index + 1 :]
    raise BadRequest(f"marker [{marker}] not found")


def offset_page(
    tx: Session,
    query: Select[Any],
    model: Any,
    *,
    offset: int,
    limit: int | None,
    max_limit: int = MAX_LIMIT,
    newest_first: bool = False,
) -> Page[Any]:
    """Huawei-native paging: skip `offset` rows, return `limit`, with the total count."""
    if offset < 0 or (limit is not None and limit < 0):
        raise BadRequest("offset and limit must be non-negative integers.")
    total = tx.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    size = min(limit if limit is not None else max_limit, max_limit)
    created, ident = model.created_at, model.id
    order = (created.desc(), ident.desc()) if newest_first else (created, ident)
    rows = list(tx.scalars(query.order_by(*order).offset(offset).limit(size)))
    return Page(rows, None, total)
