"""Which documents a request matches, and the facet counts of that set.

`match(view, request, reading)`:

1. the query's documents as a boolean mask (`postings.evaluator`); no query
   browses every live document;
2. the date bounds, from the day column;
3. each facet's selection (`search.facets`): any of its values; several
   facets: all of them. Each facet is counted over the set filtered by every
   *other* facet, so its other values stay visible to add.

Everything is counted from per-document columns (`postings.columns`) cached
once per index version, never one query per bucket.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from search.budget import Meter
from search.engine.handle import View
from search.facets import term_facets
from search.postings.columns import FacetColumn, day_bounds
from search.postings.evaluator import Evaluator
from search.query.parsing import Reading
from search.query.request import InputError, SearchRequest


@dataclass(frozen=True, slots=True)
class Matches:
    """The documents a request matches, and what they were found with."""

    view: View
    reading: Reading | None
    array: np.ndarray  # the matching document numbers, ascending
    facet_counts: dict[str, dict[int, int]]  # facet name -> value code -> count
    evaluator: Evaluator
    filtered: bool = True  # whether dates or facets removed any matching document
    allowed: np.ndarray | None = None  # mask of the dates and facets asked for (None: all)

    @property
    def parsed(self) -> wq.Query | None:
        """The query searched (None when browsing)."""
        return self.reading.searched if self.reading is not None else None

    @property
    def total(self) -> int:
        return len(self.array)


def selections(request: SearchRequest, view: View) -> list[tuple[FacetColumn, list[int]]]:
    """Each filtered facet's column and the codes of the values asked for; InputError for
    a value no item has, with the values there are."""
    chosen = []
    for name, values in request.filters:
        column = view.columns.facets[name]
        facet = column.facet
        codes = []
        for value in values:
            code = column.code_of.get(facet.key(value))
            if (code is None or not column.names[code]) and facet.check is not None:
                continue  # a valid value (checked by parse_request) that no item has
            if code is None or not column.names[code]:
                known = ", ".join(facet.display(v) for v in column.known()) or "none"
                raise InputError(f"unknown {facet.label.lower()} '{value[:60]}': "
                                 f"{facet.heading.lower()} in this index are {known}", name)
            codes.append(code)
        chosen.append((column, codes))
    return chosen


def match(view: View, request: SearchRequest, reading: Reading | None,
          meter: Meter | None = None) -> Matches:
    """Every document matching the request's query, dates and facets (unordered), the
    work counted by `meter` (OverBudget when it runs over)."""
    columns = view.columns
    size = columns.doc_count_all
    chosen = selections(request, view)
    evaluator = view.evaluator(meter)
    if reading is not None:
        mask = evaluator.mask(reading.searched)
        matched = int(np.count_nonzero(mask))
    else:
        mask = evaluator.live_mask()
        matched = -1
    allowed = None
    if request.date_from or request.date_to:
        allowed = columns.in_dates(*day_bounds(request.date_from, request.date_to))
        mask = mask & allowed
    selected = {column.facet.name: column.having(codes, size) for column, codes in chosen}
    counts: dict[str, dict[int, int]] = {}
    if not selected:
        docs = np.flatnonzero(mask)
        for facet in term_facets():
            counts[facet.name] = columns.facets[facet.name].counts(docs, size)
    else:
        final = mask.copy()
        for having in selected.values():
            final &= having
        docs = np.flatnonzero(final)
        for facet in term_facets():
            base = final
            if facet.name in selected:
                base = mask.copy()
                for name, having in selected.items():
                    if name != facet.name:
                        base &= having
            counts[facet.name] = columns.facets[facet.name].counts(
                docs if base is final else np.flatnonzero(base), size)
        for having in selected.values():
            allowed = having if allowed is None else allowed & having
    return Matches(view, reading, docs, counts, evaluator, filtered=len(docs) != matched,
                   allowed=allowed)
