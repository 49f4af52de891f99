"""Calendar months of the bill (UTC) and the hours of an interval inside one."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from emulator.errors import BadRequest

_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$")
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Month:
    start: datetime
    end: datetime

    @property
    def name(self) -> str:
        return self.start.strftime("%Y-%m")

    def next(self) -> "Month":
        return month_of(self.end)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def month_of(moment: datetime) -> Month:
    start = moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return Month(start, add_months(start, 1))


def add_months(first_day: datetime, count: int) -> datetime:
    index = first_day.year * 12 + first_day.month - 1 + count
    return first_day.replace(year=index // 12, month=index % 12 + 1)


def parse_month(text: str) -> Month:
    match = _MONTH.match(text or "")
    if match is None:
        raise BadRequest(f"month {text!r} is malformed: give it as YYYY-MM, e.g. 2026-11.")
    return month_of(datetime(int(match["year"]), int(match["month"]), 1, tzinfo=UTC))


def to_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def hours_between(start: datetime, end: datetime) -> Decimal:
    """Hours of [start, end) counted in whole minutes, both ends truncated to the minute."""
    minutes = (to_minute(end) - to_minute(start)) // _MINUTE
    return Decimal(max(minutes, 0)) / 60
