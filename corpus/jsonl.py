"""JSON Lines: the canonical interchange format, one Article per line, streamed.

Each line is a JSON object with `id`, `title`, `date` (ISO), `kind`, `summary`,
`url`, `source`, `body`, `language`, `collection` and `date_end` (ISO, or
empty). `write_jsonl` writes what `read_jsonl` reads back unchanged.

Lines are split on line ends only (`decoding.TextLines`), so a record holding
U+2028, U+2029 or U+0085 inside a string is one record, as JSON means it. A
record nested too deep for the parser (1,000 levels of `[[[...`) is reported
with its line; the rest of the file is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TextIO

from corpus.inputs import Source
from corpus.model import Article, Problem
from corpus.records import article_from_fields

MAX_LINE_CHARS = 4_000_000  # room for a body of MAX_BODY_CHARS with its JSON escapes
# The first line of a web export: where the items came from, not an item.
PROVENANCE_KEY = "_provenance"


def read_jsonl(source: Source) -> Iterator[Article | Problem]:
    """Yield an Article per good line and a Problem per bad one; blank lines are skipped."""
    name = source.name
    for number, line in source.lines():
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            yield Problem(name, number, f"line is {len(line):,} characters long, over the "
                          f"{MAX_LINE_CHARS:,} limit; record skipped", lost_item=True)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            cut = not line.endswith(("\n", "\r"))  # only the last line of a file lacks one
            hint = ": the file ends in the middle of this record (an interrupted export?)" \
                if cut else ""
            yield Problem(name, number, f"not valid JSON ({error.msg} at column "
                          f"{error.colno}){hint}; record skipped", lost_item=True)
            continue
        except RecursionError:
            yield Problem(name, number, "a JSON value nested too deep to read (arrays or "
                          "objects inside one another hundreds of levels down); record "
                          "skipped", lost_item=True)
            continue
        if isinstance(record, dict) and set(record) == {PROVENANCE_KEY}:
            continue
        if not isinstance(record, dict):
            yield Problem(name, number, "expected a JSON object like "
                          '{"title": ..., "date": "2024-02-21"}; record skipped', lost_item=True)
            continue
        article, problems = article_from_fields(record, source, number)
        yield from problems
        if article is not None:
            yield article


def write_jsonl(articles: Iterable[Article], out: TextIO) -> int:
    """Write one JSON object per article; return how many were written."""
    count = 0
    for article in articles:
        out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count
