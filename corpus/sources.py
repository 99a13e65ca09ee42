"""Read any mix of files and folders into one de-duplicated list of Articles.

The format is chosen by the file's extension: `.txt` is a listing, `.jsonl`
is JSON Lines, `.csv` is CSV. A folder is read recursively; files of other
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

from corpus.csvfile import read_csv
from corpus.decoding import UnreadableFile, read_text
from corpus.jsonl import read_jsonl
from corpus.listing import read_listing
from corpus.model import Article, Problem

BUNDLED_CORPUS = Path(__file__).resolve().parent / "data" / "ilo-cooperatives-news.txt"

Reader = Callable[[str, Path], Iterator[Article | Problem]]
READERS: dict[str, Reader] = {".txt": read_listing, ".jsonl": read_jsonl, ".csv": read_csv}


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
                if path.suffix.lower() in READERS:
                    yield path
                else:
                    result.problems.append(Problem(str(path), None, "not a .txt listing, "
                                                   ".jsonl or .csv file; passed over",
                                                   fatal_in_strict=False))
        elif source.is_file():
            if source.suffix.lower() in READERS:
                yield source
            else:
                result.problems.append(Problem(str(source), None, "unknown format: name the "
                                               "file .txt (a listing), .jsonl or .csv"))
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
            text, problems = read_text(path)
        except UnreadableFile as error:
            result.problems.append(Problem(str(path), None, str(error)))
            continue
        result.problems.extend(problems)
        for entry in READERS[path.suffix.lower()](text, path):
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


def _line_of(article: Article) -> int | None:
    """The line an article was read from, as its `source` records it ('a.jsonl, line 3')."""
    match = re.search(r", line (\d+)$", article.source)
    return int(match.group(1)) if match else None


def _fill_gaps(kept: Article, other: Article) -> Article:
    missing = {name: getattr(other, name) for name in ("kind", "summary", "url")
               if not getattr(kept, name) and getattr(other, name)}
    return dataclasses.replace(kept, **missing) if missing else kept

