"""The engine: answers a SearchRequest with a ResultPage over the live index generation.

- `core`: `Engine`, the facade front ends hold, and `open_engine`;
- `handle`: the live generation, a searcher per thread, columns per version;
- `matching`: the documents a request matches, with the facet counts;
- `ranking`: relevance, date and random order, and the one tie-break rule;
- `pages`: a `ResultPage` from the matches (hits, spans, facets, extras);
- `highlighting`: the spans of the matched words in a text;
- `spelling`: 'did you mean';
- `items`: an item by id, items like it, statistics;
- `results`: `ResultPage` and `Hit`.
"""

from search.engine.core import Engine, open_engine
from search.engine.matching import Matches

__all__ = ["Engine", "open_engine", "Matches"]
