"""TIMEX3 calendar values as periods: the granularity and the first and last day they cover."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(?:-WE)?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_SEASON = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")
_YEAR = re.compile(r"^(\d{4})$")
_DECADE = re.compile(r"^(\d{3})$")
_CENTURY = re.compile(r"^(\d{2})$")
# Northern-hemisphere meteorological seasons by first month; winter runs into the next year.
SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
# Coarser first, for ordering periods that start on the same day.
GRANULARITY_ORDER = ("century", "decade", "year", "half", "quarter", "season", "month", "week", "day")


@dataclass(frozen=True, slots=True)
class Period:
    granularity: str
    first: date
    last: date

    def overlaps(self, other: "Period") -> bool:
        return not (self.last < other.first or other.last < self.first)


def period(value: str | None) -> Period | None:
    """The period a TIMEX3 date value covers (a time of day counts as its day); None when it is
    not a calendar value (durations, PRESENT_REF, XXXX-09-30, malformed dates)."""
    if not value:
        return None
    value = value.split("T", 1)[0]
    try:
        if m := _DAY.match(value):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return Period("day", d, d)
        if m := _WEEK.match(value):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return Period("week", monday, monday + timedelta(days=6))
        if m := _MONTH.match(value):
            return _months("month", int(m[1]), int(m[2]), 1)
        if m := _QUARTER.match(value):
            return _months("quarter", int(m[1]), 3 * int(m[2]) - 2, 3)
        if m := _HALF.match(value):
            return _months("half", int(m[1]), 6 * int(m[2]) - 5, 6)
        if m := _SEASON.match(value):
            return _months("season", int(m[1]), SEASON_MONTH[m[2]], 3)
        if m := _YEAR.match(value):
            return Period("year", date(int(m[1]), 1, 1), date(int(m[1]), 12, 31))
        if m := _DECADE.match(value):
            start = int(m[1]) * 10
            return Period("decade", date(max(1, start), 1, 1), date(start + 9, 12, 31))
        if m := _CENTURY.match(value):
            start = int(m[1]) * 100
            return Period("century", date(max(1, start), 1, 1), date(start + 99, 12, 31))
    except ValueError:  # "2020-13", "2020-02-30", "2020-W60"
        return None
    return None


def _months(granularity: str, year: int, month: int, count: int) -> Period:
    last_month = month + count - 1
    end_year, end_month = year + (last_month - 1) // 12, (last_month - 1) % 12 + 1
    return Period(granularity, date(year, month, 1), date(end_year, end_month, monthrange(end_year, end_month)[1]))


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")
_SEASON_NAMES = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
_HALF_NAMES = {"1": "first half", "2": "second half"}


def label(value: str) -> str:
    """A TIMEX3 value as a reader says it: "September 2026", "summer 2025", "the 2010s"; days and
    other values stay as they are (2026-09-30 sorts and reads)."""
    if m := _MONTH.match(value):
        return f"{_MONTH_NAMES[int(m[2]) - 1]} {m[1]}" if 1 <= int(m[2]) <= 12 else value
    if m := _WEEK.match(value):
        return f"week {int(m[2])} of {m[1]}" + (" (weekend)" if value.endswith("-WE") else "")
    if m := _QUARTER.match(value):
        return f"Q{m[2]} {m[1]}"
    if m := _HALF.match(value):
        return f"{_HALF_NAMES[m[2]]} of {m[1]}"
    if m := _SEASON.match(value):
        return f"{_SEASON_NAMES[m[2]]} {m[1]}"
    if m := _DECADE.match(value):
        return f"the {m[1]}0s"
    if m := _CENTURY.match(value):
        return f"the {m[1]}00s"
    day, time = value.split("T", 1) if "T" in value else (value, "")
    return f"{day} {_PART_NAMES.get(time, time)}" if time and _DAY.match(day) else value


_PART_NAMES = {"MO": "morning", "MI": "midday", "AF": "afternoon", "EV": "evening", "NI": "night", "DT": "daytime"}
