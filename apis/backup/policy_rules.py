"""What a backup policy may say, as the native API gives it: validated (AutoBackup.01xx codes)
and written on the policy row, for a new policy or an update."""

import re
from dataclasses import dataclass, field

from apis.backup import errors, schedule
from apis.backup.models import BackupPolicy

RETENTION_NUM = (2, 99)
RETENTION_DAY = (2, 99999)
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass
class PolicySpec:
    """A policy as the API gives it; fields left None keep their value on update."""

    name: str | None = None
    start_time: str | None = None
    frequency: int | None = None
    week_frequency: list[str] | None = None
    retention_num: int | None = None
    retention_day: int | None = None
    keep_first_of_month: str | None = None
    status: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


def check_name(name: str) -> None:
    if not 1 <= len(name) <= 64:
        raise errors.policy_error(
            "The backup policy name must be 1 to 64 characters.", errors.POLICY_NAME_LENGTH
        )
    if not _NAME.match(name) or name.startswith("default"):
        raise errors.policy_error(
            "The backup policy name may contain only letters, digits, underscores and hyphens, "
            "and cannot start with 'default'.",
            errors.POLICY_NAME,
        )


def apply_spec(policy: BackupPolicy, spec: PolicySpec) -> None:
    """Validate `spec` and write it on `policy` (a new one or an update)."""
    if spec.name is not None:
        check_name(spec.name)
        policy.name = spec.name
    if spec.start_time is not None:
        if schedule.parse_hours(spec.start_time) is None:
            raise errors.policy_error(
                f"Invalid start_time {spec.start_time!r}: full hours HH:00, comma-separated.",
                errors.POLICY_START_TIME,
            )
        policy.start_time = spec.start_time
    _apply_frequency(policy, spec)
    _apply_retention(policy, spec)
    if spec.keep_first_of_month is not None:
        if spec.keep_first_of_month not in ("Y", "N"):
            raise errors.policy_error(
                "remain_first_backup_of_curMonth must be Y or N.", errors.POLICY_KEEP_FIRST
            )
        policy.keep_first_of_month = spec.keep_first_of_month == "Y"
    if spec.status is not None:
        if spec.status not in ("ON", "OFF"):
            raise errors.policy_error("status must be ON or OFF.", errors.POLICY_STATUS)
        policy.status = spec.status


def _apply_frequency(policy: BackupPolicy, spec: PolicySpec) -> None:
    if spec.frequency is not None:
        if not 1 <= spec.frequency <= schedule.MAX_FREQUENCY:
            raise errors.policy_error(
                f"frequency must be 1 to {schedule.MAX_FREQUENCY} days.", errors.POLICY_FREQUENCY
            )
        policy.frequency, policy.week_frequency = spec.frequency, None
    elif spec.week_frequency is not None:
        unknown = [day for day in spec.week_frequency if day not in schedule.WEEK_DAYS]
        if unknown or not spec.week_frequency:
            raise errors.policy_error(
                f"week_frequency takes SUN, MON, TUE, WED, THU, FRI, SAT; got {unknown}.",
                errors.POLICY_FREQUENCY,
            )
        policy.frequency, policy.week_frequency = None, sorted(set(spec.week_frequency))
    if policy.frequency is None and not policy.week_frequency:
        raise errors.policy_error(
            "Either frequency or week_frequency must be given.", errors.POLICY_FREQUENCY
        )


def _apply_retention(policy: BackupPolicy, spec: PolicySpec) -> None:
    if spec.retention_num is not None:
        low, high = RETENTION_NUM
        if not low <= spec.retention_num <= high:
            raise errors.policy_error(
                f"rentention_num must be {low} to {high}.", errors.POLICY_RETENTION
            )
        policy.retention_num, policy.retention_day = spec.retention_num, None
    elif spec.retention_day is not None:
        low, high = RETENTION_DAY
        if not low <= spec.retention_day <= high:
            raise errors.policy_error(
                f"rentention_day must be {low} to {high}.", errors.POLICY_RETENTION
            )
        policy.retention_num, policy.retention_day = None, spec.retention_day
    if policy.retention_num is None and policy.retention_day is None:
        raise errors.policy_error(
            "Either rentention_num or rentention_day must be given.", errors.POLICY_RETENTION
        )
