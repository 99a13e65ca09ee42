"""Article text files: one article saved as text (its title, then its body).

Such a file is what copying an article page gives, and what `../shared/real/
articles/` holds:

    title                              the first line
    [standfirst paragraph(s)]          optional: the summary
    News | 27 January 2022             the kind and date line (the kind is optional)
    body paragraphs                    the full text

The kind-and-date line stands among the first lines (`HEADER_WINDOW`), in the
page's language: `Noticia | 25 de agosto de 2020`, `Actualité | 27 janvier
2023` (see `corpus.localdates`: the month's language is the site's interface,
not the article's, so it gives no `language`).
Image-credit lines (`© ...`) are not text. A file without such a line has no
date, and a reader never guesses one: it gives a message and no item.

`.txt` files are listings or article texts; `read_text_file` tells them apart
by content: a kind-and-date line near the top (no listing has one) makes an
article text, anything else is read as a listing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from corpus.dates import DateError, check_plausible
from corpus.inputs import Source
from corpus.listing import CREDIT, NO_ITEMS, Page, page_shape, read_listing_lines
from corpus.localdates import LocalDate, parse_kind_and_date
from corpus.model import Article, Problem
from corpus.records import MAX_BODY_CHARS, MAX_TITLE_CHARS

HEADER_WINDOW = 8  # lines after the title where the kind-and-date line may stand
MAX_ARTICLE_LINES = 200_000  # an article text past this is not one article
_NUMBERED = re.compile(r"^\s*\d{1,6}\.(?:\s|$)")
NO_DATE = ("an article text gives its date on a line like 'News | 21 February 2024' among "
           "its first lines, after the title: no date line")


@dataclass(frozen=True, slots=True)
class ArticleParts:
    """An article's text split by the rules above; `date` is None when no line gives it."""

    title: str
    summary: str
    body: str
    date: date | None = None
    kind: str = ""
    date_line: int | None = None  # 1-based, in the lines given


def split_article(lines: Sequence[str], title: str = "",
                  bare_dates: bool = False) -> ArticleParts | None:
    """Split an article's lines into title, summary, kind-and-date and body.

    With `title` given (a web page knows its title from its markup), the lines are the text
    after it, and a first line repeating the title is dropped. A date line alone, with no
    kind (`21 February 2024`), counts only with `bare_dates`: a web page's markup puts it
    under the title, while in a text file it is the date line of a listing's item. None when
    there is no text. Raises DateError when the date line names a day that does not exist.
    """
    numbered = [(number, " ".join(line.split())) for number, line in
                enumerate(lines, start=1)]
    content = [(number, line) for number, line in numbered
               if line and not line.startswith(CREDIT)]
    if title:
        if content and content[0][1] == " ".join(title.split()):
            content = content[1:]
    elif content:
        title, content = content[0][1], content[1:]
    if not title:
        return None
    found: LocalDate | None = None
    at = None
    for index, (number, line) in enumerate(content[:HEADER_WINDOW]):
        found = parse_kind_and_date(line)
        if found is not None and (found.kind or bare_dates):
            at = index
            break
        found = None
    if found is None or at is None:
        return ArticleParts(title, "", "\n".join(line for _, line in content))
    return ArticleParts(title, " ".join(line for _, line in content[:at]),
                        "\n".join(line for _, line in content[at + 1:]), found.day,
                        found.kind, content[at][0])


def read_article_text(text: str, path: Path) -> Iterator[Article | Problem]:
    """Yield the Article of an article text file, or the Problem that says why there is none."""
    lines = text.splitlines()
    try:
        parts = split_article(lines)
    except DateError as error:
        yield Problem(str(path), None, f"{error}; file passed over", lost_item=True)
        return
    if parts is None:
        yield Problem(str(path), None, "the file is empty", lost_item=True)
        return
    if parts.date is None:
        yield Problem(str(path), None, f"{NO_DATE}; file passed over", lost_item=True)
        return
    # The title is the first non-blank line; date_line counts from the top of the file.
    try:
        check_plausible(parts.date)
    except DateError as error:
        yield Problem(str(path), parts.date_line, f"{error}; file passed over", lost_item=True)
        return
    if len(parts.title) > MAX_TITLE_CHARS:
        yield Problem(str(path), None, f"the first line is {len(parts.title):,} characters "
                      f"long, over the {MAX_TITLE_CHARS:,} limit for a title (an article text "
                      "starts with its title on a line of its own); file passed over",
                      lost_item=True)
        return
    body = parts.body
    if len(body) > MAX_BODY_CHARS:
        yield Problem(str(path), None, f"body is {len(body):,} characters long; kept its "
                      f"first {MAX_BODY_CHARS:,}", fatal_in_strict=False)
        body = body[:MAX_BODY_CHARS]
    yield Article.create(title=parts.title, date=parts.date, kind=parts.kind,
                         summary=parts.summary, body=body, source=path.name)


def looks_like_article_text(text: str) -> bool:
    """True when the first lines hold a kind-and-date line after a title (no listing does)."""
    head = [line for line in text.splitlines()[:4 * HEADER_WINDOW] if line.strip()]
    if not head or _NUMBERED.match(head[0]):
        return False
    for line in head[1:HEADER_WINDOW + 1]:
        if _NUMBERED.match(line):
            return False
        try:
            found = parse_kind_and_date(line)
        except DateError:
            return "|" in line  # an impossible day: the article reader says so
        if found is not None and found.kind:
            return True
    return False


def read_text_file(source: Source) -> Iterator[Article | Problem]:
    """A `.txt` file: an article text when its first lines say so, else a listing (streamed).

    A file in which the listing reader finds no item, and that has no kind-and-date line
    either, gets one message naming both forms rather than the listing's alone.
    """
    lines = iter(source.lines())
    head = list(itertools.islice(lines, 4 * HEADER_WINDOW))
    head_text = "".join(text for _, text in head)
    if looks_like_article_text(head_text):
        # One article: read whole, but never more than its body could keep.
        rest = itertools.islice(lines, MAX_ARTICLE_LINES)
        yield from read_article_text(head_text + "".join(text for _, text in rest),
                                     Path(source.name))
        return
    page = Page()
    for entry in read_listing_lines(itertools.chain(head, lines), source, page):
        if isinstance(entry, Problem) and entry.code == NO_ITEMS:
            shape = page_shape(page)
            entry = Problem(source.name, None, "neither a dated article text (its title, then "
                            "a line like 'News | 21 February 2024') nor a listing (numbered "
                            f"items like '1. News', or '-' items){', and ' if shape else ''}"
                            f"{shape}: no date line, no numbered items; file passed over",
                            lost_item=True)
        yield entry
