"""The listing reader on the real seed and on hand-made variants of every case it must take."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from corpus import BUNDLED_CORPUS, Article, Problem, Source, read_sources
from corpus.listing import read_listing


def read(text: str, name: str = "listing.txt") -> tuple[list[Article], list[Problem]]:
    entries = list(read_listing(Source.from_text(text, name)))
    return ([e for e in entries if isinstance(e, Article)],
            [e for e in entries if isinstance(e, Problem)])


def test_seed_reads_every_item_exactly() -> None:
    articles, problems = read(BUNDLED_CORPUS.read_text(encoding="utf-8"), BUNDLED_CORPUS.name)
    assert problems == []
    assert len(articles) == 10
    first, last = articles[0], articles[-1]
    assert (first.kind, first.title, first.date, first.summary) == (
        "News", "Jeun'ess in numbers retrospective 2023", date(2024, 2, 21), "")
    assert last.kind == "Spotlight Interviews with Co-operators"
    assert last.title == "Interview with Matthew Epperson, Business Director, Savvy Co-op"
    assert last.date == date(2023, 12, 20)
    assert last.summary.startswith("\u201cSpotlight Interviews with Co-operators\u201d is a series")
    assert last.summary.endswith("Savvy Coop, USA.")
    assert [a.date.month for a in articles].count(2) == 5
    assert articles[4].summary.startswith("Between January 22 \u2013 31, 2024 the ILO")
    assert all(a.source.startswith("ilo-cooperatives-news.txt, item ") for a in articles)


VARIANTS = """News, stories and statements on cooperatives

  1. \u00a9 ILO/Jane Doe
     News

     Credit before the kind

     3 March 2022

     Summary one.

  2. \u00a9 ILO/Somebody Else

     Credit in place of the kind

     4 March 2022

  3. Statement


     Extra   blank lines and \u2018curly\u2019 and 'straight' quotes



     5 Mar 2022


     First paragraph.

     Second paragraph.

  4. News

     No summary at all

     6 March 2022

  5. News

     A summary that mentions a number

     7 March 2022

     The plan for
  2030. is ambitious.
"""


def test_hand_made_variants() -> None:
    articles, problems = read(VARIANTS)
    assert problems == []
    by_title = {a.title: a for a in articles}
    assert len(articles) == 5
    assert by_title["Credit before the kind"].kind == "News"
    assert by_title["Credit before the kind"].summary == "Summary one."
    assert by_title["Credit in place of the kind"].kind == ""
    quoted = by_title["Extra blank lines and \u2018curly\u2019 and 'straight' quotes"]
    assert quoted.kind == "Statement"
    assert quoted.date == date(2022, 3, 5)
    assert quoted.summary == "First paragraph. Second paragraph."
    assert by_title["No summary at all"].summary == ""
    assert by_title["A summary that mentions a number"].summary == \
        "The plan for 2030. is ambitious."


def test_file_cut_short_keeps_complete_items_and_reports_the_last() -> None:
    text = BUNDLED_CORPUS.read_text(encoding="utf-8")
    cut = text[: text.index("20 December 2023")]
    articles, problems = read(cut, "cut.txt")
    assert len(articles) == 9
    assert len(problems) == 1
    message = str(problems[0])
    assert message.startswith("cut.txt:")
    assert "item 10" in message and "ends in the middle" in message
    assert problems[0].lost_item


@pytest.mark.parametrize("date_line, expected", [
    ("31 February 2024", "does not exist"),
    ("February 2024", "no date line"),
    ("2024", "no date line"),
    ("12 Febtember 2024", "no date line"),
])
def test_never_guesses_a_date(date_line: str, expected: str) -> None:
    text = f"Heading\n\n1. News\n\nGood item\n\n1 May 2020\n\n2. News\n\nBad item\n\n{date_line}\n\n" \
           "3. News\n\nAnother good item\n\n2 May 2020\n"
    articles, problems = read(text, "bad.txt")
    assert [a.title for a in articles] == ["Good item", "Another good item"]
    assert len(problems) == 1 and expected in problems[0].message
    assert problems[0].line is not None and problems[0].line >= 7


def test_item_without_a_title_is_reported() -> None:
    articles, problems = read("H\n\n1. \u00a9 ILO\n\n1 May 2020\n\n2. News\n\nFine\n\n2 May 2020\n")
    assert [a.title for a in articles] == ["Fine"]
    assert "no title" in problems[0].message and problems[0].line == 3


def test_future_date_is_reported() -> None:
    articles, problems = read("H\n\n1. News\n\nFrom the future\n\n1 May 2999\n")
    assert articles == [] and "in the future" in problems[0].message


def test_empty_and_itemless_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert [str(p) for p in read_sources([empty]).problems] == [f"{empty}: the file is empty"]
    assert "no items" in read("Just a heading\nand some text\n")[1][0].message
