"""CSV with a header row naming the record's fields (`title` and `date` required).

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
quote costs one row, not every row that follows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from corpus.model import Article, Problem
from corpus.records import FIELDS, article_from_fields

# Past any field's own limit (a body over its limit is cut, with a warning, by
# article_from_fields); a cell longer than this is a runaway quote or not CSV.
MAX_CELL_CHARS = 4_000_000
# The columns `write_csv` writes: the web export's, then the full text and its language.
CSV_COLUMNS = ("id", "date", "kind", "title", "summary", "url", "source", "body", "language")
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


def read_csv(text: str, path: Path) -> Iterator[Article | Problem]:
    """Yield an Article per good row and a Problem per bad one."""
    csv.field_size_limit(MAX_CELL_CHARS + 1)
    text = text.removeprefix("\ufeff")  # a byte-order mark a spreadsheet wrote
    # The lines as the csv module counts them (\n, \r\n or \r), so numbers agree.
    lines = io.StringIO(text, newline="").readlines()
    # Comment lines before the header (a web export's provenance) are not data.
    skipped = 0
    while skipped < len(lines) and lines[skipped].startswith("#"):
        skipped += 1
    reader = csv.reader(lines[skipped:], strict=True)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        yield Problem(str(path), None, "the file is empty")
        return
    except csv.Error as error:
        yield Problem(str(path), 1 + skipped, f"unreadable CSV header ({error})")
        return
    missing = [name for name in ("title", "date") if name not in header]
    if missing:
        yield Problem(str(path), 1 + skipped, f"header lacks column(s) {', '.join(missing)}: "
                      f"the first row must name the columns, from {', '.join(FIELDS)}")
        return
    # Lines before the current reader's first line.
    offset: int | None = skipped + reader.line_num
    while offset is not None:
        offset = yield from _rows(lines, offset, header, path)


def _rows(lines: list[str], offset: int, header: list[str],
          path: Path) -> Generator[Article | Problem, None, int | None]:
    """Read records from line `offset + 1` on; return where to resume after a runaway quote
    (None at the end of the file)."""
    reader = csv.reader(lines[offset:], strict=True)
    start = offset + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return None
        except csv.Error as error:
            spanned = offset + reader.line_num > start
            if str(error) == "unexpected end of data":
                reason = "a quote opens a cell on this line and is never closed"
            elif spanned:
                reason = (f"a quoted cell starting on this line runs to line "
                          f"{offset + reader.line_num} ({error})")
            elif "field limit" in str(error):
                reason = f"a cell is over the {MAX_CELL_CHARS:,}-character limit"
            else:
                reason = f"unreadable CSV row ({error})"
            if spanned or str(error) == "unexpected end of data":
                reason += " (a stray \" or a file cut short?)"
            reason += "; row skipped" + (", reading resumes on the next line" if spanned else "")
            yield Problem(str(path), start, reason, lost_item=True)
            if spanned:
                return start  # resume right after the line where the runaway quote opened
            start = offset + reader.line_num + 1
            continue
        if any(cell.strip() for cell in row):
            if len(row) > len(header):
                yield Problem(str(path), start, f"row has {len(row)} cells but the header names "
                              f"{len(header)} columns; row skipped", lost_item=True)
            else:
                fields = {name: restore_cell(cell) for name, cell in zip(header, row)}
                article, problems = article_from_fields(fields, path, start)
                yield from problems
                if article is not None:
                    yield article
        start = offset + reader.line_num + 1


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
