"""Every use of Whoosh's private parts, in one module: the one door to Whoosh's internals.

The rest of news-search uses Whoosh's public API (analyzers, the query parser,
`Query` objects and `expanded_terms`, the `IndexReader` interface that
`postings.reader` implements over the index's own files, `Searcher`,
`ListMatcher`). The index files are news-search's own, so nothing here reads or
writes Whoosh's. What is left is one value the public API does not expose,
against the internals of the versions named in `TESTED_VERSIONS`; an import of
any other version fails at once with a message, instead of misscoring later.
Upgrading Whoosh means reading this file, and `text.wordwise` (which reads the
analyzers' tables from their attributes).

Internals relied on (whoosh-reloaded 2.7.5 = Whoosh 2.7.4's code):
`BM25F._field_B` (the per-field B parameter); and that a `Query` object takes an
attribute of ours (`expansion`: a prefix's or a wildcard's words, kept on its node).
"""

from __future__ import annotations

from typing import Any

import whoosh

# Whoosh 2.7.4 and whoosh-reloaded 2.7.5 (2.7.4's code, fixed for Python 3.11-3.13).
TESTED_VERSIONS = ((2, 7, 4), (2, 7, 5))
if tuple(whoosh.__version__[:3]) not in TESTED_VERSIONS:
    raise ImportError(
        f"news-search reads Whoosh's internals as Whoosh {' and '.join('.'.join(map(str, v)) for v in TESTED_VERSIONS)} "
        f"lay them out, but Whoosh {'.'.join(map(str, whoosh.__version__))} is installed: "
        "install whoosh-reloaded>=2.7.5,<2.8 (pip install 'whoosh-reloaded>=2.7.5,<2.8'), "
        "or check search/_whoosh.py against the new version and add it to TESTED_VERSIONS")


def expansion(node: Any, reader: Any, most: int | None = None) -> list[tuple[str, bytes]] | None:
    """`node.expanded_terms(reader)` (a prefix's or a wildcard's words) as a list, kept on
    the node for the index version, field and text it was worked out for: a page asks for
    them three or four times (checked against the limits, matched, scored, highlighted),
    and at 10M items `fin*` took 1.5 ms each, over the ten segments' term lists. With
    `most`: None once there are more than `most` (not kept: they are read no further)."""
    key = (reader.generation(), node.fieldname, node.text)
    kept = node.__dict__.get("_news_expansion")
    if kept is not None and kept[0] == key:
        return kept[1]
    found = []
    for term in node.expanded_terms(reader):
        found.append(term)
        if most is not None and len(found) > most:
            return None
    node.__dict__["_news_expansion"] = (key, found)
    return found


def bm25_field_b(weighting: Any, field: str) -> float:
    """The B parameter BM25F uses for `field` (a per-field value, else the default)."""
    return float(weighting._field_B.get(field, weighting.B))
