"""What a page says about itself: its own address, its language, whether it is an article.

- The page's URL: its canonical link, else its `og:url`, else the comment a
  browser writes when it saves a page (`<!-- saved from url=(0044)https://...
  -->`, also written by `news-search fetch`) or SingleFile's `url:` line. Only
  http(s) links are kept (a `javascript:` link would run from an item page).
- The base for its relative links: `<base href>`, else the page's URL.
- Its language: `<html lang>`, `<meta http-equiv="content-language">` or
  `og:locale`, as a primary subtag (`fr`); never guessed from the words.
- Article metadata: `og:type` "article", an `article:published_time`, or
  JSON-LD whose `@type` is an article. A listing page rarely has any.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from corpus.model import language_code
from corpus.records import WEB_LINK

_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.IGNORECASE)
_SINGLEFILE = re.compile(rb"<!--\s*Page saved with SingleFile\s.*?\burl:\s*(\S+)",
                         re.IGNORECASE | re.DOTALL)
SNIFF_BYTES = 8192
ARTICLE_TYPES = frozenset({"article", "newsarticle", "reportagenewsarticle",
                           "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle",
                           "reviewnewsarticle", "blogposting", "scholarlyarticle", "report",
                           "pressrelease"})


@dataclass(frozen=True, slots=True)
class PageMeta:
    """The page's own URL ('' when it does not say), the base of its links, its language."""

    url: str
    base: str
    language: str
    is_article: bool


def saved_from_url(data: bytes) -> str:
    """The address in a browser's "saved from url=" comment (or SingleFile's), else ''."""
    head = data[:SNIFF_BYTES]
    match = _SAVED_FROM.search(head) or _SINGLEFILE.search(head)
    if not match:
        return ""
    url = match.group(1).decode("utf-8", "replace")
    return url if WEB_LINK.match(url) else ""


def web_link(href: str | None, base: str = "") -> str:
    """`href` made absolute against `base`, when it is an http(s) link; '' otherwise."""
    if not href:
        return ""
    href = href.strip()
    try:
        url = urljoin(base, href) if base else href
    except ValueError:  # a malformed address (a stray bracket in the host)
        return ""
    url = url.split("#", 1)[0]
    return url if WEB_LINK.match(url) and urlsplit(url).netloc else ""


def _meta(tree: etree._Element, *names: str) -> str:
    for name in names:
        for element in tree.iterfind(f".//meta[@property='{name}']"):
            if element.get("content"):
                return str(element.get("content")).strip()
        for element in tree.iterfind(f".//meta[@name='{name}']"):
            if element.get("content"):
                return str(element.get("content")).strip()
    return ""


def _link(tree: etree._Element, rel: str) -> str:
    for element in tree.iterfind(".//link[@href]"):
        if rel in str(element.get("rel", "")).lower().split():
            return str(element.get("href"))
    return ""


def page_meta(tree: etree._Element, data: bytes, known_url: str = "") -> PageMeta:
    """Read the page's metadata; `known_url` is where the page is known to come from (a web
    archive's record), which is kept as the page's URL."""
    saved = known_url or saved_from_url(data)
    base_element = tree.find(".//base[@href]")
    declared_base = web_link(base_element.get("href") if base_element is not None else "",
                             saved)
    against = declared_base or saved
    own = web_link(_link(tree, "canonical"), against) or \
        web_link(_meta(tree, "og:url"), against)
    url = known_url or own or saved
    return PageMeta(url, declared_base or url, _language(tree), _is_article(tree))


def _language(tree: etree._Element) -> str:
    root = tree.getroottree().getroot()
    for value in (root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")):
        if value and language_code(value):
            return language_code(value)
    for element in tree.iterfind(".//meta[@http-equiv]"):
        if str(element.get("http-equiv", "")).lower() == "content-language":
            code = language_code(str(element.get("content", "")).split(",")[0])
            if code:
                return code
    return language_code(_meta(tree, "og:locale"))


def _is_article(tree: etree._Element) -> bool:
    if _meta(tree, "og:type").lower() == "article" or _meta(tree, "article:published_time"):
        return True
    for script in tree.iterfind(".//script[@type]"):
        if str(script.get("type")).lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        if _has_article_type(data):
            return True
    return False


def _has_article_type(data: object, depth: int = 0) -> bool:
    if depth > 4:
        return False
    if isinstance(data, list):
        return any(_has_article_type(item, depth + 1) for item in data)
    if not isinstance(data, dict):
        return False
    kinds = data.get("@type", [])
    for kind in kinds if isinstance(kinds, list) else [kinds]:
        if isinstance(kind, str) and kind.lower() in ARTICLE_TYPES:
            return True
    return _has_article_type(data.get("@graph", []), depth + 1)
