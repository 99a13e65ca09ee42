"""What a fetched document is, and which links in it lead to more of what the researcher asked for.

- A feed (RSS, Atom): its entries are items. An entry's article page is worth
  fetching only when the feed carries no full text for it.
- A sitemap (`<urlset>`): its pages are articles to fetch. A sitemap index
  (`<sitemapindex>`) lists more sitemaps. Gzipped sitemaps are opened.
- An HTML page: a listing when the listing reader finds its items (the same
  decision `news-search index` makes): their links are articles, and its
  "next page" link (`rel="next"`, or a link saying Next, Suivant, Siguiente,
  Older...) is another listing page of the same site. Any other page is an
  article, with nothing to follow.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import feedparser
import trafilatura
from lxml import etree

from corpus.web.htmltext import element_lines
from corpus.web.listingpage import SKIP, looks_like_listing, scan_listing
from corpus.web.pagemeta import page_meta, web_link

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEXT_WORDS = frozenset({"next", "next page", "next »", "»", "›", "older", "older posts",
                        "older entries", "older news", "suivant", "page suivante", "suivante",
                        "siguiente", "página siguiente", "pagina siguiente"})
_XML_ROOT = re.compile(rb"<([A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)[\s>/]")
MAX_SITEMAP_BYTES = 64 * 1024 * 1024  # unzipped; the protocol's own limit is 50 MB


@dataclass
class Found:
    """A fetched document's kind, the extension to save it with ('' = not saved), and the
    links to follow: articles, and sources (feeds, sitemaps, next pages) to read for more."""

    kind: str
    extension: str = ""
    articles: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    note: str = ""


def classify(body: bytes, url: str, content_type: str) -> Found:
    """Say what `body` (fetched from `url`) is and what it links to."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = _gunzip(body)
        except (OSError, EOFError, zlib.error):
            return Found("other", note="a gzip file that does not open")
    root = _xml_root(body)
    if root in {"urlset", "sitemapindex"}:
        return _sitemap(body, url, root)
    if root in {"rss", "rdf", "feed"} or content_type in {"application/rss+xml",
                                                          "application/atom+xml"}:
        return _feed(body, url)
    if root == "html" or "html" in content_type or body.lstrip()[:15].lower().startswith(
            (b"<!doctype html", b"<html")):
        return _page(body, url)
    return Found("other", note=f"not a page, feed or sitemap ({content_type or 'no type'})")


def _gunzip(body: bytes) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as unzipped:
        data = unzipped.read(MAX_SITEMAP_BYTES + 1)
    if len(data) > MAX_SITEMAP_BYTES:
        raise OSError("too large")
    return data


def _xml_root(body: bytes) -> str:
    """The local name of the first element, lower-case ('' when the start is not markup)."""
    head = body[:4096]
    head = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.DOTALL | re.IGNORECASE)
    match = _XML_ROOT.search(head.lstrip())
    return match.group(2).decode("ascii", "replace").lower() if match else ""


def _sitemap(body: bytes, url: str, root: str) -> Found:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        tree = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        tree = None
    if tree is None:
        return Found("sitemap", note="a sitemap that is not readable XML")
    locations = [web_link((loc.text or "").strip(), url) for loc in tree.iter(f"{SITEMAP_NS}loc")]
    locations = [location for location in locations if location]
    if root == "sitemapindex":
        return Found("sitemap", sources=locations)
    return Found("sitemap", articles=locations)


def _feed(body: bytes, url: str) -> Found:
    try:
        parsed = feedparser.parse(io.BytesIO(body), response_headers={
            "content-location": url, "content-type": "application/xml"})
    except (ValueError, LookupError):
        return Found("feed", ".rss", note="a feed whose bytes do not decode")
    extension = ".atom" if str(parsed.get("version", "")).startswith("atom") else ".rss"
    articles = [web_link(entry.get("link")) for entry in parsed.get("entries", [])
                if not entry.get("content")]
    return Found("feed", extension, articles=[link for link in articles if link])


def _page(body: bytes, url: str) -> Found:
    tree = trafilatura.load_html(body)
    if tree is None:
        return Found("other", note="an HTML page with nothing in it")
    meta = page_meta(tree, body, url)
    scan = scan_listing(tree, meta.base)
    if not looks_like_listing(scan, meta.is_article):
        return Found("article", ".html")
    articles = [item.url for item in scan.items if item.url]
    following = _next_page(tree, meta.base, url)
    return Found("listing", ".html", articles=articles,
                 sources=[following] if following else [])


def _next_page(tree: etree._Element, base: str, url: str) -> str:
    host = urlsplit(url).netloc
    for element in tree.iterfind(".//link[@href]"):
        if "next" in str(element.get("rel", "")).lower().split():
            found = web_link(element.get("href"), base)
            if found and urlsplit(found).netloc == host:
                return found
    candidates = []
    for link in tree.iter("a"):
        if not link.get("href") or any(str(a.tag).lower() in SKIP for a in link.iterancestors()
                                       if str(a.tag).lower() in {"header", "footer"}):
            continue
        words = " ".join(element_lines(link)).lower().strip(" .")
        rel = str(link.get("rel", "")).lower().split()
        if "next" in rel or words in NEXT_WORDS or words.startswith("next "):
            found = web_link(link.get("href"), base)
            if found and found != url and urlsplit(found).netloc == host:
                candidates.append(("next" not in rel, found))
    return min(candidates)[1] if candidates else ""
