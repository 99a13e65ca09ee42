"""The date forms input files may use, read strictly: a reader never guesses a date.

Listing files write `21 February 2024` (an abbreviated month is accepted too);
JSON Lines and CSV write ISO `2024-02-21`. Anything else is a problem to report,
not a date to guess: `01/02/2024` is refused because it means two things.
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
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
FORMS = "'21 February 2024' or '2024-02-21'"


class DateError(ValueError):
    """A date that is unreadable or does not exist; the message says which."""


def looks_like_listing_date(text: str) -> bool:
    """True when the line has the shape `DD Month YYYY` (whether or not the day exists)."""
    match = LISTING_DATE.match(text.strip())
    return match is not None and match.group(2).lower() in MONTHS


def parse_strict_date(text: str) -> date:
    """Read `21 February 2024`, `21 Feb 2024` or `2024-02-21`; raise DateError otherwise."""
    value = text.strip()
    if match := ISO_DATE.match(value):
        year, month, day = (int(part) for part in match.groups())
    elif (match := LISTING_DATE.match(value)) and match.group(2).lower() in MONTHS:
        day, month, year = int(match.group(1)), MONTHS[match.group(2).lower()], int(match.group(3))
    else:
        raise DateError(f"unreadable date {value!r}: write it as {FORMS}")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"date {value!r} does not exist") from None


EARLIEST = date(1900, 1, 1)


def check_plausible(day: date, today: date | None = None) -> None:
    """Refuse a date in the future or before 1900: almost always a typo in the year."""
    today = today or date.today()
    if day > today:
        raise DateError(f"date {day.isoformat()} is in the future: check the year")
    if day < EARLIEST:
        raise DateError(f"date {day.isoformat()} is before 1900: check the year")
