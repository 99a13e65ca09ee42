"""The search engine: answers a `SearchRequest` with a `ResultPage`.

`Engine` is the one object front ends hold, shared by all threads. It keeps
the index handle (`handle`), a cache of result pages and one of query
readings, and delegates the work, in the order a search does it:

1. read the query once (`query.parsing.read_query`: parse, check, respell,
   expand), cached per index version;
2. match: the query's documents, filtered by dates and facets, with the facet
   counts (`matching`);
3. order and page them, load and mark the hits shown, add the extras
   (`pages`, `ranking`, `highlighting`, `spelling`);

and for single items and the whole index, `items`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from corpus import Article
from search.budget import DEFAULT_BUDGET, Budget, Meter, OverBudget
from search.build.store import Generation, read_history
from search.cache import DEFAULT_PAGES, LRUCache
from search.engine import items, pages, ranking, spelling
from search.engine.handle import IndexHandle, View
from search.engine.matching import Matches, match
from search.engine.results import Hit, ResultPage
from search.query.explain import Explanation, explain
from search.query.parsing import EXACT_FIELDS, Reading, read_query
from search.query.request import SearchRequest
from search.query.synonyms import table_key

READINGS = 256  # parsed queries kept


class Engine:
    """Search one index directory; safe to share between threads."""

    def __init__(self, index_dir: Path, page_cache: int = DEFAULT_PAGES,
                 budget: Budget = DEFAULT_BUDGET) -> None:
        self.index_dir = Path(index_dir)
        self.budget = budget  # what one request may spend (search.budget)
        self.handle = IndexHandle(self.index_dir)  # IndexMissing when there is no index
        self._pages: LRUCache[ResultPage] = LRUCache(page_cache)
        # Readings are kept with the pages: with the page cache off (cold benchmarks),
        # every request reads its query again.
        self._readings: LRUCache[Reading] = LRUCache(min(READINGS, page_cache))
        self._places: dict[object, dict[Any, Any]] = {}
        self._lock = threading.Lock()
        self._warmed: object = None
        self._warming: threading.Thread | None = None  # (`close` waits for it)

    @property
    def generation(self) -> Generation:
        """The generation currently served."""
        return self.handle.open().generation

    def _read(self, view: View, request: SearchRequest) -> Reading | None:
        """The request's query, read once per index version (None when browsing)."""
        if not request.query:
            return None
        # The synonym table is part of a reading: one read again is a new table.
        key = (view.version, request.query, request.exact, table_key())
        return self._readings.get_or_make(
            key, lambda: read_query(view.parser(request.exact), request.query, view.reader,
                                    expand_words=not request.exact, budget=self.budget,
                                    speller=spelling.speller(view),
                                    places=self._places_of(view)))

    def _warm(self, version: object) -> None:
        """Build what a new index version needs for respelling (the lexicon of its
        words: seconds at a million items) in the background, so that the first
        misspelt query after a rebuild does not wait for it."""
        with self._lock:
            if self._warmed == version:
                return
            self._warmed = version

        def build() -> None:
            try:
                spelling.lexicon(self.handle.view())
            except Exception:  # noqa: BLE001 - a failure here is met again by the query
                pass

        warming = threading.Thread(target=build, name="news-search-warm", daemon=True)
        with self._lock:
            self._warming = warming
        warming.start()

    def _places_of(self, view: View) -> dict[Any, Any]:
        """The related place names worked out for this index version (two versions kept)."""
        found = self._places.get(view.version)
        if found is None:
            found = {}
            with self._lock:
                while len(self._places) >= 2:
                    self._places.pop(next(iter(self._places)))
                self._places[view.version] = found
        return found

    # -- searching -------------------------------------------------------------

    def match(self, request: SearchRequest, meter: Meter | None = None) -> Matches:
        """Every document matching the request's query, dates and facets (unordered),
        within `meter` (a fresh one on the engine's budget when none is given).

        The answer holds the thread's view it was computed with: use it in the
        same thread, right away.
        """
        view = self.handle.view()
        return match(view, request, self._read(view, request),
                     meter if meter is not None else Meter(self.budget))

    def search(self, request: SearchRequest) -> ResultPage:
        """Answer a request; InputError for a bad query, facet value or page.

        Pages are cached by request and index version.
        """
        started = time.perf_counter()
        view = self.handle.view()
        if view.version != self._warmed:
            self._warm(view.version)
        key = (view.version, request.cache_key())
        page = self._pages.get(key)
        if page is None:
            matches = match(view, request, self._read(view, request), Meter(self.budget))
            page = pages.result_page(request, matches)
            self._pages.put(key, page)
        return replace(page, request=request,
                       elapsed_ms=(time.perf_counter() - started) * 1000)

    def explain(self, request: SearchRequest) -> Explanation:
        """How the request's query was read, in plain words (InputError if it cannot be)."""
        view = self.handle.view()
        reading = self._read(view, request)
        field = EXACT_FIELDS["summary"] if request.exact else "summary"
        return explain(request, reading, view.reader, view.analyzer(field),
                       spelling.speller(view).written)

    def clear_caches(self) -> None:
        """Forget cached pages, readings and posting lists (benchmarks time cold searches)."""
        self._pages.clear()
        self._readings.clear()
        self.handle.clear_caches()

    def export(self, request: SearchRequest) -> tuple[Generation, Iterator[Hit]]:
        """Every matching item in the request's order (all pages), and the generation they
        come from (a rebuild published meanwhile does not change what an export holds).

        The request is checked now (InputError before anything is streamed); the
        items are loaded one at a time as the iterator is consumed, in this thread.
        """
        meter = Meter(self.budget, seconds=self.budget.export_seconds)
        matches = self.match(request, meter)
        if matches.total > self.budget.export_items:
            raise OverBudget(f"this export would hold {matches.total:,} items, over the "
                             f"limit of {self.budget.export_items:,}: narrow the search "
                             "(a date range, a facet, more words) and export it in parts")
        marks = pages.marks_for(matches.view, None, False)
        return matches.view.generation, (
            pages.make_hit(matches.view, docnum, None, marks)
            for docnum in ranking.first(matches, request, matches.total))

    def first_hits(self, matches: Matches, request: SearchRequest, limit: int) -> list[Hit]:
        """The first `limit` hits of `matches` in the request's order (no spans)."""
        marks = pages.marks_for(matches.view, None, False)
        return [pages.make_hit(matches.view, docnum, None, marks)
                for docnum in ranking.first(matches, request, limit)]

    def generation_since(self, cited: str,
                         answered: str = "") -> tuple[Generation | None, Generation]:
        """The generation a search was cited with (None if unknown here), and the one that
        answered it: `answered` (a `ResultPage.generation`) when given, else the current one.

        Naming the one that answered matters when a rebuild is published between the
        search and the reading of the generation.
        """
        current = self.generation
        history = read_history(self.index_dir)
        if answered and answered != current.id:
            current = history.get(answered, current)
        return history.get(cited), current

    # -- single items and the whole index ------------------------------------------

    def item(self, item_id: str) -> Hit | None:
        """The item with this id, with its facet values, or None."""
        return items.find(self.handle.view(), item_id)

    def get(self, item_id: str) -> Article | None:
        """The article with this id, or None."""
        found = self.item(item_id)
        return found.article if found is not None else None

    def more_like_this(self, item_id: str, limit: int = 5) -> list[Article]:
        """Items whose words are most like this one's (Whoosh's more_like)."""
        return [hit.article for hit in items.more_like_this(self.handle.view(), item_id, limit)]

    def stats(self) -> dict[str, object]:
        """Items, date span, counts per year and per facet value, index size, generation."""
        return items.stats(self.handle.view())

    def values(self, facet: str) -> list[str]:
        """Every value of the facet `facet` in the index, sorted."""
        return self.handle.view().columns.facets[facet].known()

    def close(self) -> None:
        """Close every thread's searcher (call when no thread is searching any more),
        once the engine's own background reading of the index (`_warm`) is done: its
        files are no longer read after this returns, so they may be changed or removed
        (a file cut short under a thread still reading it through its mapping ends the
        whole process with a bus error)."""
        with self._lock:
            warming = self._warming
        if warming is not None:
            warming.join()
        self.handle.close()


def open_engine(index_dir: str | os.PathLike[str], page_cache: int = DEFAULT_PAGES,
                budget: Budget = DEFAULT_BUDGET) -> Engine:
    """An Engine over `index_dir` (IndexMissing when there is no index), keeping up to
    `page_cache` recent result pages, answering each request within `budget`."""
    return Engine(Path(index_dir), page_cache=page_cache, budget=budget)
