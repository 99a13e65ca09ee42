"""Read the date bounds people type (`from`, `to`): a partial date covers its period.

What is read, and as what:

- a year `2023`, a month `2024-02` or `202402` (ISO basic), a day `2024-02-06`
  or `20240206` (ISO basic);
- an ISO date-time (`2024-02-06T10:00:00+05:00`, `2024-02-06 10:00`,
  `20240206T1000Z`): the day as written; its time and time zone are ignored,
  and the `Period` says so in its `note`;
- the month by name: `6 Feb 2024`, `February 6, 2024`, `Feb 2024`;
- numbers with slashes or dots: `2024/02/06`, `02/2024`, and day and month
  in either order only when that cannot matter. `06/02/2024` is 6 February
  to a European and June 2 to an American, so it is refused with both readings
  named; `13/02/2024` (no 13th month), `02/13/2024` and `06/06/2024` are read.

Everything else is refused with a `BoundError` that names the forms that work:
two dates in one bound, a sign (`-2024`), two-digit years (`240206`), and a
six-digit form that is also a valid YYMMDD (`201205`: May 2012, or 5 December
2020 in the old two-digit-year style). A bound names a period (a day, a month
or a year): `from` takes its first day and `to` its last, so `to=2024-02` ends
on 2024-02-29.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import NoReturn

from dateutil import parser as date_parser

FORMS = "2024-02-06, 6 Feb 2024, Feb 2024, 2024-02, 2024 or 20240206"
MAX_CHARS = 40
_YEAR = re.compile(r"^(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_BASIC_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_BASIC_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# A day with a time after it, in ISO's extended or basic form: the day is
# taken as written, the rest is checked (it must be a time) and dropped.
# After a space the time must have colons: `2024-02-06 2024` is two numbers, not 20:24.
_ISO_DATETIME = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|\d{8})(?:T\d|\s\d{2}:)", re.IGNORECASE)
_SLASHED_YMD = re.compile(r"^(\d{4})([/.])(\d{1,2})\2(\d{1,2})$")
_SLASHED_MY = re.compile(r"^(\d{1,2})[/.](\d{4})$")
_NUMERIC_DMY = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
# The words a date with a month name may hold besides numbers; anything else
# (a time, a zone, a second date) is refused rather than guessed at.
_MONTHS = {name.lower(): number for number in range(1, 13)
           for name in (calendar.month_name[number], calendar.month_abbr[number])}
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): number for number in range(7)
             for name in (calendar.day_name[number], calendar.day_abbr[number])}
_FILLERS = {"of", "the"}
_TOKEN = re.compile(r"(\d+)(?:st|nd|rd|th)?|([^\W\d_]+)\.?|([,\s/-]+)", re.IGNORECASE)
# Two defaults that differ in every part: what differs between the two
# readings of the same text is the part the text did not give.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))


class BoundError(ValueError):
    """A date bound that cannot be read; the message says what forms work."""


@dataclass(frozen=True, slots=True)
class Period:
    """The days a bound names, first to last, and a note when part of it was ignored."""

    first: date
    last: date
    note: str = ""


def read_period(text: str) -> Period:
    """The period `text` names (a day, a month or a year); BoundError when it names none,
    or more than one reading is possible."""
    value = " ".join(text.split())
    if len(value) > MAX_CHARS:
        raise BoundError(f"'{value[:MAX_CHARS]}…' is not a date: try {FORMS}")
    try:
        return _read(value)
    except BoundError:
        raise
    except ValueError:
        raise BoundError(f"'{value}' is not a date that exists: try {FORMS}") from None


def period(text: str) -> tuple[date, date]:
    """The first and last day of the period `text` names."""
    found = read_period(text)
    return found.first, found.last


def parse_bound(text: str, *, end: bool) -> date:
    """The first (or, with end=True, the last) day of the period `text` names."""
    found = read_period(text)
    return found.last if end else found.first


def _read(value: str) -> Period:
    if not value:
        raise BoundError(f"an empty date: try {FORMS}")
    if match := _YEAR.match(value):
        return _year(int(match.group(1)))
    if match := _YEAR_MONTH.match(value):
        return _month(int(match.group(1)), int(match.group(2)))
    if match := _ISO_DAY.match(value):
        return _day(*(int(part) for part in match.groups()))
    if match := _BASIC_DAY.match(value):
        try:
            return _day(*(int(part) for part in match.groups()))
        except ValueError:
            raise BoundError(f"'{value}' is not a date: eight digits are read as year, month "
                             "and day (20240206 is 2024-02-06)") from None
    if match := _BASIC_MONTH.match(value):
        return _basic_month(value, int(match.group(1)), int(match.group(2)))
    if _ISO_DATETIME.match(value):
        return _datetime(value)
    if match := _SLASHED_YMD.match(value):
        return _day(int(match.group(1)), int(match.group(3)), int(match.group(4)))
    if match := _SLASHED_MY.match(value):
        return _month(int(match.group(2)), int(match.group(1)))
    if match := _NUMERIC_DMY.match(value):
        return _day_and_month(value, int(match.group(1)), int(match.group(3)),
                              int(match.group(4)))
    if any(char.isalpha() for char in value):
        return _with_month_name(value)
    _refuse(value)


def _refuse(value: str) -> NoReturn:
    words = value.split()
    if len(words) > 1 and all(_readable(word) for word in words):
        raise BoundError(f"'{value}' is {len(words)} dates: a bound takes one; use from for "
                         f"the first ({words[0]}) and to for the last ({words[-1]})")
    if len(value) > 1 and value[0] in "+-" and _readable(value[1:]):
        raise BoundError(f"'{value}' has a sign: write the date alone, as in {FORMS}")
    raise BoundError(f"'{value}' is not a date I can read: try {FORMS}")


def _readable(text: str) -> bool:
    try:
        _read(text)
    except ValueError:
        return False
    return True


def _year(year: int) -> Period:
    return Period(_checked(date(year, 1, 1)), date(year, 12, 31))


def _month(year: int, month: int) -> Period:
    start = _checked(date(year, month, 1))
    return Period(start, date(year, month, calendar.monthrange(year, month)[1]))


def _day(year: int, month: int, day: int) -> Period:
    found = _checked(date(year, month, day))
    return Period(found, found)


def _basic_month(value: str, year: int, month: int) -> Period:
    """YYYYMM: refused when the same digits are also a real YYMMDD date (old ISO 8601
    allowed that form; `201205` would be May 2012 or 5 December 2020)."""
    found = _month(year, month)
    yy, mm, dd = int(value[:2]), int(value[2:4]), int(value[4:])
    if _exists(2000 + yy, mm, dd):
        raise BoundError(f"'{value}' could be {found.first:%B %Y} or a day written with a "
                         f"two-digit year ({dd} {calendar.month_abbr[mm]} 20{value[:2]}): "
                         f"write {found.first:%Y-%m} for the month, or the whole day, as in "
                         "2024-02-06")
    return found


def _datetime(value: str) -> Period:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BoundError(f"'{value}' is not a date and time I can read: give the day alone "
                         f"(2024-02-06), or an ISO date-time (2024-02-06T10:00:00+05:00)"
                         ) from None
    # The day as written, not moved into another zone: that is the day the source meant.
    found = _day(moment.year, moment.month, moment.day)
    ignored = "time and time zone were" if moment.tzinfo is not None else "time was"
    return Period(found.first, found.last,
                  f"'{value}' was read as the day {found.first.isoformat()}: dates are "
                  f"compared by day, so its {ignored} ignored")


def _day_and_month(value: str, first: int, second: int, year: int) -> Period:
    readings = {day for day, month in ((first, second), (second, first))
                if _exists(year, month, day)}
    if not readings:
        raise BoundError(f"'{value}' is not a date that exists: try {FORMS}")
    if len(readings) > 1:
        one, other = (date(year, m, d) for d, m in ((first, second), (second, first)))
        raise BoundError(f"'{value}' could be {one.day} {one:%B %Y} (day first) or "
                         f"{other:%B} {other.day}, {year} (month first): write "
                         f"{one.isoformat()} or {other.isoformat()}, or the month by name "
                         f"({one.day} {one:%b %Y})")
    (day,) = readings
    month = second if day == first else first
    return _day(year, month, day)


def _with_month_name(value: str) -> Period:
    """`6 Feb 2024`, `February 6, 2024`, `Feb 2024`: one month name, a four-digit year,
    at most a day, and no other word than a weekday, `of` or `the`."""
    numbers: list[str] = []
    months = 0
    weekdays: list[int] = []
    position = 0
    while position < len(value):
        token = _TOKEN.match(value, position)
        if token is None:
            _refuse(value)
        number, word = token.group(1), token.group(2)
        if number is not None:
            numbers.append(number)
        elif word is not None:
            if word.lower() in _MONTHS:
                months += 1
            elif word.lower() in _WEEKDAYS:
                weekdays.append(_WEEKDAYS[word.lower()])
            elif word.lower() not in _FILLERS:
                raise BoundError(f"'{value}' is not a date I can read ('{word}' is not a month):"
                                 f" try {FORMS}")
        position = token.end()
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if months != 1 or len(years) > 1 or len(days) > 1 or len(weekdays) > len(days) or len(
            years) + len(days) != len(numbers):
        _refuse(value)
    if not years:
        raise BoundError(f"'{value}' has no year: add one, as in {FORMS}")
    try:
        first, second = (date_parser.parse(value, dayfirst=True, default=default)
                         for default in _DEFAULTS)
    except (ValueError, OverflowError):
        raise BoundError(f"'{value}' is not a date that exists: try {FORMS}") from None
    if first.year != second.year or first.month != second.month:
        _refuse(value)
    if first.day != second.day:
        return _month(first.year, first.month)
    if weekdays and weekdays[0] != first.weekday():
        raise BoundError(f"'{value}': {first.day} {first:%B %Y} is a {first:%A}: check the day, or "
                         f"leave the weekday out ({first.isoformat()})")
    return _day(first.year, first.month, first.day)


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _checked(day: date) -> date:
    if day.year < 1000:
        raise BoundError(f"year {day.year} is out of range: give four digits, as in {FORMS}")
    return day
