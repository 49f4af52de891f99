"""TMS-style resource tags (key/value), shared by VPC, EIP, EVS, ECS, IMS and backups.

The native APIs expose them as `/{resource}/{id}/tags` and `/{resource}/{id}/tags/action`
with `{"action": "create"|"delete", "tags": [{"key", "value"}]}`.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from sqlalchemy import (
    ColumnElement,
    ColumnExpressionArgument,
    Connection,
    bindparam,
    delete,
    exists,
    select,
)
from sqlalchemy.orm import Session

from emulator.errors import BadRequest
from state.models import Tag
from state.prepared import Prepared, connection_of

MAX_TAGS = 10
MAX_KEY, MAX_VALUE = 36, 43
_ALLOWED = re.compile(r"^[\w\-.@:+= /\u4e00-\u9fff]*$")


def validate(
    tags: Iterable[Mapping[str, str | None]], codes: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Keys 1–36 and values 0–43 characters of letters, digits, -_.@:+= and spaces."""
    result: dict[str, str] = {}
    for tag in tags:
        key = (tag.get("key") or "").strip()
        value = (tag.get("value") or "").strip()
        if not key or len(key) > MAX_KEY or not _ALLOWED.match(key):
            raise BadRequest(f"Invalid tag key {key!r}: 1 to {MAX_KEY} characters.", codes=codes)
        if len(value) > MAX_VALUE or not _ALLOWED.match(value):
            raise BadRequest(
                f"Invalid tag value {value!r}: at most {MAX_VALUE} characters.", codes=codes
            )
        if key in result:
            raise BadRequest(f"Duplicate tag key {key!r}.", codes=codes)
        result[key] = value
    return result


def put(
    tx: Session,
    *,
    project_id: str,
    resource_type: str,
    resource_id: str,
    tags: Mapping[str, str],
    codes: Mapping[str, str] | None = None,
    limit: int = MAX_TAGS,
) -> None:
    """Add or overwrite tags; a resource carries at most `limit` (TMS: MAX_TAGS)."""
    current = of(tx, resource_type, resource_id)
    merged = {**current, **tags}
    if len(merged) > limit:
        raise BadRequest(f"A resource has at most {limit} tags.", codes=codes)
    for key, value in tags.items():
        row = tx.get(Tag, (resource_type, resource_id, key))
        if row is None:
            tx.add(
                Tag(
                    resource_type=resource_type,
                    resource_id=resource_id,
                    key=key,
                    value=value,
                    project_id=project_id,
                )
            )
        else:
            row.value = value


def remove(tx: Session, resource_type: str, resource_id: str, keys: Iterable[str]) -> None:
    tx.execute(
        delete(Tag).where(
            Tag.resource_type == resource_type,
            Tag.resource_id == resource_id,
            Tag.key.in_(list(keys)),
        )
    )


_REMOVE_ALL = Prepared(
    delete(Tag).where(
        Tag.resource_type == bindparam("resource_type"), Tag.resource_id == bindparam("resource_id")
    )
)


def remove_all(tx: Session, resource_type: str, resource_id: str) -> None:
    """A prepared DELETE (the session's pending tags written first); the session forgets the
    tags it holds of the resource, as an ORM delete would."""
    tx.flush()
    _REMOVE_ALL.run(connection_of(tx), {"resource_type": resource_type, "resource_id": resource_id})
    for held in list(tx.identity_map.values()):
        if (
            isinstance(held, Tag)
            and held.resource_type == resource_type
            and held.resource_id == resource_id
        ):
            tx.expunge(held)


_REMOVE_ALL_OF = Prepared(
    delete(Tag).where(
        Tag.resource_type == bindparam("resource_type"),
        Tag.resource_id.in_(bindparam("resource_ids", expanding=True)),
    )
)


def remove_all_of(tx: Session, resource_type: str, resource_ids: list[str]) -> None:
    """Every tag of several resources, in one statement on the connection (for cascades whose
    session holds no tag rows)."""
    if resource_ids:
        tx.flush()  # tags put in this transaction go too
        values = {"resource_type": resource_type, "resource_ids": resource_ids}
        _REMOVE_ALL_OF.run(tx.connection(), values)


def of(tx: Session, resource_type: str, resource_id: str) -> dict[str, str]:
    rows = tx.execute(
        select(Tag.key, Tag.value)
        .where(Tag.resource_type == resource_type, Tag.resource_id == resource_id)
        .order_by(Tag.key)
    )
    return {key: value for key, value in rows}


_OF_MANY = Prepared(
    select(Tag.resource_id, Tag.key, Tag.value).where(
        Tag.resource_type == bindparam("resource_type"),
        Tag.resource_id.in_(bindparam("resource_ids", expanding=True)),
    )
)


def of_many(
    tx: Session | Connection, resource_type: str, resource_ids: list[str]
) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = defaultdict(dict)
    if isinstance(tx, Session):
        tx.flush()
    values = {"resource_type": resource_type, "resource_ids": resource_ids}
    for resource_id, key, value in _OF_MANY.all(connection_of(tx), values):
        found[resource_id][key] = value
    return found


def values_in_project(tx: Session, project_id: str, resource_type: str) -> dict[str, list[str]]:
    """Every key used on the project's resources of a type, with its values (sorted)."""
    rows = tx.execute(
        select(Tag.key, Tag.value).where(
            Tag.project_id == project_id, Tag.resource_type == resource_type
        )
    )
    values: dict[str, set[str]] = defaultdict(set)
    for key, value in rows:
        values[key].add(value)
    return {key: sorted(values[key]) for key in sorted(values)}


def having(
    resource_type: str,
    resource_id: ColumnExpressionArgument[str],
    key: str,
    values: Iterable[str],
) -> ColumnElement[bool]:
    """A condition on a resource's id column: it has the tag key with one of the values (any
    value when none is given)."""
    query = select(Tag.resource_id).where(
        Tag.resource_type == resource_type, Tag.resource_id == resource_id, Tag.key == key
    )
    if values := list(values):
        query = query.where(Tag.value.in_(values))
    return exists(query)


def as_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in sorted(tags.items())]
