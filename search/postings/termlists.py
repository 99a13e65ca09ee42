"""Per-item term lists: which words and two-word phrases each item holds, as arrays.

Posting lists answer "which items hold this word"; top terms and co-occurrence
ask the reverse, "which words do these items hold", for every item of a result
set at once. Reading the stored text of 50,000 items to find out takes
seconds; counting term ids from a forward index takes milliseconds. So the
build writes one:

- **per segment** (`<segment id>.nsf`), from the articles themselves, in the
  build's worker processes (`postings.segmentlists`): the segment's lexicon
  (index terms, with the form most often written for each), its two-word
  lexicon (pairs of word ids, with the pair of forms most often written), and
  for each document the sorted ids of the words and of the pairs it holds,
  once each;
- **per generation** (`termlists.nsl`), assembled once all segments are
  written (`assemble`): the segments' lexicons merged into one (sorted, so a
  term is found by binary search), every id made global, the documents in the
  index's document order, the number of live items holding each word and each
  pair, and only the pairs that at least two live items hold (a phrase in one
  item is no pattern). Searching maps this one file: nothing is copied into
  the heap, and server processes share it. It is the one copy kept: the
  segments' files are removed once it is written, and an `--update` lists the
  segments it keeps again from their stored fields (what the index stores of
  each item is what it searches) before assembling the new generation's.

A word here is the index term (`search.text.analysis`: "Cooperatives",
"co-operators" and "cooperative" are one word, shown as most items write it),
so the counts shown for a word are the items a search for it finds. Function
words (`search/data/stopwords.txt`), numbers and one-letter words are left
out; a pair is two words standing next to each other with only spaces between
(no comma, full stop or left-out word). The fields are those the index
searches: title and summary, and the full text when the schema has a `body`.

"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from search.cache import LRUCache
from search.postings import mapped as mapfile
from search.postings.arrays import run_positions
from search.postings.reader import SegmentFiles, leaf_files, open_index
from search.postings.segmentlists import (
    MAGIC,
    SegmentLists,
    encoded_array,
    offsets_of,
    packed_strings,
    stopwords,
)

__all__ = ["GENERATION_FILE", "SegmentLists", "TermLists", "assemble", "load",
           "segment_path", "stopwords"]

SEGMENT_SUFFIX = ".nsf"
GENERATION_FILE = "termlists.nsl"
MIN_PAIR_ITEMS = 2
# The place of each segment's pairs in the generation's lexicon is found once and kept
# while the segments have at most this many pairs between them (a few million items: a
# hundred MB of int64), else found again in each pass that needs it (at 10M items every
# segment's at once would be gigabytes).
KEPT_PLACES = 1 << 24


def segment_path(folder: Path, segment_id: str) -> Path:
    """Where the term lists of a segment are written until the generation's are assembled."""
    return folder / f"{segment_id}{SEGMENT_SUFFIX}"


def write_from_stored(reader: SegmentFiles, path: Path) -> None:
    """The term lists of a segment from its stored fields (what the index stores of
    each item is what it searches)."""
    lists = SegmentLists(reader.schema)
    for docnum in range(reader.doc_count_all()):
        fields = reader.stored_fields(docnum) or {}
        lists.add_texts([(name, str(fields.get(name) or "")) for name in lists.fields])
    lists.write(path)


# -- writing: the generation ------------------------------------------------------------------

def piece_path(folder: Path, segment_id: str, number: int) -> Path:
    """Where piece `number` of a merged segment's term lists waits to be assembled: the
    term lists of the segments it was merged from, in their order (`build.merge`)."""
    return folder / f"{segment_id}.{number:04d}{SEGMENT_SUFFIX}"


def assemble(folder: Path) -> Path:
    """Write the generation's term lists (`termlists.nsl`) from its segments' (writing
    those a segment lacks from its stored fields: the segments an update kept), then
    remove the segments' own: the generation's file is the one copy kept. Return its
    path."""
    index = open_index(folder)
    parts = []
    made = []
    segments = []
    for leaf, _ in leaf_files(index.reader()):
        paths = _lists_of(folder, leaf.files.id)
        if not paths:
            paths = [segment_path(folder, leaf.files.id)]
            write_from_stored(leaf, paths[0])
        live, at = leaf.live(), 0
        for path in paths:
            mapped = _map(path)
            if mapped is None:
                raise RuntimeError(f"the term lists of {path.name} cannot be read")
            docs = int(mapped.header["docs"])
            parts.append((mapped, live[at:at + docs]))
            at += docs
            made.append(path)
        if at != leaf.doc_count_all():
            raise RuntimeError(f"the term lists of segment {leaf.files.id} hold {at:,} "
                               f"items, the segment {leaf.doc_count_all():,}")
        segments.append((leaf.files.id, leaf.doc_count_all()))
    out = folder / GENERATION_FILE
    _write(out, *_merged(parts, segments))
    del parts
    for path in made:
        path.unlink()
    return out


