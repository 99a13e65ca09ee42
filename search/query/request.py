"""The typed search request, and reading one from the raw parameters of a URL or CLI.

Web and command line both hand strings to `parse_request`; everything that
searches takes the `SearchRequest` it returns. A bad parameter raises
`InputError` naming the parameter and saying what to try.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from search.facets import MAX_SELECTED, term_facets
from search.query.bounds import BoundError, Period, read_period

Sort = Literal["relevance", "newest", "oldest", "random"]
SORTS: tuple[str, ...] = ("relevance", "newest", "oldest", "random")
MAX_SEED = 2**31 - 1
TRUE_WORDS = ("1", "true", "on", "yes")
FALSE_WORDS = ("", "0", "false", "off", "no")
PER_PAGE_CHOICES = (10, 20, 50, 100)
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_QUERY_CHARS = 1_000
Filters = tuple[tuple[str, tuple[str, ...]], ...]


class InputError(ValueError):
    """Something a user typed cannot be used; `param` names it, the message says why."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One search: keywords, inclusive date bounds, facet filters, order and page.

    `filters` holds, for each facet with values selected, (facet name, values as
    given), in the facets' declaration order (`search.facets`).
    """

    query: str = ""
    date_from: date | None = None
    date_to: date | None = None
    filters: Filters = ()
    sort: Sort | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    exact: bool = False  # literal words: no stemming, variants or accent folding
    seed: int = 0  # for sort=random: the same seed gives the same sample
    # The bounds as the user wrote them, kept for display and for links.
    raw_from: str = field(default="", compare=False)
    raw_to: str = field(default="", compare=False)
    # What was ignored in reading the bounds (a time, a time zone), for the
    # "interpreted as" text: `from: '2024-02-06T10:00+05:00' was read as the day ...`.
    date_notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def effective_sort(self) -> str:
        """`relevance` when there is a query, `newest` when browsing, unless set."""
        return self.sort or ("relevance" if self.query.strip() else "newest")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def selected(self, facet: str) -> tuple[str, ...]:
        """The values selected for `facet` (none: every item)."""
        return next((values for name, values in self.filters if name == facet), ())

    def with_filter(self, facet: str, values: tuple[str, ...]) -> SearchRequest:
        """The same request with `facet`'s selection replaced (empty: removed)."""
        order = [f.name for f in term_facets()]
        kept = {name: chosen for name, chosen in self.filters if name != facet}
        if values:
            kept[facet] = values
        filters = tuple((name, kept[name]) for name in sorted(
            kept, key=lambda n: order.index(n) if n in order else len(order)))
        return replace(self, filters=filters)

    def cache_key(self) -> tuple[object, ...]:
        """Everything that changes the answer (the raw bounds do not)."""
        return (self.query.strip(), self.date_from, self.date_to,
                tuple((name, tuple(sorted(values))) for name, values in self.filters),
                self.effective_sort, self.page, self.per_page, self.exact, self.seed)


def _one(params: Mapping[str, Sequence[str]], name: str) -> str:
    values = [value for value in params.get(name, ()) if value is not None]
    return values[-1] if values else ""


def _integer(text: str, name: str, default: int, low: int, high: int) -> int:
    if not text.strip():
        return default
    try:
        value = int(text.strip())
    except ValueError:
        raise InputError(f"{name} must be a whole number from {low} to {high}, "
                         f"not '{text[:20]}'", name) from None
    if not low <= value <= high:
        raise InputError(f"{name} must be from {low} to {high}; {value} is out of range",
                         name)
    return value


def parse_request(params: Mapping[str, Sequence[str]]) -> SearchRequest:
    """Build a SearchRequest from raw parameters (each a list of strings, as in a URL).

    `q`, `from`, `to`, `sort`, `page`, `per_page` take their last value; each
    facet's parameter (`kind`, ...) may repeat. Raises InputError for the first bad
    parameter.
    """
    query = _one(params, "q")
    if len(query) > MAX_QUERY_CHARS:
        raise InputError(f"the query is {len(query):,} characters long; the limit is "
                         f"{MAX_QUERY_CHARS:,}: shorten it", "q")
    if "\x00" in query:
        raise InputError("the query contains a NUL character: remove it", "q")
    raw_from, raw_to = _one(params, "from").strip(), _one(params, "to").strip()
    start, stop = _bound(raw_from, "from"), _bound(raw_to, "to")
    date_from = start.first if start else None
    date_to = stop.last if stop else None
    date_notes = tuple(f"{name}: {found.note}" for name, found in (("from", start), ("to", stop))
                       if found and found.note)
    if date_from and date_to and date_from > date_to:
        raise InputError(f"'from' ({raw_from}) is after 'to' ({raw_to}): swap them or "
                         "widen the range", "from")
    sort_text = _one(params, "sort").strip().lower()
    if sort_text and sort_text not in SORTS:
        raise InputError(f"unknown sort '{sort_text[:30]}': use one of {', '.join(SORTS)}",
                         "sort")
    filters = []
    for facet in term_facets():
        values = tuple(dict.fromkeys(" ".join(v.split()) for v in params.get(facet.name, ())
                                     if v and v.strip()))
        if len(values) > MAX_SELECTED:
            raise InputError(f"at most {MAX_SELECTED} {facet.heading.lower()} at once",
                             facet.name)
        check = facet.check  # a closed vocabulary: ISO codes, region codes
        problems = [check(value) for value in values] if check is not None else []
        problem = next((p for p in problems if p), None)
        if problem:
            raise InputError(problem, facet.name)
        if values:
            filters.append((facet.name, values))
    exact_text = _one(params, "exact").strip().lower()
    if exact_text not in TRUE_WORDS + FALSE_WORDS:
        raise InputError(f"exact must be 1 (literal words only) or 0, not '{exact_text[:20]}'",
                         "exact")
    seed = _integer(_one(params, "seed"), "seed", 0, 0, MAX_SEED)
    return SearchRequest(
        exact=exact_text in TRUE_WORDS, seed=seed,
        query=query.strip(), date_from=date_from, date_to=date_to, filters=tuple(filters),
        sort=sort_text or None,  # type: ignore[arg-type]
        page=_integer(_one(params, "page"), "page", 1, 1, MAX_PAGE),
        per_page=_integer(_one(params, "per_page"), "per_page", DEFAULT_PER_PAGE, 1,
                          MAX_PER_PAGE),
        raw_from=raw_from, raw_to=raw_to, date_notes=date_notes)


def _bound(text: str, name: str) -> Period | None:
    try:
        return read_period(text) if text else None
    except BoundError as error:
        raise InputError(f"{name}: {error}", name) from None
