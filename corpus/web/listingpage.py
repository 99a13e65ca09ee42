"""A listing page: many items, each a title that links to the article, with a date.

The page's text structure is read with the listing reader's rules: an item is
a kind line (optional), a title, a date line (`21 February 2024`, or the
page's language: `27 janvier 2023`, `News | 27 January 2022`, or a `<time
datetime>`), and an optional summary; `©` credit lines are not text. In HTML
the title is the item's link, which becomes the item's `url`.

Finding the items: every element that holds a date alone is a date; an item
is the largest element around one date that holds no other date, provided it
has a link with a title's text. Navigation, headers, footers, asides and
forms are not searched (their links are menus).

Deciding listing against article (`looks_like_listing`): a page is a listing
when at least `MIN_ITEMS` items with distinct links hold most of its text
(`MIN_SHARE`); a page whose metadata calls it an article needs more items and
a larger share, so an article's "related news" box does not make it a listing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from corpus.dates import ISO_DATE, DateError
from corpus.listing import CREDIT
from corpus.localdates import LocalDate, parse_kind_and_date
from corpus.web.htmltext import element_lines, iter_text_elements
from corpus.web.pagemeta import web_link

SKIP = frozenset({"nav", "header", "footer", "aside", "form"})
MIN_ITEMS = 2
MIN_SHARE = 0.5
ARTICLE_MIN_ITEMS = 3  # for a page whose metadata says "article"
ARTICLE_MIN_SHARE = 0.7
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
MAX_DATE_CHARS = 80
# Links that are not titles: "Read more" after a summary, and the like.
NOT_TITLES = frozenset({"read more", "more", "continue reading", "learn more", "details",
                        "lire la suite", "en savoir plus", "suite", "leer más", "leer mas",
                        "ver más", "más", "mas"})


@dataclass(frozen=True, slots=True)
class PageItem:
    """One item of a listing page, read but not yet checked (the date may be implausible)."""

    number: int
    title: str
    url: str
    date: date
    kind: str = ""
    summary: str = ""


@dataclass(slots=True)
class ListingScan:
    """The items found on a page, the undated ones beside them, and how much text they hold."""

    items: list[PageItem] = field(default_factory=list)
    undated: list[tuple[int, str]] = field(default_factory=list)  # (number, title)
    bad_dates: list[tuple[int, str]] = field(default_factory=list)  # (number, message)
    item_chars: int = 0
    page_chars: int = 0

    @property
    def share(self) -> float:
        return self.item_chars / self.page_chars if self.page_chars else 0.0


def looks_like_listing(scan: ListingScan, is_article: bool) -> bool:
    """Whether the page is a listing of its items rather than one article."""
    links = {item.url or item.title for item in scan.items}
    if is_article:
        return len(links) >= ARTICLE_MIN_ITEMS and scan.share >= ARTICLE_MIN_SHARE
    return len(links) >= MIN_ITEMS and scan.share >= MIN_SHARE


def scan_listing(tree: etree._Element, base: str) -> ListingScan:
    """Find the page's dated, linked items (see the module docstring)."""
    body = tree.find(".//body")
    root = body if body is not None else tree
    elements = list(iter_text_elements(root, SKIP))
    dates: dict[etree._Element, LocalDate] = {}
    bad: dict[etree._Element, str] = {}
    for element in elements:
        try:
            own = _date_of(element)
        except DateError as error:
            bad[element] = str(error)
            continue
        if own is not None:
            dates[element] = own
    # Keep the innermost: '<p><span>21 May 2024</span></p>' is one date, the span.
    for element in list(dates):
        for ancestor in element.iterancestors():
            dates.pop(ancestor, None)
    counts: Counter[etree._Element] = Counter()
    for element in [*dates, *bad]:
        for ancestor in [element, *element.iterancestors()]:
            counts[ancestor] += 1
    scan = ListingScan(page_chars=sum(len(line) for line in element_lines(root)))
    blocks: list[tuple[etree._Element, LocalDate | str]] = []
    dated: list[tuple[etree._Element, LocalDate | str]] = [*dates.items(), *bad.items()]
    for element, found in dated:
        block = element
        while (parent := block.getparent()) is not None and parent is not root \
                and counts[parent] == 1:
            block = parent
        if block is root or block.getparent() is None:
            continue
        blocks.append((block, found))
    order = {element: number for number, element in enumerate(elements)}
    blocks.sort(key=lambda pair: order.get(pair[0], 0))
    containers: Counter[etree._Element] = Counter()
    number = 0
    for block, date_or_error in blocks:
        link = _title_link(block)
        if link is None:
            continue
        number += 1
        containers[block.getparent()] += 1
        title = " ".join(element_lines(link))
        if isinstance(date_or_error, str):
            scan.bad_dates.append((number, f"{title[:80]!r}: {date_or_error}"))
            continue
        lines = element_lines(block)
        scan.item_chars += sum(len(line) for line in lines)
        scan.items.append(_item(number, lines, title, web_link(link.get("href"), base),
                                date_or_error))
    scan.undated = _undated_siblings(containers, {block for block, _ in blocks})
    return scan


