"""What a search answers: the `ResultPage`, its `Hit`s and facet counts.

A hit carries the spans of the words that matched in its title and summary,
not markup: a front end renders them (`webui.marks`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from corpus import Article
from search.facets import DATES, term_facets
from search.query.request import SearchRequest

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Hit:
    """One result: the article, its score (None when sorted by date), the (start, end)
    of each matched word in its title and summary, its values of each facet, and,
    when its full text matched, a passage of it around the matches (`snippet`, with
    the spans of the matches in the passage)."""

    article: Article
    score: float | None
    title_spans: tuple[Span, ...] = ()
    summary_spans: tuple[Span, ...] = ()
    facets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    snippet: str = ""
    snippet_spans: tuple[Span, ...] = ()

    def record(self) -> dict[str, object]:
        """The article's record with its facet values that the record lacks (the export
        columns of derived facets, joined by '; ')."""
        out: dict[str, object] = dict(self.article.to_dict())
        for declared in term_facets():
            if declared.export:
                out[declared.export] = "; ".join(self.facets.get(declared.name, ()))
        return out

    def to_dict(self) -> dict[str, object]:
        """The JSON form of a result: the record without its full text (the item's own
        answer has it), the score, the matched spans and the snippet of the body."""
        record = self.record()
        record.pop("body", None)
        return {**record, "score": self.score,
                "title_marks": [list(span) for span in self.title_spans],
                "summary_marks": [list(span) for span in self.summary_spans],
                "snippet": self.snippet,
                "snippet_marks": [list(span) for span in self.snippet_spans]}


@dataclass(frozen=True, slots=True)
class ResultPage:
    """One page of results, with totals and facet counts over the whole result set.

    `years` and `months` count the result set (all filters applied), keyed
    "2024" and "2024-02", in date order. `facets` counts, for each facet (by
    name), the result set under every filter but that facet's own (so the other
    values stay visible to add): (value, count), most first.

    `partial`: when the items with all the words fill less than the first page
    (relevance order), the items with all but one of them, best first, to show
    after the hits under their own heading. They are not in `total`, the
    facets or the pages.
    """

    request: SearchRequest
    total: int
    hits: list[Hit]
    years: list[tuple[str, int]] = field(default_factory=list)
    months: list[tuple[str, int]] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    elapsed_ms: float = 0.0
    generation: str = ""
    partial: list[Hit] = field(default_factory=list)
    # (word as typed, word searched instead) for words that no item contains.
    respelt: list[tuple[str, str]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.request.per_page))

    @property
    def first(self) -> int:
        """1-based position of the first hit on this page (0 when there are none)."""
        return self.request.offset + 1 if self.hits else 0

    @property
    def last(self) -> int:
        return self.request.offset + len(self.hits)

    def facet_counts(self, name: str) -> list[tuple[str, int]]:
        """The counts of the facet `name` ([] when it counted nothing)."""
        return self.facets.get(name, [])

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by the CLI's --json and the API."""
        request = self.request
        years_key, months_key = DATES.api_keys
        return {
            "query": request.query,
            "from": request.date_from.isoformat() if request.date_from else None,
            "to": request.date_to.isoformat() if request.date_to else None,
            **{f.api_key: list(request.selected(f.name)) for f in term_facets()},
            "sort": request.effective_sort,
            "page": request.page,
            "per_page": request.per_page,
            "pages": self.pages,
            "total": self.total,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {years_key: dict(self.years), months_key: dict(self.months),
                       **{f.api_key: dict(self.facet_counts(f.name)) for f in term_facets()}},
            "partial": [hit.to_dict() for hit in self.partial],
            "suggestion": self.suggestion,
            "respelt": [{"typed": typed, "searched": used} for typed, used in self.respelt],
            "elapsed_ms": round(self.elapsed_ms, 2),
            "generation": self.generation,
        }
