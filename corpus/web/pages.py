"""A saved web page: a listing becomes its items, an article one item, anything else a message.

`read_html(data, path)` reads a `.html`/`.htm` file; `read_page` is the same
for a page from elsewhere (a web archive's record), which may know the page's
URL and the date it was captured.

1. The page's metadata (`pagemeta`): its own URL, language, article or not.
2. A listing (`listingpage`): many dated items, each title a link, holding
   most of the page's text. Each item keeps its link as `url`.
3. Otherwise an article, extracted by trafilatura (the main text without
   menus and footers; title, `article:section` as kind, description). The
   date is the page's kind-and-date line near the top of its text when it
   has one (`News | 27 January 2022`, read as article text files are), else
   what htmldate finds in the page's metadata, `<time>` elements and URL,
   searched without guessing from dates in the running text.
4. No date: a message and no item, unless the caller has a capture date
   (a web archive), which dates the item and is said in a message.
5. Not an article: an empty page, a login page, a page with no main text:
   a message that says which, and no item.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import trafilatura
from lxml import etree
from trafilatura.settings import Document

from corpus.articletext import ArticleParts, split_article
from corpus.dates import DateError, check_plausible
from corpus.localdates import LocalDate
from corpus.model import Article, Problem
from corpus.records import MAX_BODY_CHARS, MAX_FIELD_CHARS, MAX_TITLE_CHARS
from corpus.web.htmltext import element_lines
from corpus.web.listingpage import ListingScan, PageItem, looks_like_listing, scan_listing
from corpus.web.pagemeta import PageMeta, page_meta

# htmldate's options: the publication date, from metadata and markup only. Its
# "extensive" search takes any date in the text ("the meeting on 7 March"), a guess.
DATE_OPTIONS = {"extensive_search": False, "original_date": True}
LOGIN_MAX_CHARS = 2_000  # a page that asks for a password and says little else


def read_html(data: bytes, path: Path) -> Iterator[Article | Problem]:
    """Yield the items of a saved web page, or the Problem that says why it has none."""
    yield from read_page(data, path)


def read_page(data: bytes, path: Path, *, where: str = "", known_url: str = "",
              capture_date: date | None = None) -> Iterator[Article | Problem]:
    """Read one page. `where` names it inside its file ('record 3 (https://...)'), for the
    messages and the items' `source`; `known_url` and `capture_date` come from an archive."""
    prefix = f"{where}: " if where else ""
    source = f"{path.name}, {where}" if where else path.name

    def problem(message: str, lost: bool = True, fatal: bool = True) -> Problem:
        return Problem(str(path), None, prefix + message, fatal_in_strict=fatal, lost_item=lost)

    tree = _parse(data)
    if tree is None:
        yield problem("the page has no HTML to read; page skipped (an empty file, or not a web "
                      "page)")
        return
    meta = page_meta(tree, data, known_url)
    body_element = tree.find(".//body")
    page_lines = element_lines(tree if body_element is None else body_element)
    text_chars = sum(len(line) for line in page_lines)
    if text_chars == 0:
        yield problem("the page has no text; page skipped (an empty page, or one that draws "
                      "its text with JavaScript, which needs saving once it has loaded, or "
                      "reading the site's feed instead)")
        return
    scan = scan_listing(tree, meta.base)
    if looks_like_listing(scan, meta.is_article):
        yield from _listing_items(scan, meta, path, prefix, source)
        return
    password = tree.find(".//input[@type='password']")
    if password is not None and text_chars < LOGIN_MAX_CHARS:
        yield problem("a login page (it asks for a password), not an article; page skipped "
                      "(sign in, open the article itself and save that page)")
        return
    try:
        document = trafilatura.bare_extraction(tree, url=meta.url or None, with_metadata=True,
                                               date_extraction_params=DATE_OPTIONS)
    except Exception as error:  # noqa: BLE001  an extractor on hostile HTML: lose a page, not the build
        yield problem(f"the article extractor failed on this page ({type(error).__name__}); "
                      "page skipped")
        return
    if not isinstance(document, Document) or not (document.text or "").strip():
        yield problem("no article text found in the page; page skipped (a menu, search or "
                      "error page?)")
        return
    title = " ".join(str(document.title or "").split())
    if not title:
        yield problem("the page has no title; page skipped (no <title>, og:title or heading)")
        return
    try:
        parts = split_article(str(document.text).splitlines(), title=title, bare_dates=True)
        header = _header_under_title(page_lines, title) if parts and parts.date is None \
            else None
    except DateError as error:
        yield problem(f"{error}; page skipped")
        return
    assert parts is not None  # a title was given
    if header is not None:  # trafilatura left the date line out of the main text
        parts = dataclasses.replace(parts, date=header.day, kind=header.kind)
    day, dated_by = _date(parts, document.date)
    if day is None:
        if capture_date is None:
            yield problem("no publication date in the page; page skipped (none in its "
                          "metadata, its <time> elements or a date line under its title)")
            return
        day, dated_by = capture_date, "capture"
        yield problem(f"the page gives no publication date; dated by its capture, "
                      f"{capture_date.isoformat()}", lost=False, fatal=False)
    try:
        check_plausible(day)
    except DateError as error:
        yield problem(f"{error} (the page's {dated_by} date); page skipped")
        return
    if len(title) > MAX_TITLE_CHARS:
        yield problem(f"the title is {len(title):,} characters long, over the "
                      f"{MAX_TITLE_CHARS:,} limit; page skipped")
        return
    body = parts.body
    if len(body) > MAX_BODY_CHARS:
        yield problem(f"the text is {len(body):,} characters long; kept its first "
                      f"{MAX_BODY_CHARS:,}", lost=False, fatal=False)
        body = body[:MAX_BODY_CHARS]
    categories = [str(c) for c in (document.categories or []) if str(c).strip()]
    kind = parts.kind or (categories[0] if categories else "")
    summary = parts.summary or str(document.description or "")
    yield Article.create(title=title, date=day, kind=kind[:MAX_TITLE_CHARS],
                         summary=summary[:MAX_FIELD_CHARS], url=meta.url, body=body,
                         language=meta.language, source=source)


