"""Dates as pages print them in English, French and Spanish, read strictly.

Article pages of the ILO site (and many others) print their date in the
page's language, often after the kind of item: `News | 27 January 2022`,
`Actualité | 27 janvier 2023`, `Noticia | 25 de agosto de 2020`. This module
reads those forms, and the unambiguous American `January 27, 2022`, into a
`date`. The month's language is not taken for the article's: the ILO site
prints `Noticia | 25 de agosto de 2020` over English text on its Spanish
pages (the date follows the reader's interface). As in `corpus.dates`,
nothing is guessed: a numeric form like `01/02/2024` is not a date here, and
a month name must be written out (English abbreviations such as `Feb` are
accepted too). Another language is one more table in `MONTH_NAMES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from corpus.dates import MONTHS, DateError
from corpus.model import fold

# Month names folded to plain lower-case ASCII ('février' -> 'fevrier'), per language
# (no two languages here share a name for different months).
MONTH_NAMES: dict[str, dict[str, int]] = {
    "en": MONTHS,
    "fr": {name: number for number, name in enumerate(
        ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
         "octobre", "novembre", "decembre"], start=1)},
    "es": {**{name: number for number, name in enumerate(
        ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
         "septiembre", "octubre", "noviembre", "diciembre"], start=1)}, "setiembre": 9},
}
_MONTH_NUMBERS = {name: number for names in MONTH_NAMES.values()
                  for name, number in names.items()}

# "27 January 2022", "1er janvier 2020", "25 de agosto de 2020", "5 Feb. 2024"
_DAY_FIRST = re.compile(r"^(\d{1,2})(?:er|º|°)?\s+(?:de\s+)?([^\W\d_]+)\.?,?\s+(?:de\s+|del\s+)?"
                        r"(\d{4})$")
# "January 27, 2022" (English only: the form is American)
_MONTH_FIRST = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
# "News | 27 January 2022": a short kind, a bar, a date.
_KIND_BAR_DATE = re.compile(r"^([^|\d]{1,60}?)\s*\|\s*(.+?)$")


@dataclass(frozen=True, slots=True)
class LocalDate:
    """A date read from a page and the kind printed beside it ('' when the line holds the
    date alone)."""

    day: date
    kind: str = ""


def parse_local_date(text: str) -> LocalDate | None:
    """The date written out in `text` (the whole of it), or None when `text` is not a date in
    one of the known forms. Raises DateError when it has the form of a date but the day does
    not exist ('31 février 2023')."""
    value = " ".join(text.split())
    if match := _DAY_FIRST.match(value):
        day, month_name, year = match.groups()
    elif (match := _MONTH_FIRST.match(value)) and match.group(1).lower() in MONTHS:
        month_name, day, year = match.groups()
    else:
        return None
    month = _MONTH_NUMBERS.get(fold(month_name).lower())
    if month is None:
        return None
    try:
        return LocalDate(date(int(year), month, int(day)))
    except ValueError:
        raise DateError(f"date {value!r} does not exist") from None


def parse_kind_and_date(line: str) -> LocalDate | None:
    """`News | 27 January 2022` -> the date and the kind `News`; a line that
    is a date alone gives the date with no kind; anything else gives None. Raises DateError
    for a date-shaped line whose day does not exist."""
    value = " ".join(line.split())
    if match := _KIND_BAR_DATE.match(value):
        found = parse_local_date(match.group(2))
        if found is None:
            return None
        return LocalDate(found.day, match.group(1).strip())
    return parse_local_date(value)
