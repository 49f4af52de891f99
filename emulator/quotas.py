"""Quotas: limits per project (service defaults, overridden per project) and usage counters.

`consume` runs inside the caller's write transaction and raises the counter with a conditional
UPDATE, so concurrent requests (threads or processes sharing one database) cannot overshoot.
Each service declares its keys and defaults once (`QUOTAS` in its package); every dialect's quota
API reads these same numbers.
"""

from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from emulator.errors import BadRequest, QuotaExceeded
from state.models import QuotaLimit, QuotaUsage

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


def limit(tx: Session, project_id: str, key: str) -> int:
    row = tx.get(QuotaLimit, (project_id, key))
    if row is not None:
        return row.limit
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

    Each counter moves with one conditional UPDATE, so concurrent writers cannot overshoot."""
    wanted = {key: amount for key, amount in amounts.items() if amount > 0}
    if not wanted:
        return
    keys = list(wanted)
    _ensure_usage_rows(tx, project_id, keys)
    ceilings = _ceilings(tx, project_id, keys)
    for key, amount in wanted.items():
        ceiling = ceilings[key]
        statement = (
            update(QuotaUsage)
            .where(QuotaUsage.project_id == project_id, QuotaUsage.key == key)
            .values(in_use=QuotaUsage.in_use + amount)
        )
        if ceiling != UNLIMITED:
            statement = statement.where(QuotaUsage.in_use + amount <= ceiling)
        result = tx.execute(statement.execution_options(synchronize_session=False))
        if cast(CursorResult[Any], result).rowcount == 0:
            in_use = (
                tx.scalar(
                    select(QuotaUsage.in_use).where(
                        QuotaUsage.project_id == project_id, QuotaUsage.key == key
                    )
                )
                or 0
            )
            raise QuotaExceeded(
                f"Quota exceeded for {key}: Requested {amount}, but already used {in_use} of "
                f"{ceiling} {key}",
                key=key,
                requested=amount,
                in_use=in_use,
                limit=ceiling,
            )
    _forget_usage_rows(tx)


def release(tx: Session, project_id: str, amounts: Mapping[str, int]) -> None:
    for key, amount in amounts.items():
        if amount <= 0:
            continue
        tx.execute(
            update(QuotaUsage)
            .where(QuotaUsage.project_id == project_id, QuotaUsage.key == key)
            .values(in_use=QuotaUsage.in_use - amount)
            .execution_options(synchronize_session=False)
        )
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
