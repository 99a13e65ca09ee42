"""A page of results from the matches: ordered hits with their spans, facets, extras.

`result_page` orders the matches (`ranking`), loads only the hits on the page
shown, finds the spans of the matched words in their title and summary
(`highlighting`), counts dates and facets, adds the items with all but one of
the words when the page has room (`partial`), and a 'did you mean'
(`spelling`).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import cast

from whoosh import query as wq
from whoosh.analysis import STOP_WORDS as ENGLISH_STOP_WORDS

from search.engine.handle import View
from search.engine.highlighting import rough_spans, spans
from search.engine.matching import Matches
from search.engine.ranking import by_score, ranked, top_scored
from search.engine.results import Hit, ResultPage
from search.engine.snippets import SCAN_CHARS, snippet
from search.engine.spelling import suggest
from search.facets import term_facets
from search.postings.columns import years_of
from search.postings.docsets import DocSet
from search.query.expansion import relax
from search.query.parsing import EXACT_FIELDS, field_patterns
from search.query.request import InputError, SearchRequest
from search.text.schema import from_stored

MARKED = ("title", "summary", "body")
FEEDBACK_HITS = 10        # the best hits whose words are read
FEEDBACK_TERMS = 8        # words added
FEEDBACK_WEIGHT = 0.3     # of a typed word's weight
FEEDBACK_MIN_ITEMS = 2    # a word in one item only says nothing about others
FEEDBACK_MAX_SHARE = 0.1  # nor does a word in a tenth of the items
# Per marked field: the index field whose analyzer finds the words, the terms to mark,
# and the phrases (tuples of terms) to mark where they stand.
Marks = dict[str, tuple[str, frozenset[str], frozenset[tuple[str, ...]]]]


def marks_for(view: View, parsed: wq.Query | None, exact: bool) -> Marks:
    """What to mark in titles, summaries and bodies; worked out once per page (a prefix
    expands over the term list), not per hit."""
    marks = {}
    for name in MARKED:
        field = EXACT_FIELDS[name] if exact else name
        terms, phrases = field_patterns(parsed, view.reader, field) if parsed is not None \
            else (frozenset(), frozenset())
        marks[name] = (field, terms, phrases)
    return marks


def facet_values(view: View, docnums: list[int]) -> list[dict[str, tuple[str, ...]]]:
    """Each document's facet values, every facet looked up once for all of them."""
    found: list[dict[str, tuple[str, ...]]] = [{} for _ in docnums]
    for name, column in view.columns.facets.items():
        for values, those in zip(found, column.values_of_many(docnums)):
            values[name] = those
    return found


def make_hit(view: View, docnum: int, score: float | None, marks: Marks,
             facets: dict[str, tuple[str, ...]] | None = None) -> Hit:
    """The hit of one document: its article, score, matched spans and facet values
    (`facets`, when the caller looked them up for a page of hits)."""
    article = from_stored(view.searcher.stored_fields(docnum))
    title_field, title_terms, title_phrases = marks["title"]
    summary_field, summary_terms, summary_phrases = marks["summary"]
    body_field, body_terms, body_phrases = marks["body"]
    passage, passage_spans = "", cast(tuple[tuple[int, int], ...], ())
    if article.body and (body_terms or body_phrases):
        analyzer = view.analyzer(body_field)
        rough = rough_spans(article.body[:SCAN_CHARS], body_terms, analyzer, body_phrases)
        passage, passage_spans = snippet(
            article.body, rough,
            mark=lambda piece: spans(piece, body_terms, analyzer, body_phrases))
        if rough and not passage_spans:
            # A phrase the word-at-a-time pass saw where the analyzer does not: the whole
            # text marked exactly, to show a match where it stands.
            passage, passage_spans = snippet(article.body, spans(
                article.body[:SCAN_CHARS], body_terms, analyzer, body_phrases))
    return Hit(article=article, score=score,
               title_spans=spans(article.title, title_terms, view.analyzer(title_field),
                                 title_phrases),
               summary_spans=spans(article.summary, summary_terms,
                                   view.analyzer(summary_field), summary_phrases),
               facets=facets if facets is not None else {
                   name: column.values_of(docnum)
                   for name, column in view.columns.facets.items()},
               snippet=passage, snippet_spans=passage_spans)


