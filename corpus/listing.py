"""Read the numbered listing format of the ILO news pages (the bundled corpus).

A listing is a heading line, then numbered items. Each item is, in order:

    <n>. [© image credit]      the number, then a credit and/or the kind
    [© image credit]           a credit line may stand before the kind
    [kind]                     e.g. "News"; absent when a credit takes its place
    title
    DD Month YYYY              e.g. "21 February 2024" (never guessed)
    [summary paragraph(s)]     optional

Blank lines may stand anywhere. An item's lines run until the next numbered
line whose number follows the previous one (so a summary that happens to begin
"2024. ..." is not taken for an item). An item that cannot be read completely
(no date line, an impossible date, no title) is reported with the file and the
line where it starts, and skipped; every other item is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from corpus.dates import DateError, check_plausible, looks_like_listing_date, parse_strict_date
from corpus.model import Article, Problem
from corpus.records import MAX_FIELD_CHARS, MAX_TITLE_CHARS

ITEM_START = re.compile(r"^\s*(\d{1,6})\.(?:\s+(.*?))?\s*$")
CREDIT = "\u00a9"


@dataclass(slots=True)
class _Item:
    number: int
    line: int
    lines: list[tuple[int, str]]  # (line number, stripped text), blank lines as ""
    on_number_line: str = ""  # text after "<n>.": a credit or the kind, never the title


def read_listing(text: str, path: Path) -> Iterator[Article | Problem]:
    """Yield an Article per readable item and a Problem per unreadable one, in file order."""
    items = list(_split_items(text))
    if not items:
        if text.strip():
            yield Problem(str(path), None, "no numbered items found: a listing has items "
                          "that start with a line like '1. News'")
        else:
            yield Problem(str(path), None, "the file is empty")
        return
    for index, item in enumerate(items):
        yield _read_item(item, path, last=index == len(items) - 1)


def _split_items(text: str) -> Iterator[_Item]:
    current: _Item | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        match = ITEM_START.match(raw)
        if match and (current is None or int(match.group(1)) in (current.number + 1, 1)):
            if current is not None:
                yield current
            line = (match.group(2) or "").strip()
            current = _Item(int(match.group(1)), number, [], line)
            if not line:
                continue
        if current is not None:
            current.lines.append((number, line))
    if current is not None:
        yield current


def _read_item(item: _Item, path: Path, last: bool) -> Article | Problem:
    where = f"item {item.number}"
    content = [(number, text) for number, text in item.lines if text]
    date_at = next((i for i, (_, text) in enumerate(content) if looks_like_listing_date(text)),
                   None)
    if date_at is None:
        if last:
            reason = (f"{where} has no date line: the file ends in the middle of it "
                      "(a page saved before it finished loading?)")
        else:
            reason = (f"{where} has no date line: expected 'DD Month YYYY' "
                      "(e.g. '21 February 2024') after the title")
        return Problem(str(path), item.line, f"{reason}; item skipped", lost_item=True)
    date_line, date_text = content[date_at]
    head = [text for _, text in content[:date_at] if not text.startswith(CREDIT)]
    if not head or (len(head) == 1 and item.on_number_line == head[0]):
        only = f" (only the kind {head[0]!r})" if head else ""
        return Problem(str(path), item.line, f"{where} has no title before its date{only}; "
                       "item skipped", lost_item=True)
    kind, title = ("", head[0]) if len(head) == 1 else (head[0], " ".join(head[1:]))
    try:
        day = parse_strict_date(date_text)
        check_plausible(day)
    except DateError as error:
        return Problem(str(path), date_line, f"{where}: {error}; item skipped", lost_item=True)
    summary = " ".join(text for _, text in content[date_at + 1:])
    for name, value, limit in (("title", title, MAX_TITLE_CHARS), ("kind", kind, MAX_TITLE_CHARS),
                               ("summary", summary, MAX_FIELD_CHARS)):
        if len(value) > limit:
            return Problem(str(path), item.line, f"{where}: {name} is {len(value):,} characters "
                           f"long, over the {limit:,} limit (a missing line break or item "
                           "number?); item skipped", lost_item=True)
    return Article.create(title=title, date=day, kind=kind, summary=summary,
                          source=f"{path.name}, item {item.number}")
