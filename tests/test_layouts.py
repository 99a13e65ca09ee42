"""Every layout of the site's listing pages, read whole: fixtures written in each layout
(modelled on the real pages, with made-up items), and the relatives of each layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from corpus import Article, Problem, Source, read_sources
from corpus.dates import DateError, looks_like_date_line, parse_date_line
from corpus.listing import read_listing


def read(text: str, name: str = "page.txt") -> tuple[list[Article], list[Problem]]:
    entries = list(read_listing(Source.from_text(text, name)))
    return ([e for e in entries if isinstance(e, Article)],
            [e for e in entries if isinstance(e, Problem)])


def fields(articles: list[Article]) -> list[tuple[str, str, date]]:
    return [(a.kind, a.title, a.date) for a in articles]


REGIONAL = """ILO's work on cooperatives in the Andes

  1. News

    Weavers' cooperative opens a shop in Cusco

    03 October 2022

    The shop sells the work of forty members.

  2. Publication

    Credit unions in the highlands: a study

    26 September 2022

  3. \u00a9 ILO/A. Photographer

    News

    Dairy farmers form a union of cooperatives

    1 September 2022

    Twelve cooperatives joined.
"""


def test_numbered_items_with_kind_lines_and_the_heading_as_collection() -> None:
    articles, problems = read(REGIONAL)
    assert problems == []
    assert fields(articles) == [
        ("News", "Weavers' cooperative opens a shop in Cusco", date(2022, 10, 3)),
        ("Publication", "Credit unions in the highlands: a study", date(2022, 9, 26)),
        ("News", "Dairy farmers form a union of cooperatives", date(2022, 9, 1)),
    ]
    assert {a.collection for a in articles} == {"ILO's work on cooperatives in the Andes"}
    assert articles[0].summary == "The shop sells the work of forty members."
    assert articles[1].summary == ""
    assert [a.source for a in articles] == [f"page.txt, item {n}" for n in (1, 2, 3)]


RESOURCES = """Resources on cooperatives and the social economy

  1. Housing cooperatives in the city: a handbook

    18 November 2016

    A handbook for groups that want to build together.

  2. Newsletter, Issue No. 7

    11 October 2016

  3. Lending to fishers since 1980

    5 October 2016
"""


def test_numbered_items_without_kind_lines() -> None:
    articles, problems = read(RESOURCES)
    assert problems == []
    assert fields(articles) == [
        ("", "Housing cooperatives in the city: a handbook", date(2016, 11, 18)),
        ("", "Newsletter, Issue No. 7", date(2016, 10, 11)),
        ("", "Lending to fishers since 1980", date(2016, 10, 5)),
    ]
    assert articles[0].collection == "Resources on cooperatives and the social economy"


PUBLICATIONS = """Publications and tools on cooperatives

March 2019

  1. Cooperatives and care work: a review

    28 March 2019

    A review of care cooperatives in four countries.

  2. Bulletin No. 12, February 2019

    1 March 2019

February 2019

  1. Statistics of cooperatives: a first guide

    14 February 2019

    Social economy

January 2019

  1. \u00a9 ILO/Someone 2019

    Cooperative banks and small farmers

    9 January 2019

    How small farmers borrow.

  2. Youth and the cooperative way

    2 January 2019
