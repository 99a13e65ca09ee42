"""Compare queries over time: counts per period for up to four queries, with a baseline.

Or compare the values of a facet (`facet_timeline`: countries, regions, kinds), one
series per value under the same query.

Each series counts the items a query matches per year, quarter or month, under
the shared date range and facet filters. The baseline counts every item in each
period under the same filters: it is the denominator of a series' share ("what
part of what was published that month mentioned Kenya") and, drawn faintly, it
shows gaps in coverage that are not falls in attention. Periods with no items
are zeros, never missing.

The counts come from the same `Engine.match` as a search page, so a series
always agrees with the facet counts of the same query run alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Literal

from search.budget import Meter
from search.engine.core import Engine, Matches
from search.facets import Facet, term_facets
from search.query.request import InputError, SearchRequest
from search.text.schema import day_number

Granularity = Literal["year", "quarter", "month"]
GRANULARITIES: tuple[str, ...] = ("year", "quarter", "month")
MAX_SERIES = 4
MAX_PERIODS = 600


@dataclass(frozen=True, slots=True)
class Series:
    """One query's counts, aligned with `Timeline.periods`."""

    query: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class Timeline:
    """Counts per period for each query, and the baseline of all items per period."""

    granularity: str
    periods: list[str]
    series: list[Series]
    baseline: list[int]

    def shares(self, series: Series) -> list[float | None]:
        """Each count as a share of the baseline (None where nothing was published)."""
        return [count / base if base else None for count, base in zip(series.counts,
                                                                       self.baseline)]

    def to_dict(self) -> dict[str, object]:
        return {"granularity": self.granularity, "periods": self.periods,
                "baseline": self.baseline,
                "series": [{"query": s.query, "counts": s.counts, "total": s.total,
                            "shares": self.shares(s)} for s in self.series]}


def period_key(day: int, granularity: str) -> int:
    """A sortable integer for the period holding `day` (YYYYMMDD)."""
    year, month = day // 10000, day // 100 % 100
    if granularity == "year":
        return year
    if granularity == "quarter":
        return year * 10 + (month - 1) // 3 + 1
    return year * 100 + month


def period_label(key: int, granularity: str) -> str:
    """'2024', '2024-Q1' or '2024-02'."""
    if granularity == "year":
        return str(key)
    if granularity == "quarter":
        return f"{key // 10}-Q{key % 10}"
    return f"{key // 100}-{key % 100:02d}"


def _next(key: int, granularity: str) -> int:
    if granularity == "year":
        return key + 1
    if granularity == "quarter":
        return key + 1 if key % 10 < 4 else (key // 10 + 1) * 10 + 1
    return key + 1 if key % 100 < 12 else (key // 100 + 1) * 100 + 1


def timeline(engine: Engine, queries: list[str], base: SearchRequest,
             granularity: str = "year") -> Timeline:
    """Counts per period for each query under `base`'s dates and facets (InputError if bad)."""
    if granularity not in GRANULARITIES:
        raise InputError(f"unknown granularity '{granularity[:20]}': use year, quarter or "
                         "month", "by")
    queries = [q.strip() for q in queries if q.strip()]
    if len(queries) > MAX_SERIES:
        raise InputError(f"compare at most {MAX_SERIES} queries at once", "q")
    return _timeline(engine, [(query, replace(base, query=query)) for query in queries],
                     replace(base, query=""), granularity, Meter(engine.budget))


def facet_timeline(engine: Engine, base: SearchRequest, facet: str,
                   granularity: str = "year") -> Timeline:
    """Counts per period for each selected value of the facet `facet` ("compare countries
    over time": `base` with country=KE and country=SN gives a series for each), the query
    and the other filters shared; with no value selected, the MAX_SERIES values with the
    most items. The baseline counts every item under the other filters."""
    if granularity not in GRANULARITIES:
        raise InputError(f"unknown granularity '{granularity[:20]}': use year, quarter or "
                         "month", "by")
    declared = _facets_by_name().get(facet)
    if declared is None:
        raise InputError(f"each must name a facet ({', '.join(_facets_by_name())}), not "
                         f"'{facet[:20]}'", "each")
    values = base.selected(facet)
    others = base.with_filter(facet, ())
    meter = Meter(engine.budget)  # one budget for the whole comparison
    if not values:
        matches = engine.match(others, meter)
        column = matches.view.columns.facets[facet]
        found = column.counts(matches.array, matches.view.columns.doc_count_all)
        values = tuple(column.names[code] for code, _ in sorted(
            found.items(), key=lambda cn: (-cn[1], column.names[cn[0]])) if column.names[code])
        values = values[:MAX_SERIES]
    if len(values) > MAX_SERIES:
        raise InputError(f"compare at most {MAX_SERIES} {declared.heading.lower()} at once",
                         facet)
    series = [(declared.display(value), others.with_filter(facet, (value,))) for value in values]
    return _timeline(engine, series, replace(others, query=""), granularity, meter)


def _timeline(engine: Engine, series: list[tuple[str, SearchRequest]], everything: SearchRequest,
              granularity: str, meter: Meter) -> Timeline:
    """Counts per period of each (label, request), and of `everything` as the baseline, all
    within one budget (`meter`)."""
    base = everything
    baseline = _periods(engine.match(everything, meter), granularity)
    counted: list[tuple[str, Counter[int]]] = []
    for label, request in series:
        counted.append((label, _periods(engine.match(request, meter), granularity)))
    low = period_key(day_number(base.date_from), granularity) if base.date_from else min(
        baseline, default=None)
    high = period_key(day_number(base.date_to), granularity) if base.date_to else max(
        baseline, default=None)
    keys: list[int] = []
    if low is not None and high is not None:
        key = low
        while key <= high:
            keys.append(key)
            if len(keys) > MAX_PERIODS:
                raise InputError(f"that is more than {MAX_PERIODS} {granularity}s: choose a "
                                 "coarser granularity or a shorter date range", "by")
            key = _next(key, granularity)
    return Timeline(granularity=granularity,
                    periods=[period_label(k, granularity) for k in keys],
                    series=[Series(q, [counts.get(k, 0) for k in keys]) for q, counts in counted],
                    baseline=[baseline.get(k, 0) for k in keys])


def _facets_by_name() -> dict[str, Facet]:
    return {f.name: f for f in term_facets()}


def period_bounds(period: str) -> tuple[str, str]:
    """The from/to values of a period label: '2024' -> 2024..2024, '2024-Q2' ->
    2024-04..2024-06, '2024-02' -> 2024-02..2024-02."""
    if "-Q" in period:
        year, quarter = period.split("-Q")
        first = (int(quarter) - 1) * 3 + 1
        return f"{year}-{first:02d}", f"{year}-{first + 2:02d}"
    return period, period


def _periods(matches: Matches, granularity: str) -> Counter[int]:
    """Period key -> matching items, counted by month from the columns."""
    counts: Counter[int] = Counter()
    for month, count in matches.month_counts.items():
        counts[period_key(month * 100 + 1, granularity)] += count
    return counts
