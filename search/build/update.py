"""An update: items added or replaced by id, in a new generation made from the live one.

`update_index(base, building, articles, ...)` hard-links the files of the live
generation `base` into the empty directory `building` (a segment's files are
written once and never changed, so the two generations share them), then:

1. every older document with the id of an item being added is deleted: its
   segment gets a new deletions file (`postings.segments.write_deletions`),
   the linked files stay as they are;
2. the new items are written as new segments by the same builder as a full
   build (`build.parallel.write_segments`), after the live documents of the
   segments worth rewriting: those of fewer than `SEGMENT_MIN_ITEMS` items
   (so repeated small updates do not pile up segments) and those with more
   deleted documents than live ones (so deleted postings do not pile up);
   their items are read back from the stored fields;
3. the new table of contents names the segments kept and the new ones.

Statistics (document frequencies, field lengths) count the deleted documents
of a segment until it is rewritten, as Whoosh's do.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from corpus import Article
from search.build.parallel import SEGMENT_MIN_ITEMS, ToDocument, write_segments
from search.postings import arrays, documents, termlists
from search.postings.reader import Segment, open_index
from search.postings.segments import (
    Contents,
    SegmentEntry,
    read_deletions,
    write_contents,
    write_deletions,
)
from search.text.schema import from_stored

Progress = Callable[[int, int], None]
SKIP = ("meta.json", "LOCK", ".tmp")


def update_index(base: Path, building: Path, articles: Iterable[Article],
                 to_document: ToDocument, progress: Progress | None = None) -> int:
    """Write into `building` the generation `base` with `articles` added or replacing the
    items of the same ids; return the number of live items."""
    articles = list(articles)  # read twice: the ids replaced, then the items written
    _link_files(base, building)
    index = open_index(building)
    replaced = {article.id for article in articles}
    kept: list[SegmentEntry] = []
    rewritten: list[Article] = []
    for entry, segment in zip(index.contents.segments, index.segments):
        deleted = _deleted(segment, replaced)
        live = segment.docs - int(deleted.sum())
        if not live:
            continue
        if live < SEGMENT_MIN_ITEMS or live * 2 < segment.docs:
            rewritten.extend(from_stored(segment.documents.stored(docnum))
                             for docnum in np.flatnonzero(~deleted).tolist())
            continue
        if segment.deleted is None and not deleted.any() or segment.deleted is not None and np.array_equal(deleted, segment.deleted):
            kept.append(entry)
        else:
            kept.append(SegmentEntry(entry.id, entry.docs,
                                     write_deletions(building, entry.id, deleted)))
    items = [*rewritten, *articles]
    added = write_segments(building, items, to_document, progress) if items else []
    contents = Contents(index.schema, (*kept, *added), index.contents.generation + 1)
    write_contents(building, contents)
    _remove_unnamed(building, contents)
    return sum(entry.docs for entry in added) + sum(
        entry.docs - _deleted_count(building, entry) for entry in kept)


def _deleted(segment: Segment, replaced: set[str]) -> np.ndarray:
    """The segment's deletions, with every document whose id is in `replaced` added."""
    deleted = segment.deleted.copy() if segment.deleted is not None \
        else np.zeros(segment.docs, bool)
    ids = segment.arrays.fields.get("id")
    if ids is None:
        return deleted
    for item_id in replaced:
        found = ids.entry(item_id.encode("utf-8"))
        if found is not None:
            first, count, _ = found
            deleted[ids.ids[first:first + count]] = True
    return deleted


def _deleted_count(folder: Path, entry: SegmentEntry) -> int:
    if entry.deletions is None:
        return 0
    return int(read_deletions(folder, entry.deletions, entry.docs).sum())


def _link_files(source: Path, target: Path) -> None:
    """Hard-link the files of generation `source` into `target` (copy where links are
    not possible): no file of a published generation is ever written again."""
    for path in source.iterdir():
        if not path.is_file() or path.name.endswith(SKIP):
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


def _remove_unnamed(folder: Path, contents: Contents) -> None:
    """Remove the linked files of the segments (and deletions) the new contents do not
    name, and the generation's term lists (assembled again)."""
    wanted = set()
    for entry in contents.segments:
        wanted |= {arrays.arrays_path(folder, entry.id).name,
                   documents.documents_path(folder, entry.id).name}
        if entry.deletions:
            wanted.add(entry.deletions)
    for path in folder.iterdir():
        if path.suffix in (arrays.SUFFIX, documents.SUFFIX, ".del") \
                and path.name not in wanted:
            path.unlink()
    (folder / termlists.GENERATION_FILE).unlink(missing_ok=True)
