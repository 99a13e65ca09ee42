"""Which documents a request matches, and the facet counts of that set.

`match(view, request, reading)`:

1. the query's documents (`postings.evaluator`, a `DocSet`); no query
   browses every live document;
2. the date bounds, from the day column read at those documents;
3. each facet's selection (`search.facets`): any of its values; several
   facets: all of them. Each facet is counted over the set filtered by every
   *other* facet, so its other values stay visible to add.

Everything is counted from per-document columns (`postings.columns`) cached
once per index version, never one query per bucket, and read at the matched
documents only: a page costs what its matches do, not what the collection
does (no array as long as the collection is made for a selective query).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from search.budget import Meter
from search.engine.handle import View
from search.facets import term_facets
from search.postings.columns import FacetColumn, day_bounds
from search.postings.docsets import DocSet, ids_of, kept
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
    month_counts: dict[int, int]  # YYYYMM -> how many of the matches fall in it
    filtered: bool = True  # whether dates or facets removed any matching document
    dates: tuple[int, int] | None = None  # the inclusive day bounds asked for
    chosen: tuple[tuple[FacetColumn, list[int]], ...] = ()  # the facets' values asked for

    @property
    def allowed(self) -> np.ndarray | None:
        """A mask over every document of the dates and facets asked for (None: no filter).
        Made when asked for: `admit` costs less for a few documents."""
        if self.dates is None and not self.chosen:
            return None
        columns = self.view.columns
        mask = columns.in_dates(*self.dates) if self.dates is not None \
            else np.ones(columns.doc_count_all, bool)
        for column, codes in self.chosen:
            mask &= column.having(codes, columns.doc_count_all)
        return mask

    def admit(self, docs: np.ndarray) -> np.ndarray:
        """Those of `docs` (ascending document numbers) within the dates and facets asked
        for."""
        columns = self.view.columns
        if self.dates is not None and len(docs):
            docs = kept(docs, columns.dated(docs, *self.dates))
        for column, codes in self.chosen:
            if len(docs):
                docs = kept(docs, column.keeps(codes, docs, columns.doc_count_all))
        return docs

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
    found = evaluator.docs(reading.searched) if reading is not None else evaluator.live()
    dates = None
    if request.date_from or request.date_to:
        dates = day_bounds(request.date_from, request.date_to)
    if dates is None:
        dated = found.ids
    elif found.small:  # the days of those documents only
        dated = kept(found.ids, columns.dated(found.ids, *dates))
    else:  # many: one pass over the day column beats reading it at each
        dated = ids_of(found.mask & columns.in_dates(*dates))
    names = [facet.name for facet in term_facets()
             if facet.name not in {column.facet.name for column, _ in chosen}]
    everything = reading is None and dates is None
    # Filters on single-valued facets, and every count, from the dated documents'
    # combinations of values (`Columns.tally_chosen`).
    combined = columns.tally_chosen(dated, chosen, names, everything)
    if combined is not None:
        docs, months, counted = combined
        return _matches(view, reading, evaluator, found, docs, counted, months, dates, chosen)
    # Each facet asked for, as which of the dated documents have its values.
    selected = {column.facet.name: column.keeps(codes, dated, size) for column, codes in chosen}
    docs = dated
    if selected:
        docs = kept(dated, np.logical_and.reduce(list(selected.values())))
    # The facets not filtered, and the months, are counted together over the documents;
    # a filtered facet is counted under every filter but its own.
    # Browsing with no dates, a set counted over every live document is the whole
    # collection's, worked out once per index version (`Columns.tally_all`).
    if everything and not selected:
        months, counted = columns.tally_all(docs, names)
    else:
        months, counted = columns.tally(docs, names)
    for name in selected:
        others = [keep for other, keep in selected.items() if other != name]
        if everything and not others:
            counted[name] = columns.tally_all(dated, [name])[1][name]
            continue
        base = kept(dated, np.logical_and.reduce(others)) if others else dated
        counted[name] = columns.facets[name].counts(base, size)
    return _matches(view, reading, evaluator, found, docs, counted, months, dates, chosen)


def _matches(view: View, reading: Reading | None, evaluator: Evaluator, found: DocSet,
             docs: np.ndarray, counted: dict[str, dict[int, int]], months: dict[int, int],
             dates: tuple[int, int] | None, chosen: list[tuple[FacetColumn, list[int]]]
             ) -> Matches:
    """The matches `docs` of the query's documents `found`, with their counts."""
    counts = {facet.name: counted[facet.name] for facet in term_facets()}
    # (Counted after its numbers are made, where they are: a mask's count is a pass.)
    matched = len(found) if reading is not None else -1
    return Matches(view, reading, docs, counts, evaluator, month_counts=months,
                   filtered=len(docs) != matched, dates=dates, chosen=tuple(chosen))
