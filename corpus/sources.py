"""Read any mix of files and folders into one de-duplicated list of Articles.

The format is chosen by the file's extension: `.txt` is a listing or an
article text (told apart by content), `.jsonl` is JSON Lines, `.csv` is CSV,
`.html`/`.htm` a saved web page, `.rss`/`.atom`/`.xml` a feed, `.warc`/`.warc.gz`
a web archive (the web formats are read from bytes, see `corpus.web`). A folder is read recursively; files of other
kinds in it are noted and passed over. Items with the same id (the same date
and title, e.g. from two snapshots of one listing) are merged: the first one
read is kept, and a field it lacks (kind, summary, url) is filled from the
later copy, so merging never duplicates an item and never loses text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from corpus.articletext import read_text_file
from corpus.csvfile import read_csv
from corpus.decoding import MAX_FILE_BYTES, UnreadableFile, read_text
from corpus.jsonl import read_jsonl
from corpus.model import Article, Problem
from corpus.web import read_feed, read_html, read_warc

BUNDLED_CORPUS = Path(__file__).resolve().parent / "data" / "ilo-cooperatives-news.txt"

Reader = Callable[[str, Path], Iterator[Article | Problem]]
BytesReader = Callable[[bytes, Path], Iterator[Article | Problem]]
StreamReader = Callable[[BinaryIO, Path], Iterator[Article | Problem]]
READERS: dict[str, Reader] = {".txt": read_text_file, ".jsonl": read_jsonl, ".csv": read_csv}
# Web formats decode themselves (a page's <meta charset>, a feed's XML declaration).
BYTES_READERS: dict[str, BytesReader] = {".html": read_html, ".htm": read_html,
                                         ".rss": read_feed, ".atom": read_feed,
                                         ".xml": read_feed}
# Archives can be far larger than any other file: read as a stream, record by record.
STREAM_READERS: dict[str, StreamReader] = {".warc": read_warc, ".warc.gz": read_warc}
FORMATS = ".txt (a listing or an article text), .jsonl, .csv, .html, .rss/.atom/.xml, .warc"


def format_of(path: Path) -> str | None:
    """The reader key of `path` ('.warc.gz', '.html', ...), None for an unknown format."""
    name = path.name.lower()
    for key in (*STREAM_READERS, *BYTES_READERS, *READERS):
        if name.endswith(key):
            return key
    return None


@dataclass
class ReadResult:
    """What reading the sources gave: the articles, and an account of everything else."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    items_read: int = 0
    duplicates: int = 0

    @property
    def skipped(self) -> int:
        """Items read but not kept: unreadable ones and merged duplicates."""
        return self.items_read - len(self.articles)

    @property
    def strict_failures(self) -> list[Problem]:
        """The problems that make a `--strict` build fail."""
        return [problem for problem in self.problems if problem.fatal_in_strict]


def iter_files(sources: Iterable[Path], result: ReadResult) -> Iterator[Path]:
    """The readable files named by `sources`, folders expanded in sorted order."""
    for source in sources:
        if source.is_dir():
            for path in sorted(p for p in source.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in path.relative_to(source).parts):
                    continue
                if format_of(path) is not None:
                    yield path
                else:
                    result.problems.append(Problem(str(path), None, f"not one of {FORMATS}; "
                                                   "passed over", fatal_in_strict=False))
        elif source.is_file():
            if format_of(source) is not None:
                yield source
            else:
                result.problems.append(Problem(str(source), None, f"unknown format: name the "
                                               f"file {FORMATS}"))
        else:
            result.problems.append(Problem(str(source), None, "no such file or folder"))


def read_sources(sources: Iterable[Path | str],
                 on_file: Callable[[Path], None] | None = None) -> ReadResult:
    """Read every source into a ReadResult; never raises for a bad file, reports it."""
    result = ReadResult()
    by_id: dict[str, int] = {}
    for path in iter_files([Path(source) for source in sources], result):
        result.files += 1
        if on_file is not None:
            on_file(path)
        try:
            entries = _read(path, result)
        except UnreadableFile as error:
            result.problems.append(Problem(str(path), None, str(error)))
            continue
        for entry in entries:
            if isinstance(entry, Problem):
                result.problems.append(entry)
                result.items_read += entry.lost_item
                continue
            result.items_read += 1
            if entry.id in by_id:
                index = by_id[entry.id]
                kept = result.articles[index]
                result.articles[index] = _fill_gaps(kept, entry)
                result.duplicates += 1
                line = _line_of(entry)
                which = "" if line else entry.source.partition(", ")[2] + ": "  # "item 3: "
                result.problems.append(Problem(str(path), line, f"{which}the same item as "
                                               f"{kept.source}, id {entry.id}; merged",
                                               fatal_in_strict=False))
                continue
            by_id[entry.id] = len(result.articles)
            result.articles.append(entry)
    return result


def _read(path: Path, result: ReadResult) -> Iterator[Article | Problem]:
    """The entries of one file by its format's reader (raises UnreadableFile)."""
    key = format_of(path)
    if key in STREAM_READERS:
        return _streamed(STREAM_READERS[key], path)
    if key in BYTES_READERS:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise UnreadableFile(f"cannot read file: {error.strerror or error}") from None
        if len(data) > MAX_FILE_BYTES:
            raise UnreadableFile(f"file is {len(data) // 2**20} MiB, over the "
                                 f"{MAX_FILE_BYTES // 2**20} MiB limit: split it")
        return BYTES_READERS[key](data, path)
    text, problems = read_text(path)
    result.problems.extend(problems)
    return READERS[key or ".txt"](text, path)


def _streamed(reader: StreamReader, path: Path) -> Iterator[Article | Problem]:
    try:
        stream = path.open("rb")
    except OSError as error:
        raise UnreadableFile(f"cannot read file: {error.strerror or error}") from None
    with stream:
        yield from reader(stream, path)


def _line_of(article: Article) -> int | None:
    """The line an article was read from, as its `source` records it ('a.jsonl, line 3')."""
    match = re.search(r", line (\d+)$", article.source)
    return int(match.group(1)) if match else None


def _fill_gaps(kept: Article, other: Article) -> Article:
    missing = {name: getattr(other, name) for name in ("kind", "summary", "url", "body",
                                                       "language")
               if not getattr(kept, name) and getattr(other, name)}
    return dataclasses.replace(kept, **missing) if missing else kept