"""


def test_month_headings_restart_numbering_and_are_never_text() -> None:
    articles, problems = read(PUBLICATIONS)
    assert problems == []
    assert [(a.title, a.date) for a in articles] == [
        ("Cooperatives and care work: a review", date(2019, 3, 28)),
        ("Bulletin No. 12, February 2019", date(2019, 3, 1)),
        ("Statistics of cooperatives: a first guide", date(2019, 2, 14)),
        ("Cooperative banks and small farmers", date(2019, 1, 9)),
        ("Youth and the cooperative way", date(2019, 1, 2)),
    ]
    assert all(a.kind == "" for a in articles)
    for article in articles:
        for heading in ("March 2019", "February 2019", "January 2019"):
            assert not article.summary.endswith(heading)
            assert not article.summary.startswith(heading)
    assert articles[1].summary == ""                     # "February 2019" is a heading
    assert articles[2].summary == "Social economy"       # a one-line summary is kept
    assert articles[1].title.endswith("February 2019")   # ...and a title may end in a month
    assert [a.source for a in articles] == [
        "page.txt, March 2019, item 1", "page.txt, March 2019, item 2",
        "page.txt, February 2019, item 1", "page.txt, January 2019, item 1",
        "page.txt, January 2019, item 2"]
    assert len({a.id for a in articles}) == 5


def test_month_headings_without_indentation() -> None:
    flat = "\n".join(line.strip() for line in PUBLICATIONS.splitlines())
    articles, problems = read(flat)
    assert problems == []
    assert [a.summary for a in articles] == [
        "A review of care cooperatives in four countries.", "", "Social economy",
        "How small farmers borrow.", ""]


DASHES = """ILO's work on cooperatives in the Sahel
-
Publication
Working Paper No. 3 - Grain banks and cooperatives in Niger
01 March 2011
The paper follows three grain banks over ten years.
-
Working Paper No. 2 - Women's groups and savings
1 February 2011
-
Publication
Working Paper No. 1 - A first survey
12 January 2011
A survey of four hundred groups.
"""


def test_dash_bullets_without_numbers_or_indentation() -> None:
    articles, problems = read(DASHES)
    assert problems == []
    assert fields(articles) == [
        ("Publication", "Working Paper No. 3 - Grain banks and cooperatives in Niger",
         date(2011, 3, 1)),
        ("", "Working Paper No. 2 - Women's groups and savings", date(2011, 2, 1)),
        ("Publication", "Working Paper No. 1 - A first survey", date(2011, 1, 12)),
    ]
    assert articles[0].summary == "The paper follows three grain banks over ten years."
    assert articles[0].collection == "ILO's work on cooperatives in the Sahel"
    assert [a.source for a in articles] == [f"page.txt, item {n}" for n in (1, 2, 3)]


PROJECTS = """Projects on cooperatives and social and solidarity economy

  1. Research project on "Finance for social enterprises"

    1 April 2018 - 31 December 2019

    The project studies how social enterprises borrow.

  2. Peace through women's cooperatives in the north

    9 January 2018 \u2013 8 June 2019

  3. A project with an open end

    1 May 2017 - ongoing