def _parse(data: bytes) -> etree._Element | None:
    if not data.strip():
        return None
    try:
        return trafilatura.load_html(data)
    except (ValueError, etree.LxmlError):
        return None


def _header_under_title(lines: list[str], title: str) -> LocalDate | None:
    """The kind-and-date line among the page's lines just under its title, if any."""
    at = next((i for i, line in enumerate(lines) if line == title), None)
    if at is None:
        return None
    parts = split_article(lines[at:], title=title, bare_dates=True)
    if parts is None or parts.date is None:
        return None
    return LocalDate(parts.date, parts.kind)


def _date(parts: ArticleParts, found: object) -> tuple[date | None, str]:
    """The article's date and what gave it: the date line under the title, else htmldate."""
    if parts.date is not None:
        return parts.date, "date line"
    if isinstance(found, str) and found:
        try:
            return date.fromisoformat(found[:10]), "metadata"
        except ValueError:
            return None, ""
    return None, ""


def _listing_items(scan_result: ListingScan, meta: PageMeta, path: Path, prefix: str,
                   source: str) -> Iterator[Article | Problem]:
    for number, message in scan_result.bad_dates:
        yield Problem(str(path), None, f"{prefix}item {number} {message}; item skipped",
                      lost_item=True)
    for _, title in scan_result.undated:
        yield Problem(str(path), None, f"{prefix}item {title[:80]!r}: no date line, unlike the "
                      "items beside it; item skipped", lost_item=True)
    relative = False
    for item in scan_result.items:
        checked = _checked(item, path, prefix)
        if isinstance(checked, Problem):
            yield checked
            continue
        relative = relative or not item.url
        yield Article.create(title=item.title, date=item.date, kind=item.kind,
                             summary=item.summary, url=item.url,
                             language=meta.language,
                             source=f"{source}, item {item.number}")
    if relative and not meta.base:
        yield Problem(str(path), None, f"{prefix}some items link to addresses relative to the "
                      "page, which does not say its own address (no canonical link or saved-"
                      "from comment); those items are kept without their link",
                      fatal_in_strict=False)


def _checked(item: PageItem, path: Path, prefix: str) -> Problem | None:
    where = f"{prefix}item {item.number}"
    try:
        check_plausible(item.date)
    except DateError as error:
        return Problem(str(path), None, f"{where}: {error}; item skipped", lost_item=True)
    for name, value, limit in (("title", item.title, MAX_TITLE_CHARS),
                               ("kind", item.kind, MAX_TITLE_CHARS),
                               ("summary", item.summary, MAX_FIELD_CHARS)):
        if len(value) > limit:
            return Problem(str(path), None, f"{where}: {name} is {len(value):,} characters "
                           f"long, over the {limit:,} limit; item skipped", lost_item=True)
    return None
