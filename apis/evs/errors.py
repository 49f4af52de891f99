"""EVS errors in both dialects: Cinder's messages and the native EVS codes.

Cinder words its 400s as "Invalid input received: ..." or "Invalid volume: ..." and its quota
errors as 413 overLimit; the native API answers {"error": {"code": "EVS.xxxx", ...}}. Codes from
the EVS error table: EVS.1009 (bad create body), EVS.1010 (bad size). The EVS.54xx codes are the
native API's wrapping of Cinder's refusals (inferred from their form, not verified).
"""

from emulator.dialects import HUAWEI, Dialect
from emulator.errors import BadRequest, NotFound, QuotaExceeded

INVALID_BODY = "EVS.1009"
INVALID_SIZE = "EVS.1010"
INVALID_TYPE = "EVS.5400"
INVALID_ZONE = "EVS.5400"
INVALID_STATE = "EVS.5400"
QUOTA = "EVS.5400"
NOT_FOUND = "EVS.5404"

# The native EVS API: the Huawei body with EVS's own codes for what a request gets wrong.
EVS = Dialect(
    HUAWEI.name,
    HUAWEI.render_body,
    HUAWEI.request_id_headers,
    {**HUAWEI.default_codes, 400: INVALID_BODY, 404: NOT_FOUND},
)


def bad_request(message: str, *, native: str, native_message: str | None = None) -> BadRequest:
    return BadRequest(
        message,
        codes={"huawei": native},
        messages={"huawei": native_message} if native_message else None,
    )


def invalid_input(reason: str, *, native: str) -> BadRequest:
    return bad_request(f"Invalid input received: {reason}", native=native, native_message=reason)


def invalid_volume(reason: str) -> BadRequest:
    return bad_request(f"Invalid volume: {reason}", native=INVALID_STATE, native_message=reason)


def invalid_snapshot(reason: str) -> BadRequest:
    return bad_request(f"Invalid snapshot: {reason}", native=INVALID_STATE, native_message=reason)


def volume_not_found(volume_id: str) -> NotFound:
    return NotFound(f"Volume {volume_id} could not be found.", codes={"huawei": NOT_FOUND})


def snapshot_not_found(snapshot_id: str) -> NotFound:
    return NotFound(f"Snapshot {snapshot_id} could not be found.", codes={"huawei": NOT_FOUND})


def _cinder_quota_message(error: QuotaExceeded) -> str:
    kind = error.key.split("_", 1)[0]
    if kind == "volumes":
        return (
            f"VolumeLimitExceeded: Maximum number of volumes allowed ({error.limit}) "
            f"exceeded for quota '{error.key}'."
        )
    if kind == "snapshots":
        return (
            f"SnapshotLimitExceeded: Maximum number of snapshots allowed ({error.limit}) "
            f"exceeded for quota '{error.key}'."
        )
    return (
        f"VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
        f"{error.key} quota. Requested {error.requested}G, quota is {error.limit}G and "
        f"{error.in_use}G has been consumed."
    )


def quota_exceeded(error: QuotaExceeded) -> QuotaExceeded:
    """The shared quota error, worded as Cinder (413 overLimit) and native EVS (400) say it."""
    return QuotaExceeded(
        error.message,
        key=error.key,
        requested=error.requested,
        in_use=error.in_use,
        limit=error.limit,
        statuses={"cinder": 413, "huawei": 400},
        codes={"huawei": QUOTA},
        messages={
            "cinder": _cinder_quota_message(error),
            "huawei": f"Quota exceeded for {error.key}: requested {error.requested}, "
            f"already used {error.in_use} of {error.limit}.",
        },
    )


def volume_size_exceeds_limit(size: int, ceiling: int) -> QuotaExceeded:
    return QuotaExceeded(
        f"Requested volume size {size}G is larger than maximum allowed limit {ceiling}G.",
        key="per_volume_gigabytes",
        requested=size,
        in_use=0,
        limit=ceiling,
        statuses={"cinder": 413, "huawei": 400},
        codes={"huawei": QUOTA},
        messages={
            "cinder": f"VolumeSizeExceedsLimit: Requested volume size {size}G is larger "
            f"than maximum allowed limit {ceiling}G."
        },
    )
