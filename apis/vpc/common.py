"""Helpers every network operation shares: owned-row lookups and quota counters."""

from typing import TypeVar

from sqlalchemy.orm import Session

from apis.vpc.errors import not_found, over_quota
from emulator import quotas
from emulator.context import RequestContext
from emulator.errors import QuotaExceeded

Row = TypeVar("Row")

SERVICE = "vpc"


def owned(tx: Session, model: type[Row], ident: str | None, ctx: RequestContext, kind: str) -> Row:
    """The caller's row of `model`; another tenant's id is as unknown as a made-up one."""
    row = tx.get(model, ident) if ident else None
    if row is None or row.project_id != ctx.project.id:  # type: ignore[attr-defined]
        raise not_found(kind, str(ident))
    return row


def consume(tx: Session, ctx: RequestContext, *keys: str, amount: int = 1) -> None:
    try:
        quotas.consume(tx, ctx.project.id, dict.fromkeys(keys, amount))
    except QuotaExceeded as error:
        raise over_quota(error) from None


def release(tx: Session, ctx: RequestContext, *keys: str, amount: int = 1) -> None:
    quotas.release(tx, ctx.project.id, dict.fromkeys(keys, amount))
