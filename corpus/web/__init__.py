"""The web as a source: saved pages, feeds and web archives, read into Articles.

Each reader takes the file's bytes (or, for an archive, a binary stream) and
yields `Article` and `Problem` records like the text readers in `corpus/`:

- `htmltext`: the text of an element or an HTML fragment, line by line.
- `pagemeta`: what a page says about itself: its own URL (canonical link,
  `og:url`, the "saved from url=" comment browsers write), language, and
  whether its metadata calls it an article.
- `listingpage`: a page of many items, each title a link, read with the
  listing reader's rules (kind, title, date line, summary).
- `pages`: `read_html`, one saved page: a listing's items, an article (with
  trafilatura, which brings htmldate), or a message saying why neither.
- `feeds`: `read_feed`, RSS 0.9x/1.0/2.0 and Atom with feedparser.
- `warc`: `read_warc`, web archives (`.warc`, `.warc.gz`) with warcio.
"""

from corpus.web.feeds import read_feed
from corpus.web.pages import read_html
from corpus.web.warc import read_warc

__all__ = ["read_feed", "read_html", "read_warc"]
