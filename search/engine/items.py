"""Single items and whole-index questions: an item by id, items like it, statistics.

Ids are the stable public ids of `corpus` (never Whoosh's document numbers).
"""

from __future__ import annotations

import numpy as np

from search.engine.handle import View
from search.engine.pages import marks_for, make_hit
from search.engine.results import Hit
from search.postings.columns import years_of


def find(view: View, item_id: str) -> Hit | None:
    """The item with this id (no spans), or None."""
    docnum = view.searcher.document_number(id=item_id)
    return None if docnum is None else make_hit(view, docnum, None, marks_for(view, None, False))


def more_like_this(view: View, item_id: str, limit: int = 5) -> list[Hit]:
    """Items whose words are most like this one's (Whoosh's more_like)."""
    searcher = view.searcher
    docnum = searcher.document_number(id=item_id)
    if docnum is None:
        return []
    fields = searcher.stored_fields(docnum)
    text = f"{fields.get('title', '')} {fields.get('summary', '')}"
    results = searcher.more_like(docnum, "summary", text=text, top=limit, numterms=8)
    marks = marks_for(view, None, False)
    return [make_hit(view, hit.docnum, None, marks) for hit in results]


def stats(view: View) -> dict[str, object]:
    """Items, date span, counts per year and per facet value, index size, generation."""
    columns = view.columns
    docs = np.flatnonzero(view.evaluator().live_mask())
    days = columns.days[docs]
    counted = {}
    for name, column in columns.facets.items():
        found = column.counts(docs, columns.doc_count_all)
        # Values by count, ties in order of first appearance (as Counter.most_common).
        seen = {code: code for code in found}
        if column.single is not None:
            codes, at = np.unique(column.single[docs], return_index=True)
            seen = dict(zip(codes.tolist(), at.tolist()))
        order = sorted(found, key=lambda code: (-found[code], seen[code]))
        counted[column.facet.api_key] = {column.names[code]: found[code] for code in order}
    generation = view.generation
    size = sum(p.stat().st_size for p in generation.path.iterdir() if p.is_file())

    def iso(value: int) -> str:
        return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"

    return {"items": len(docs), "first": iso(int(days.min())) if len(days) else None,
            "last": iso(int(days.max())) if len(days) else None,
            "years": {str(y): c for y, c in years_of(columns.month_counts(docs)).items()},
            **counted, "index_bytes": size, "index_path": str(generation.path),
            "generation": generation.to_dict()}

