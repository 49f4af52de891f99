"""Quotas: limits per project (service defaults, overridden per project) and usage counters.

`consume` runs inside the caller's write transaction and raises the counter with a conditional
UPDATE, so concurrent requests (threads or processes sharing one database) cannot overshoot.
Each service declares its keys and defaults once (`QUOTAS` in its package); every dialect's quota
API reads these same numbers.
"""

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Case, Table, Update, and_, bindparam, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from emulator.errors import BadRequest, QuotaExceeded
from state.models import QuotaLimit, QuotaUsage
from state.prepared import Prepared, connection_of

UNLIMITED = -1
_defaults: dict[str, int] = {}


def declare(defaults: Mapping[str, int]) -> None:
    _defaults.update(defaults)


def keys() -> list[str]:
    return sorted(_defaults)


def defaults() -> dict[str, int]:
    """The declared defaults, before any per-project override (Nova's quota-set defaults)."""
    return dict(_defaults)


def limits(tx: Session, project_id: str) -> dict[str, int]:
    values = dict(_defaults)
    for row in tx.scalars(select(QuotaLimit).where(QuotaLimit.project_id == project_id)):
        values[row.key] = row.limit
    return values


_LIMIT = Prepared(
    select(QuotaLimit.limit).where(
        QuotaLimit.project_id == bindparam("project_id"), QuotaLimit.key == bindparam("key")
    )
)


def limit(tx: Session, project_id: str, key: str) -> int:
    """The limit the session holds, else the stored one (a prepared query), else the default."""
    held = tx.identity_map.get(identity_key(QuotaLimit, (project_id, key)))
    if held is not None:
        return int(held.limit)
    row = _LIMIT.first(connection_of(tx), {"project_id": project_id, "key": key})
    if row is not None:
        return int(row.limit)
    return _defaults.get(key, UNLIMITED)


def usage(tx: Session, project_id: str) -> dict[str, int]:
    values = dict.fromkeys(_defaults, 0)
    for row in tx.scalars(select(QuotaUsage).where(QuotaUsage.project_id == project_id)):
        values[row.key] = row.in_use
    return values


def _ceilings(tx: Session, project_id: str, keys: list[str]) -> dict[str, int]:
    """The limits of some keys, in one query."""
    rows = tx.execute(
        select(QuotaLimit.key, QuotaLimit.limit).where(
            QuotaLimit.project_id == project_id, QuotaLimit.key.in_(keys)
        )
    )
    found = {key: value for key, value in rows}
    return {key: found.get(key, _defaults.get(key, UNLIMITED)) for key in keys}


def _ensure_usage_rows(tx: Session, project_id: str, keys: list[str]) -> None:
    present = set(
        tx.scalars(
            select(QuotaUsage.key).where(
                QuotaUsage.project_id == project_id, QuotaUsage.key.in_(keys)
            )
        )
    )
    for key in keys:
        if key in present:
            continue
        try:
            with tx.begin_nested():
                tx.add(QuotaUsage(project_id=project_id, key=key, in_use=0))
        except IntegrityError:
            pass  # another writer created it first


def _forget_usage_rows(tx: Session) -> None:
    """The counters were changed by UPDATE statements: drop any stale copy the session holds,
    and nothing else (expiring every object would reload all of them afterwards)."""
    for instance in list(tx.identity_map.values()):
        if isinstance(instance, QuotaUsage):
            tx.expire(instance)


def consume(tx: Session, project_id: str, amounts: Mapping[str, int]) -> None:
    """Take `amounts` from the project's quotas, all or nothing (the caller's transaction).

    All counters move with one conditional UPDATE (each row checked against its limit), so
    concurrent writers cannot overshoot; a refusal gives back what it took before raising."""
    wanted = {key: amount for key, amount in amounts.items() if amount > 0}
    if not wanted:
        return
    taken = _take(tx, project_id, wanted)
    if len(taken) < len(wanted):  # a counter without its row yet, or over its limit
        absent = [key for key in wanted if key not in taken]
        _ensure_usage_rows(tx, project_id, absent)
        taken |= _take(tx, project_id, {key: wanted[key] for key in absent})
    refused = [key for key in wanted if key not in taken]
    if refused:
        _move(tx, project_id, {key: -wanted[key] for key in taken})
        raise _exceeded(tx, project_id, refused[0], wanted[refused[0]])
    _forget_usage_rows(tx)


