"""The Whoosh schema: which fields exist, how each is analysed, what is stored.

- `title`, `summary`: full text through `news_analyzer`, stored for display
  and highlighting.
- `body`: the full text, when the source has it: searched (below title and
  summary), stored for the item page, the exports and the snippets of results.
- `title_exact`, `summary_exact`, `body_exact`: the same text, lower-cased only
  (no stemming, variants or folding), not stored: the "exact words" switch
  searches these, and the words of titles and summaries, as written, are the
  lexicon of "did you mean".
- `kind`: searchable text (`kind:spotlight`).
- one column per facet (`search.facets`; the kind facet's is `kind_key`): the
  item's values, not indexed, for filters and facet counts (a derived facet,
  such as the regions of the countries, has none).
- `date`: the ISO date, stored. `day` (YYYYMMDD) is an integer column (not
  indexed): date filters, date order and year/month counts read it straight
  from per-document arrays (`postings.columns`) instead of running queries.
- `id`: the stable public id (unique); `url`, `source`, `language`: stored only.
- `places`: stored only: for each country of the item, the words that named it
  (`facets.place_evidence`), for the item page.

Ranking weights (title above summary) are set at query time in `query.parsing`.
"""

from __future__ import annotations

from datetime import date

from whoosh.columns import NumericColumn, RefBytesColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from corpus import Article
from search.facets import place_evidence, term_facets
from search.postings.columns import SEPARATOR
from search.text.analysis import exact_analyzer, news_analyzer

# 3: the analyzer of the relevance work (spellings, joins); 4: day and kind_key
# are columns only, no spelling fields (a third fewer postings to write); 5: the
# full text (body, body_exact) and language; 6: people-words (co-operators) a family
# apart from cooperatives, woman/women and child/children one word each
# (data/variants.txt), the country column (places found at index time, the words that
# named them stored) and the term lists of `postings.termlists`; 7: the section an item
# was listed in (collection, a facet) and the end of a date range (date_end); 8: the
# index's own files (posting arrays, documents, a table of contents), no Whoosh segment.
SCHEMA_VERSION = 8


# Each text field's literal-word copy (the same text, lower-cased words as written).
LITERAL_FIELDS = {"title": "title_exact", "summary": "summary_exact", "body": "body_exact"}


def build_schema() -> Schema:
    """A new Schema instance (analyzers are not shared between indexes)."""
    analyzer = news_analyzer()
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True),
        summary=TEXT(analyzer=analyzer, stored=True),
        kind=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        title_exact=TEXT(analyzer=exact_analyzer()),
        summary_exact=TEXT(analyzer=exact_analyzer()),
        body_exact=TEXT(analyzer=exact_analyzer()),
        language=STORED(),
        date=STORED(),
        day=COLUMN(NumericColumn("I")),
        url=STORED(),
        source=STORED(),
        places=STORED(),
        collection=STORED(),
        date_end=STORED(),
    )
    for facet in term_facets():
        if facet.derived:
            continue  # worked out from its source's column when the columns load
        # One value per item (few distinct kinds, sections): a table of the values and a
        # reference per item. Several values per item: joined.
        column = VarBytesColumn() if facet.multi else RefBytesColumn()
        schema.add(facet.column, COLUMN(column))
    return schema


def day_number(day: date) -> int:
    """The integer form of a date used by the `day` column: 2024-02-06 -> 20240206."""
    return day.year * 10000 + day.month * 100 + day.day


def to_document(article: Article) -> dict[str, object]:
    """The Whoosh document for an Article."""
    return {
        "id": article.id, "title": article.title, "summary": article.summary,
        "kind": article.kind, "title_exact": article.title, "summary_exact": article.summary,
        "body": article.body, "body_exact": article.body, "language": article.language,
        "date": article.date.isoformat(), "day": day_number(article.date), "url": article.url,
        "source": article.source, "places": place_evidence(article),
        "collection": article.collection,
        "date_end": article.date_end.isoformat() if article.date_end else "",
        **{facet.column: SEPARATOR.join(facet.item_values(article)).encode("utf-8")
           for facet in term_facets() if not facet.derived},
    }


def from_stored(fields: dict[str, object]) -> Article:
    """The Article back from a document's stored fields."""
    return Article(id=str(fields["id"]), title=str(fields.get("title", "")),
                   date=date.fromisoformat(str(fields["date"])),
                   kind=str(fields.get("kind", "")), summary=str(fields.get("summary", "")),
                   url=str(fields.get("url", "")), source=str(fields.get("source", "")),
                   body=str(fields.get("body", "")), language=str(fields.get("language", "")),
                   collection=str(fields.get("collection", "")),
                   date_end=date.fromisoformat(str(fields["date_end"]))
                   if fields.get("date_end") else None)
