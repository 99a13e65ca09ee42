"""The date forms input files may use, read strictly: a reader never guesses a date.

Listing files write `21 February 2024` or `1 August 2017` (one or two digits for
the day, the month in full or abbreviated; `February 21, 2024` is read too) and
date a project by a range, `1 April 2018 - 31 December 2019` (also with an en
dash or "to", `1 - 30 April 2018`, `1 April - 31 May 2018`, or an open end,
`1 April 2018 - ongoing`). Listings group items under month headings,
`October 2014`. JSON Lines and CSV write ISO `2024-02-21`. Anything else is a
problem to report, not a date to guess: `01/02/2024` is refused because it
means two things.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
     ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
     ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")], start=1) for name in names}

LISTING_DATE = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
MONTH_FIRST_DATE = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
MONTH_HEADING = re.compile(r"^([A-Za-z]+)\.?,?\s+(\d{4})$")
_DASH = r"(?:-|\u2013|\u2014|to|until)"
# "1 April 2018 - 31 December 2019", "1 - 30 April 2018", "1 April - 31 May 2018"
DATE_RANGE = re.compile(
    r"^(\d{1,2})(?:\s+([A-Za-z]+)\.?,?(?:\s+(\d{4}))?)?\s*" + _DASH +
    r"\s*(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$", re.IGNORECASE)
OPEN_RANGE = re.compile(r"^(.+?)\s*" + _DASH + r"\s*(ongoing|present|now|today)$",
                        re.IGNORECASE)
FORMS = "'21 February 2024' or '2024-02-21'"


class DateError(ValueError):
    """A date that is unreadable or does not exist; the message says which."""


def _month(name: str | None) -> int | None:
    return MONTHS.get(name.lower()) if name else None


def looks_like_listing_date(text: str) -> bool:
    """True when the line has the shape of one date, `DD Month YYYY` or `Month DD, YYYY`
    (whether or not the day exists)."""
    value = text.strip()
    if match := LISTING_DATE.match(value):
        return _month(match.group(2)) is not None
    if match := MONTH_FIRST_DATE.match(value):
        return _month(match.group(1)) is not None
    return False


def looks_like_date_line(text: str) -> bool:
    """True when the line is a listing's date: one date or a range of two (or an open
    range), by shape alone."""
    value = text.strip()
    if looks_like_listing_date(value):
        return True
    if match := OPEN_RANGE.match(value):
        return looks_like_listing_date(match.group(1))
    match = DATE_RANGE.match(value)
    return (match is not None and _month(match.group(5)) is not None
            and (match.group(2) is None or _month(match.group(2)) is not None))


def month_heading(text: str) -> tuple[int, int] | None:
    """(year, month) when the line is a month heading such as `October 2014`, else None."""
    match = MONTH_HEADING.match(text.strip())
    if match is None or _month(match.group(1)) is None:
        return None
    return int(match.group(2)), MONTHS[match.group(1).lower()]


def _make(year: int, month: int, day: int, value: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"date {value!r} does not exist") from None


def parse_strict_date(text: str) -> date:
    """Read `21 February 2024`, `21 Feb 2024`, `February 21, 2024` or `2024-02-21`;
    raise DateError otherwise."""
    value = text.strip()
    if match := ISO_DATE.match(value):
        year, month, day = (int(part) for part in match.groups())
    elif (match := LISTING_DATE.match(value)) and _month(match.group(2)):
        day, month, year = int(match.group(1)), MONTHS[match.group(2).lower()], int(match.group(3))
    elif (match := MONTH_FIRST_DATE.match(value)) and _month(match.group(1)):
        month, day, year = MONTHS[match.group(1).lower()], int(match.group(2)), int(match.group(3))
    else:
        raise DateError(f"unreadable date {value!r}: write it as {FORMS}")
    return _make(year, month, day, value)


def parse_date_line(text: str) -> tuple[date, date | None]:
    """The (start, end) of a listing's date line; end is None for a single date or an
    open range. Raises DateError for a day that does not exist or a range that ends
    before it starts."""
    value = " ".join(text.split())
    if looks_like_listing_date(value):
        return parse_strict_date(value), None
    if match := OPEN_RANGE.match(value):
        return parse_strict_date(match.group(1)), None
    match = DATE_RANGE.match(value)
    if match is None:
        raise DateError(f"unreadable date {value!r}: write it as {FORMS} (a range as "
                        "'1 April 2018 - 31 December 2019')")
    day1, month1, year1, day2, month2, year2 = match.groups()
    end_month = MONTHS[month2.lower()]
    end = _make(int(year2), end_month, int(day2), value)
    start_month = MONTHS[month1.lower()] if month1 else end_month
    start_year = int(year1) if year1 else end.year - (start_month > end_month)
    start = _make(start_year, start_month, int(day1), value)
    if end < start:
        raise DateError(f"date range {value!r} ends before it starts")
    return start, end


EARLIEST = date(1900, 1, 1)


def check_plausible(day: date, today: date | None = None) -> None:
    """Refuse a date in the future or before 1900: almost always a typo in the year."""
    today = today or date.today()
    if day > today:
        raise DateError(f"date {day.isoformat()} is in the future: check the year")
    if day < EARLIEST:
        raise DateError(f"date {day.isoformat()} is before 1900: check the year")
