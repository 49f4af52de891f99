"""Metadata of volumes and snapshots (Cinder's `/metadata` APIs): the same rules for both."""

from typing import Any

from apis.evs import errors
from apis.evs.models import Snapshot, Volume
from emulator.context import RequestContext
from emulator.errors import NotFound

Described = Volume | Snapshot


def merge(
    ctx: RequestContext, row: Described, values: dict[str, str], *, replace: bool
) -> dict[str, Any]:
    """Merge `values` into the row's metadata, or replace it with them."""
    row.metadata_ = dict(values) if replace else {**row.metadata_, **values}
    row.updated_at = ctx.now()
    return dict(row.metadata_)


def value(row: Described, key: str) -> Any:
    if key not in row.metadata_:
        raise NotFound("Metadata item was not found.", codes={"huawei": errors.NOT_FOUND})
    return row.metadata_[key]


def delete_key(ctx: RequestContext, row: Described, key: str) -> None:
    value(row, key)
    row.metadata_ = {k: v for k, v in row.metadata_.items() if k != key}
    row.updated_at = ctx.now()
