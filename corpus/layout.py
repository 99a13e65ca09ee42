"""Cut a listing page into its heading and its items, whatever layout the page uses.

The ILO site saves its listings in a few layouts (`listing.py` reads the
fields of each item):

    Publications and tools on cooperatives       the page heading: the collection
                                                 (the first line, when it is one)
    October 2014                                 a month heading: numbering restarts
                                                 under it; never part of an item
      1. Tackling informality in e-waste ...     a numbered item (the number line
                                                 may carry the kind or a credit)
        21 October 2014
        The present paper is ...

    -                                            a `-` item: no number, no indent
    Publication
    Working Paper No. 8 - ...
    01 February 2010

A page whose items are indented treats a short line at the left margin as a
heading too ("What's new", "Focus on August" on the home page): it ends the
item above it. A second date line after an item's summary starts an item of its
own, one with a date and a summary but no title (as the site shows an item
whose title is missing); `listing.py` reports it. Lines outside any item (an
introduction, a breadcrumb) are passed over, but a date among them is
reported: an item may have lost its number.

Numbered items run until the next numbered line whose number follows the
previous one or restarts at 1 (so a summary that happens to begin "2024. ..."
is not taken for an item). Everything is streamed: one item is held at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from corpus.dates import looks_like_date_line, month_heading
from corpus.model import clean_text

ITEM_START = re.compile(r"^(\s*)(\d{1,6})\.(?:\s+(.*?))?\s*$")
BULLET_ITEM = re.compile(r"^\s*[-\u2013\u2014\u2022*]\s*$")
CREDIT = "\u00a9"
_BULLET_PREFIX = re.compile(r"^[\u2022*\-\u2013]\s*")
HEADING_MAX_CHARS = 120
HEADING_MAX_WORDS = 16


@dataclass(slots=True)
class Block:
    """One item's lines as the page holds them, before its fields are read."""

    line: int                      # where it starts (its number or `-` line)
    number: int                    # its number, or its position among `-` items
    month: str = ""                # the month heading it stands under ("October 2014")
    on_marker: str = ""            # text after "<n>." on the number line (kind or credit)
    lines: list[tuple[int, str]] = field(default_factory=list)  # (number, text), no blanks
    untitled: bool = False         # began at a second date line: no marker, no title
    last: bool = False             # the last item of the page (it may be cut off)

    @property
    def where(self) -> str:
        """How messages name it: 'item 3', 'item 2 under October 2014'."""
        if self.untitled:
            return "an item with no title"
        return f"item {self.number}" + (f" under {self.month}" if self.month else "")


@dataclass(slots=True)
class Page:
    """What the layout gave besides the items: the heading, and lines it passed over."""

    heading: str = ""               # the collection, when the page names one
    items: int = 0
    first_line: str = ""            # the first non-blank line (for "no items" messages)
    lines: int = 0                  # non-blank lines
    stray_dates: list[tuple[int, str]] = field(default_factory=list)  # dates outside items


def is_credit(text: str) -> bool:
    """An image-credit line: '© ILO/Jane Doe', '• ©ILO'."""
    return _BULLET_PREFIX.sub("", text).startswith(CREDIT)


def heading_like(text: str) -> bool:
    """A short line that names something rather than says something: no date, no item
    marker, no credit, no sentence punctuation at its end."""
    words = text.split()
    return (1 <= len(words) <= HEADING_MAX_WORDS and len(text) <= HEADING_MAX_CHARS
            and text[0].isalnum() and text[-1] not in ".!?:;,"
            and not looks_like_date_line(text) and month_heading(text) is None
            and not ITEM_START.match(text) and not is_credit(text))


def split_page(lines: Iterable[tuple[int, str]], page: Page) -> Iterator[Block]:
    """The blocks (items) of a page, in order; `page` is filled in as the lines go by."""
    current: Block | None = None
    month = ""
    style = ""                 # "number" or "bullet", from the first item marker
    indented = False           # items are indented: a line at the margin is a heading
    bullets = 0
    seen_date = False          # the current block has had its date line
    pending: Block | None = None  # held back one step, to know which block is last
    for number, raw in lines:
        text = clean_text(raw)
        if not text:
            continue
        page.lines += 1
        if page.lines == 1:
            page.first_line = text
            if heading_like(text):
                page.heading = text
                continue
        indent = len(raw) - len(raw.lstrip())
        start = ITEM_START.match(raw) if style != "bullet" else None
        if start and (current is None or current.untitled or
                      int(start.group(2)) in (current.number + 1, 1)) and style != "bullet":
            style = "number"
            indented = indented or bool(start.group(1))
            on_marker = clean_text(start.group(3) or "")
            new = Block(number, int(start.group(2)), month, "" if is_credit(on_marker)
                        else on_marker)
        elif style != "number" and BULLET_ITEM.match(raw):
            style = "bullet"
            bullets += 1
            new = Block(number, bullets, month)
        else:
            new = None
        if new is not None:
            if pending is not None:
                yield pending
            pending, current = new, new
            page.items += 1
            seen_date = False
            continue
        heading = month_heading(text)
        if heading is not None or (indented and indent == 0 and current is not None
                                   and heading_like(text)):
            # A month heading, or a heading at the margin of an indented page: it ends
            # the item above it and belongs to no item. (A sentence at the margin is a
            # summary line that lost its indent, and stays text.)
            if heading is not None:
                month = text
            current = None
            continue
        if current is None:
            if looks_like_date_line(text):
                page.stray_dates.append((number, text))
            continue
        if is_credit(text):
            continue
        if looks_like_date_line(text):
            if seen_date:
                # A second date after the item's own: an item with no marker and no title.
                if pending is not None:
                    yield pending
                current = Block(number, current.number, month, untitled=True)
                pending = current
                page.items += 1
            seen_date = True
        current.lines.append((number, text))
    if pending is not None:
        pending.last = True
        yield pending
