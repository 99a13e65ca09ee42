"""The Rust bar: the same search pages answered by tantivy (PyPI `tantivy`, optional).

What a Python researcher who picked tantivy for speed would write, done the
way tantivy is fastest, so the benchmark compares against its best:

- one index of the items: `title`, `summary`, `kind` as text through one
  analyzer (`ANALYZER`: tantivy's simple tokenizer, lower case, ASCII folding,
  news-search's stop words, the English Snowball stemmer), stored; `id` raw
  and stored; `kind_key` the exact kind, raw, indexed and a fast field;
  `day` (YYYYMMDD) an indexed, stored fast field; `url` and `source` stored
  only (bytes fields: not indexed);
- a page: the query from tantivy's own parser (`Index.parse_query`, AND by
  default, field boosts title 3, summary 1, kind 0.5 as news-search's), with
  every `word*` replaced by its expansion (below); the date filter as a range
  query over the `day` fast field and the kind filter as a term set, both
  with a score of 0, so they do not change the ranking; the facets from
  `Searcher.aggregate`: a terms aggregation on `kind_key` and a histogram of
  `day` (interval 100: one bucket per YYYYMM00), in one pass, or, with a
  kind filter, kinds over query and dates and months over all the filters
  (as news-search counts them: kinds before the kind filter); years and the
  total are summed from the months; the top 20 from `Searcher.search` with
  `count=False` (so tantivy can skip documents that cannot reach the top 20)
  by score or by `day`; each hit's stored fields, and title and summary
  highlighted by `SnippetGenerator` over the whole text, marked up as the
  other engines mark it (`<mark class="hl">`).

Where tantivy differs from the others (benchmarks/README.md says more):
tantivy's parser reads `fin*` as the word "fin", so a prefix is expanded
here with `Searcher.terms_with_prefix` in each field, as news-search expands
it over its term list (bounded the same way), and searched as an OR of the
words, each scored, as news-search scores a prefix. Its BM25 sums per-field
scores (news-search: Whoosh's BM25F; FTS5: bm25() over columns); ties in
score go to the lower document address, not to the newer item. Its
tokenizer splits "co-operative" into "co" and "oper" where news-search closes
it up; it has no word families, spelling variants, synonyms, proximity bonus,
respelling of unknown words or "all but one word" results.

Import this module only when `tantivy` is installed (`bench.py` checks first).
"""

from __future__ import annotations

import html
import re
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import tantivy
from fts5 import BaselineHit, BaselinePage

from corpus import Article
from search import SearchRequest
from search.text.analysis import STOP_WORDS
from search.text.schema import day_number

TOKENIZER = "news"
SEARCH_FIELDS = ("title", "summary", "kind")
BOOSTS = {"title": 3.0, "summary": 1.0, "kind": 0.5}  # search/query/parsing.py FIELD_BOOSTS
MAX_EXPANSION = 2_000  # words per prefix, as search/query/parsing.py
# A `word*` outside quotes (what tantivy's parser would read as the word itself).
PREFIX = re.compile(r'(?<![\w"])(?:(title|summary|kind):)?(\w+)\*')
MARK_OPEN, MARK_CLOSE = '<mark class="hl">', "</mark>"
KINDS = {"kinds": {"terms": {"field": "kind_key", "size": 1000}}}
# YYYYMMDD in buckets of 100: one per month (key YYYYMM00); empty months left out.
MONTHS = {"months": {"histogram": {"field": "day", "interval": 100, "min_doc_count": 1}}}
KINDS_AND_MONTHS = {**KINDS, **MONTHS}


def analyzer() -> tantivy.TextAnalyzer:
    """The text analysis, as close to news-search's as tantivy's filters allow."""
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .filter(tantivy.Filter.custom_stopword(sorted(STOP_WORDS)))
            .filter(tantivy.Filter.stemmer("english"))
            .build())


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for field in SEARCH_FIELDS:
        builder.add_text_field(field, stored=True, tokenizer_name=TOKENIZER)
    builder.add_text_field("kind_key", fast=True, tokenizer_name="raw")
    builder.add_integer_field("day", stored=True, indexed=True, fast=True)
    builder.add_bytes_field("url", stored=True)
    builder.add_bytes_field("source", stored=True)
    return builder.build()


