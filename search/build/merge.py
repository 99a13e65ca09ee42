"""Merge a build's segments into fewer, larger ones: a search pays for each segment.

A build writes segments of at most `parallel.CHUNK_ITEMS` (50,000) items, each in
a worker whose memory the chunk bounds. A search looks each of its terms up in
every segment, and reads a few arrays of each: at 10M items (200 segments) that
was most of a rare word's page (about 25 of its 36 ms). So once the segments
are written, a build of MERGE_FROM segments or more merges runs of consecutive
ones into segments of about MERGED_ITEMS items at most, and MERGED_BYTES of
postings (`merge_segments`).

A merge decodes nothing and analyses nothing again. Per field, the terms are
the union of the segments' terms in byte order, and each segment's postings
(documents, frequencies, weights, positions) are moved as they are to their
place in the merged arrays: one scatter per array, a term's postings from each
segment in turn, so that its documents stay ascending, numbered on by the
documents of the segments before. Field lengths and columns are joined, and the
stored records are copied as compressed (`documents.merge_documents`). The
result is the segment one worker would have written for all those items (the
same postings, lengths and records). The segments' term lists are kept,
renamed as the pieces of the merged segment's (`termlists.piece_path`), for
`termlists.assemble`.

Only segments without deletions are merged (a build's and an update's new
segments). A merge holds its output and the places it moves them to in memory:
about 2 GB for a million synthetic items (710 MB of postings).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from search.build.segment import remove_segment_files
from search.postings import arrays, documents, termlists
from search.postings.segments import SegmentEntry, new_segment_id

MERGE_FROM = 5              # fewer segments are left as written
MERGED_ITEMS = 1_000_000    # items per merged segment, about ...
# ... and bytes of postings: items with long texts (article bodies) make larger postings,
# and a merge holds about three times its postings' bytes in memory.
MERGED_BYTES = 1 << 30


def merges(segments: int) -> bool:
    """Whether a build that wrote `segments` segments merges them."""
    return segments >= MERGE_FROM


def plan_merges(entries: Sequence[SegmentEntry],
                sizes: Sequence[int] | None = None) -> list[list[SegmentEntry]]:
    """Runs of consecutive segments, each to become one: every segment alone when there
    are fewer than MERGE_FROM, else as few runs as keep to about MERGED_ITEMS items and
    MERGED_BYTES bytes of postings (`sizes`: each segment's) each, as even as the
    segments allow. A segment with deletions stays alone."""
    if not merges(len(entries)):
        return [[entry] for entry in entries]
    # Each segment's share of a merged segment: of its items or its bytes, the larger.
    loads = [max(entry.docs / MERGED_ITEMS, (sizes[n] if sizes else 0) / MERGED_BYTES)
             for n, entry in enumerate(entries)]
    runs: list[list[SegmentEntry]] = []
    pending: list[tuple[SegmentEntry, float]] = []
    for entry, load in zip(entries, loads):
        if entry.deletions is None:
            pending.append((entry, load))
            continue
        runs += _even_runs(pending)
        runs.append([entry])
        pending = []
    return runs + _even_runs(pending)


def _even_runs(entries: list[tuple[SegmentEntry, float]]) -> list[list[SegmentEntry]]:
    total = sum(load for _, load in entries)
    if not total:
        return [[entry] for entry, _ in entries]
    count = max(math.ceil(total - 1e-9), 1)
    runs: list[list[SegmentEntry]] = [[] for _ in range(count)]
    start = 0.0
    for entry, load in entries:  # each in the run its middle falls in
        runs[min(int((start + load / 2) * count / total), count - 1)].append(entry)
        start += load
    return [run for run in runs if run]


def merge_segments(folder: Path, entries: Sequence[SegmentEntry],
                   progress: Callable[[int], None] | None = None) -> list[SegmentEntry]:
    """Merge the segments of `folder` named by `entries` (written by a build, in document
    order) as `plan_merges` says; the entries of the segments now, in the same order.
    `progress(items)` is called as each run is merged, with its number of items."""
    sizes = [arrays.arrays_path(folder, entry.id).stat().st_size for entry in entries]
    merged = []
    for run in plan_merges(entries, sizes):
        merged.append(run[0] if len(run) == 1 else merge_run(folder, run))
        if progress is not None:
            progress(sum(entry.docs for entry in run))
    return merged


def merge_run(folder: Path, run: Sequence[SegmentEntry]) -> SegmentEntry:
    """Write the segments of `run` as one new segment; remove theirs; its entry."""
    postings = [found for entry in run
                if (found := arrays.load(arrays.arrays_path(folder, entry.id))) is not None]
    stored = [held for entry in run
              if (held := documents.load(documents.documents_path(folder, entry.id)))
              is not None]
    if len(postings) < len(run) or len(stored) < len(run):
        raise RuntimeError("a segment to merge cannot be read")
    merged = new_segment_id()
    docs = sum(entry.docs for entry in run)
    arrays.write_arrays(arrays.arrays_path(folder, merged), docs, merged_postings(postings))
    documents.merge_documents(documents.documents_path(folder, merged), stored)
    del postings, stored
    arrays.forget(folder)
    documents.forget(folder)
    lists = [termlists.segment_path(folder, entry.id) for entry in run]
    # The pieces must be every part's, in order; without one, the merged segment's term
    # lists are made again from its stored fields when assembled.
    whole = all(path.exists() for path in lists)
    for number, (entry, path) in enumerate(zip(run, lists)):
        if whole:
            path.rename(termlists.piece_path(folder, merged, number))
        else:
            path.unlink(missing_ok=True)
        remove_segment_files(folder, entry.id)
    return SegmentEntry(merged, docs)


def merged_postings(parts: Sequence[arrays.SegmentArrays]) -> dict[str, arrays.FieldPostings]:
    """The postings of segments `parts` (in document order) as one segment's, per field."""
    bases = np.cumsum([0, *(part.docs for part in parts)])
    names = sorted(set().union(*(part.fields for part in parts)))
    return {name: _merged_field([(part.fields.get(name), int(base), part.docs)
                                 for part, base in zip(parts, bases)])
            for name in names}


def _merged_field(parts: list[tuple[arrays.FieldArrays | None, int, int]]
                  ) -> arrays.FieldPostings:
    """One field's postings over all parts (its arrays in each, or None: no postings
    there; where its documents start; how many)."""
    held = [(found, base) for found, base, _ in parts if found is not None]
    lexicons = [list(found.terms()) for found, _ in held]
    terms = sorted(set().union(*lexicons))
    number = {term: n for n, term in enumerate(terms)}
    ranks = [np.fromiter(map(number.__getitem__, lexicon), np.int64, len(lexicon))
             for lexicon in lexicons]
    positional = all(found.positions is not None for found, _ in held)
    weighted = any(found.weights is not found.counts for found, _ in held)
    scored = any(found.lengths is not None for found, _ in held)
    # Per part, each term's postings and positions; the merged starts from their sums.
    sizes = [np.diff(np.asarray(found.starts, np.int64)) for found, _ in held]
    starts = _starts(len(terms), ranks, sizes)
    ids = np.empty(int(starts[-1]), np.uint32)
    counts = np.empty(len(ids), np.uint32)
    weights = np.empty(len(ids), np.float32) if weighted else None
    filled = starts[:-1].copy()
    for (found, base), rank, size in zip(held, ranks, sizes):
        place = arrays.run_positions(filled[rank], size)
        filled[rank] += size
        ids[place] = found.ids
        ids[place] += base
        counts[place] = found.counts
        if weights is not None:
            weights[place] = found.weights
    positions = None
    if positional:
        psizes = [np.diff(np.asarray(found.pstarts, np.int64)) for found, _ in held]
        pstarts = _starts(len(terms), ranks, psizes)
        positions = np.empty(int(pstarts[-1]), np.uint32)
        filled = pstarts[:-1].copy()
        for (found, _), rank, size in zip(held, ranks, psizes):
            place = arrays.run_positions(filled[rank], size)
            filled[rank] += size
            positions[place] = np.asarray(found.positions)
    lengths = None
    if scored:
        lengths = np.concatenate([
            found.lengths if found is not None and found.lengths is not None
            else np.zeros(docs, np.uint8) for found, _, docs in parts])
    return arrays.FieldPostings(
        terms=terms, starts=starts, ids=ids, counts=counts, positions=positions,
        weights=weights, lengths=lengths,
        total=sum(found.total for found, _ in held))


def _starts(count: int, ranks: list[np.ndarray], sizes: list[np.ndarray]) -> np.ndarray:
    """Where each of `count` merged terms starts, given each part's terms (their merged
    numbers) and how many entries each has there; one more entry: the end."""
    totals = np.zeros(count, np.int64)
    for rank, size in zip(ranks, sizes):
        totals[rank] += size  # (a part's terms are distinct)
    starts = np.zeros(count + 1, np.int64)
    np.cumsum(totals, out=starts[1:])
    return starts
