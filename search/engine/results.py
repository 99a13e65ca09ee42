"""What a search answers: the `ResultPage`, its `Hit`s and facet counts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from corpus import Article
from search.query.request import SearchRequest


@dataclass(frozen=True, slots=True)
class Hit:
    """One result: the article, its score (None when sorted by date) and safe HTML.

    `title_html` and `summary_html` are escaped text with matched words wrapped
    in `<mark>`: safe to insert into a page as they are.
    """

    article: Article
    score: float | None
    title_html: str
    summary_html: str


@dataclass(frozen=True, slots=True)
class ResultPage:
    """One page of results, with totals and facet counts over the whole result set.

    `years` and `months` count the result set (all filters applied), keyed
    "2024" and "2024-02", in date order. `kinds` counts the result set before
    the kind filter (so the other kinds stay visible to add), most first.

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
    kinds: list[tuple[str, int]] = field(default_factory=list)
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

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by the CLI's --json and the API."""
        request = self.request
        return {
            "query": request.query,
            "from": request.date_from.isoformat() if request.date_from else None,
            "to": request.date_to.isoformat() if request.date_to else None,
            "kinds": list(request.kinds),
            "sort": request.effective_sort,
            "page": request.page,
            "per_page": request.per_page,
            "pages": self.pages,
            "total": self.total,
            "hits": [{**hit.article.to_dict(), "score": hit.score,
                      "title_html": hit.title_html, "summary_html": hit.summary_html}
                     for hit in self.hits],
            "facets": {"years": dict(self.years), "months": dict(self.months),
                       "kinds": dict(self.kinds)},
            "partial": [{**hit.article.to_dict(), "score": hit.score,
                         "title_html": hit.title_html, "summary_html": hit.summary_html}
                        for hit in self.partial],
            "suggestion": self.suggestion,
            "respelt": [{"typed": typed, "searched": used} for typed, used in self.respelt],
            "elapsed_ms": round(self.elapsed_ms, 2),
            "generation": self.generation,
        }
