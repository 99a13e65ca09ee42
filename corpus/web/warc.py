"""Web archives (`.warc`, `.warc.gz`: Internet Archive, Common Crawl News, Webrecorder) with warcio.

Every `response` record whose HTTP status is 200 and whose payload is HTML is
a web page, read as a saved page is (`pages.read_page`): an article becomes
an item that keeps the record's target URL, a listing its items. When the page
gives no date, the record's capture date (`WARC-Date`) dates it, and a message
says so. Other records (requests, metadata, redirects, images, scripts,
revisits) are counted and passed over, in one message per archive.

A truncated archive keeps every record read before the break; the message
says after which record and at which byte it stopped. warcio stops quietly at
a break, so the reader checks that each record's body was read whole and that
the archive's last record ends where the file does.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from corpus.model import Article, Problem
from corpus.web.pages import read_page

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_PAGE_BYTES = 32 * 1024 * 1024  # a larger "page" is a video or a dump, not an article


@dataclass(frozen=True, slots=True)
class _Page:
    number: int
    where: str
    uri: str
    captured: date | None
    payload: bytes


@dataclass(slots=True)
class _Account:
    """What reading the archive met besides pages: records passed over, where it broke."""

    records: int = 0
    passed: Counter[str] = field(default_factory=Counter)
    broke: Problem | None = None


def read_warc(stream: BinaryIO, path: Path) -> Iterator[Article | Problem]:
    """Yield the items of every HTML page in the archive, then one account of the rest."""
    account = _Account()
    if not _looks_like_warc(stream):
        yield Problem(str(path), None, "not a web archive: a WARC file starts with 'WARC/1.0' "
                      "(or is gzipped records of it); file passed over")
        return
    for page in _pages(stream, path, account):
        if isinstance(page, Problem):
            yield page
            continue
        yield from read_page(page.payload, path, where=page.where, known_url=page.uri,
                             capture_date=page.captured)
    if account.broke is not None:
        yield account.broke
    if account.passed:
        counts = ", ".join(f"{count} {what}{'s' if count > 1 else ''}"
                           for what, count in account.passed.most_common())
        yield Problem(str(path), None, f"passed over {sum(account.passed.values())} records "
                      f"that are not HTML pages ({counts})", fatal_in_strict=False)


def _pages(stream: BinaryIO, path: Path, account: _Account) -> Iterator[_Page | Problem]:
    """The archive's HTML pages; everything else is counted in `account`, and a break in the
    archive is recorded there (only warcio's own work is inside the `try`)."""
    iterator = ArchiveIterator(stream)
    records = iter(iterator)
    while True:
        try:
            record = next(records, None)
            if record is None:
                break
            account.records += 1
            number = account.records
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            where = f"record {number} ({uri})" if uri else f"record {number}"
            kind = _kind(record)
            payload = record.content_stream().read(MAX_PAGE_BYTES + 1) if kind == "" else b""
            while record.raw_stream.read(1 << 20):  # the rest, to see whether it is whole
                pass
            # Only once the record is read: asking warcio earlier loses the payload.
            offset = iterator.get_record_offset()
            whole = getattr(record.raw_stream, "limit", 0) <= 0
            captured = _capture_date(record)
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as error:
            account.broke = Problem(str(path), None, f"the archive cannot be read past record "
                                    f"{account.records} ({error}); kept the records before it")
            return
        if not whole:
            account.broke = Problem(str(path), None, f"{where}: the archive stops in the middle "
                                    f"of this record, which starts at byte {offset:,} (a file "
                                    f"cut short?); kept the {number - 1} records before it",
                                    lost_item=kind == "")
            return
        if kind:
            account.passed[kind] += 1
        elif len(payload) > MAX_PAGE_BYTES:
            yield Problem(str(path), None, f"{where}: the page is over "
                          f"{MAX_PAGE_BYTES // 2**20} MiB; record skipped", lost_item=True)
        else:
            yield _Page(number, where, uri, captured, payload)
    if account.records == 0:
        account.broke = Problem(str(path), None, "no WARC record could be read: the file is "
                                "empty, cut short in its first record, or not a web archive")
        return
    end = _record_end(iterator)
    cut = _trailing(stream, end)
    if cut:
        account.broke = Problem(str(path), None, f"the archive is cut short after record "
                                f"{account.records} (at byte {end:,}, {cut:,} bytes that are "
                                f"not a whole record follow); kept the records before it")


def _looks_like_warc(stream: BinaryIO) -> bool:
    """Whether the stream starts like a WARC (or ARC) file, gzipped or not; a stream that
    cannot be rewound is given the benefit of the doubt."""
    try:
        if not stream.seekable():
            return True
        start = stream.tell()
        head = stream.read(4096)
        stream.seek(start)
    except (OSError, ValueError):
        return True
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 64)
        except zlib.error:
            return False
    return head.lstrip(b"\r\n").startswith((b"WARC/", b"filedesc://"))


def _kind(record: Any) -> str:
    """'' for an HTML page; otherwise what the record is, for the account."""
    if record.rec_type != "response" or record.http_headers is None:
        return f"{record.rec_type} record"
    status = record.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        return f"HTTP {status} response"
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if not content_type.startswith(HTML_TYPES):
        return f"{content_type.split(';')[0].strip() or 'untyped'} response"
    return ""


def _capture_date(record: Any) -> date | None:
    raw = record.rec_headers.get_header("WARC-Date") or ""
    try:
        return datetime.fromisoformat(raw.strip()).date()
    except ValueError:
        return None


def _record_end(iterator: ArchiveIterator) -> int:
    info = iterator.member_info
    return info[0] + info[1] if info else 0


def _trailing(stream: BinaryIO, end: int) -> int:
    """How many bytes after `end` are more than record separators (0 when the stream cannot
    be measured)."""
    try:
        stream.seek(end)
        rest = stream.read(64 * 1024 + 1)
    except (OSError, ValueError):
        return 0
    return len(rest.strip(b"\r\n"))
