"""Keyword in context: each match in the result set with the words around it.

For every matching item (in the request's order, up to a limit), every place in
its title, summary and full text where a query term matches gives one line: the `width`
words before, the matched text as written, and the `width` words after. The
same analyzer that indexed the text finds the matches, so "Co-operators" is a
match for `cooperative`, as in the highlights. The lines come in item order, or
sorted by the words to the left or right of the match (`ORDERS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from search.engine.core import Engine
from search.engine.snippets import SCAN_CHARS
from search.query.parsing import EXACT_FIELDS, field_terms
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


def kwic(engine: Engine, request: SearchRequest, width: int = DEFAULT_WIDTH,
         limit: int = MAX_ITEMS, order: str = "item") -> tuple[list[KwicLine], int]:
    """The KWIC lines of the first `limit` matching items in `order`, and how many items
    matched (InputError without a query, for a width out of range or an unknown order)."""
    if not request.query:
        raise InputError("keyword in context needs a query: type the words to look for", "q")
    if not 1 <= width <= MAX_WIDTH:
        raise InputError(f"width must be from 1 to {MAX_WIDTH} words", "width")
    if order not in ORDERS:
        raise InputError(f"order must be one of {', '.join(ORDERS)}, not '{order[:20]}'",
                         "order")
    matches = engine.match(request)
    assert matches.parsed is not None  # a query was given
    reader = matches.view.reader
    schema = matches.view.searcher.schema
    lines: list[KwicLine] = []
    for hit in engine.first_hits(matches, request, min(limit, matches.total)):
        article = hit.article
        for field, text in (("title", article.title), ("summary", article.summary),
                            ("body", article.body[:SCAN_CHARS])):
            index_field = EXACT_FIELDS[field] if request.exact else field
            terms = field_terms(matches.parsed, reader, index_field)
            if not terms or not text:
                continue
            analyzer = schema[index_field].analyzer
            spans = sorted({(t.startchar, t.endchar) for t in
                            analyzer(text, chars=True, mode="query", removestops=False)
                            if t.text in terms})
            for start, end in spans:
                lines.append(KwicLine(article.id, article.title, article.date, field,
                                      _left(text, start, width), text[start:end],
                                      _right(text, end, width)))
    if order == "left":
        lines.sort(key=lambda line: [w.lower() for w in reversed(line.left.split())])
    elif order == "right":
        lines.sort(key=lambda line: [w.lower() for w in line.right.split()])
    return lines, matches.total


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
