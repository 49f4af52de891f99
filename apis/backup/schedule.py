"""When a backup policy runs: at its full hours (UTC), every `frequency` days counted from the
day it was created, or on the week days it names."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

WEEK_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")  # datetime.weekday() order
MAX_FREQUENCY = 30
_HOUR = re.compile(r"^([01]\d|2[0-3]):00$")


@dataclass(frozen=True)
class Schedule:
    hours: tuple[int, ...]
    frequency: int | None
    week_days: tuple[str, ...]
    since: datetime  # the policy's creation: day 0 of a `frequency` cycle


def parse_hours(text: str) -> tuple[int, ...] | None:
    """ "02:00,14:00" -> (2, 14); None when any part is not a full hour."""
    parts = [part.strip() for part in text.split(",")]
    if not parts or not all(_HOUR.match(part) for part in parts):
        return None
    return tuple(sorted({int(part[:2]) for part in parts}))


def next_run(schedule: Schedule, after: datetime) -> datetime:
    """The first run strictly after `after`."""
    start = after.astimezone(UTC).date()
    origin = schedule.since.astimezone(UTC).date()
    for offset in range(MAX_FREQUENCY + 8):
        day = start + timedelta(days=offset)
        if not _runs_on(schedule, day, origin):
            continue
        for hour in schedule.hours:
            moment = datetime.combine(day, time(hour), tzinfo=UTC)
            if moment > after:
                return moment
    raise ValueError("a policy schedule runs at least once a month")


def _runs_on(schedule: Schedule, day: date, origin: date) -> bool:
    if schedule.frequency is not None:
        return (day - origin).days % schedule.frequency == 0
    return WEEK_DAYS[day.weekday()] in schedule.week_days
