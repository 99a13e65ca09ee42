"""Collections: items a researcher gathered, named by their ids in a URL, and searched within.

A collection is nothing but a list of stable item ids (`corpus` ids survive
rebuilds), in the order they were gathered: no account, no server state. Here
it is looked up in the live index: the items found, in that order, and the
ids no item has (removed from the index, or mistyped), named so the page can
say so. `MAX_IDS` bounds it (a URL of a thousand ids is about 60 KB).

A search restricted to a collection is the request's search (words, dates,
facets) with only the collection's items kept, in the collection's order
unless the request asks for one, with the matched words marked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.engine import ranking
from search.engine.core import Engine
from search.engine.pages import make_hit, marks_for
from search.engine.results import Hit
from search.query.request import InputError, SearchRequest

MAX_IDS = 1_000
MAX_ID_CHARS = 200


@dataclass(frozen=True, slots=True)
class Collection:
    """The items of a collection found in the index, and the ids that were not."""

    ids: tuple[str, ...]        # as asked, each once, in order
    hits: list[Hit]             # the items found (all of them, or those matching the query)
    missing: tuple[str, ...]    # ids no item in the index has
    found: int                  # items of the collection in the index
    searched: bool              # whether a query or filters restricted the items shown

    def to_dict(self) -> dict[str, object]:
        return {"ids": list(self.ids), "found": self.found, "missing": list(self.missing),
                "searched": self.searched, "total": len(self.hits),
                "items": [hit.to_dict() for hit in self.hits]}


def clean_ids(values: list[str]) -> tuple[str, ...]:
    """The ids as given, stripped, each once, in order; InputError past MAX_IDS."""
    ids = tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    if len(ids) > MAX_IDS:
        raise InputError(f"a collection holds at most {MAX_IDS:,} items; this one names "
                         f"{len(ids):,}: split it into several collections", "id")
    return ids


def collection(engine: Engine, ids: tuple[str, ...],
               request: SearchRequest | None = None) -> Collection:
    """The items with these ids, in their order (or those of them matching `request`, in
    the collection's order, or the request's when it names a sort)."""
    matches = engine.match(request or SearchRequest())
    view = matches.view
    searcher = view.searcher
    docnums: list[int] = []
    missing: list[str] = []
    for item_id in ids:
        docnum = searcher.document_number(id=item_id) if len(item_id) <= MAX_ID_CHARS \
            else None
        if docnum is None:
            missing.append(item_id)
        else:
            docnums.append(docnum)
    searched = request is not None and bool(request.query or request.date_from
                                            or request.date_to or request.filters)
    kept = docnums
    if searched:
        inside = np.zeros(view.columns.doc_count_all, bool)
        inside[matches.array] = True
        kept = [d for d in docnums if inside[d]]
        if request is not None and request.sort:
            wanted = set(kept)
            kept = [d for d in ranking.first(matches, request, matches.total) if d in wanted]
    marks = marks_for(view, matches.parsed, bool(request and request.exact))
    hits = [make_hit(view, docnum, None, marks) for docnum in kept]
    return Collection(ids=ids, hits=hits, missing=tuple(missing), found=len(docnums),
                      searched=searched)
