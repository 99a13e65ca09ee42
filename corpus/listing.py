"""Read the listing pages of the ILO site (the bundled corpus and the site's other sections).

`layout.split_page` cuts a page into items whatever its layout (numbered,
numbered under month headings, `-` bullets); this module reads each item's
fields. An item is, in order (blank lines and `©` image-credit lines may stand
anywhere, and are not text):

    [kind]                     e.g. "News", "Publication"; absent on many pages,
                               and an image credit may stand in its place
    title
    date                       "21 February 2024", "1 August 2017", or a range
                               "1 April 2018 - 31 December 2019" (dated by its
                               start; the end is kept as `date_end`). Never guessed.
    [summary paragraph(s)]     optional

One line before the date is the title, unless it is only a kind ("News": a
kind this page uses on other items, or one of the site's usual kinds), in
which case the title is missing. Each item carries the page's heading as its
`collection`. An item that cannot be read completely (no date line, an
impossible date, no title) is reported with the file and the line where it
starts, and skipped; every other item is kept. A page with no items at all
(a breadcrumb trail) is reported in one line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from corpus.dates import DateError, check_plausible, looks_like_date_line, parse_date_line
from corpus.inputs import Source
from corpus.layout import CREDIT, Block, Page, split_page
from corpus.model import Article, Problem
from corpus.records import MAX_FIELD_CHARS, MAX_TITLE_CHARS
from corpus.sameitem import kind_key

# Kinds the site gives items; a line that is only one of these is not a title.
USUAL_KINDS = ("News", "Publication", "Event", "Article", "Note", "Project", "Statement",
               "Speech", "Interview", "Video", "Podcast", "Feature", "Press release", "Comment",
               "Brief", "Report", "Meeting", "Meeting document", "Area of work", "Infostory",
               "Story", "Opinion", "Editorial", "Multimedia", "Slideshow",
               "Spotlight Interviews with Co-operators")
STRAY_DATES_SHOWN = 3


__all__ = ["CREDIT", "NO_ITEMS", "Page", "page_shape", "read_listing", "read_listing_lines"]
NO_ITEMS = "no items"  # the code of the problem of a page without any


def read_listing(source: Source) -> Iterator[Article | Problem]:
    """Yield an Article per readable item and a Problem per unreadable one, in file order."""
    return read_listing_lines(source.lines(), source)


def read_listing_lines(lines: Iterable[tuple[int, str]], source: Source,
                       page: Page | None = None) -> Iterator[Article | Problem]:
    """`read_listing` over lines already (partly) read from `source`; `page` (filled in as
    the lines go by) says what else the page held."""
    page = page if page is not None else Page()
    kinds = set(_usual_kinds())  # grows with the kinds this page uses
    for block in split_page(lines, page):
        yield _read_item(block, source, page.heading, kinds)
    if page.items == 0:
        yield Problem(source.name, None, _no_items(page), code=NO_ITEMS)
    elif page.stray_dates:
        shown = ", ".join(f"line {number} ({text})"
                          for number, text in page.stray_dates[:STRAY_DATES_SHOWN])
        more = len(page.stray_dates) - STRAY_DATES_SHOWN
        yield Problem(source.name, page.stray_dates[0][0],
                      f"a date outside any item, with no number or '-' line before it: "
                      f"{shown}{f' and {more} more' if more > 0 else ''}; not read "
                      "(an item that lost its number?)", fatal_in_strict=False)


@lru_cache(maxsize=1)
def _usual_kinds() -> frozenset[str]:
    return frozenset(kind_key(kind) for kind in USUAL_KINDS)


def _no_items(page: Page) -> str:
    # The reason last, after the last colon, where the build summary reads it.
    shape = page_shape(page)
    return (f"a listing has numbered items ('1. News') or '-' items{', and ' if shape else ''}"
            f"{shape}: no items; nothing read")


def page_shape(page: Page) -> str:
    """What is telling about a page without items, for a message (no colon in it), or "":
    'it is one line of 331 characters (a breadcrumb trail, ...); it mentions 26 April 2018
    (...)'."""
    parts = []
    if page.lines == 1 and len(page.first_line) > 80:
        parts.append(f"it is one line of {len(page.first_line):,} characters (a breadcrumb "
                     "trail, or a page saved without its line breaks)")
    dated = next((text for _, text in page.stray_dates), "")
    if not dated and page.lines == 1:
        dated = _date_inside(page.first_line)
    if dated:
        parts.append(f"it mentions {dated} (if that is an item, save the page again with its "
                     "line breaks)")
    return "; ".join(parts)


def _date_inside(text: str) -> str:
    words = text.split()
    for at in range(len(words) - 2):
        candidate = " ".join(words[at:at + 3])
        if looks_like_date_line(candidate):
            return candidate
    return ""


def _read_item(block: Block, source: Source, collection: str,
               kinds: set[str]) -> Article | Problem:
    name, where = source.name, block.where
    content = ([(block.line, block.on_marker)] if block.on_marker else []) + block.lines
    date_at = next((i for i, (_, text) in enumerate(content) if looks_like_date_line(text)),
                   None)
    if date_at is None:
        if block.last:
            reason = (f"{where} has no date line: the file ends in the middle of it "
                      "(a page saved before it finished loading, or an excerpt?)")
        else:
            reason = (f"{where} has no date line: expected 'DD Month YYYY' "
                      "(e.g. '21 February 2024') after the title")
        return Problem(name, block.line, f"{reason}; item skipped", lost_item=True)
    date_line, date_text = content[date_at]
    head = [text for _, text in content[:date_at]]
    summary = " ".join(text for _, text in content[date_at + 1:])
    if block.untitled:
        return Problem(name, block.line, f"an item dated {date_text} has a date"
                       f"{' and a summary' if summary else ''} but no title (nor a number or "
                       "'-' line); item skipped", lost_item=True)
    if not head or (len(head) == 1 and kind_key(head[0]) in kinds):
        only = f" (only the kind {head[0]!r})" if head else ""
        return Problem(name, block.line, f"{where} has no title before its date{only}; "
                       "item skipped", lost_item=True)
    if len(head) == 1:
        kind, title = "", head[0]
    else:
        kind, title = head[0], " ".join(head[1:])
        kinds.add(kind_key(kind))
    try:
        day, end = parse_date_line(date_text)
        check_plausible(day)
    except DateError as error:
        return Problem(name, date_line, f"{where}: {error}; item skipped", lost_item=True)
    for field_name, value, limit in (("title", title, MAX_TITLE_CHARS),
                                     ("kind", kind, MAX_TITLE_CHARS),
                                     ("summary", summary, MAX_FIELD_CHARS)):
        if len(value) > limit:
            return Problem(name, block.line, f"{where}: {field_name} is {len(value):,} "
                           f"characters long, over the {limit:,} limit (a missing line break "
                           "or item number?); item skipped", lost_item=True)
    place = f"{block.month}, item {block.number}" if block.month else f"item {block.number}"
    return Article.create(title=title, date=day, kind=kind, summary=summary,
                          source=f"{source.label}, {place}", collection=collection,
                          date_end=end)
