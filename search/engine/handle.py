"""The index as the engine sees it: the live generation, a searcher per thread, columns.

One `IndexHandle` per index directory, shared by all threads. `view()` gives
the calling thread a `View` of the live index version: the opened generation
(its files, `postings.reader`, with its query parsers), the thread's own Whoosh
searcher over them, and the columns of that version (`postings.columns`, read
once per version and shared). A rebuild and an `--update` alike publish a new
generation and move CURRENT to it: that changes the stamp, and the next
`view()` opens it, so changes show up without a restart. A generation's files
never change once published.
"""

from __future__ import annotations

import os
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

from whoosh.qparser import MultifieldParser
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from search.budget import Meter
from search.build.store import CURRENT, META, Generation, IndexOutdated, current_generation
from search.postings.columns import Columns, load_columns
from search.postings.evaluator import Evaluator
from search.postings.reader import Index, open_index
from search.postings.segments import NotAnIndex
from search.query.parsing import make_parser

VERSIONS_KEPT = 2  # the columns of the two newest index versions


@dataclass(frozen=True, slots=True)
class Opened:
    """One opened generation: its index and what is derived from its schema."""

    generation: Generation
    index: Index
    parser: MultifieldParser
    exact_parser: MultifieldParser
    stamp: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class View:
    """One thread's view of one index version: use it in that thread, right away."""

    opened: Opened
    searcher: Searcher
    columns: Columns

    @property
    def reader(self) -> IndexReader:
        return self.searcher.reader()

    @property
    def generation(self) -> Generation:
        return self.opened.generation

    @property
    def version(self) -> tuple[str, int]:
        """(generation path, its table of contents' generation): what a cached answer is
        valid for."""
        return str(self.opened.generation.path), self.searcher.reader().generation()

    def parser(self, exact: bool) -> MultifieldParser:
        return self.opened.exact_parser if exact else self.opened.parser

    def analyzer(self, field: str):  # type: ignore[no-untyped-def]
        return self.searcher.schema[field].analyzer

    def evaluator(self, meter: Meter | None = None) -> Evaluator:
        """A fresh evaluator (it memoises per request) over this view, spending from
        `meter` (none: unmetered)."""
        return Evaluator(self.searcher, self.columns.terms, meter)


def _open_files(index_dir: Path, path: Path) -> Index:
    """The generation's files opened, or IndexOutdated (rebuild) when they are damaged."""
    try:
        return open_index(path)
    except (NotAnIndex, OSError) as error:
        raise IndexOutdated(f"the index at {index_dir} is damaged or incomplete ({error}): "
                            f"rebuild it with 'news-search index --index {index_dir}' and "
                            "your sources (none: the bundled corpus)") from None


def _stamp(index_dir: Path, named: dict[str, tuple[tuple[int, ...], str]]
           ) -> tuple[object, ...]:
    """Changes whenever CURRENT or the live meta.json is replaced.

    CURRENT is read again only when its own stat changes (it is replaced by a rename,
    so a new one is a new inode): `named` keeps what it said last, and a request
    costs two stats, not two stats and a read."""
    parts: list[object] = []
    current = os.path.join(index_dir, CURRENT)
    try:
        stat = os.stat(current)
        parts.extend((stat.st_ino, stat.st_mtime_ns))
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size)
        known = named.get(current)
        if known is not None and known[0] == seen:
            name = known[1]
        else:
            with open(current, encoding="utf-8") as pointer:
                name = pointer.read().strip()
            named[current] = (seen, name)
        meta = os.stat(os.path.join(index_dir, name, META))
        parts.extend((name, meta.st_ino, meta.st_mtime_ns))
    except OSError:
        parts.append(None)
    return tuple(parts)


class IndexHandle:
    """The live generation of one index directory, and each thread's searcher on it."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._opened: Opened | None = None
        self._local = threading.local()
        # Every searcher any thread opened, so that close() (or the handle being
        # garbage-collected) closes their index files.
        self._searchers: set[Searcher] = set()
        weakref.finalize(self, _close_all, self._searchers, self._lock)
        self._columns: dict[tuple[str, int], Columns] = {}
        self._named: dict[str, tuple[tuple[int, ...], str]] = {}  # CURRENT, as last read
        self.open()  # fail early, with IndexMissing, when there is no index

    def open(self) -> Opened:
        """The live generation, opened (again only when the stamp changed)."""
        stamp = _stamp(self.index_dir, self._named)
        opened = self._opened
        if opened is not None and opened.stamp == stamp:
            return opened
        with self._lock:
            opened = self._opened
            if opened is not None and opened.stamp == stamp:
                return opened
            generation = current_generation(self.index_dir)
            if opened is not None and opened.generation.path == generation.path:
                index = opened.index
            else:
                index = _open_files(self.index_dir, generation.path)
            opened = Opened(generation, index, make_parser(index.schema),
                            make_parser(index.schema, exact=True), stamp)
            self._opened = opened
            return opened

    def view(self) -> View:
        """The calling thread's view of the live index version."""
        opened = self.open()
        local = self._local
        searcher: Searcher | None = getattr(local, "searcher", None)
        if searcher is not None and getattr(local, "path", None) != opened.generation.path:
            with self._lock:
                if searcher in self._searchers:
                    self._searchers.discard(searcher)
                    searcher.close()
            searcher = None
        if searcher is None:
            searcher = opened.index.searcher()
            with self._lock:
                self._searchers.add(searcher)
        local.searcher, local.path = searcher, opened.generation.path
        return View(opened, searcher, self._columns_for(opened, searcher))

    def _columns_for(self, opened: Opened, searcher: Searcher) -> Columns:
        key = (str(opened.generation.path), searcher.reader().generation())
        columns = self._columns.get(key)
        if columns is None:
            columns = load_columns(searcher.reader())
            with self._lock:
                if len(self._columns) >= VERSIONS_KEPT:
                    self._columns.pop(next(iter(self._columns)))
                self._columns[key] = columns
        return columns

    def clear_caches(self) -> None:
        """Forget the decoded posting lists of every version held."""
        for columns in list(self._columns.values()):
            columns.terms.clear()

    def close(self) -> None:
        """Close every thread's searcher and the index's files (call when no thread is
        searching any more)."""
        self._local.searcher = None
        _close_all(self._searchers, self._lock)
        self._columns.clear()
        if self._opened is not None:
            self._opened.index.close()
            self._opened = None


def _close_all(searchers: set[Searcher], lock: threading.Lock) -> None:
    with lock:
        for searcher in searchers:
            searcher.close()
        searchers.clear()
