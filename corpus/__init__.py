"""The documents of news-search: the Article record and a reader for each input format.

This package knows nothing of Whoosh or Flask. Files go in, `Article` records
and `Problem` reports come out:

- `model`: the `Article` record, stable ids, the `Problem` report.
- `dates`: the strict date forms that input files may use.
- `inputs`: files, folders, compressed files and zip archives as `Source`s.
- `decoding`: turning a stream of bytes into numbered text lines, or saying why not.
- `readers`: the registry of readers, one per format (text or binary).
- `layout`, `listing`: the listing pages of the ILO site, in each layout it uses.
- `localdates`: dates as pages print them in English, French and Spanish.
- `articletext`: one article saved as text; `.txt` files told apart from listings.
- `jsonl`: JSON Lines, the canonical interchange format (read and write).
- `csvfile`: CSV with a header row.
- `variants`: the spelling-variant data shared with the search side.
- `sameitem`: when two records are one item, and what the merged record is.
- `staging`: records held on disk while the copies of each item are merged.
- `sources`: read any mix of sources, merged, streamed, with an account of problems.
- `web/`: saved web pages, RSS and Atom feeds, web archives (read from bytes).
- `fetch/`: save feeds, sitemaps, listings and articles from the web, politely.
"""

from corpus.inputs import Source
from corpus.model import Article, Problem, make_id
from corpus.readers import register_reader
from corpus.sources import BUNDLED_CORPUS, ReadResult, read_sources, report_lines, stream_sources

__all__ = ["BUNDLED_CORPUS", "Article", "Problem", "ReadResult", "Source", "make_id",
           "read_sources", "register_reader", "report_lines", "stream_sources"]
