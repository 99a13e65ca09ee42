"""CSV with a header row naming the record's fields (`title` and `date` required), streamed.

Rows are parsed strictly: a stray quote is reported with its line rather than
silently glued to the text. A quote that opens a cell and is never closed (or
is closed lines later by an unrelated quote) would swallow the rows after it;
the row is reported and reading resumes on the line after it, so one bad
quote costs one row, not every row that follows. Only the lines of the row
being read are held (a runaway quote stops at the cell size limit), so a CSV
file of any size is read in bounded memory. `write_csv` writes what
`read_csv` reads back (CSV_COLUMNS, `collection` and `date_end` among them).
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

from corpus.inputs import Source
from corpus.model import Article, Problem
from corpus.records import FIELDS, article_from_fields

# Past any field's own limit (a body over its limit is cut, with a warning, by
# article_from_fields); a cell longer than this is a runaway quote or not CSV.
MAX_CELL_CHARS = 4_000_000
# The columns `write_csv` writes: the web export's, then the full text and its language,
# then the section it was listed in and the end of its date range.
CSV_COLUMNS = ("id", "date", "kind", "title", "summary", "url", "source", "body", "language",
               "collection", "date_end")


class _Lines:
    """The file's lines for csv.reader, remembering those taken since `mark()` so that a
    row can be given back and read again from its second line."""

    def __init__(self, lines: Iterator[tuple[int, str]]) -> None:
        self._lines = lines
        self._pending: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []
        self.last = 0  # the number of the last line taken

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        item = self._pending.popleft() if self._pending else next(self._lines)
        self.taken.append(item)
        self.last = item[0]
        return item[1]

    def mark(self) -> None:
        self.taken = []

    def give_back(self, items: list[tuple[int, str]]) -> None:
        self._pending.extendleft(reversed(items))


def read_csv(source: Source) -> Iterator[Article | Problem]:
    """Yield an Article per good row and a Problem per bad one."""
    csv.field_size_limit(MAX_CELL_CHARS + 1)
    name = source.name
    numbered = iter(source.lines())
    # Comment lines before the header (a web export's provenance) are not data.
    first = next((item for item in numbered if not item[1].startswith("#")), None)
    lines = _Lines(numbered)
    if first is not None:
        lines.give_back([first])
    reader = csv.reader(lines, strict=True)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        yield Problem(name, None, "the file is empty")
        return
    except csv.Error as error:
        yield Problem(name, lines.taken[0][0] if lines.taken else 1,
                      f"unreadable CSV header ({error})")
        return
    header_line = lines.taken[0][0]
    missing = [column for column in ("title", "date") if column not in header]
    if missing:
        yield Problem(name, header_line, f"header lacks column(s) {', '.join(missing)}: "
                      f"the first row must name the columns, from {', '.join(FIELDS)}")
        return
    while True:
        lines.mark()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            taken = lines.taken
            start = taken[0][0] if taken else lines.last + 1
            spanned = len(taken) > 1
            yield _bad_row(name, start, error, spanned, lines.last)
            if spanned:  # resume right after the line where the runaway quote opened
                lines.give_back(taken[1:])
            reader = csv.reader(lines, strict=True)
            continue
        if not any(cell.strip() for cell in row):
            continue
        start = lines.taken[0][0]
        if len(row) > len(header):
            yield Problem(name, start, f"row has {len(row)} cells but the header names "
                          f"{len(header)} columns; row skipped", lost_item=True)
            continue
        article, problems = article_from_fields(dict(zip(header, row)), source, start)
        yield from problems
        if article is not None:
            yield article


def _bad_row(name: str, start: int, error: csv.Error, spanned: bool, last: int) -> Problem:
    message = str(error)
    if message == "unexpected end of data":
        reason = "a quote opens a cell on this line and is never closed"
    elif spanned:
        reason = f"a quoted cell starting on this line runs to line {last} ({error})"
    elif "field limit" in message:
        reason = f"a cell is over the {MAX_CELL_CHARS:,}-character limit"
    else:
        reason = f"unreadable CSV row ({error})"
    if spanned or message == "unexpected end of data":
        reason += " (a stray \" or a file cut short?)"
    reason += "; row skipped" + (", reading resumes on the next line" if spanned else "")
    return Problem(name, start, reason, lost_item=True)


def write_csv(articles: Iterable[Article], out: TextIO,
              cell: Callable[[str], str] = str) -> int:
    """Write a header row and one row per article (`read_csv` reads it back); return how
    many rows were written. `cell` transforms each value (the web export neutralises
    spreadsheet formulas with it). `out` should be opened with `newline=""`."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for article in articles:
        record = article.to_dict()
        writer.writerow([cell(record[column]) for column in CSV_COLUMNS])
        count += 1
    return count