def result_page(request: SearchRequest, matches: Matches) -> ResultPage:
    """The page `request` asks for (InputError past the last page)."""
    view, docs = matches.view, matches.array
    total = len(docs)
    if request.page > 1 and request.offset >= total:
        last = max(1, -(-total // request.per_page))
        raise InputError(f"page {request.page} is past the last page of results "
                         f"({last})", "page")
    marks = marks_for(view, matches.parsed, request.exact)
    shown = list(ranked(matches, request, request.offset, request.per_page))
    values = facet_values(view, [docnum for docnum, _ in shown])
    hits = [make_hit(view, docnum, score, marks, facets)
            for (docnum, score), facets in zip(shown, values)]
    reading = matches.reading
    month_counts = matches.month_counts
    facets = {}
    for facet in term_facets():
        column = view.columns.facets[facet.name]
        counted = [(column.names[code], n) for code, n in matches.facet_counts[facet.name].items()]
        facets[facet.name] = sorted(counted, key=lambda vc: (-vc[1], vc[0]))
    return ResultPage(
        request=request, total=total, hits=hits,
        years=[(str(y), c) for y, c in years_of(month_counts).items()],
        months=[(f"{m // 100}-{m % 100:02d}", c) for m, c in sorted(month_counts.items())],
        facets=facets,
        suggestion=suggest(view, reading, total, request.exact) if reading is not None
        else None,
        generation=view.generation.id, partial=partial(request, matches, hits),
        respelt=list(reading.respelt) if reading is not None else [])


def feedback(view: View, hits: list[Hit], parsed: wq.Query) -> wq.Query | None:
    """The words the best hits share that the query does not have (pseudo-relevance
    feedback), as an OR at a low weight: the items that lack one of the query's words
    but write what the items with all of them write come first among those.

    A word counts when it stands in the titles and summaries of the first hits, in at
    least `FEEDBACK_MIN_ITEMS` items of the index and in at most `FEEDBACK_MAX_SHARE`
    of them; the words are weighed by how many hits hold them and how rare they are."""
    if not hits:
        return None
    if len(hits) >= 3:  # with a few hits to go on, a word must be in two of them
        least = 2
    else:
        least = 1
    reader, analyzer = view.reader, view.analyzer("summary")
    asked = {str(text) for _, text in parsed.iter_all_terms()}
    held: Counter[str] = Counter()
    for hit in hits[:FEEDBACK_HITS]:
        text = f"{hit.article.title} {hit.article.summary}"
        held.update({t.text for t in analyzer(text, mode="query")
                     if len(t.text) >= 4 and t.text.isalpha()
                     and t.text not in ENGLISH_STOP_WORDS} - asked)
    items = max(reader.doc_count(), 1)
    weighed = []
    for term, count in held.items():
        if count < least:
            continue
        found = max(reader.doc_frequency(field, term) for field in ("title", "summary"))
        if FEEDBACK_MIN_ITEMS <= found <= FEEDBACK_MAX_SHARE * items:
            weighed.append((count * math.log(items / found), term))
    chosen = [term for _, term in sorted(weighed, reverse=True)[:FEEDBACK_TERMS]]
    if not chosen:
        return None
    return wq.Or([wq.Term(field, term, boost=boost * FEEDBACK_WEIGHT)
                  for term in chosen for field, boost in (("title", 3.0), ("summary", 1.0))])


def partial(request: SearchRequest, matches: Matches, hits: list[Hit]) -> list[Hit]:
    """Items with all but one of the words, when those with all fill less than page 1;
    among them first those that write what the hits write (`feedback`)."""
    room = request.per_page - len(hits)
    if (matches.parsed is None or request.page != 1 or room <= 0
            or request.effective_sort != "relevance"):
        return []
    relaxed = relax(matches.parsed)
    if relaxed is None:
        return []
    view = matches.view
    # The relaxed query's documents less those already shown, under the same filters.
    shown = DocSet.of_ids(view.columns.doc_count_all, matches.array)
    docs = matches.admit((matches.evaluator.docs(relaxed) - shown).ids)
    if not len(docs):
        return []
    related = feedback(view, hits, matches.parsed)
    ranking = wq.AndMaybe(relaxed, related) if related is not None else relaxed
    best = top_scored(matches.evaluator, ranking, docs, view.columns, room)
    if best is None and related is not None:
        best = top_scored(matches.evaluator, relaxed, docs, view.columns, room)
    if best is None:  # a tree the evaluator does not score: Whoosh ranks it
        searcher = view.searcher
        found = searcher.search(relaxed, filter=set(docs.tolist()), limit=room + 10)
        best = by_score(((hit.docnum, hit.score) for hit in found), view.columns)
    marks = marks_for(view, relaxed, request.exact)
    best = best[:room]
    return [make_hit(view, docnum, score, marks) for docnum, score in best]
