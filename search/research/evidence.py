"""Why an item is about its countries: the words that named each, stored at index time.

The `country` facet holds an item's countries; beside them the build stores,
per country, the words of the item's text that were read as it
(`facets.place_evidence`: "Kenya", "Nairobi", "Kenyan"). Reading them back
costs a stored-field lookup, where finding them again would load the
gazetteer (about a second and 90 MB) into every server process.
"""

from __future__ import annotations

from search.engine.core import Engine


def place_evidence(engine: Engine, item_id: str) -> dict[str, list[str]]:
    """Country code -> the words that named it in the item ({} for an unknown item, or an
    item indexed before evidence was stored)."""
    searcher = engine.handle.view().searcher
    docnum = searcher.document_number(id=item_id)
    if docnum is None:
        return {}
    stored = searcher.stored_fields(docnum).get("places") or {}
    return {str(code): [str(word) for word in words] for code, words in stored.items()} \
        if isinstance(stored, dict) else {}
