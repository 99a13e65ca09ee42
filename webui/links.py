"""Search URLs: the whole state is in the query string, so links are built from it.

`SearchParams` holds the raw parameters of the current URL (as typed, in a
fixed order) and makes links that change one thing and keep the rest: a page,
a date bucket, a facet value added or removed. Changing a filter goes back to
page 1. Empty parameters are dropped, so URLs stay short enough to read and
cite. The facets' parameters come from their declarations (`search.facets`),
each after the dates, in declaration order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from search import facet, term_facets

BEFORE = ("q", "exact", "from", "to")
AFTER = ("sort", "seed", "per_page", "page")


def param_names() -> tuple[str, ...]:
    """Every search parameter, in the order URLs write them."""
    return (*BEFORE, *(f.name for f in term_facets()), *AFTER)


def _key(name: str, value: str) -> str:
    return facet(name).key(value)


@dataclass(frozen=True, slots=True)
class SearchParams:
    """The raw search parameters of a URL, as the user gave them.

    `filters` holds (facet name, values) for each facet with values given, in
    declaration order.
    """

    q: str = ""
    date_from: str = ""
    date_to: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    sort: str = ""
    per_page: str = ""
    page: str = ""
    exact: str = ""
    seed: str = ""

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> SearchParams:
        def last(name: str) -> str:
            values = args.getlist(name)
            return values[-1].strip() if values else ""
        filters = []
        for declared in term_facets():
            values = tuple(dict.fromkeys(v.strip() for v in args.getlist(declared.name)
                                         if v.strip()))
            if values:
                filters.append((declared.name, values))
        return cls(q=last("q"), date_from=last("from"), date_to=last("to"),
                   filters=tuple(filters), sort=last("sort"), per_page=last("per_page"),
                   page=last("page"), exact=last("exact"), seed=last("seed"))

    def selected(self, name: str) -> tuple[str, ...]:
        """The values given for the facet `name`."""
        return next((values for facet_name, values in self.filters if facet_name == name), ())

    def raw(self) -> dict[str, list[str]]:
        """The parameters as `search.parse_request` takes them."""
        return {"q": [self.q], "from": [self.date_from], "to": [self.date_to],
                **{name: list(values) for name, values in self.filters},
                "sort": [self.sort], "per_page": [self.per_page], "page": [self.page],
                "exact": [self.exact], "seed": [self.seed]}

    def pairs(self) -> list[tuple[str, str]]:
        """Non-empty parameters in a fixed order, for a query string."""
        values = {"q": self.q, "exact": self.exact, "from": self.date_from,
                  "to": self.date_to, "sort": self.sort, "seed": self.seed,
                  "per_page": self.per_page, "page": "" if self.page == "1" else self.page}
        chosen = dict(self.filters)
        pairs: list[tuple[str, str]] = []
        for name in param_names():
            if name in chosen:
                pairs.extend((name, value) for value in chosen[name])
            elif values.get(name):
                pairs.append((name, values[name]))
        return pairs

    def query_string(self) -> str:
        return urlencode(self.pairs())

    def url(self, base: str = "/") -> str:
        query = self.query_string()
        return f"{base}?{query}" if query else base

    # -- changes (each returns new params) -------------------------------------

    def with_page(self, page: int) -> SearchParams:
        return replace(self, page=str(page))

    def first_page(self) -> SearchParams:
        return replace(self, page="")

    def with_dates(self, date_from: str, date_to: str) -> SearchParams:
        return replace(self, date_from=date_from, date_to=date_to, page="")

    def with_query(self, q: str) -> SearchParams:
        return replace(self, q=q, page="")

    def with_values(self, name: str, values: Iterable[str]) -> SearchParams:
        """The facet `name`'s values replaced (none: the filter removed)."""
        chosen = dict(self.filters)
        chosen[name] = tuple(values)
        order = [f.name for f in term_facets()]
        filters = tuple((n, chosen[n]) for n in order if chosen.get(n))
        return replace(self, filters=filters, page="")

    def without_filters(self) -> SearchParams:
        return replace(self, filters=(), page="")

    def adding(self, name: str, value: str) -> SearchParams:
        """A value added to a facet's filter (values that are the same to the engine, such
        as kinds differing in case, are not repeated)."""
        if _key(name, value) in {_key(name, v) for v in self.selected(name)}:
            return self
        return self.with_values(name, (*self.selected(name), value))

    def removing(self, name: str, value: str) -> SearchParams:
        return self.with_values(name, (v for v in self.selected(name)
                                       if _key(name, v) != _key(name, value)))

    def for_export(self) -> SearchParams:
        """The same search without paging: exports and feeds cover the whole set."""
        return replace(self, page="", per_page="")


def has_empty_values(args: MultiDict[str, str]) -> bool:
    """True when a submitted form left fields empty (worth a redirect to a clean URL)."""
    names = param_names()
    return any(name in names and not value.strip() for name, value in args.items(multi=True))