"""


def test_projects_dated_by_a_range_keep_the_end() -> None:
    articles, problems = read(PROJECTS)
    assert problems == []
    assert [(a.date, a.date_end) for a in articles] == [
        (date(2018, 4, 1), date(2019, 12, 31)), (date(2018, 1, 9), date(2019, 6, 8)),
        (date(2017, 5, 1), None)]
    assert articles[0].summary == "The project studies how social enterprises borrow."
    assert articles[0].collection == "Projects on cooperatives and social and solidarity economy"
    assert articles[0].to_dict()["date_end"] == "2019-12-31"


@pytest.mark.parametrize("line, start, end", [
    ("1 April 2018 - 31 December 2019", date(2018, 4, 1), date(2019, 12, 31)),
    ("1 April 2018 to 31 Dec 2019", date(2018, 4, 1), date(2019, 12, 31)),
    ("1 - 30 April 2018", date(2018, 4, 1), date(2018, 4, 30)),
    ("1 December - 31 January 2019", date(2018, 12, 1), date(2019, 1, 31)),
    ("7 June 2021", date(2021, 6, 7), None),
    ("07 June 2021", date(2021, 6, 7), None),
    ("June 7, 2021", date(2021, 6, 7), None),
])
def test_date_lines(line: str, start: date, end: date | None) -> None:
    assert looks_like_date_line(line)
    assert parse_date_line(line) == (start, end)


@pytest.mark.parametrize("line, says", [
    ("2 May 2019 - 1 May 2019", "ends before it starts"),
    ("1 April 2018 - 31 February 2019", "does not exist"),
])
def test_bad_ranges_are_refused(line: str, says: str) -> None:
    with pytest.raises(DateError, match=says):
        parse_date_line(line)
    articles, problems = read(f"H\n\n1. A project\n\n{line}\n\n2. Fine\n\n2 May 2019\n")
    assert [a.title for a in articles] == ["Fine"]
    assert says in problems[0].message and problems[0].line == 5


@pytest.mark.parametrize("text", ["October 2014", "March 2023", "2014", "Focus on August"])
def test_a_month_or_a_heading_is_not_a_date(text: str) -> None:
    assert not looks_like_date_line(text)


def test_credits_anywhere_in_an_item_and_as_the_kind() -> None:
    text = ("News on the social economy\n\n"
            "  1. \u00a9 ILO/A. Photographer 2023\n\n    A credit in the place of the kind\n\n"
            "    25 May 2023\n\n    \u00a9 Another credit, after the date\n\n    Summary.\n\n"
            "  2. News\n\n    \u00a9 A credit between kind and title\n\n    Second item\n\n"
            "    \u2022 \u00a9ILO\n\n    19 May 2023\n\n"
            "  3. \u00a9 Credit only, no title\n\n    18 May 2023\n")
    articles, problems = read(text)
    assert fields(articles) == [("", "A credit in the place of the kind", date(2023, 5, 25)),
                                ("News", "Second item", date(2023, 5, 19))]
    assert articles[0].summary == "Summary."
    assert all("\u00a9" not in a.title + a.summary + a.kind for a in articles)
    assert len(problems) == 1 and "no title" in problems[0].message


def test_an_item_with_a_date_and_summary_but_no_title_is_reported_and_the_rest_kept() -> None:
    text = ("Publications and tools on cooperatives\n\nOctober 2014\n\n"
            "  1. Recycling cooperatives: a note\n\n    21 October 2014\n\n"
            "    A note on waste pickers.\n\n\n    06 October 2014\n\n"
            "    This issue of the newsletter covers April to August.\n\n"
            "September 2014\n\n  1. Women's cooperatives and equality\n\n    15 September 2014\n")
    articles, problems = read(text, "pubs.txt")
    assert [(a.title, a.summary) for a in articles] == [
        ("Recycling cooperatives: a note", "A note on waste pickers."),
        ("Women's cooperatives and equality", "")]
    assert len(problems) == 1
    assert str(problems[0]).startswith("pubs.txt:12: an item dated 06 October 2014 has a date "
                                       "and a summary but no title")
    assert problems[0].lost_item


def test_items_without_a_date_are_reported_one_by_one() -> None:
    text = ("Areas of work\n\n  1. Child Labour\n\n    Cooperatives help end child labour.\n\n"
            "  2. Green Agenda\n\n    Cooperatives and the climate.\n\n"
            "  3. Event\n\n    A webinar\n\n    12 May 2020\n")
    articles, problems = read(text)
    assert [a.title for a in articles] == ["A webinar"]
    assert [(p.line, "has no date line" in p.message) for p in problems] == [(3, True),
                                                                            (7, True)]


def test_a_kind_alone_is_not_a_title() -> None:
    text = ("H\n\n  1. News\n\n    A first item\n\n    1 May 2020\n\n"
            "  2. News\n\n    2 May 2020\n\n  3. Project\n\n    3 May 2020\n")
    articles, problems = read(text)
    assert [a.title for a in articles] == ["A first item"]
    assert ["only the kind 'News'" in problems[0].message,
            "only the kind 'Project'" in problems[1].message] == [True, True]


HOME = """\u2022 \u00a9ILO
A cooperative is an autonomous association of persons united voluntarily to meet their needs.

The ILO sees cooperatives as important for decent work, as this introduction explains.

What's new

  1. News

    A training package adapted for one province

    23 August 2017

  2. Cooperative Champions

    A. Person, a field office

    23 August 2017

Focus on August

  1. Note

    Cooperatives and indigenous peoples

    1 August 2017

    A note on rights and cooperatives.

A bit of history

  1. History timeline

    Milestones of the cooperative movement.
