"""Read the date bounds people type (`from`, `to`): a partial date covers its period.

`2024-02-06`, `6 Feb 2024`, `06/02/2024` (day first), `Feb 2024`, `2024-02` and
`2023` are all read. ISO forms are tried first, so `2024-02-06` is never read
day first. A bound names a period (a day, a month or a year): `from` takes its
first day and `to` its last, so `to=2024-02` ends on 2024-02-29.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from dateutil import parser as date_parser

FORMS = "2024-02-06, 6 Feb 2024, Feb 2024, 2024-02 or 2024"
_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Two defaults that differ in every part: what differs between the two
# readings of the same text is the part the text did not give.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))


class BoundError(ValueError):
    """A date bound that cannot be read; the message says what forms work."""


def period(text: str) -> tuple[date, date]:
    """The first and last day of the period `text` names."""
    value = " ".join(text.split())
    if len(value) > 40:
        raise BoundError(f"'{value[:40]}…' is not a date: try {FORMS}")
    try:
        if _YEAR.match(value):
            year = int(value)
            return _checked(date(year, 1, 1)), date(year, 12, 31)
        if match := _YEAR_MONTH.match(value):
            return _month(int(match.group(1)), int(match.group(2)))
        if match := _ISO_DAY.match(value):
            day = date(*(int(part) for part in match.groups()))
            return _checked(day), day
        return _with_dateutil(value)
    except ValueError as error:
        if isinstance(error, BoundError):
            raise
        raise BoundError(f"'{value}' is not a date that exists: try {FORMS}") from None


def _with_dateutil(value: str) -> tuple[date, date]:
    try:
        first, second = (date_parser.parse(value, dayfirst=True, default=default)
                         for default in _DEFAULTS)
    except (ValueError, OverflowError):
        raise BoundError(f"'{value}' is not a date I can read: try {FORMS}") from None
    if first.year != second.year:
        raise BoundError(f"'{value}' has no year: add one, as in {FORMS}")
    if first.month != second.month:
        return _checked(date(first.year, 1, 1)), date(first.year, 12, 31)
    if first.day != second.day:
        return _month(first.year, first.month)
    return _checked(first.date()), first.date()


def _month(year: int, month: int) -> tuple[date, date]:
    start = _checked(date(year, month, 1))
    return start, date(year, month, calendar.monthrange(year, month)[1])


def _checked(day: date) -> date:
    if day.year < 1000:
        raise BoundError(f"year {day.year} is out of range: give four digits, as in {FORMS}")
    return day


def parse_bound(text: str, *, end: bool) -> date:
    """The first (or, with end=True, the last) day of the period `text` names."""
    start, stop = period(text)
    return stop if end else start