def _open(path: Path) -> tantivy.Index:
    index = tantivy.Index.open(str(path))
    index.register_tokenizer(TOKENIZER, analyzer())
    return index


def build(articles: Iterable[Article], path: Path) -> float:
    """Create the index at `path` (replacing any), merged; return the seconds it took.

    The writer uses tantivy's default threads (one per core) and heap; the time
    runs until the merges it started have finished.
    """
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    started = time.perf_counter()
    index = tantivy.Index(schema(), path=str(path), reuse=False)
    index.register_tokenizer(TOKENIZER, analyzer())
    writer = index.writer()
    for a in articles:
        writer.add_document(tantivy.Document(
            id=a.id, title=a.title, summary=a.summary, kind=a.kind, kind_key=a.kind,
            day=day_number(a.date), url=a.url.encode("utf-8"),
            source=a.source.encode("utf-8")))
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - started
    return seconds


def garbage_collect(path: Path) -> None:
    """Drop the files of merged-away segments (they would count in the index size)."""
    writer = _open(path).writer(num_threads=1)
    writer.garbage_collect_files()
    writer.wait_merging_threads()


class TantivySearch:
    """Answer `SearchRequest`s from the index built by `build`."""

    def __init__(self, path: Path) -> None:
        self.index = _open(path)
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def segments(self) -> int:
        return self.searcher.num_segments

    def close(self) -> None:
        pass  # tantivy closes its files when the objects go

    # -- the query ------------------------------------------------------------------

    def _expanded(self, field: str | None, prefix: str) -> tantivy.Query:
        """`prefix*` as news-search reads it: an OR of the words that start with it, in
        the named field or each search field with its boost."""
        clauses = []
        count = 0
        for name in (field,) if field else SEARCH_FIELDS:
            words = self.searcher.terms_with_prefix(name, prefix, limit=MAX_EXPANSION + 1)
            count = max(count, len(words))
            boost = BOOSTS[name] if not field else 1.0
            for word, _ in words:
                term = tantivy.Query.term_query(self.schema, name, word)
                clauses.append((tantivy.Occur.Should,
                                tantivy.Query.boost_query(term, boost) if boost != 1.0
                                else term))
        if count > MAX_EXPANSION:
            raise ValueError(f"'{prefix}*' matches more than {MAX_EXPANSION:,} words")
        return (tantivy.Query.boolean_query(clauses) if clauses
                else tantivy.Query.empty_query())

    def query(self, text: str) -> tantivy.Query:
        """The text through tantivy's parser, each `word*` expanded (ANDed with the rest:
        the only place the mix writes one)."""
        prefixes = PREFIX.findall(text)
        rest = PREFIX.sub(" ", text).strip()
        if prefixes and re.search(r"\bOR\b|[()]", text):
            raise ValueError("a prefix inside OR or brackets is not translated for tantivy")
        parts = [(tantivy.Occur.Must, self._expanded(field or None, word.lower()))
                 for field, word in prefixes]
        if rest:
            parsed = self.index.parse_query(rest, list(SEARCH_FIELDS), field_boosts=BOOSTS,
                                            conjunction_by_default=True)
            if not parts:
                return parsed
            parts.append((tantivy.Occur.Must, parsed))
        return parts[0][1] if len(parts) == 1 else tantivy.Query.boolean_query(parts)

    # -- a page ---------------------------------------------------------------------

    def search(self, request: SearchRequest) -> BaselinePage:
        searcher, Occur, Query = self.searcher, tantivy.Occur, tantivy.Query
        matched = self.query(request.query) if request.query else Query.all_query()
        dated = matched
        if request.date_from or request.date_to:
            low = day_number(request.date_from) if request.date_from else 0
            high = day_number(request.date_to) if request.date_to else 99999999
            days = Query.range_query(self.schema, "day", tantivy.FieldType.Integer, low, high)
            dated = Query.boolean_query([(Occur.Must, matched),
                                         (Occur.Must, Query.const_score_query(days, 0.0))])
        wanted = sorted(set(request.selected("kind")))
        final = dated
        if wanted:
            final = Query.boolean_query([
                (Occur.Must, dated),
                (Occur.Must, Query.const_score_query(
                    Query.term_set_query(self.schema, "kind_key", wanted), 0.0))])
            # Two passes (kinds before the kind filter, months after it) are faster
            # than one pass with a histogram per kind.
            kind_buckets = searcher.aggregate(dated, KINDS)["kinds"]["buckets"]
            month_buckets = searcher.aggregate(final, MONTHS)["months"]["buckets"]
        else:
            counted = searcher.aggregate(dated, KINDS_AND_MONTHS)
            kind_buckets = counted["kinds"]["buckets"]
            month_buckets = counted["months"]["buckets"]
        kinds = sorted(((b["key"], b["doc_count"]) for b in kind_buckets),
                       key=lambda kc: (-kc[1], kc[0]))
        months = {int(b["key"]) // 100: b["doc_count"] for b in month_buckets}
        sort = request.effective_sort
        if sort == "relevance" and request.query:
            found = searcher.search(final, request.per_page, count=False,
                                    offset=request.offset)
        else:
            found = searcher.search(final, request.per_page, count=False,
                                    order_by_field="day", offset=request.offset,
                                    order=tantivy.Order.Asc if sort == "oldest"
                                    else tantivy.Order.Desc)
        hits: list[BaselineHit] = []
        if found.hits:
            snippets = None
            if request.query:
                snippets = []
                for field in ("title", "summary"):
                    generator = tantivy.SnippetGenerator.create(searcher, matched,
                                                                self.schema, field)
                    generator.set_max_num_chars(100_000)  # the whole text, as the others
                    snippets.append(generator)
            by_relevance = sort == "relevance" and request.query
            for score, address in found.hits:
                doc = searcher.doc(address)
                title, summary = doc.get_first("title") or "", doc.get_first("summary") or ""
                if snippets is None:
                    title_html = html.escape(title, quote=False)
                    summary_html = html.escape(summary, quote=False)
                else:
                    title_html = _whole(title, snippets[0].snippet_from_doc(doc))
                    summary_html = _whole(summary, snippets[1].snippet_from_doc(doc))
                hits.append(BaselineHit(id=str(doc.get_first("id")), title_html=title_html,
                                       summary_html=summary_html,
                                       score=score if by_relevance else None))
        years: dict[int, int] = {}
        for month, count in months.items():
            years[month // 100] = years.get(month // 100, 0) + count
        return BaselinePage(
            total=sum(months.values()), hits=hits,
            years=[(str(y), c) for y, c in sorted(years.items())],
            months=[(f"{m // 100}-{m % 100:02d}", c) for m, c in sorted(months.items())],
            kinds=kinds)


def _whole(text: str, snippet: tantivy.Snippet) -> str:
    """The whole text, escaped, with the snippet's marks: the fragment ends at its
    last word, so what follows (a full stop) is added back; a text without a
    match has an empty fragment."""
    marked = snippet.to_html()
    if not marked:
        return html.escape(text, quote=False)
    span = snippet.fragment_range()
    raw = text.encode("utf-8")  # tantivy's offsets are in bytes
    before = raw[:span.start].decode("utf-8")
    after = raw[span.end:].decode("utf-8")
    return (html.escape(before, quote=False)
            + marked.replace("<b>", MARK_OPEN).replace("</b>", MARK_CLOSE)
            + html.escape(after, quote=False))
