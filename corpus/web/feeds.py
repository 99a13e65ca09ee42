"""RSS 0.9x, 1.0 and 2.0 and Atom feeds, read with feedparser: one item per entry.

An entry gives its title, its date (`<pubDate>`, `<published>`, `<updated>`,
`<dc:date>`: the day as the publisher wrote it, in its own time zone), its
summary, its full content when the feed carries it (`<content>`,
`<content:encoded>`) as the body, its first category as its kind, and its
link: a `via` link (the original an entry was taken from, as news-search's
own `/feed.atom` writes it) before the entry's `alternate` link. Relative links
resolve against the feed's own address when the file says it (the "saved
from url=" comment `news-search fetch` writes).

A feed that is not well-formed XML is read leniently by feedparser; entries
left unfinished by the break (a download cut short) are reported and
skipped, and the message names the line where the XML broke.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from time import struct_time
from typing import Any

import feedparser

from corpus.dates import DateError, check_plausible
from corpus.model import Article, Problem, language_code
from corpus.records import MAX_BODY_CHARS, MAX_FIELD_CHARS, MAX_TITLE_CHARS
from corpus.web.htmltext import fragment_text
from corpus.web.pagemeta import saved_from_url, web_link

_ENTRY_END = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>")


def read_feed(data: bytes, path: Path) -> Iterator[Article | Problem]:
    """Yield an Article per readable entry and a Problem per unreadable one, in feed order."""
    base = saved_from_url(data)
    headers = {"content-type": "application/xml"}
    if base:
        headers["content-location"] = base
    # A stream, never bytes or a string: feedparser would open a string that looks like a
    # URL or a file name.
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except (ValueError, LookupError) as failure:  # feedparser's decoding of damaged bytes
        yield Problem(str(path), None, f"the feed's bytes cannot be decoded ({failure}): is it "
                      "damaged, or not a feed?; file passed over")
        return
    entries = list(parsed.get("entries", []))
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.get("version") and not entries:
        root = re.search(rb"<([A-Za-z][\w:.-]*)", data.lstrip()[:4096])
        what = f" (its first element is <{root.group(1).decode('ascii', 'replace')}>)" \
            if root else ""
        # Any XML may be named .xml (a sitemap, a configuration): passed over like a README.
        # A file named .rss or .atom claims to be a feed, and a --strict build refuses it.
        yield Problem(str(path), None, f"not an RSS or Atom feed{what}: .rss, .atom and .xml "
                      "files are read as feeds; file passed over",
                      fatal_in_strict=path.suffix.lower() != ".xml")
        return
    unfinished = 0
    if error is not None and hasattr(error, "getLineNumber"):
        unfinished = max(0, len(entries) - len(_ENTRY_END.findall(data)))
        kept = len(entries) - unfinished
        yield Problem(str(path), error.getLineNumber(), f"the feed is not well-formed XML here "
                      f"({error.getMessage()}): read {kept} entr{'y' if kept == 1 else 'ies'} "
                      "as far as the XML goes" + (f", {unfinished} left unfinished by the break "
                                                  "(a download cut short?)" if unfinished else ""),
                      fatal_in_strict=True, lost_item=False)
    if not entries:
        yield Problem(str(path), None, "the feed has no entries", fatal_in_strict=False)
        return
    language = language_code(str(parsed.get("feed", {}).get("language") or ""))
    for number, entry in enumerate(entries, start=1):
        if number > len(entries) - unfinished:
            title = str(entry.get("title") or "")[:80]
            yield Problem(str(path), None, f"entry {number} ({title!r}): cut off by the break "
                          "in the XML; entry skipped", lost_item=True)
            continue
        yield _entry(entry, number, path, language)


def _entry(entry: Any, number: int, path: Path, feed_language: str) -> Article | Problem:
    title = _text(entry.get("title_detail"), entry.get("title"), " ")
    where = f"entry {number}" + (f" ({title[:80]!r})" if title else "")

    def fail(message: str) -> Problem:
        return Problem(str(path), None, f"{where}: {message}; entry skipped", lost_item=True)

    if not title:
        return fail("no title")
    if len(title) > MAX_TITLE_CHARS:
        return fail(f"title is {len(title):,} characters long, over the {MAX_TITLE_CHARS:,} "
                    "limit")
    try:
        day = _entry_date(entry)
        if day is None:
            return fail("no date (no <pubDate>, <published>, <updated> or <dc:date>)")
        check_plausible(day)
    except DateError as error:
        return fail(str(error))
    body = max((_text(content, None, "\n") for content in entry.get("content") or []),
               key=len, default="")
    summary = _text(entry.get("summary_detail"), entry.get("summary"), " ")
    if body and summary == " ".join(body.split()):
        summary = ""  # feedparser gives the content as the summary when there is no summary
    tags = [str(tag.get("term") or tag.get("label") or "").strip()
            for tag in entry.get("tags") or []]
    links = entry.get("links") or []
    via = next((link.get("href") for link in links if link.get("rel") == "via"), "")
    url = web_link(via) or web_link(entry.get("link"))
    language = next((language_code(str(detail.get("language") or "")) for detail in
                     (entry.get("title_detail"), *(entry.get("content") or []))
                     if detail and language_code(str(detail.get("language") or ""))), "")
    return Article.create(title=title, date=day, kind=next((t for t in tags if t), ""),
                          summary=summary[:MAX_FIELD_CHARS], url=url,
                          body=body[:MAX_BODY_CHARS],
                          language=language_code(str(entry.get("language") or "")) or language
                          or feed_language, source=f"{path.name}, entry {number}")


def _text(detail: Any, fallback: object, separator: str) -> str:
    """The text of a feed text construct: markup taken out when its type is HTML."""
    value = str(detail.get("value") if detail else fallback or "")
    kind = str(detail.get("type") if detail else "text/html")
    if "html" in kind:
        return fragment_text(value, separator)
    return separator.join(" ".join(line.split()) for line in value.splitlines() if line.strip())


def _entry_date(entry: Any) -> date | None:
    """The entry's date as written (its own time zone), else feedparser's reading (UTC)."""
    for name in ("published", "updated", "created"):
        # dict.get, not entry.get: feedparser maps a missing `updated` to `published` with a
        # DeprecationWarning.
        raw = dict.get(entry, name)
        if raw:
            day = _written_date(str(raw))
            if day is not None:
                return day
        parsed = dict.get(entry, f"{name}_parsed")
        if isinstance(parsed, struct_time):
            return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None


def _written_date(raw: str) -> date | None:
    value = raw.strip()
    try:
        return datetime.fromisoformat(value).date()  # Atom, dc:date: 2024-02-06T10:00:00+01:00
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).date()  # RSS: Tue, 06 Feb 2024 10:00:00 +0100
    except (TypeError, ValueError, IndexError):
        return None
