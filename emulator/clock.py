"""The only source of "now": real time plus an offset that only moves forward."""

from datetime import UTC, datetime, timedelta

import isodate


class Clock:
    def __init__(self, offset: timedelta = timedelta(0)):
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance_by(self, duration: str) -> datetime:
        """Move forward by an ISO 8601 duration ("PT25H", "P30D", "P1M")."""
        now = self.now()
        target = now + isodate.parse_duration(duration)
        if target < now:
            raise ValueError("the clock never moves backwards")
        self.offset += target - now
        return target

    def advance_to(self, target: datetime) -> datetime:
        now = self.now()
        if target < now:
            raise ValueError("the clock never moves backwards")
        self.offset += target - now
        return target

    def reset(self) -> None:
        self.offset = timedelta(0)


def parse_time(text: str) -> datetime:
    value = isodate.parse_datetime(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    """Timestamps as the OpenStack APIs print them: 2026-11-28T12:00:00.000000Z
    (isoformat costs a fraction of strftime, which long lists pay three times a row)."""
    if value is None:
        return None
    return f"{_utc(value).isoformat(timespec='microseconds')[:26]}Z"


def iso_seconds(value: datetime | None) -> str | None:
    if value is None:
        return None
    return f"{_utc(value).isoformat(timespec='seconds')[:19]}Z"
