"""A facet's values counted over a result set with every filter applied (the map's numbers).

The search page counts each facet under every filter but its own, so that its
other values stay there to add. A map of the result set asks something else:
of the items found (the country filter included), how many are about each
country. Counted from the same columns, in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.engine.core import Engine
from search.query.request import SearchRequest


@dataclass(frozen=True, slots=True)
class ValueCounts:
    """How many items of a result set have each value of one facet."""

    facet: str
    total: int                       # items in the result set
    without: int                     # items of it with no value of the facet
    counts: list[tuple[str, int]]    # (value, items), most first, then by value


def value_counts(engine: Engine, request: SearchRequest, facet: str) -> ValueCounts:
    """The facet `facet`'s values over the request's whole result set (InputError for a
    bad request; KeyError for an unknown facet)."""
    matches = engine.match(request)
    columns = matches.view.columns
    column = columns.facets[facet]
    found = column.counts(matches.array, columns.doc_count_all)
    pairs = [(column.names[code], n) for code, n in found.items() if column.names[code]]
    with_value = column.with_any(matches.array)
    return ValueCounts(facet=facet, total=len(matches.array),
                       without=len(matches.array) - with_value,
                       counts=sorted(pairs, key=lambda vc: (-vc[1], vc[0])))
