"""The contexts of the answer pages: top terms, co-occurrence, the world map, collections.

Each function turns the engine's answer (`search.top_terms`, `cooccurrence`,
`value_counts`, `collection`) into rows the templates print, every term and
country a link that keeps the rest of the search: a term adds itself to the
query (`add_to_query`), a country filters the search to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from corpus.places import ILO_SCHEME, M49_SCHEME, country_name, regions
from search import Cooccurrence, Hit, KeyTerm, PeriodTerms, TopTerms, ValueCounts
from search.research.timeline import period_bounds
from webui.context import Link, long_date
from webui.links import SearchParams
from webui.marks import to_html
from webui.worldmap import WorldMap, world_map

OPERATORS = (" OR ", " NOT ", " AND ")


def add_to_query(query: str, term: str) -> str:
    """The query with a term ANDed to it: 'kenya' + 'women' -> 'kenya women'; a query with
    operators is bracketed first, so the term applies to all of it."""
    query = query.strip()
    if not query:
        return term
    if any(op in f" {query} " for op in OPERATORS):
        query = f"({query})"
    return f"{query} {term}"


@dataclass(frozen=True, slots=True)
class TermRow:
    text: str
    search_href: str     # the search with the term added
    terms_href: str      # this page with the term added
    in_set: int
    in_whole: int
    share_set: str       # "40%"
    g2: str
    log_ratio: str


@dataclass(frozen=True, slots=True)
class PeriodView:
    period: str
    items: int
    href: str            # the search in that period
    words: list[TermRow]
    phrases: list[TermRow]
    note: str


@dataclass(slots=True)
class TermsView:
    summary: str
    words: list[TermRow] = field(default_factory=list)
    phrases: list[TermRow] = field(default_factory=list)
    searched: list[str] = field(default_factory=list)
    note: str = ""
    periods: list[PeriodView] = field(default_factory=list)
    by: str = ""


def _percent(part: int, whole: int) -> str:
    if not whole:
        return ""
    share = 100 * part / whole
    return f"{share:.0f}%" if share >= 1 else f"{share:.1f}%"


def term_rows(terms: list[KeyTerm], params: SearchParams, set_items: int, search_base: str,
              terms_base: str) -> list[TermRow]:
    rows = []
    for term in terms:
        added = params.with_query(add_to_query(params.q, term.query))
        rows.append(TermRow(term.text, added.url(search_base), added.url(terms_base),
                            term.in_set, term.in_whole, _percent(term.in_set, set_items),
                            f"{term.g2:.1f}", f"{term.log_ratio:+.2f}"))
    return rows


def terms_view(params: SearchParams, terms: TopTerms, periods: list[PeriodTerms] | None,
               by: str, search_base: str, terms_base: str) -> TermsView:
    what = f"{terms.set_items:,} results for \u2018{params.q}\u2019" if params.q else \
        f"{terms.set_items:,} items"
    if terms.reference_items:
        summary = (f"Top terms of {what}, against the other {terms.reference_items:,} "
                   f"items of the corpus")
    else:
        summary = f"Terms of {what}"
    view = TermsView(summary=summary, searched=terms.searched, note=terms.note, by=by,
                     words=term_rows(terms.words, params, terms.set_items, search_base,
                                     terms_base),
                     phrases=term_rows(terms.phrases, params, terms.set_items, search_base,
                                       terms_base))
    for period in periods or ():
        start, end = period_bounds(period.period)
        inside = params.with_dates(start, end)
        found = period.terms
        view.periods.append(PeriodView(
            period.period, found.set_items, inside.url(search_base),
            term_rows(found.words, inside, found.set_items, search_base, terms_base),
            term_rows(found.phrases, inside, found.set_items, search_base, terms_base),
            found.note))
    return view


@dataclass(frozen=True, slots=True)
class CoRow:
    text: str
    search_href: str
    with_query: int
    in_scope: int
    share: str
    log_dice: str


@dataclass(frozen=True, slots=True)
class CoView:
    summary: str
    rows: list[CoRow]
    labels: list[str]
    table: list[tuple[str, list[int]]]
    query_words: list[str]


def co_view(params: SearchParams, found: Cooccurrence, search_base: str) -> CoView:
    rows = [CoRow(t.text, params.with_query(add_to_query(params.q, t.query)).url(search_base),
                  t.with_query, t.in_scope, _percent(t.with_query, t.in_scope),
                  f"{t.log_dice:.2f}") for t in found.terms]
    summary = (f"Words in the same items as \u2018{found.query}\u2019: {found.set_items:,} "
               f"items match it, of {found.scope_items:,} under the same filters")
    return CoView(summary, rows, found.labels,
                  list(zip(found.labels, found.counts)), found.query_words)


@dataclass(frozen=True, slots=True)
class RegionRow:
    name: str
    count: int
    href: str


@dataclass(frozen=True, slots=True)
class MapView:
    summary: str
    map: WorldMap
    without: int
    total: int
    regions: dict[str, list[RegionRow]]   # scheme label -> rows


def country_href(params: SearchParams, code: str, base: str) -> str:
    """The search filtered to one country (any other country filter replaced)."""
    return params.with_values("country", (code,)).url(base)


def map_view(params: SearchParams, countries: ValueCounts, region_counts: ValueCounts,
             search_base: str, element_id: str = "worldmap") -> MapView:
    counts = dict(countries.counts)
    drawn = world_map(counts, lambda code: country_href(params, code, search_base),
                      what="items", one="item",
                      title="Items per country" + (f" for \u2018{params.q}\u2019"
                                                   if params.q else ""),
                      element_id=element_id, items=countries.total - countries.without)
    named = countries.total - countries.without
    summary = (f"{countries.total:,} items; {named:,} of them name a country "
               f"({len(counts):,} countries)")
    schemes = {M49_SCHEME: "UN M49 regions", ILO_SCHEME: "ILO regions"}
    table: dict[str, list[RegionRow]] = {label: [] for label in schemes.values()}
    known = regions()
    for code, count in region_counts.counts:
        found = known.get(code)
        if found is None:
            continue
        table[schemes[found.scheme]].append(RegionRow(
            found.name if found.scheme == ILO_SCHEME else found.label, count,
            params.with_values("region", (code,)).url(search_base)))
    return MapView(summary, drawn, countries.without, countries.total, table)


def map_json(countries: ValueCounts, region_counts: ValueCounts,
             href: Callable[[str], str], region_href: Callable[[str], str]) -> dict[str, object]:
    """The map's numbers: items per country and per region, with links."""
    known = regions()
    return {
        "total": countries.total, "without_country": countries.without,
        "countries": [{"code": code, "name": country_name(code), "count": count,
                       "href": href(code)} for code, count in countries.counts],
        "regions": [{"code": code, "name": known[code].name, "scheme": known[code].scheme,
                     "level": known[code].level, "count": count, "href": region_href(code)}
                    for code, count in region_counts.counts if code in known],
    }


@dataclass(frozen=True, slots=True)
class CollectedItem:
    id: str
    href: str
    title_html: object
    summary_html: object
    date_iso: str
    date_text: str
    kind: str


def collected(hits: list[Hit], item_href: Callable[[str], str]) -> list[CollectedItem]:
    return [CollectedItem(hit.article.id, item_href(hit.article.id),
                          to_html(hit.article.title, hit.title_spans),
                          to_html(hit.article.summary, hit.summary_spans),
                          hit.article.date.isoformat(), long_date(hit.article.date),
                          hit.article.kind) for hit in hits]


def collection_link(base: str, ids: list[str] | tuple[str, ...], **extra: str) -> str:
    """The collection's URL (`/collection?id=...&id=...`), with other parameters."""
    pairs = [("id", item_id) for item_id in ids] + [(k, v) for k, v in extra.items() if v]
    return f"{base}?{urlencode(pairs)}" if pairs else base


__all__ = [
    "Link",
    "add_to_query",
    "co_view",
    "collected",
    "collection_link",
    "map_json",
    "map_view",
    "terms_view",
]
