"""The `Article` record, its stable id, and the `Problem` a reader reports.

An id is readable and derived from the content alone: the date, then a slug
of the title (`2024-02-06-ilo-joins-discussion-on-cooperative-economy`). The
same item read from another file, or from a later snapshot of the same
listing, gets the same id, so a permalink survives any rebuild or merge.

A title whose slug is longer than `SLUG_MAX` characters is cut at a word
boundary and given a short suffix: six hex digits of a hash of the whole slug.
Two long titles that share their first words therefore never collide, and the
suffix depends only on the item itself, never on which other items happen to
be read with it (a suffix handed out "on collision" would change an existing
permalink the day a colliding item is added).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

SLUG_MAX = 48
ID_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                         "\u2014": "-"})


_SPECIAL = str.maketrans({"ı": "i", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE",
                          "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L",
                          "þ": "th", "ð": "d", "ħ": "h"})


def fold(text: str) -> str:
    """Accents and special letters to plain ASCII letters where there is one ('Şanlıurfa' ->
    'Sanliurfa'); other characters are kept."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: 'Viet Nam: Coop’s' -> 'viet-nam-coops'."""
    folded = fold(text.translate(_QUOTES))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = ascii_text.replace("'", "")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))


def make_id(day: date, title: str) -> str:
    """The stable id of an item: its ISO date and a slug of its title."""
    slug = slugify(title) or "untitled"
    if len(slug) > SLUG_MAX:
        digest = hashlib.sha1(slug.encode("ascii")).hexdigest()[:6]
        cut = slug[:SLUG_MAX]
        if "-" in cut and slug[SLUG_MAX] != "-":
            cut = cut.rsplit("-", 1)[0]
        slug = f"{cut.rstrip('-')}-{digest}"
    return f"{day.isoformat()}-{slug}"


def clean_text(text: str) -> str:
    """Collapse runs of white space (including non-breaking spaces) to one space."""
    return " ".join(text.split())


LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")


def language_code(tag: str) -> str:
    """The primary language subtag of a BCP 47 tag, lower-case ('en-GB' -> 'en'); '' when
    `tag` is not a language tag. One code per language keeps a language facet whole."""
    match = LANGUAGE_TAG.match(tag.strip())
    return match.group(1).lower() if match else ""


def clean_body(text: str) -> str:
    """Full text as paragraphs: white space inside each collapsed, paragraphs (split at
    line breaks) separated by one blank line, empty ones dropped."""
    return "\n\n".join(line for line in (clean_text(part) for part in text.splitlines())
                       if line)


@dataclass(frozen=True, slots=True)
class Article:
    """One news item.

    `source` says where it was read: the file name and the item's number or
    line in it. `url` links to the original when the input gave one. `body` is
    the full text when the source carries it (paragraphs separated by a blank
    line); `language` is the primary language subtag (`en`, `fr`) when the
    source states it, never guessed from the words. `collection` is the section
    the item was listed in (a listing page's heading, e.g. "Publications and
    tools on cooperatives"); `date_end` ends an item dated by a range (a
    project's `1 April 2018 - 31 December 2019`), whose `date` is the start.
    """

    id: str
    title: str
    date: date
    kind: str = ""
    summary: str = ""
    url: str = ""
    source: str = ""
    body: str = ""
    language: str = ""
    collection: str = ""
    date_end: dt.date | None = None

    @classmethod
    def create(cls, *, title: str, date: dt.date, kind: str = "", summary: str = "",
               url: str = "", source: str = "", id: str = "", body: str = "",
               language: str = "", collection: str = "",
               date_end: dt.date | None = None) -> Article:
        """Build an Article from raw fields, cleaning white space and deriving the id."""
        title = clean_text(title)
        return cls(id=id or make_id(date, title), title=title, date=date,
                   kind=clean_text(kind), summary=clean_text(summary), url=url.strip(),
                   source=source, body=clean_body(body), language=language_code(language),
                   collection=clean_text(collection), date_end=date_end)

    def to_dict(self) -> dict[str, str]:
        """The record as JSON-ready strings (the JSON Lines form; `date_end` "" when none)."""
        return {"id": self.id, "title": self.title, "date": self.date.isoformat(),
                "kind": self.kind, "summary": self.summary, "url": self.url,
                "source": self.source, "body": self.body, "language": self.language,
                "collection": self.collection,
                "date_end": self.date_end.isoformat() if self.date_end else ""}


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in an input file: where, and what, in one sentence."""

    path: str
    line: int | None
    message: str
    fatal_in_strict: bool = field(default=True)
    lost_item: bool = field(default=False)  # True when an item or record was skipped
    # What kind of problem, for counting repeats in a summary ("duplicate"); "" lets the
    # summary group problems by their wording.
    code: str = field(default="")

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"
