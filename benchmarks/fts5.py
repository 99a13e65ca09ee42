"""The baseline: the same search pages answered by SQLite FTS5 (standard library only).

What a competent SQLite version of news-search would do, so the benchmark
compares designs rather than a straw man:

- an `items` table (the records, with integer `day` YYYYMMDD and `ym` YYYYMM
  columns and an index on `day`), and an external-content FTS5 table over
  title, summary and kind with the Porter stemmer and accent folding;
- a page is: kind counts (`GROUP BY kind`, date filter applied), month counts
  (`GROUP BY ym`, all filters applied; years and the total are summed from
  them), and the top hits ordered by `bm25()` with the same field weights as
  news-search (title 3, summary 1, kind 0.5; ties to the newer item) or by
  date, with `highlight()` on title and summary, escaped for HTML.

The facet semantics are the engine's: kinds are counted before the kind
filter, years and months after every filter.
"""

from __future__ import annotations

import html
import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from corpus import Article
from search.query.request import SearchRequest
from search.text.schema import day_number

SCHEMA = """
CREATE TABLE items (
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, title TEXT, summary TEXT, kind TEXT,
    date TEXT, day INTEGER, ym INTEGER, url TEXT, source TEXT);
CREATE VIRTUAL TABLE fts USING fts5(
    title, summary, kind, content='items', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2');
"""
WEIGHTS = (3.0, 1.0, 0.5)  # bm25() column weights, as FIELD_BOOSTS in search/query/parsing.py
OPEN, CLOSE = "\x01", "\x02"
TOKEN = re.compile(r'"[^"]*"?|\(|\)|[^\s()"]+')
OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True, slots=True)
class BaselineHit:
    """One hit of a baseline engine's page (FTS5 here, tantivy in tantivy_search.py)."""

    id: str
    title_html: str
    summary_html: str
    score: float | None


@dataclass(frozen=True, slots=True)
class BaselinePage:
    """A baseline engine's page: total, hits, year/month/kind counts."""

    total: int
    hits: list[BaselineHit]
    years: list[tuple[str, int]]
    months: list[tuple[str, int]]
    kinds: list[tuple[str, int]]


def build(articles: Iterable[Article], path: Path) -> float:
    """Create the database at `path` (replacing any); return the seconds it took."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("PRAGMA synchronous=OFF")
    with connection:
        connection.executescript(SCHEMA)
        connection.executemany(
            "INSERT INTO items (id, title, summary, kind, date, day, ym, url, source) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((a.id, a.title, a.summary, a.kind, a.date.isoformat(), day_number(a.date),
              a.date.year * 100 + a.date.month, a.url, a.source) for a in articles))
        connection.execute("INSERT INTO fts (fts) VALUES ('rebuild')")
        connection.execute("CREATE INDEX items_day ON items (day)")
        connection.execute("INSERT INTO fts (fts) VALUES ('optimize')")
    connection.close()
    return time.perf_counter() - started


def to_match(text: str) -> str:
    """The FTS5 MATCH expression for a news-search query (the subset the mix uses).

    Words are ANDed, `OR`/`NOT`/`AND` and brackets pass through, "phrases" stay
    phrases, `word*` is a prefix, `title:word` a column filter.
    """
    parts: list[str] = []
    for token in TOKEN.findall(text):
        if token in OPERATORS or token in "()":
            parts.append(token)
            continue
        column = ""
        if ":" in token and not token.startswith('"'):
            column, token = token.split(":", 1)
            column = f"{column} : " if column in ("title", "summary", "kind") else ""
        prefix = token.endswith("*")
        words = token.strip('"*')
        words = " ".join(re.findall(r"\w+", words))
        if not words:
            continue
        parts.append(f'{column}"{words}"' + ("*" if prefix else ""))
    return " ".join(parts)


def _marked(text: str | None) -> str:
    escaped = html.escape(text or "", quote=False)
    return escaped.replace(OPEN, '<mark class="hl">').replace(CLOSE, "</mark>")


class Fts5Search:
    """Answer `SearchRequest`s from the database built by `build`; one per thread."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, check_same_thread=False)

    def close(self) -> None:
        self.connection.close()

    def search(self, request: SearchRequest) -> BaselinePage:
        run = self.connection.execute
        params: list[object] = []
        if request.query:
            source = "FROM fts JOIN items i ON i.rowid = fts.rowid WHERE fts MATCH ?"
            params.append(to_match(request.query))
        else:
            source = "FROM items i WHERE 1"
        if request.date_from or request.date_to:
            source += " AND i.day BETWEEN ? AND ?"
            params += [day_number(request.date_from) if request.date_from else 0,
                       day_number(request.date_to) if request.date_to else 99999999]
        kind_rows = run(f"SELECT i.kind, count(*) {source} GROUP BY i.kind", params).fetchall()
        kinds = request.selected("kind")
        if kinds:
            source += f" AND i.kind IN ({', '.join('?' * len(kinds))})"
            params += list(kinds)
        month_rows = run(f"SELECT i.ym, count(*) {source} GROUP BY i.ym ORDER BY i.ym",
                         params).fetchall()
        total = sum(count for _, count in month_rows)
        years: dict[int, int] = {}
        for month, count in month_rows:
            years[month // 100] = years.get(month // 100, 0) + count
        sort = request.effective_sort
        if request.query:
            columns = (f"i.id, highlight(fts, 0, '{OPEN}', '{CLOSE}'), "
                       f"highlight(fts, 1, '{OPEN}', '{CLOSE}'), "
                       f"bm25(fts, {', '.join(map(str, WEIGHTS))}) AS score")
        else:
            columns = "i.id, i.title, i.summary, NULL AS score"
        if sort == "relevance" and request.query:
            order = "score, i.day DESC, i.rowid"
        elif sort == "oldest":
            order = "i.day, i.rowid"
        else:
            order = "i.day DESC, i.rowid DESC"
        rows = run(f"SELECT {columns} {source} ORDER BY {order} LIMIT ? OFFSET ?",
                   params + [request.per_page, request.offset]).fetchall()
        hits = [BaselineHit(id=row[0], title_html=_marked(row[1]), summary_html=_marked(row[2]),
                       score=None if row[3] is None else -row[3]) for row in rows]
        return BaselinePage(
            total=total, hits=hits,
            years=[(str(y), c) for y, c in sorted(years.items())],
            months=[(f"{m // 100}-{m % 100:02d}", c) for m, c in month_rows],
            kinds=sorted(((k, c) for k, c in kind_rows), key=lambda kc: (-kc[1], kc[0])))
