"""Article text files (corpus.articletext), localised date lines (corpus.localdates), and the
body and language fields in JSON Lines and CSV."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from corpus import BUNDLED_CORPUS, Article, Problem, Source, read_sources
from corpus.articletext import read_text_file
from corpus.csvfile import read_csv, write_csv
from corpus.dates import DateError
from corpus.jsonl import read_jsonl, write_jsonl
from corpus.localdates import parse_kind_and_date, parse_local_date
from corpus.records import MAX_BODY_CHARS

ARTICLE = """ILO COOP Centenary Launch is celebrated virtually

The webinar brought together five speakers and over 100 participants from 50 countries.

Noticia | 25 de marzo de 2020

On 23 March 2020, the ILO organized a webinar to launch the Centenary of its Cooperatives Unit.
©ILO/J. Doe
  • Ms. Marieke Louis, Associate Professor
The participants discussed the zanzibarite question.
"""


@pytest.mark.parametrize("text, expected, kind", [
    ("27 January 2022", date(2022, 1, 27), ""),
    ("News | 03 October 2022", date(2022, 10, 3), "News"),
    ("Noticia | 25 de agosto de 2020", date(2020, 8, 25), "Noticia"),
    ("Actualité | 27 janvier 2023", date(2023, 1, 27), "Actualité"),
    ("Article | 19 novembre 2020", date(2020, 11, 19), "Article"),
    ("Communiqué de presse | 1er février 2021", date(2021, 2, 1), "Communiqué de presse"),
    ("Comunicado | 9 de setiembre de 2019", date(2019, 9, 9), "Comunicado"),
    ("News | 15 août 2019", date(2019, 8, 15), "News"),
    ("January 27, 2022", date(2022, 1, 27), ""),
])
def test_localised_date_lines(text: str, expected: date, kind: str) -> None:
    found = parse_kind_and_date(text)
    assert found is not None and (found.day, found.kind) == (expected, kind)


@pytest.mark.parametrize("text", ["01/02/2024", "News | soon", "25 de agosto", "Mars 2020",
                                  "The meeting of 7 March 2023 was held", "27 Brumaire 2022",
                                  "janvier 27, 2022"])
def test_what_is_not_a_date_line(text: str) -> None:
    assert parse_kind_and_date(text) is None


def test_a_day_that_does_not_exist_is_an_error() -> None:
    with pytest.raises(DateError, match="does not exist"):
        parse_local_date("31 février 2023")


def read(text: str, name: str = "article.txt") -> tuple[list[Article], list[Problem]]:
    entries = list(read_text_file(Source.from_text(text, name)))
    return ([e for e in entries if isinstance(e, Article)],
            [e for e in entries if isinstance(e, Problem)])


def test_an_article_text_file_is_one_item_with_its_body() -> None:
    [article], problems = read(ARTICLE)
    assert not problems
    assert article.title == "ILO COOP Centenary Launch is celebrated virtually"
    assert article.date == date(2020, 3, 25) and article.kind == "Noticia"
    assert article.summary.startswith("The webinar brought together five speakers")
    assert article.body.startswith("On 23 March 2020, the ILO organized")
    assert "©" not in article.body and "• Ms. Marieke Louis" in article.body
    assert article.body.endswith("zanzibarite question.")
    # The date line's month is the site's interface language, not the article's.
    assert article.language == "" and article.source == "article.txt"


def test_an_article_text_without_a_date_gives_a_message_and_no_item() -> None:
    text = ARTICLE.replace("Noticia | 25 de marzo de 2020\n", "")
    articles, [problem] = read(text, "undated.txt")
    assert articles == []
    assert str(problem).startswith("undated.txt: neither a dated article text")
    assert "no date line, no numbered items; file passed over" in problem.message
    assert "'News | 21 February 2024'" in problem.message and problem.lost_item


def test_an_impossible_date_line_is_named() -> None:
    articles, [problem] = read(ARTICLE.replace("25 de marzo", "31 de febrero"))
    assert articles == [] and "does not exist" in problem.message


def test_listings_are_still_read_as_listings() -> None:
    result = read_sources([BUNDLED_CORPUS])
    assert len(result.articles) == 10 and not result.problems


def test_a_listing_with_a_bad_item_keeps_its_listing_messages() -> None:
    listing = "Heading\n\n1. News\n\nA title\n\n21 February 2024\n\n2. News\n\nNo date\n"
    articles, [problem] = read(listing)
    assert [a.title for a in articles] == ["A title"]
    assert "item 2 has no date line" in problem.message


# -- body and language in JSON Lines and CSV -------------------------------------------


def test_jsonl_writes_and_reads_back_body_and_language(tmp_path: Path) -> None:
    article = Article.create(title="A title", date=date(2024, 2, 6), summary="Short.",
                             body="First paragraph.\n\n  Second   paragraph.\n",
                             language="fr-CH", url="https://example.org/a")
    assert article.body == "First paragraph.\n\nSecond paragraph." and article.language == "fr"
    out = io.StringIO()
    write_jsonl([article], out)
    [back] = [e for e in read_jsonl(Source.from_text(out.getvalue(), str(tmp_path / "a.jsonl")))
              if isinstance(e, Article)]
    assert (back.body, back.language, back.summary, back.url) == (
        article.body, "fr", "Short.", "https://example.org/a")


def test_csv_reads_body_and_language_columns(tmp_path: Path) -> None:
    text = ('title,date,body,language\r\n"A title",2024-02-06,"Para one.\n\nPara two.",es\r\n'
            '"Bad language",2024-02-07,"",not a tag!\r\n')
    entries = list(read_csv(Source.from_text(text, str(tmp_path / "t.csv"))))
    articles = [e for e in entries if isinstance(e, Article)]
    [problem] = [e for e in entries if isinstance(e, Problem)]
    assert articles[0].body == "Para one.\n\nPara two." and articles[0].language == "es"
    assert articles[1].language == "" and len(articles) == 2
    assert "language 'not a tag!' is not a language tag" in problem.message
    assert not problem.fatal_in_strict


def test_csv_writes_and_reads_back_body_and_language(tmp_path: Path) -> None:
    articles = [Article.create(title="Quoted \"title\", with comma", date=date(2024, 2, 6),
                               body="Line one, \"quoted\".\n\nLine two.", language="pt-BR",
                               url="https://example.org/p", kind="News", summary="S.")]
    out = io.StringIO(newline="")
    assert write_csv(articles, out) == 1
    back = [e for e in read_csv(Source.from_text(out.getvalue(), str(tmp_path / "w.csv")))
            if isinstance(e, Article)]
    assert [(a.id, a.title, a.body, a.language, a.url, a.kind, a.summary) for a in back] == [
        (a.id, a.title, a.body, "pt", a.url, a.kind, a.summary) for a in articles]


def test_an_over_long_body_is_cut_with_a_warning(tmp_path: Path) -> None:
    record = {"title": "Long", "date": "2024-02-06", "body": "word " * (MAX_BODY_CHARS // 4)}
    entries = list(read_jsonl(Source.from_text(json.dumps(record) + "\n",
                                               str(tmp_path / "l.jsonl"))))
    [article] = [e for e in entries if isinstance(e, Article)]
    [problem] = [e for e in entries if isinstance(e, Problem)]
    assert len(article.body) <= MAX_BODY_CHARS and "kept its first" in problem.message
