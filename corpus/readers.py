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
read_html, ".html page")` adds a format; the extension is matched lower-case,
after any compression suffix is removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from corpus.csvfile import read_csv
from corpus.inputs import Source
from corpus.jsonl import read_jsonl
from corpus.listing import read_listing
from corpus.model import Article, Problem

Read = Callable[[Source], Iterator[Article | Problem]]


@dataclass(frozen=True)
class Reader:
    """One format: the files it takes and how messages name it."""

    extension: str     # ".txt"
    read: Read
    description: str   # ".txt listing", as in "not a .txt listing, .jsonl or .csv file"


READERS: dict[str, Reader] = {}


def register_reader(extension: str, read: Read, description: str = "") -> None:
    """Make `read` the reader of files named `*<extension>` (replacing any before it)."""
    extension = extension.lower()
    READERS[extension] = Reader(extension, read, description or extension)


def describe_formats() -> str:
    """The formats read, for messages: 'a .txt listing, .jsonl or .csv'."""
    names = [reader.description for reader in READERS.values()]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"a {listed}"


register_reader(".txt", read_listing, ".txt listing")
register_reader(".jsonl", read_jsonl, ".jsonl")
register_reader(".csv", read_csv, ".csv")