def _lists_of(folder: Path, segment_id: str) -> list[Path]:
    """The term lists written for a segment: its own file, or the pieces of a merged
    segment in order; none when neither is there (or its own cannot be read)."""
    own = segment_path(folder, segment_id)
    if _map(own) is not None:
        return [own]
    return sorted(folder.glob(f"{segment_id}.[0-9][0-9][0-9][0-9]{SEGMENT_SUFFIX}"))


def _merged(parts: list[tuple[_Mapped, np.ndarray]], segments: list[tuple[str, int]]
            ) -> tuple[dict, dict[str, np.ndarray | list[np.ndarray]]]:
    """One lexicon, global ids, live counts, and the pairs two items hold at least, from
    the term lists of each segment (or piece of one) and its live documents; `segments`:
    the index's segments (id, documents), which the file names as those it was made for."""
    # The terms and their displays as their UTF-8 bytes, as they are stored (and bytes
    # sort as UTF-8 does): nothing decoded to be encoded again.
    segment_terms = [_Strings(mapped.array("terms")).encoded() for mapped, _ in parts]
    # Global ids in the terms' order, so that a term is found by binary search.
    ordered = sorted(set().union(*segment_terms))
    ids = {term: number for number, term in enumerate(ordered)}
    displays = list(ordered)
    best = [0] * len(ordered)  # occurrences in the segment whose display is kept
    # Segment by segment, so that no array holds every pair occurrence of the corpus in
    # int64 at once (at 10M items a billion of them): the segments' pair lexicons make
    # the global one, and each segment's occurrences are mapped into it on their own.
    word_parts, word_lengths, pair_lengths, live_parts = [], [], [], []
    lexicons = []  # per segment: the global key of each of its pairs
    word_df = np.zeros(len(displays), np.int64)
    for (mapped, live), terms in zip(parts, segment_terms):
        shown = _Strings(mapped.array("displays")).encoded()
        counts = mapped.array("occurrences").tolist()
        numbers = [ids[term] for term in terms]
        remap = np.zeros(max(len(terms), 1), np.int64)
        remap[:len(numbers)] = numbers
        for local, found in enumerate(numbers):
            if counts[local] > best[found]:
                displays[found], best[found] = shown[local], counts[local]
        words = remap[mapped.array("word_ids")]
        lengths = np.diff(mapped.array("word_offsets"))
        word_df += np.bincount(_of_live(words, live, lengths), minlength=len(displays))
        word_parts.append(words.astype(np.int32))
        word_lengths.append(lengths)
        pairs = mapped.array("pairs").reshape(-1, 2)
        lexicons.append(remap[pairs[:, 0]] << 31 | remap[pairs[:, 1]])
        pair_lengths.append(np.diff(mapped.array("pair_offsets")))
        live_parts.append(live)
    unique = _union(lexicons)
    kept_places = ([np.searchsorted(unique, keys) for keys in lexicons]
                   if sum(map(len, lexicons)) <= KEPT_PLACES else None)

    def places(part: int) -> np.ndarray:
        """The global number of each of part `part`'s pairs."""
        if kept_places is not None:
            return kept_places[part]
        return np.searchsorted(unique, lexicons[part])
    pair_counts = np.zeros(len(unique), np.int64)
    for number, ((mapped, live), lengths) in enumerate(zip(parts, pair_lengths)):
        held = _of_live(places(number)[mapped.array("pair_ids")], live, lengths)
        pair_counts += np.bincount(held, minlength=len(unique))
    kept = pair_counts >= MIN_PAIR_ITEMS
    new_id = np.full(len(unique), -1, np.int64)
    new_id[kept] = np.arange(int(kept.sum()))
    pair_parts, kept_lengths = [], []
    for number, (mapped, _) in enumerate(parts):
        occurrence = new_id[places(number)][mapped.array("pair_ids")]
        keep = occurrence >= 0
        pair_parts.append(occurrence[keep].astype(np.int32))
        # Each document's pairs kept: the kept ones counted up to each document's end.
        upto = np.zeros(len(keep) + 1, np.int64)
        np.cumsum(keep, out=upto[1:])
        kept_lengths.append(np.diff(upto[mapped.array("pair_offsets")]))
    live = _joined(live_parts, bool)
    word_len = _joined(word_lengths)
    pair_len = _joined(kept_lengths)
    header = {"docs": len(live), "segments": segments,
              "live": int(live.sum())}
    forms, pair_forms = _pair_forms(parts, places, unique, kept)
    return header, {
        "terms": encoded_array(ordered),
        "displays": encoded_array(displays),
        "word_df": word_df.astype(np.int32),
        "pair_words": np.stack([unique[kept] >> 31, unique[kept] & ((1 << 31) - 1)], axis=1)
                        .astype(np.int32).reshape(-1),
        "forms": forms,
        "pair_forms": pair_forms.astype(np.int32).reshape(-1),
        "pair_df": pair_counts[kept].astype(np.int32),
        "word_offsets": offsets_of(word_len),
        # The two largest arrays (at 10M items, billions of ids) stay in their segments'
        # pieces, written one after another: never joined in memory.
        "word_ids": word_parts or [np.zeros(0, np.int32)],
        "pair_offsets": offsets_of(pair_len),
        "pair_ids": pair_parts or [np.zeros(0, np.int32)],
    }


