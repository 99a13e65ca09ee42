"""The search engine: answers a `SearchRequest` with a `ResultPage`.

One `Engine` per index directory, shared by all threads. Each thread keeps its
own Whoosh searcher and refreshes it when the index on disk changes (a full
rebuild moves CURRENT to a new generation; `--update` commits a new Whoosh
generation in place), so changes show up without a restart.

A search, in order:
1. parse and check the query (`query.py`); an empty query browses everything;
2. collect the matching document numbers (no scoring);
3. filter by date and count kinds, then filter by kind and count years and
   months, all from per-document columns cached once per index version
   (`columns.py`), never one query per bucket;
4. order: by score (ties to the newer item) through Whoosh, restricted to the
   filtered documents; or by date straight from the day column;
5. load and highlight only the hits on the page shown.
"""

from __future__ import annotations

import heapq
import os
import re
import threading
import time
import weakref
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from corpus import Article
from search.cache import DEFAULT_PAGES, LRUCache
from search.postings.columns import Columns, load_columns
from search.query.expansion import describe_expansion, nearest_word, relax, respellings
from search.query.explain import Explanation, explain
from search.postings.evaluator import Evaluator
from search.engine.highlighting import mark
from search.query.parsing import EXACT_FIELDS, check_expansion, field_terms, make_parser, parse_query
from search.query.request import InputError, SearchRequest
from search.engine.results import Hit, ResultPage
from search.text.schema import day_number, from_stored
from search.build.store import CURRENT, META, Generation, current_generation, read_history

DENSE_SHARE = 20  # date order by walking the cached order when >= 1/20 of items match
# "Did you mean" suggests words as the items write them: the literal fields' words.
SPELL_FIELDS = ("summary_exact", "title_exact")
WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")


@dataclass(frozen=True, slots=True)
class _Opened:
    """One opened generation: the Whoosh index and what is derived from its schema."""

    generation: Generation
    index: whoosh_index.Index
    parser: object
    exact_parser: object
    stamp: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Matches:
    """The documents a request matches, and what they were found with."""

    opened: _Opened
    searcher: Searcher
    columns: Columns
    parsed: wq.Query | None
    array: np.ndarray  # the matching document numbers, ascending
    kind_counts: Counter[int]
    evaluator: Evaluator | None = None
    filtered: bool = True  # whether dates or kinds removed any matching document

    @property
    def total(self) -> int:
        return len(self.array)

    @property
    def docs(self) -> list[int]:
        """The matching document numbers as a list (a million items: tens of ms)."""
        return self.array.tolist()


def _stamp(index_dir: Path) -> tuple[object, ...]:
    """Changes whenever CURRENT or the live meta.json is replaced."""
    parts: list[object] = []
    for path in (index_dir / CURRENT,):
        try:
            stat = path.stat()
            parts.extend((stat.st_ino, stat.st_mtime_ns))
            name = path.read_text(encoding="utf-8").strip()
            meta = (index_dir / name / META).stat()
            parts.extend((name, meta.st_ino, meta.st_mtime_ns))
        except OSError:
            parts.append(None)
    return tuple(parts)


