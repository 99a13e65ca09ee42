"""CSV with a header row naming the record's fields (`title` and `date` required).

Rows are parsed strictly: a stray quote is reported with its line rather than
silently glued to the text. A quote that opens a cell and is never closed (or
is closed lines later by an unrelated quote) would swallow the rows after it;
the row is reported and reading resumes on the line after it, so one bad
quote costs one row, not every row that follows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from corpus.model import Article, Problem
from corpus.records import FIELDS, article_from_fields

# Past any field's own limit (a body over its limit is cut, with a warning, by
# article_from_fields); a cell longer than this is a runaway quote or not CSV.
MAX_CELL_CHARS = 4_000_000
# The columns `write_csv` writes: the web export's, then the full text and its language.
CSV_COLUMNS = ("id", "date", "kind", "title", "summary", "url", "source", "body", "language")


def read_csv(text: str, path: Path) -> Iterator[Article | Problem]:
    """Yield an Article per good row and a Problem per bad one."""
    csv.field_size_limit(MAX_CELL_CHARS + 1)
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
                article, problems = article_from_fields(dict(zip(header, row)), path, start)
                yield from problems
                if article is not None:
                    yield article
        start = offset + reader.line_num + 1


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
