"""CSV with a header row naming the record's fields (`title` and `date` required)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from corpus.model import Article, Problem
from corpus.records import FIELDS, MAX_FIELD_CHARS, article_from_fields


def read_csv(text: str, path: Path) -> Iterator[Article | Problem]:
    """Yield an Article per good row and a Problem per bad one."""
    csv.field_size_limit(MAX_FIELD_CHARS + 1)
    # Comment lines before the header (a web export's provenance) are not data.
    skipped = 0
    while text.startswith("#"):
        end = text.find("\n")
        text = "" if end < 0 else text[end + 1:]
        skipped += 1
    reader = csv.reader(io.StringIO(text, newline=""))
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
    start = reader.line_num + 1 + skipped
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Problem(str(path), start, f"unreadable CSV row ({error}); row skipped",
                          lost_item=True)
            start = reader.line_num + 1 + skipped
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
        start = reader.line_num + 1 + skipped
