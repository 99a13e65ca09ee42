"""Search over the corpus with Whoosh: schema, index building, queries and results.

- `analysis`: how text becomes terms (variants, accents, compounds, stems).
- `schema`: the fields of the index and the Article <-> document mapping.
- `store`: where the index lives and how a new one replaces the old one whole.
- `indexer`: build or update an index from Articles.
- `bounds`, `request`: reading what users type into a typed `SearchRequest`.
- `query`: the query parser and the checks that refuse junk and runaway queries.
- `columns`: per-document arrays for fast facets, filters and date sorting.
- `engine`: `Engine.search(SearchRequest) -> ResultPage`, items, stats.
- `results`: `ResultPage` and `Hit`.
"""

from search.engine.core import Engine, open_engine
from search.build.indexer import BuildFailed, BuildReport, build_index
from search.query.request import InputError, SearchRequest, parse_request
from search.engine.results import Hit, ResultPage
from search.build.store import IndexBusy, IndexMissing, resolve_index_dir

__all__ = ["Engine", "open_engine", "BuildFailed", "BuildReport", "build_index", "InputError",
           "SearchRequest", "parse_request", "Hit", "ResultPage", "IndexBusy", "IndexMissing",
           "resolve_index_dir"]