class Engine:
    """Search one index directory; safe to share between threads."""

    def __init__(self, index_dir: Path, page_cache: int = DEFAULT_PAGES) -> None:
        self.index_dir = Path(index_dir)
        self._pages: LRUCache[ResultPage] = LRUCache(page_cache)
        self._lock = threading.Lock()
        self._opened: _Opened | None = None
        self._local = threading.local()
        # Every searcher any thread opened, so that close() (or the engine being
        # garbage-collected) closes their index files.
        self._searchers: set[Searcher] = set()
        weakref.finalize(self, _close_all, self._searchers, self._lock)
        self._columns: dict[tuple[str, int], Columns] = {}
        self._open()  # fail early, with IndexMissing, when there is no index

    # -- opening and refreshing -------------------------------------------------

    def _open(self) -> _Opened:
        stamp = _stamp(self.index_dir)
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
                index = whoosh_index.open_dir(str(generation.path))
            opened = _Opened(generation, index, make_parser(index.schema),
                             make_parser(index.schema, exact=True), stamp)
            self._opened = opened
            return opened

    def _searcher(self) -> tuple[_Opened, Searcher]:
        opened = self._open()
        local = self._local
        searcher: Searcher | None = getattr(local, "searcher", None)
        if searcher is not None and (getattr(local, "path", None) != opened.generation.path
                                     or not searcher.up_to_date()):
            # Not Searcher.refresh() when out of date: it reuses the reader of an
            # unchanged segment together with that segment's old deletions, so an
            # item replaced by `--update` would be counted twice.
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
        return opened, searcher

    def _columns_for(self, opened: _Opened, searcher: Searcher) -> Columns:
        key = (str(opened.generation.path), searcher.reader().generation())
        columns = self._columns.get(key)
        if columns is None:
            columns = load_columns(searcher.reader())
            with self._lock:
                # Keep the columns of the two newest index versions only.
                if len(self._columns) >= 2:
                    self._columns.pop(next(iter(self._columns)))
                self._columns[key] = columns
        return columns

    @property
    def generation(self) -> Generation:
        """The generation currently served."""
        return self._open().generation

    # -- searching -------------------------------------------------------------

    def match(self, request: SearchRequest) -> Matches:
        """Every document matching the request's query, dates and kinds (unordered).

        The answer holds the searcher it was computed with: use it in the same
        thread, right away.
        """
        opened, searcher = self._searcher()
        return self._match(request, opened, searcher)

    def _match(self, request: SearchRequest, opened: _Opened, searcher: Searcher) -> Matches:
        columns = self._columns_for(opened, searcher)
        kinds = self._resolve_kinds(request.kinds, columns)
        parsed: wq.Query | None = None
        matched = -1
        evaluator = Evaluator(searcher, columns.terms)
        if request.query:
            parser = opened.exact_parser if request.exact else opened.parser
            parsed = parse_query(parser, request.query,  # type: ignore[arg-type]
                                 searcher.reader())
            check_expansion(parsed, searcher.reader())
            # Mask algebra over whole posting lists (fastpath), not Whoosh's
            # document-at-a-time docs_for_query.
            mask = evaluator.mask(parsed)
            matched = int(np.count_nonzero(mask))
        else:
            mask = evaluator.live_mask()
        if request.date_from or request.date_to:
            low = day_number(request.date_from) if request.date_from else 0
            high = day_number(request.date_to) if request.date_to else 99999999
            mask = mask & (columns.days >= low) & (columns.days <= high)
        docs = np.flatnonzero(mask)
        kind_counts = Counter(columns.kind_counts(docs))
        if kinds:
            wanted = [columns.kind_code[k] for k in kinds]
            docs = docs[np.isin(columns.kinds[docs], wanted)]
        return Matches(opened, searcher, columns, parsed, docs, kind_counts, evaluator,
                       filtered=len(docs) != matched)

    def search(self, request: SearchRequest) -> ResultPage:
        """Answer a request; InputError for a bad query, kind or page.

        Pages are cached (`cache.py`) by request and index version.
        """
        started = time.perf_counter()
        opened, searcher = self._searcher()
        key = (str(opened.generation.path), searcher.reader().generation(),
               request.cache_key())
        page = self._pages.get(key)
        if page is None:
            page = self._page(request, self._match(request, opened, searcher))
            self._pages.put(key, page)
        return replace(page, request=request,
                       elapsed_ms=(time.perf_counter() - started) * 1000)

    def clear_caches(self) -> None:
        """Forget cached pages and posting lists (benchmarks time cold searches with it)."""
        self._pages.clear()
        for columns in list(self._columns.values()):
            columns.terms.clear()

    def _page(self, request: SearchRequest, matches: Matches) -> ResultPage:
        opened, searcher, columns = matches.opened, matches.searcher, matches.columns
        parsed, docs, kind_counts = matches.parsed, matches.array, matches.kind_counts
        month_counts = columns.month_counts(docs)
        total = len(docs)
        if request.page > 1 and request.offset >= total:
            last = max(1, -(-total // request.per_page))
            raise InputError(f"page {request.page} is past the last page of results "
                             f"({last})", "page")
        ordered = self._order(request, parsed, searcher, docs, columns, matches.evaluator,
                              matches.filtered)
        marks = self._marks(searcher, parsed, request.exact)
        hits = [self._hit(searcher, docnum, score, marks)
                for docnum, score in ordered]
        partial = self._partial(request, matches, len(hits))
        suggestion = None
        respelt: list[tuple[str, str]] = []
        # Unknown words are searched respelt (expansion.respell_unknown): say so.
        if parsed is not None:
            suggestion = self._suggest(opened, searcher, request.query, total)
        if parsed is not None and not request.exact:
            as_typed = parse_query(opened.parser, request.query,  # type: ignore[arg-type]
                                   expand_words=False)
            respelt = respellings(request.query, as_typed, searcher.reader(),
                                  searcher.schema["summary"].analyzer)
        years: Counter[int] = Counter()
        for month, count in month_counts.items():
            years[month // 100] += count
        return ResultPage(
            request=request, total=total, hits=hits,
            years=[(str(y), c) for y, c in sorted(years.items())],
            months=[(f"{m // 100}-{m % 100:02d}", c) for m, c in sorted(month_counts.items())],
            kinds=[(columns.kind_names[k], c) for k, c in
                   sorted(kind_counts.items(), key=lambda kc: (-kc[1], columns.kind_names[kc[0]]))],
            suggestion=suggestion, generation=opened.generation.id, partial=partial,
            respelt=respelt)

    def _partial(self, request: SearchRequest, matches: Matches, shown: int) -> list[Hit]:
        """Items with all but one of the words, when those with all fill less than page 1."""
        room = request.per_page - shown
        if (matches.parsed is None or request.page != 1 or room <= 0
                or request.effective_sort != "relevance"):
            return []
        relaxed = relax(matches.parsed)
        if relaxed is None:
            return []
        searcher, columns = matches.searcher, matches.columns
        day, kind = columns.day, columns.kind
        have = set(matches.docs)
        allowed = None
        if request.date_from or request.date_to or request.kinds:
            low = day_number(request.date_from) if request.date_from else 0
            high = day_number(request.date_to) if request.date_to else 99999999
            wanted = {columns.kind_code[k] for k in self._resolve_kinds(request.kinds, columns)}
            allowed = {d for d in searcher.docs_for_query(relaxed) if d not in have
                       and low <= day[d] <= high and (not wanted or kind[d] in wanted)}
            if not allowed:
                return []
        found = searcher.search(relaxed, filter=allowed, mask=have or None, limit=room + 10)
        ranked = sorted(((hit.docnum, hit.score) for hit in found),
                        key=lambda pair: (-pair[1], -day[pair[0]], pair[0]))[:room]
        marks = self._marks(searcher, relaxed, request.exact)
        return [self._hit(searcher, docnum, score, marks)
                for docnum, score in ranked]

    @staticmethod
    def _resolve_kinds(kinds: tuple[str, ...], columns: Columns) -> tuple[str, ...]:
        resolved = []
        by_lower = {name.lower(): name for name in columns.kind_code}
        for kind in kinds:
            name = by_lower.get(kind.lower())
            if name is None:
                known = ", ".join(sorted(n for n in columns.kind_code if n)) or "none"
                raise InputError(f"unknown kind '{kind[:60]}': kinds in this index are "
                                 f"{known}", "kind")
            resolved.append(name)
        return tuple(resolved)

    def _order(self, request: SearchRequest, parsed: wq.Query | None, searcher: Searcher,
               docs: np.ndarray, columns: Columns, evaluator: Evaluator | None = None,
               filtered: bool = True) -> list[tuple[int, float | None]]:
        """The page's (document number, score) pairs; `docs` ascending."""
        wanted = request.offset + request.per_page
        sort = request.effective_sort
        if not len(docs):
            return []
        day = columns.day
        if sort == "relevance" and parsed is not None:
            if (evaluator is not None and evaluator.scorable(parsed)
                    and isinstance(searcher.weighting, BM25F)):
                # Scores computed a posting list at a time (fastpath), for the
                # filtered documents only; ties go to the newer item.
                inside = np.zeros(columns.doc_count_all, bool)
                inside[docs] = True
                scores = evaluator.scores(parsed, inside)[docs]
                if len(docs) > wanted:
                    # Everything tied with the last place, so ties order by date.
                    cut = np.partition(scores, len(scores) - wanted)[len(scores) - wanted]
                    keep = scores >= cut
                    docs, scores = docs[keep], scores[keep]
                ranked_fast: list[tuple[int, float | None]] = sorted(
                    zip(docs.tolist(), scores.tolist()),
                    key=lambda pair: (-pair[1], -day[pair[0]], pair[0]))  # type: ignore[operator]
                return ranked_fast[request.offset:wanted]
            # Whoosh's own top-k by score, restricted to the filtered documents
            # when a filter removed some. A few extra hits make a tie that
            # straddles the page boundary come out right.
            allow = set(docs.tolist()) if filtered else None
            results = searcher.search(parsed, filter=allow, limit=wanted + 10)
            pairs = [(hit.docnum, hit.score) for hit in results]
            if len(pairs) == wanted + 10 and pairs[-1][1] == pairs[wanted - 1][1]:
                # The tie runs past what was fetched: only all of it orders it right.
                pairs = [(hit.docnum, hit.score)
                         for hit in searcher.search(parsed, filter=allow, limit=None)]
            ranked = sorted(pairs,
                            key=lambda pair: (-pair[1], -day[pair[0]], pair[0]))
            return ranked[request.offset:wanted]
        if sort == "random":
            # hash() of a tuple of ints is the same in every run (no hash salt for
            # ints), so a seed gives the same sample for the same index generation.
            seed = request.seed
            top = heapq.nsmallest(wanted, docs.tolist(), key=lambda d: (hash((seed, d)), d))
        elif len(docs) * DENSE_SHARE >= columns.doc_count_all:
            # Many matches: the date order (cached per index version), masked.
            member = np.zeros(columns.doc_count_all, bool)
            member[docs] = True
            order = columns.date_order("oldest" if sort == "oldest" else "newest")
            top = order[member[order]][:wanted].tolist()
        else:
            top = columns.by_date(docs, "oldest" if sort == "oldest" else "newest")[
                :wanted].tolist()
        return [(docnum, None) for docnum in top[request.offset:]]

    @staticmethod
    def _marks(searcher: Searcher, parsed: wq.Query | None,
               exact: bool) -> dict[str, tuple[str, frozenset[str]]]:
        """For title and summary: the index field to analyse with, and the terms to mark.

        Worked out once per page (a prefix expands over the term list), not per hit.
        """
        marks = {}
        for name in ("title", "summary"):
            field = EXACT_FIELDS[name] if exact else name
            terms = field_terms(parsed, searcher.reader(), field) if parsed is not None else ()
            marks[name] = (field, frozenset(terms))
        return marks

    def _hit(self, searcher: Searcher, docnum: int, score: float | None,
             marks: dict[str, tuple[str, frozenset[str]]]) -> Hit:
        article = from_stored(searcher.stored_fields(docnum))
        return Hit(article=article, score=score,
                   title_html=self._highlight(searcher, *marks["title"], article.title),
                   summary_html=self._highlight(searcher, *marks["summary"], article.summary))

    @staticmethod
    def _highlight(searcher: Searcher, field: str, terms: frozenset[str], text: str) -> str:
        """`text` escaped, with the words that match `terms` (through `field`'s analyzer)
        wrapped in <mark>."""
        return mark(text, terms, searcher.schema[field].analyzer)

    def _suggest(self, opened: _Opened, searcher: Searcher, text: str,
                 total: int) -> str | None:
        """A respelling of the query's unknown words that finds something, or None."""
        reader = searcher.reader()
        analyzer = searcher.schema["summary"].analyzer
        changed = False

        def respell(match: re.Match[str]) -> str:
            nonlocal changed
            word = match.group(0)
            followed_by = text[match.end():match.end() + 1]
            if word in ("AND", "OR", "NOT") or followed_by in (":", "*", "?"):
                return word
            forms = [token.text for token in analyzer(word, mode="query")]
            if not forms or any(reader.doc_frequency(field, form)
                                for form in forms for field in ("summary", "title")):
                return word
            suggestion = nearest_word(reader, SPELL_FIELDS, word.lower())
            if suggestion is None:
                return word
            changed = True
            return suggestion

        corrected = WORD.sub(respell, text)
        if not changed:
            return None
        try:
            better = parse_query(opened.parser, corrected)  # type: ignore[arg-type]
        except InputError:
            return None
        count = sum(1 for _ in searcher.docs_for_query(better))
        return corrected if count and count >= total else None

    def iter_articles(self, request: SearchRequest) -> Iterator[Article]:
        """Every matching article in the request's order (all pages), for exports.

        The request is checked now (InputError before anything is streamed); the
        articles are loaded one at a time as the iterator is consumed, in this thread.
        """
        return self.export(request)[1]

    def export(self, request: SearchRequest) -> tuple[Generation, Iterator[Article]]:
        """`iter_articles`, with the generation the articles come from (for provenance:
        a rebuild published meanwhile does not change what this export holds)."""
        matches = self.match(request)
        searcher = matches.searcher
        return matches.opened.generation, (
            from_stored(searcher.stored_fields(docnum))
            for docnum in self._first(matches, request, matches.total))

    def ordered_articles(self, matches: Matches, request: SearchRequest,
                         limit: int) -> list[Article]:
        """The first `limit` articles of `matches` in the request's order."""
        return [from_stored(matches.searcher.stored_fields(docnum))
                for docnum in self._first(matches, request, limit)]

    def _first(self, matches: Matches, request: SearchRequest, limit: int) -> list[int]:
        """The document numbers of the first `limit` matches in the request's order."""
        everything = replace(request, page=1, per_page=max(limit, 1))
        return [docnum for docnum, _ in self._order(
            everything, matches.parsed, matches.searcher, matches.array, matches.columns,
            matches.evaluator, matches.filtered)]

    def explain(self, request: SearchRequest) -> Explanation:
        """How the request's query was read, in plain words (InputError if it cannot be)."""
        opened, searcher = self._searcher()
        parsed = None
        if request.query:
            parser = opened.exact_parser if request.exact else opened.parser
            parsed = parse_query(parser, request.query,  # type: ignore[arg-type]
                                 expand_words=False)
        field = EXACT_FIELDS["summary"] if request.exact else "summary"
        out = explain(request, parsed, searcher.reader(), searcher.schema[field].analyzer)
        if parsed is not None and not request.exact:
            out.lines.extend(describe_expansion(request.query, parsed, searcher.reader(),
                                                searcher.schema[field].analyzer))
        return out

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

    # -- single items ------------------------------------------------------------

    def get(self, item_id: str) -> Article | None:
        """The article with this id, or None."""
        _, searcher = self._searcher()
        docnum = searcher.document_number(id=item_id)
        return None if docnum is None else from_stored(searcher.stored_fields(docnum))

    def more_like_this(self, item_id: str, limit: int = 5) -> list[Article]:
        """Items whose words are most like this one's (Whoosh's more_like)."""
        _, searcher = self._searcher()
        docnum = searcher.document_number(id=item_id)
        if docnum is None:
            return []
        fields = searcher.stored_fields(docnum)
        text = f"{fields.get('title', '')} {fields.get('summary', '')}"
        results = searcher.more_like(docnum, "summary", text=text, top=limit, numterms=8)
        return [from_stored(hit.fields()) for hit in results]

    def stats(self) -> dict[str, object]:
        """Items, date span, counts per year and kind, index size, generation."""
        opened, searcher = self._searcher()
        columns = self._columns_for(opened, searcher)
        docs = np.flatnonzero(Evaluator(searcher, columns.terms).live_mask())
        days = columns.days[docs]
        years: Counter[int] = Counter()
        for month, count in columns.month_counts(docs).items():
            years[month // 100] += count
        # Kinds by count, ties in order of first appearance (as Counter.most_common).
        codes, first = np.unique(columns.kinds[docs], return_index=True)
        counted = columns.kind_counts(docs)
        kinds = Counter({columns.kind_names[code]: counted[code]
                         for code in codes[np.argsort(first)].tolist()})
        size = sum(p.stat().st_size for p in opened.generation.path.iterdir() if p.is_file())

        def iso(value: int) -> str:
            return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"

        return {"items": len(docs), "first": iso(int(days.min())) if len(days) else None,
                "last": iso(int(days.max())) if len(days) else None,
                "years": {str(y): c for y, c in sorted(years.items())},
                "kinds": dict(kinds.most_common()), "index_bytes": size,
                "index_path": str(opened.generation.path),
                "generation": opened.generation.to_dict()}

    def kinds(self) -> list[str]:
        """Every kind in the index, sorted."""
        opened, searcher = self._searcher()
        return sorted(k for k in self._columns_for(opened, searcher).kind_code if k)

    def close(self) -> None:
        """Close every thread's searcher (call when no thread is searching any more)."""
        self._local.searcher = None
        _close_all(self._searchers, self._lock)


def _close_all(searchers: set[Searcher], lock: threading.Lock) -> None:
    with lock:
        for searcher in searchers:
            searcher.close()
        searchers.clear()


def open_engine(index_dir: str | os.PathLike[str], page_cache: int = DEFAULT_PAGES) -> Engine:
    """An Engine over `index_dir` (IndexMissing when there is no index), keeping up to
    `page_cache` recent result pages."""
    return Engine(Path(index_dir), page_cache=page_cache)
