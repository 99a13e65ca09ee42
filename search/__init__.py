"""Search over the corpus with Whoosh: the public API of news-search's engine.

Front ends (`webui`) import from here only. The package, by job:

- `text/`: how text becomes index terms (analyzers, the build's word-by-word
  analysis) and the schema;
- `query/`: what users type, made into what is searched: the request and its
  date bounds, parsing and its checks, expansion, synonyms, the explanation;
- `engine/`: the engine answering a request with a page of results;
- `postings/`: the index's own files (posting arrays, documents and columns, term
  lists, the table of contents), Whoosh's reader interface over them, and the
  numpy evaluator;
- `build/`: where the index lives, and building or updating it;
- `research/`: over a result set: keyword in context, timelines, top terms,
  co-occurrence, and collections of items named by id;
- `facets`: the facets, each declared once; `budget`: what one request may spend;
- `cache`: the one LRU cache shape; `_whoosh`: every use of Whoosh's private parts.

`docs/architecture.md` maps the build and query flows file by file.
"""

from search.budget import BUDGET_LIMITS, DEFAULT_BUDGET, Budget, OverBudget
from search.build.indexer import BuildFailed, BuildReport, build_index
from search.build.store import (Generation, IndexBusy, IndexMissing, IndexOutdated,
                                resolve_index_dir)
from search.engine import Engine, Matches, open_engine
from search.engine.results import Hit, ResultPage, Span
from search.facets import DATES, Facet, facet, register, registered, term_facets
from search.query.bounds import BoundError, parse_bound
from search.query.explain import Explanation
from search.query.related import warm_up
from search.query.request import (DEFAULT_PER_PAGE, MAX_PER_PAGE, PER_PAGE_CHOICES, SORTS,
                                  TRUE_WORDS, InputError, SearchRequest, parse_request)
from search.research.collection import MAX_IDS, Collection, clean_ids, collection
from search.research.cooccurrence import Cooccurrence, CoTerm, cooccurrence
from search.research.counts import ValueCounts, value_counts
from search.research.evidence import place_evidence
from search.research.kwic import KwicLine, kwic
from search.research.terms import KeyTerm, PeriodTerms, TopTerms, terms_by_period, top_terms
from search.research.timeline import GRANULARITIES, Series, Timeline, period_bounds, timeline

__all__ = [
    "BUDGET_LIMITS", "DEFAULT_BUDGET", "Budget", "OverBudget",
    "BuildFailed", "BuildReport", "build_index",
    "Generation", "IndexBusy", "IndexMissing", "IndexOutdated", "resolve_index_dir",
    "Engine", "Matches", "open_engine", "Hit", "ResultPage", "Span",
    "DATES", "Facet", "facet", "register", "registered", "term_facets",
    "BoundError", "parse_bound", "Explanation",
    "DEFAULT_PER_PAGE", "MAX_PER_PAGE", "PER_PAGE_CHOICES", "SORTS", "TRUE_WORDS",
    "InputError", "SearchRequest", "parse_request",
    "MAX_IDS", "Collection", "clean_ids", "collection",
    "Cooccurrence", "CoTerm", "cooccurrence",
    "KeyTerm", "PeriodTerms", "TopTerms", "terms_by_period", "top_terms",
    "ValueCounts", "value_counts", "place_evidence", "KwicLine", "kwic", "GRANULARITIES",
    "Series", "Timeline", "period_bounds", "timeline", "warm_up",
]
