"""The documents of news-search: the Article record and a reader for each input format.

This package knows nothing of Whoosh or Flask. Files go in, `Article` records
and `Problem` reports come out:

- `model`: the `Article` record, stable ids, the `Problem` report.
- `dates`: the strict date forms that input files may use.
- `decoding`: turning the bytes of a file into text, or saying why not.
- `listing`: the numbered listing format of the ILO news pages.
- `localdates`: dates as pages print them in English, French and Spanish.
- `articletext`: one article saved as text; `.txt` files told apart from listings.
- `jsonl`: JSON Lines, the canonical interchange format (read and write).
- `csvfile`: CSV with a header row.
- `sources`: read any mix of files and folders, merge and de-duplicate.
- `web/`: saved web pages, RSS and Atom feeds, web archives (read from bytes).
- `fetch/`: save feeds, sitemaps, listings and articles from the web, politely.
"""

from corpus.model import Article, Problem, make_id
from corpus.sources import BUNDLED_CORPUS, ReadResult, read_sources

__all__ = ["Article", "Problem", "make_id", "BUNDLED_CORPUS", "ReadResult", "read_sources"]
