"""The reader registry: which reader takes which kind of input.

A reader is a function `read(source) -> Iterator[Article | Problem]`. It
takes the input in whichever form suits its format, from the `Source` it is
handed (`corpus.inputs`):

- `source.lines()`: numbered text lines `(number, line)` with their line ends,
  decoded (UTF-8, UTF-16, Windows-1252 read with a note, NULs removed) and
  streamed; for text formats (listings, JSON Lines, CSV);
- `source.binary()`: the raw contents as a binary stream, already
  decompressed (`.gz`, `.bz2`, `.xz`, zip members) and never read whole; for
  binary formats (HTML pages with their own encoding, feeds, web archives).

It yields records and problems as it goes (`Problem(source.name, line, ...)`,
`lost_item=True` for a record it had to skip) and uses `source.label` in each
`Article.source`. The caller closes the source. `register_reader(".html",
read_html, ".html")` adds a format; the extension is matched lower-case,
after any compression suffix is removed (unless the extension names it,
as ".warc.gz" does). A reader that parses a whole document takes
`whole(source)`, its bytes up to MAX_DOCUMENT_BYTES.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from corpus.articletext import read_text_file
from corpus.csvfile import read_csv
from corpus.inputs import Source
from corpus.jsonl import read_jsonl
from corpus.model import Article, Problem

Read = Callable[[Source], Iterator[Article | Problem]]
# A page or a feed is parsed whole (its parser needs the document): past this it is not one.
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Reader:
    """One format: the files it takes and how messages name it."""

    extension: str     # ".txt", ".warc.gz"
    read: Read
    description: str   # ".csv", as messages list the formats read


READERS: dict[str, Reader] = {}


def register_reader(extension: str, read: Read, description: str = "") -> None:
    """Make `read` the reader of files named `*<extension>` (replacing any before it). An
    extension may end in a compression suffix (".warc.gz"): such files reach the reader
    as they are, not decompressed."""
    extension = extension.lower()
    READERS[extension] = Reader(extension, read, description or extension)


def describe_formats() -> str:
    """The formats read, for messages: '.txt (a listing or an article text), .jsonl, ...'."""
    return ", ".join(dict.fromkeys(reader.description for reader in READERS.values()))


def whole(source: Source) -> bytes:
    """All the bytes of a source, for a reader that parses a whole document; raises
    UnreadableFile past MAX_DOCUMENT_BYTES."""
    from corpus.decoding import UnreadableFile

    data = source.binary().read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UnreadableFile(f"over {MAX_DOCUMENT_BYTES // 2**20} MiB, more than one page or "
                             "feed holds: a page or feed is read whole; save a site as a "
                             ".warc archive (read as a stream) instead")
    return data


# The web formats import their parsers (trafilatura, feedparser, warcio) when first used.
def _html(source: Source) -> Iterator[Article | Problem]:
    from corpus.web import read_html
    return read_html(whole(source), Path(source.name))


def _feed(source: Source) -> Iterator[Article | Problem]:
    from corpus.web import read_feed
    return read_feed(whole(source), Path(source.name))


def _warc(source: Source) -> Iterator[Article | Problem]:
    from corpus.web import read_warc
    return read_warc(source.binary(), Path(source.name))


register_reader(".txt", read_text_file, ".txt (a listing or an article text)")
register_reader(".jsonl", read_jsonl, ".jsonl")
register_reader(".csv", read_csv, ".csv")
for _extension in (".html", ".htm"):
    register_reader(_extension, _html, ".html")
for _extension in (".rss", ".atom", ".xml"):
    register_reader(_extension, _feed, ".rss/.atom/.xml")
# warcio reads gzipped WARC records itself (each record its own gzip member).
for _extension in (".warc", ".warc.gz"):
    register_reader(_extension, _warc, ".warc")