"""


def test_home_page_sub_headings_at_the_margin_end_items_and_name_no_collection() -> None:
    articles, problems = read(HOME)
    assert fields(articles) == [
        ("News", "A training package adapted for one province", date(2017, 8, 23)),
        ("Cooperative Champions", "A. Person, a field office", date(2017, 8, 23)),
        ("Note", "Cooperatives and indigenous peoples", date(2017, 8, 1)),
    ]
    assert articles[1].summary == "" and articles[2].summary == "A note on rights and cooperatives."
    assert {a.collection for a in articles} == {""}  # the first line is no heading
    assert len(problems) == 1 and "no date line" in problems[0].message  # the timeline


def test_a_page_of_one_breadcrumb_line_says_so_in_one_line(tmp_path: Path) -> None:
    crumb = ("ILO homeTopicsCooperativesResources on cooperatives Resources on cooperatives "
             "ILO opens a cooperative congress in a capital 26 April 2018 The congress met for "
             "two days and heard from many cooperative leaders from the region.")
    articles, problems = read(crumb + "\n", "crumb.txt")
    assert articles == []
    assert len(problems) == 1
    message = str(problems[0])
    assert message.startswith("crumb.txt: a listing has numbered items")
    assert message.endswith(": no items; nothing read")
    assert "breadcrumb" in message and "26 April 2018" in message
    # As a .txt file, it is neither a listing nor an article text, and the message says so.
    path = tmp_path / "crumb.txt"
    path.write_text(crumb + "\n", encoding="utf-8")
    [problem] = read_sources([path]).problems
    assert str(problem).startswith(f"{path}: neither a dated article text")
    assert "breadcrumb" in problem.message and "26 April 2018" in problem.message
    assert problem.message.endswith(": no date line, no numbered items; file passed over")


def test_a_date_outside_any_item_is_reported() -> None:
    text = ("H\n\nSome introduction\n\n12 March 2020\n\n  1. News\n\n    Fine\n\n"
            "    2 May 2020\n")
    articles, problems = read(text)
    assert [a.title for a in articles] == ["Fine"]
    assert problems[0].line == 5 and "outside any item" in problems[0].message
    assert not problems[0].fatal_in_strict


@pytest.mark.parametrize("first, heading", [
    ("News, stories and statements on cooperatives", True),
    ("Resources on cooperative, social and solidarity economy", True),
    ("A cooperative is an autonomous association of persons united voluntarily.", False),
    ("\u2022 \u00a9ILO", False),
    ("October 2014", False),
])
def test_what_is_a_page_heading(first: str, heading: bool) -> None:
    articles, _ = read(f"{first}\n\n  1. An item\n\n    2 May 2020\n")
    assert articles[0].collection == (first if heading else "")


def test_a_sentence_at_the_margin_of_an_indented_page_stays_in_its_summary() -> None:
    text = ("H\n\n  1. News\n\n    Plans\n\n    2 May 2020\n\n    The plan is new and\n"
            "wraps onto a line that lost its indent.\n\nA heading\n\n  1. News\n\n"
            "    More\n\n    3 May 2020\n")
    articles, problems = read(text)
    assert problems == []
    assert [a.summary for a in articles] == [
        "The plan is new and wraps onto a line that lost its indent.", ""]


def test_numbers_inside_a_summary_do_not_start_items() -> None:
    text = "H\n\n  1. News\n\n    Plans\n\n    2 May 2020\n\n    The plan for\n  2030. is new.\n"
    articles, problems = read(text)
    assert problems == [] and articles[0].summary == "The plan for 2030. is new."


def test_every_layout_in_one_folder(tmp_path: Path) -> None:
    for name, text in (("regional.txt", REGIONAL), ("resources.txt", RESOURCES),
                       ("publications.txt", PUBLICATIONS), ("dashes.txt", DASHES),
                       ("projects.txt", PROJECTS), ("home.txt", HOME)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = read_sources([tmp_path])
    assert len(result.articles) == 3 + 3 + 5 + 3 + 3 + 3
    assert {a.collection for a in result.articles} == {
        "ILO's work on cooperatives in the Andes",
        "Resources on cooperatives and the social economy",
        "Publications and tools on cooperatives", "ILO's work on cooperatives in the Sahel",
        "Projects on cooperatives and social and solidarity economy", ""}
