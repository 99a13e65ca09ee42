"""Fetching: save what a researcher points at on the web so that `news-search index` reads it.

- `client`: a polite HTTP client (robots.txt, a delay per host, a User-Agent
  naming news-search, conditional requests, retries with back-off).
- `discover`: what a fetched document is (feed, sitemap, listing, article)
  and which of its links lead to more.
- `store`: the folder of saved pages and the record of what was fetched.
- `crawl`: `fetch(urls, folder)`, the run: sources asked again, everything
  else fetched once, a page limit, progress as events.
"""

from corpus.fetch.client import ClientOptions, FetchFailed, PoliteClient
from corpus.fetch.crawl import FetchEvent, FetchOptions, FetchReport, fetch

__all__ = ["ClientOptions", "FetchEvent", "FetchFailed", "FetchOptions", "FetchReport",
           "PoliteClient", "fetch"]
