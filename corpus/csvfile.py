"""CSV with a header row naming the record's fields (`title` and `date` required), streamed.

One set of rules for every CSV news-search writes and reads (`write_csv`, the
web exports and tables): a header row first, CRLF line ends, and cells a
spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or
a carriage return) given a leading apostrophe (`spreadsheet_safe`). Reading
undoes exactly that (`restore_cell`): a cell of apostrophes followed by a
formula character loses one apostrophe, and the writer quotes such cells too,
so every value survives the round trip. A `source` column is kept as the
item's source (where it was first read); without one the source is this file
and line.

Rows are parsed strictly: a stray quote is reported with its line rather than
silently glued to the text. A quote that opens a cell and is never closed (or
is closed lines later by an unrelated quote) would swallow the rows after it;
the row is reported and reading resumes on the line after it, so one bad
quote costs one row, not every row that follows. Only the lines of the row
being read are held (a runaway quote stops at the cell size limit), so a CSV
file of any size is read in bounded memory.
"""

from __future__ import annotations

import csv
import io
import re
from collections import deque
from collections.abc import Iterable, Iterator
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
# What a spreadsheet runs as a formula, behind any apostrophes already there.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula: a leading apostrophe
    before `=`, `+`, `-`, `@`, tab or CR (and before apostrophes that precede one, so
    `restore_cell` can tell them apart)."""
    return "'" + cell if _FORMULA.match(cell) else cell


def restore_cell(cell: str) -> str:
    """The value `spreadsheet_safe` was given: one leading apostrophe removed from a cell
    that starts with apostrophes and then a formula character."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell) else cell


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
        lines.give_back([(first[0], first[1].removeprefix("\ufeff"))])  # a spreadsheet's BOM
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
        fields = {column: restore_cell(cell) for column, cell in zip(header, row)}
        article, problems = article_from_fields(fields, source, start)
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


def csv_lines(header: Iterable[object], rows: Iterable[Iterable[object]],
              every: int = 200) -> Iterator[str]:
    """The CSV text of a header row and rows by the shared rules (CRLF, every cell through
    `spreadsheet_safe`), in chunks of `every` rows, for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(str(cell)) for cell in header])
    for number, row in enumerate(rows, start=1):
        writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
        if number % every == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_csv(articles: Iterable[Article], out: TextIO) -> int:
    """Write a header row and one row per article (`read_csv` reads it back, sources and
    formula-like cells included); return how many rows were written. `out` should be
    opened with `newline=""`."""
    count = 0

    def rows() -> Iterator[list[str]]:
        nonlocal count
        for article in articles:
            record = article.to_dict()
            count += 1
            yield [record[column] for column in CSV_COLUMNS]

    out.writelines(csv_lines(CSV_COLUMNS, rows()))
    return count
