"""One set of CSV rules: written by `write_csv` (and the web exports), read back the same."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from corpus import Article, Source
from corpus.csvfile import read_csv, restore_cell, spreadsheet_safe, write_csv


@given(st.text())
def test_the_safety_quote_is_undone_exactly(cell: str) -> None:
    safe = spreadsheet_safe(cell)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert restore_cell(safe) == cell


def test_articles_survive_a_round_trip_with_their_source(tmp_path: Path) -> None:
    articles = [
        Article.create(title="=HYPERLINK(\"http://evil.example\")", date=date(2024, 3, 1),
                       kind="News", summary="'=already quoted", source="odd.jsonl, line 1"),
        Article.create(title="'Tis the season for co-ops", date=date(2023, 12, 1),
                       summary="-2 degrees", url="https://example.org/a",
                       source="listing.txt, item 4", body="First.\n\nSecond.", language="fr"),
    ]
    out = io.StringIO(newline="")
    assert write_csv(articles, out) == 2
    text = out.getvalue()
    assert text.startswith("id,date,kind,title,summary,url,source,body,language,collection,"
                           "date_end\r\n")
    back = [a for a in read_csv(Source.from_text(text, str(tmp_path / "again.csv")))
            if isinstance(a, Article)]
    assert back == articles


def test_a_byte_order_mark_and_a_provenance_line_are_not_data(tmp_path: Path) -> None:
    text = ("\ufeff# news-search export: {\"query\": \"\"}\r\n"
            "id,date,title,source\r\n,2024-02-06,A title,\"x.txt, item 2\"\r\n")
    [article] = list(read_csv(Source.from_text(text, str(tmp_path / "a.csv"))))
    assert isinstance(article, Article)
    assert article.title == "A title" and article.source == "x.txt, item 2"