_USAGE = cast(Table, QuotaUsage.__table__)
_LIMITS = cast(Table, QuotaLimit.__table__)


def _per_key(values: str, count: int) -> Case[Any]:
    """`values_i` for the row whose key is `key_i` (bound parameters, so that one statement
    per number of keys is built and compiled once)."""
    return case(
        *((_USAGE.c.key == bindparam(f"key_{i}"), bindparam(f"{values}_{i}")) for i in range(count))
    )


def _of_keys(count: int) -> Any:
    return and_(
        _USAGE.c.project_id == bindparam("for_project"),
        _USAGE.c.key.in_([bindparam(f"key_{i}") for i in range(count)]),
    )


@lru_cache(maxsize=32)
def _take_statement(count: int) -> Update:
    amount = _per_key("amount", count)
    override = (
        select(_LIMITS.c.limit)
        .where(_LIMITS.c.project_id == _USAGE.c.project_id, _LIMITS.c.key == _USAGE.c.key)
        .scalar_subquery()
    )
    ceiling = func.coalesce(override, _per_key("default", count))
    return (
        update(_USAGE)
        .where(_of_keys(count), or_(ceiling == UNLIMITED, _USAGE.c.in_use + amount <= ceiling))
        .values(in_use=_USAGE.c.in_use + amount)
        .returning(_USAGE.c.key)
    )


@lru_cache(maxsize=32)
def _take_prepared(count: int) -> Prepared:
    return Prepared(_take_statement(count))


@lru_cache(maxsize=32)
def _move_statement(count: int) -> Update:
    return (
        update(_USAGE)
        .where(_of_keys(count))
        .values(in_use=_USAGE.c.in_use + _per_key("amount", count))
    )


def _parameters(project_id: str, amounts: Mapping[str, int]) -> dict[str, Any]:
    parameters: dict[str, Any] = {"for_project": project_id}
    for i, (key, amount) in enumerate(amounts.items()):
        parameters[f"key_{i}"] = key
        parameters[f"amount_{i}"] = amount
        parameters[f"default_{i}"] = _defaults.get(key, UNLIMITED)
    return parameters


def _take(tx: Session, project_id: str, wanted: Mapping[str, int]) -> set[str]:
    """Raise the counters that stay within their limits, in one statement; the keys raised."""
    tx.flush()  # Core statements skip the session's autoflush: pending limits count too
    rows = _take_prepared(len(wanted)).all(connection_of(tx), _parameters(project_id, wanted))
    return {row.key for row in rows}


def _move(tx: Session, project_id: str, deltas: Mapping[str, int]) -> None:
    """Add `deltas` (negative to give back) to the counters, in one statement."""
    if deltas:
        tx.execute(_move_statement(len(deltas)), _parameters(project_id, deltas))


def _exceeded(tx: Session, project_id: str, key: str, amount: int) -> QuotaExceeded:
    ceiling = _ceilings(tx, project_id, [key])[key]
    in_use = (
        tx.scalar(
            select(_USAGE.c.in_use).where(_USAGE.c.project_id == project_id, _USAGE.c.key == key)
        )
        or 0
    )
    return QuotaExceeded(
        f"Quota exceeded for {key}: Requested {amount}, but already used {in_use} of "
        f"{ceiling} {key}",
        key=key,
        requested=amount,
        in_use=in_use,
        limit=ceiling,
    )


def release(tx: Session, project_id: str, amounts: Mapping[str, int]) -> None:
    _move(tx, project_id, {key: -amount for key, amount in amounts.items() if amount > 0})
    _forget_usage_rows(tx)


def set_limits(tx: Session, project_id: str, values: Mapping[str, int]) -> None:
    unknown = sorted(set(values) - set(_defaults))
    if unknown:
        raise BadRequest(f"Unknown quota keys: {', '.join(unknown)}.")
    for key, value in values.items():
        if value < UNLIMITED:
            raise BadRequest(f"Quota {key} must be -1 (unlimited) or a number from 0.")
        row = tx.get(QuotaLimit, (project_id, key))
        if row is None:
            tx.add(QuotaLimit(project_id=project_id, key=key, limit=value))
        else:
            row.limit = value