def _union(keys: list[np.ndarray]) -> np.ndarray:
    """The distinct keys of all parts, sorted. Each segment's pair lexicon is sorted (its
    words are numbered in byte order, as the global ids are), so the parts are sorted
    runs that a stable sort (timsort) merges in linear time instead of sorting their
    concatenation (a part that is not sorted, from another writer, is sorted first)."""
    runs = [part if len(part) < 2 or bool((part[1:] > part[:-1]).all()) else np.unique(part)
            for part in keys]
    joined = _joined(runs)
    joined.sort(kind="stable")  # in place: at 10M items the keys are gigabytes
    if len(joined):
        joined = joined[np.r_[True, joined[1:] != joined[:-1]]]
    return joined


def _of_live(values: np.ndarray, live: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The values of the live documents, of `values` that hold `lengths[d]` for each
    document d in turn."""
    return values if live.all() else values[np.repeat(live, lengths)]


def _joined(parts: list[np.ndarray], kind: type = np.int64) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, kind)


def _pair_forms(parts: list[tuple[_Mapped, np.ndarray]],
                place_of: Callable[[int], np.ndarray], unique: np.ndarray, kept: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Each kept pair's two forms as written most often in the segment that writes it
    most: every segment's forms end to end (a strings array), and the (first, second)
    place in them of each kept pair's (the text is made when a pair is shown: `TermLists.pair_display`).
    `place_of(n)`: the global number of each of part n's pairs."""
    most = np.zeros(len(unique), np.int64)
    source = np.zeros((len(unique), 2), np.int64)
    for number, (mapped, _) in enumerate(parts):
        at = place_of(number)
        times = mapped.array("pair_occurrences")
        better = times > most[at]
        most[at[better]] = times[better]
        source[at[better], 0] = number
        source[at[better], 1] = np.flatnonzero(better)
    chosen = source[kept]
    places = np.zeros((len(chosen), 2), np.int64)
    before = 0  # forms of the segments before
    for segment, (mapped, _) in enumerate(parts):
        rows = np.flatnonzero(chosen[:, 0] == segment)
        places[rows] = mapped.array("pair_forms").reshape(-1, 2)[chosen[rows, 1]] + before
        before += len(_Strings(mapped.array("forms")))
    return _joined_strings([mapped.array("forms") for mapped, _ in parts]), places


def _joined_strings(arrays: list[np.ndarray]) -> np.ndarray:
    """Strings arrays end to end as one: `strings_array` of all their strings, in order,
    made from their offsets and bytes without a string between."""
    offsets, blobs, at = [], [], 0
    for values in arrays:
        strings = _Strings(values)
        own = np.asarray(strings.offsets, np.int64)
        if not len(strings):
            continue
        offsets.append(own[:-1] - own[0] + at)
        blobs.append(strings.blob[int(own[0]):int(own[-1])].tobytes())
        at += int(own[-1] - own[0])
    return packed_strings(np.concatenate([*offsets, [at]]), b"".join(blobs))


def _pair_text(first: str, second: str) -> str:
    """Two words as a phrase: a capital the second word has from its use in names
    ("International Labour Office") is dropped after a word in lower case ("forced
    labour"); acronyms and names of two capitalised words keep theirs."""
    if first.islower() and second[:1].isupper() and not second.isupper():
        second = second.lower()
    return f"{first} {second}"


def _write(path: Path, header: dict, arrays: dict[str, np.ndarray | list[np.ndarray]]) -> None:
    mapfile.write(path, MAGIC, header, arrays.items())


class _Strings(Sequence[str]):
    """The strings of a `_strings` array, decoded one at a time as they are asked for."""

    def __init__(self, values: np.ndarray) -> None:
        count = int(values[0]) if len(values) else 0
        self._count = count
        self._offsets = values[1:count + 2]
        self._blob = values[count + 2:].view(np.uint8)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if not -self._count <= index < self._count:
            raise IndexError(index)
        index %= self._count
        start, end = int(self._offsets[index]), int(self._offsets[index + 1])
        return self._blob[start:end].tobytes().decode("utf-8")

    @property
    def offsets(self) -> np.ndarray:
        """Where each string starts in `blob`, and the last one ends."""
        return self._offsets

    @property
    def blob(self) -> np.ndarray:
        """The strings' UTF-8 bytes, end to end (then padding)."""
        return self._blob

    def encoded(self) -> list[bytes]:
        """Every string's UTF-8 bytes, at once."""
        offsets = self._offsets.tolist()
        data = self._blob[:offsets[-1]].tobytes() if offsets else b""
        return [data[start:end] for start, end in pairwise(offsets)]

    def find(self, text: str) -> int | None:
        """The position of `text` in strings sorted by their UTF-8 bytes, or None."""
        wanted = text.encode("utf-8")
        low, high = 0, self._count
        while low < high:
            middle = (low + high) // 2
            start, end = int(self._offsets[middle]), int(self._offsets[middle + 1])
            if self._blob[start:end].tobytes() < wanted:
                low = middle + 1
            else:
                high = middle
        if low < self._count and self[low] == text:
            return low
        return None


_Mapped = mapfile.Mapped


def _map(path: Path) -> _Mapped | None:
    return mapfile.read(path, MAGIC)


# -- reading: a generation's lists ------------------------------------------------------------

@dataclass(frozen=True)
class TermLists:
    """A generation's term lists, mapped: ids are positions in `displays` (words) and in
    `pair_df` (pairs); documents are the index's document numbers."""

    terms: _Strings          # the index terms, sorted: a word's id is its position
    displays: _Strings       # each word as items most often write it
    forms: _Strings          # the words as written (of every segment)
    pair_forms: np.ndarray   # (pairs, 2): each pair's two words as items most often write them
    word_df: np.ndarray      # live items holding each word
    pair_words: np.ndarray   # (pairs, 2): the two word ids of each pair
    pair_df: np.ndarray
    word_offsets: np.ndarray
    word_ids: np.ndarray
    pair_offsets: np.ndarray
    pair_ids: np.ndarray
    live: int                # live items
    segments: tuple[tuple[str, int], ...]

    def word_id(self, term: str) -> int | None:
        """The id of an index term ("cooperative"), or None if no item holds it."""
        return self.terms.find(term)

    def pair_display(self, pair: int) -> str:
        """A pair as items most often write it."""
        first, second = self.pair_forms[pair].tolist()
        return _pair_text(self.forms[first], self.forms[second])

    def words_of(self, docs: np.ndarray) -> np.ndarray:
        """The word ids of every document in `docs`, each document's once (concatenated)."""
        return self.word_ids[_gather(self.word_offsets, docs)]

    def pairs_of(self, docs: np.ndarray) -> np.ndarray:
        return self.pair_ids[_gather(self.pair_offsets, docs)]

    def word_counts(self, docs: np.ndarray) -> np.ndarray:
        """How many of `docs` hold each word (an array over every word id)."""
        return np.bincount(self.words_of(docs), minlength=len(self.displays))

    def pair_counts(self, docs: np.ndarray) -> np.ndarray:
        return np.bincount(self.pairs_of(docs), minlength=len(self.pair_df))


def _gather(offsets: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """The positions of the runs offsets[d]:offsets[d + 1] of each d in `docs`, end to end."""
    docs = np.asarray(docs, np.int64)
    starts = offsets[docs]
    return run_positions(starts, offsets[docs + 1] - starts)


_open: LRUCache[TermLists | None] = LRUCache(4)


def load(folder: Path, segments: Sequence[tuple[str, int]]) -> TermLists | None:
    """The term lists of the generation in `folder`, when they describe exactly these
    segments ((segment id, documents), in the index's order); None otherwise (an index
    built before term lists existed, or damaged)."""
    path = folder / GENERATION_FILE
    try:
        stat = path.stat()
    except OSError:
        return None
    found = _open.get_or_make((str(path), stat.st_ino, stat.st_mtime_ns),
                              lambda: _read(path))
    if found is None or found.segments != tuple(tuple(s) for s in segments):
        return None
    return found


def _read(path: Path) -> TermLists | None:
    mapped = _map(path)
    if mapped is None:
        return None
    views, header = mapped.views, mapped.header
    return TermLists(terms=_Strings(views["terms"]), displays=_Strings(views["displays"]),
                     forms=_Strings(views["forms"]),
                     pair_forms=views["pair_forms"].reshape(-1, 2),
                     word_df=views["word_df"],
                     pair_words=views["pair_words"].reshape(-1, 2), pair_df=views["pair_df"],
                     word_offsets=views["word_offsets"], word_ids=views["word_ids"],
                     pair_offsets=views["pair_offsets"], pair_ids=views["pair_ids"],
                     live=int(header["live"]),
                     segments=tuple((str(n), int(d)) for n, d in header["segments"]))