def _date_of(element: etree._Element) -> LocalDate | None:
    """The date `element` holds by itself: a `<time datetime>`, or a piece of its own text
    (its text or a child's tail) that is a date line. Raises DateError for a date-shaped
    piece whose day does not exist."""
    if str(element.tag).lower() == "time":
        match = ISO_DATE.match(str(element.get("datetime", "")).strip()[:10])
        if match:
            try:
                return LocalDate(date(*(int(part) for part in match.groups())))
            except ValueError:
                raise DateError(f"date {element.get('datetime')!r} does not exist") from None
    pieces = [element.text or ""] + [child.tail or "" for child in element]
    for piece in pieces:
        text = piece.strip()
        if text and len(text) <= MAX_DATE_CHARS and any(ch.isdigit() for ch in text):
            found = parse_kind_and_date(text)
            if found is not None:
                return found
    return None


def _title_link(block: etree._Element) -> etree._Element | None:
    candidates = []
    for link in block.iter("a"):
        text = " ".join(element_lines(link))
        if not link.get("href") or not text or text.lower().strip(" .…»›>") in NOT_TITLES:
            continue
        in_heading = any(str(a.tag).lower() in HEADINGS for a in
                         [link, *link.iterancestors()] if a is not block) or \
            any(str(d.tag).lower() in HEADINGS for d in link.iter())
        candidates.append((in_heading, len(text), link))
    if not candidates:
        return None
    headed = [c for c in candidates if c[0]]
    return (headed[0] if headed else max(candidates, key=lambda c: c[1]))[2]


def _item(number: int, lines: list[str], title: str, url: str, found: LocalDate) -> PageItem:
    """The listing reader's rules on the item's lines: the lines before the title are its
    kind, the lines after it (less the date and credit lines) its summary."""
    at = next((i for i, line in enumerate(lines) if line == title),
              next((i for i, line in enumerate(lines) if title in line), 0))
    kind_lines: list[str] = []
    summary_lines: list[str] = []
    kind = found.kind
    for index, line in enumerate(lines):
        line = _without_more(line)
        if index == at or not line or line.startswith(CREDIT):
            continue
        try:
            is_date = parse_kind_and_date(line) is not None
        except DateError:
            is_date = True
        if is_date:
            continue
        (kind_lines if index < at else summary_lines).append(line)
    if not kind and kind_lines:
        kind = kind_lines[-1]
    return PageItem(number, title, url, found.day, kind, " ".join(summary_lines))


def _without_more(line: str) -> str:
    """A summary line without the "Read more" link that ends it."""
    words = line.rstrip(" .…»›>").lower()
    for phrase in sorted(NOT_TITLES, key=len, reverse=True):
        if words == phrase:
            return ""
        if words.endswith(" " + phrase):
            return line[:len(words) - len(phrase)].rstrip()
    return line


def _undated_siblings(containers: Counter[etree._Element],
                      blocks: set[etree._Element]) -> list[tuple[int, str]]:
    """Elements beside the items, shaped like them (same tag, a title link), with no date."""
    undated: list[tuple[int, str]] = []
    for container, count in containers.items():
        if container is None or count < MIN_ITEMS:
            continue
        tags = Counter(str(block.tag) for block in blocks if block.getparent() is container)
        if not tags:
            continue
        tag = tags.most_common(1)[0][0]
        for position, child in enumerate(container, start=1):
            if child in blocks or str(child.tag) != tag:
                continue
            link = _title_link(child)
            if link is not None:
                undated.append((position, " ".join(element_lines(link))))
    return undated
