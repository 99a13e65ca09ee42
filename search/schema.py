"""The Whoosh schema: which fields exist, how each is analysed, what is stored.

- `title`, `summary`: full text through `news_analyzer`, stored for display
  and highlighting; spelling words kept for "did you mean".
- `title_exact`, `summary_exact`: the same text, lower-cased only (no stemming,
  variants or folding), not stored: the "exact words" switch searches these.
- `kind`: searchable text (`kind:spotlight`), plus `kind_key`, the exact kind
  as a sortable column for filters and facet counts.
- `date`: the ISO date, stored. `day` (YYYYMMDD), `ym` (YYYYMM) and `year` are
  sortable integer columns: range filters, sorting and facet counts read them
  straight from per-document columns instead of running one query per bucket.
- `id`: the stable public id (unique); `url`, `source`: stored only.

Ranking weights (title above summary) are set at query time in `query.py`.
"""

from __future__ import annotations

from datetime import date

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from corpus import Article
from search.analysis import exact_analyzer, news_analyzer

SCHEMA_VERSION = 3  # 3: the analyzer of the relevance work (spellings, joins)


def build_schema() -> Schema:
    """A new Schema instance (analyzers are not shared between indexes)."""
    analyzer = news_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True, spelling=True),
        summary=TEXT(analyzer=analyzer, stored=True, spelling=True),
        kind=TEXT(analyzer=analyzer, stored=True),
        title_exact=TEXT(analyzer=exact_analyzer()),
        summary_exact=TEXT(analyzer=exact_analyzer()),
        kind_key=ID(sortable=True),
        date=STORED(),
        day=NUMERIC(int, bits=32, sortable=True, signed=False),
        ym=NUMERIC(int, bits=32, sortable=True, signed=False),
        year=NUMERIC(int, bits=32, sortable=True, signed=False),
        url=STORED(),
        source=STORED(),
    )


def day_number(day: date) -> int:
    """The integer form of a date used by the `day` column: 2024-02-06 -> 20240206."""
    return day.year * 10000 + day.month * 100 + day.day


def to_document(article: Article) -> dict[str, object]:
    """The Whoosh document for an Article."""
    return {
        "id": article.id, "title": article.title, "summary": article.summary,
        "kind": article.kind, "kind_key": article.kind,
        "title_exact": article.title, "summary_exact": article.summary, "date": article.date.isoformat(),
        "day": day_number(article.date), "ym": article.date.year * 100 + article.date.month,
        "year": article.date.year, "url": article.url, "source": article.source,
    }


def from_stored(fields: dict[str, object]) -> Article:
    """The Article back from a document's stored fields."""
    return Article(id=str(fields["id"]), title=str(fields.get("title", "")),
                   date=date.fromisoformat(str(fields["date"])),
                   kind=str(fields.get("kind", "")), summary=str(fields.get("summary", "")),
                   url=str(fields.get("url", "")), source=str(fields.get("source", "")))
