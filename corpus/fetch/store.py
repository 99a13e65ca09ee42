"""Where fetched pages go on disk, and the record of what was fetched (to resume, not repeat).

The folder holds what `news-search index DIR` reads: one folder per site, a
`.html` file per page, and a snapshot per changed version of a feed (`.rss`,
`.atom`: an entry that has dropped off a feed stays in the older snapshot).
Each saved file begins with the comment browsers write when they save a page,
`<!-- saved from url=(0044)https://... -->`, so the readers know each item's
original address.

Beside them, `.news-search-fetch.jsonl` (hidden, so `index` passes over it)
records each URL's outcome, one JSON line per event, appended and flushed as
it happens: an interrupted fetch loses nothing and a rerun resumes. The last
line about a URL wins. A URL is `done` once saved (never fetched again unless
it is a source that is asked again, with its ETag and Last-Modified), or
`pending` when found but not yet fetched (the page limit, an interruption).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

STATE_FILE = ".news-search-fetch.jsonl"
MAX_SLUG = 80


@dataclass(frozen=True, slots=True)
class Entry:
    """The last word on one URL: what it is, where it was saved, how to ask for it again."""

    url: str
    state: str  # "done", "pending" or "failed"
    kind: str = ""  # "feed", "sitemap", "listing", "article", "start"
    file: str = ""  # relative to the folder
    etag: str = ""
    last_modified: str = ""
    digest: str = ""  # sha1 of the last body saved: an unchanged feed is not saved twice
    at: str = ""
    note: str = ""


class FetchStore:
    """The fetch folder: saved files and the record of every URL's outcome."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries: dict[str, Entry] = {}
        self.problems: list[str] = []
        path = folder / STATE_FILE
        if path.exists():
            self._load(path)

    def _load(self, path: Path) -> None:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                entry = Entry(**{key: str(data.get(key, "")) for key in Entry.__slots__})
            except (ValueError, TypeError):
                # An interrupted write leaves half a line: that URL is simply fetched again.
                self.problems.append(f"{path}:{number}: unreadable line, passed over")
                continue
            if entry.url:
                self.entries[entry.url] = entry

    def record(self, entry: Entry) -> None:
        """Remember `entry` now (appended and flushed to the state file)."""
        entry = Entry(**{**asdict(entry), "at": entry.at or _now()})
        self.entries[entry.url] = entry
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / STATE_FILE).open("a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def save(self, url: str, body: bytes, extension: str, snapshot: bool = False) -> str:
        """Write `body` (marked with its URL) under the site's folder; return its path relative
        to the folder. A snapshot's name carries the time, so versions sit side by side."""
        parts = urlsplit(url)
        host = re.sub(r"[^a-z0-9.-]+", "-", parts.netloc.lower()).strip("-.") or "site"
        slug = re.sub(r"[^a-z0-9]+", "-", f"{parts.path} {parts.query}".lower()).strip("-")
        slug = (slug[:MAX_SLUG].rstrip("-") or "index") + "-" + \
            hashlib.sha1(url.encode()).hexdigest()[:8]
        if snapshot:
            slug += "-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        relative = Path(host) / f"{slug}{extension}"
        target = self.folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.part")
        temporary.write_bytes(mark_with_url(body, url))
        temporary.replace(target)  # a reader never sees half a page
        return relative.as_posix()


def mark_with_url(body: bytes, url: str) -> bytes:
    """The body with a browser's "saved from url=" comment first (after an XML declaration),
    unless its encoding is one an ASCII comment would break (UTF-16)."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in body[:200]:
        return body
    comment = f"<!-- saved from url=({len(url):04d}){url} -->\n".encode()
    start = 3 if body.startswith(b"\xef\xbb\xbf") else 0
    if body[start:].startswith(b"<?xml"):
        end = body.find(b"?>", start)
        if end != -1:
            return body[:end + 2] + b"\n" + comment + body[end + 2:].lstrip(b"\r\n")
    return body[:start] + comment + body[start:]


def digest(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
