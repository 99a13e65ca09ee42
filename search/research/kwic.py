"""Keyword in context: each match in the result set with the words around it.

For every matching item (in the request's order, up to a limit), every place in
its title, summary and full text where the query matches gives one line: the `width`
words before, the matched text as written, and the `width` words after. The
places are the highlighter's (`engine.highlighting.spans`): the same analyzer
that indexed the text finds them, so "Co-operators" is a match for
`cooperative`, "youth-led" for `youth`, and a synonym's form ("young people"
for `youth`) for the query; a phrase gives one line where the whole phrase
stands, never one per word of it. The lines come in item order, or sorted by
the words to the left or right of the match (`ORDERS`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from search.budget import Meter
from search.engine.core import Engine
from search.engine.highlighting import spans as spans_of
from search.engine.snippets import SCAN_CHARS
from search.query.parsing import EXACT_FIELDS, field_patterns
from search.query.request import InputError, SearchRequest

DEFAULT_WIDTH = 6
MAX_WIDTH = 20
MAX_ITEMS = 2_000
ORDERS = ("item", "left", "right")
_WORDS = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class KwicLine:
    """One match in context."""

    item_id: str
    title: str
    date: date
    field: str
    left: str
    match: str
    right: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.item_id, "title": self.title, "date": self.date.isoformat(),
                "field": self.field, "left": self.left, "match": self.match,
                "right": self.right}


@dataclass(frozen=True, slots=True)
class Kwic:
    """The lines of a keyword-in-context answer, how many items matched, and a note when
    the lines stop short of every match (the budget's line or time limit)."""

    lines: list[KwicLine]
    total: int
    note: str = ""

    def __iter__(self) -> Iterator[object]:
        """`lines, total = kwic(...)`: the two answers most callers want."""
        return iter((self.lines, self.total))


def kwic(engine: Engine, request: SearchRequest, width: int = DEFAULT_WIDTH,
         limit: int = MAX_ITEMS, order: str = "item") -> Kwic:
    """The KWIC lines of the first `limit` matching items in `order`, and how many items
    matched (InputError without a query, for a width out of range or an unknown order).

    The lines stop at the engine's budget (`kwic_lines`, and its time limit): what was
    found by then is answered, with a note that says so and what to change."""
    if not request.query:
        raise InputError("keyword in context needs a query: type the words to look for", "q")
    if not 1 <= width <= MAX_WIDTH:
        raise InputError(f"width must be from 1 to {MAX_WIDTH} words", "width")
    if order not in ORDERS:
        raise InputError(f"order must be one of {', '.join(ORDERS)}, not '{order[:20]}'",
                         "order")
    meter = Meter(engine.budget)
    matches = engine.match(request, meter)
    assert matches.parsed is not None  # a query was given
    reader = matches.view.reader
    schema = matches.view.searcher.schema
    lines: list[KwicLine] = []
    patterns = {}
    for field in ("title", "summary", "body"):
        index_field = EXACT_FIELDS[field] if request.exact else field
        patterns[field] = (schema[index_field].analyzer,
                           *field_patterns(matches.parsed, reader, index_field))
    most = engine.budget.kwic_lines
    note = ""
    items = 0
    for hit in engine.first_hits(matches, request, min(limit, matches.total)):
        if len(lines) >= most or time.monotonic() > meter.deadline:
            why = (f"the limit of {most:,} lines" if len(lines) >= most
                   else "the time limit")
            note = (f"Stopped at {why}, after {items:,} of {matches.total:,} items: "
                    "narrow the search (a date range, a facet, fewer OR-ed words) to see "
                    "every line.")
            break
        items += 1
        article = hit.article
        for field, text in (("title", article.title), ("summary", article.summary),
                            ("body", article.body[:SCAN_CHARS])):
            analyzer, terms, phrases = patterns[field]
            if not text or not (terms or phrases):
                continue
            for start, end in spans_of(text, terms, analyzer, phrases):
                lines.append(KwicLine(article.id, article.title, article.date, field,
                                      _left(text, start, width), text[start:end],
                                      _right(text, end, width)))
    if order == "left":
        lines.sort(key=lambda line: [w.lower() for w in reversed(line.left.split())])
    elif order == "right":
        lines.sort(key=lambda line: [w.lower() for w in line.right.split()])
    lines = lines[:most]
    return Kwic(lines, matches.total, note)


def _left(text: str, start: int, width: int) -> str:
    """The `width` words before `start`, as written (a trailing space kept, so punctuation
    that touches the match stays touching)."""
    words = list(_WORDS.finditer(text, 0, start))[-width:]
    return _squash(text[words[0].start():start]) if words else ""


def _right(text: str, end: int, width: int) -> str:
    words = list(_WORDS.finditer(text, end))[:width]
    return _squash(text[end:words[-1].end()]) if words else ""


def _squash(text: str) -> str:
    """Runs of white space to one space, keeping a leading or trailing one."""
    return re.sub(r"\s+", " ", text)
