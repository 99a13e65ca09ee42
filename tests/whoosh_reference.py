"""A reference index written by Whoosh's own writer, for the equivalence tests.

The index keeps no Whoosh files, so the tests that compare it with Whoosh build
Whoosh's own index of the same documents (same schema, `schema.to_document`), in
the same segments: each batch is committed as one segment (`merge=False`), a
batch marked as an update replaces the documents of the same id in the earlier
ones (`update_document`), leaving them deleted as our update does. Document
numbers then agree with ours, and Whoosh's plain search over it is the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from whoosh import index as whoosh_index

from corpus import Article
from search.text.schema import build_schema, to_document


def whoosh_reference(path: Path, batches: Sequence[tuple[Sequence[Article], bool]]):
    """Whoosh's index of `batches` ((articles, is an update), one segment each) at `path`;
    returns the opened `whoosh.index.Index`."""
    path.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(path), build_schema())
    for articles, update in batches:
        writer = ix.writer()
        add = writer.update_document if update else writer.add_document
        for article in articles:
            add(**to_document(article))
        writer.commit(merge=False)
    return ix
