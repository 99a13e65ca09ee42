"""Search URLs: the whole state is in the query string, so links are built from it.

`SearchParams` holds the raw parameters of the current URL (as typed, in a
fixed order) and makes links that change one thing and keep the rest: a page,
a date bucket, a kind added or removed. Changing a filter goes back to page 1.
Empty parameters are dropped, so URLs stay short enough to read and cite.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

ORDER = ("q", "exact", "from", "to", "kind", "sort", "seed", "per_page", "page")


@dataclass(frozen=True, slots=True)
class SearchParams:
    """The raw search parameters of a URL, as the user gave them."""

    q: str = ""
    date_from: str = ""
    date_to: str = ""
    kinds: tuple[str, ...] = ()
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
        kinds = tuple(dict.fromkeys(k.strip() for k in args.getlist("kind") if k.strip()))
        return cls(q=last("q"), date_from=last("from"), date_to=last("to"), kinds=kinds,
                   sort=last("sort"), per_page=last("per_page"), page=last("page"),
                   exact=last("exact"), seed=last("seed"))

    def raw(self) -> dict[str, list[str]]:
        """The parameters as `search.parse_request` takes them."""
        return {"q": [self.q], "from": [self.date_from], "to": [self.date_to],
                "kind": list(self.kinds), "sort": [self.sort], "per_page": [self.per_page],
                "page": [self.page], "exact": [self.exact], "seed": [self.seed]}

    def pairs(self) -> list[tuple[str, str]]:
        """Non-empty parameters in a fixed order, for a query string."""
        pairs: list[tuple[str, str]] = []
        values = {"q": self.q, "exact": self.exact, "from": self.date_from,
                  "to": self.date_to, "sort": self.sort, "seed": self.seed,
                  "per_page": self.per_page, "page": "" if self.page == "1" else self.page}
        for name in ORDER:
            if name == "kind":
                pairs.extend(("kind", kind) for kind in self.kinds)
            elif values[name]:
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

    def with_kinds(self, kinds: Iterable[str]) -> SearchParams:
        return replace(self, kinds=tuple(kinds), page="")

    def adding_kind(self, kind: str) -> SearchParams:
        """Kinds match without regard to case, as the engine reads them."""
        if kind.lower() in {k.lower() for k in self.kinds}:
            return self
        return self.with_kinds((*self.kinds, kind))

    def removing_kind(self, kind: str) -> SearchParams:
        return self.with_kinds(k for k in self.kinds if k.lower() != kind.lower())

    def for_export(self) -> SearchParams:
        """The same search without paging: exports and feeds cover the whole set."""
        return replace(self, page="", per_page="")


def has_empty_values(args: MultiDict[str, str]) -> bool:
    """True when a submitted form left fields empty (worth a redirect to a clean URL)."""
    return any(name in ORDER and not value.strip() for name, value in args.items(multi=True))
