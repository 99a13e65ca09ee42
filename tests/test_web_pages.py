"""Saved web pages: articles, listings, and pages that are neither (corpus.web.pages)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import webpages as w

from corpus import Article, Problem, read_sources
from corpus.web.pages import read_html, read_page


def read(html: str, name: str = "page.html") -> tuple[list[Article], list[Problem]]:
    entries = list(read_html(html.encode("utf-8"), Path(name)))
    return ([e for e in entries if isinstance(e, Article)],
            [e for e in entries if isinstance(e, Problem)])


def test_a_saved_article_page_is_one_item_with_its_body_and_address() -> None:
    [article], problems = read(w.article_page())
    assert not problems
    assert article.title == "An Update on the COOP 100 Interview Series"
    assert article.date == date(2020, 8, 25) and article.kind == "News"
    assert article.url == ("https://www.ilo.org/global/topics/cooperatives/news/WCMS_754128/"
                           "lang--en/index.htm")  # from the browser's saved-from comment
    assert article.summary.startswith("An oral history initiative")  # the standfirst
    assert "zanzibarite weavers" in article.body
    assert "Sign in" not in article.body and "Copyright" not in article.body  # menus, footer
    assert article.body.count("\n\n") >= 1  # paragraphs kept
    assert article.language == "en" and article.source == "page.html"


@pytest.mark.parametrize("date_line, expected", [
    ("Noticia | 25 de agosto de 2020", date(2020, 8, 25)),
    ("Actualité | 27 janvier 2023", date(2023, 1, 27)),
    ("Article | 19 novembre 2020", date(2020, 11, 19)),
    ("3 March 2021", date(2021, 3, 3)),
])
def test_the_date_line_under_the_title_dates_the_page_in_its_language(
        date_line: str, expected: date) -> None:
    [article], _ = read(w.article_page(date_line=date_line))
    assert article.date == expected
    assert article.kind == date_line.partition(" | ")[0] if "|" in date_line else not article.kind


def test_page_metadata_gives_address_date_kind_and_language() -> None:
    [article], problems = read(w.cms_article())
    assert not problems
    # The canonical link (relative, against <base>) wins over og:url.
    assert article.url == "https://journal.example.org/2021/05/04/les-cooperatives-face-a-la-crise"
    assert article.date == date(2021, 5, 4)  # article:published_time
    assert article.kind == "Économie"  # article:section
    assert article.language == "fr"  # lang="fr-CH", as a primary subtag
    assert article.summary == "Comment les coopératives ont tenu pendant la crise."
    assert "banques coopératives" in article.body and "Accueil" not in article.body


def test_an_unsafe_or_missing_address_is_left_out() -> None:
    page = w.article_page(url="", extra_head='<link rel="canonical" href="javascript:alert(1)">')
    [article], _ = read(page)
    assert article.url == ""


def test_a_listing_page_becomes_its_items_each_with_its_link() -> None:
    articles, problems = read(w.ilo_listing())
    assert [a.title for a in articles] == [
        "ILO joins discussion on cooperative economy and decent work",
        "Providing savings and loans to teachers since 1972",
        "International Day of Cooperatives 2023"]
    first, second, third = articles
    base = "https://www.ilo.org/global/topics/cooperatives/news/lang--en/"
    assert first.url == base + "WCMS_1/lang--en/index.htm"  # relative, against saved-from
    assert third.url == "https://www.ilo.org/global/WCMS_3"
    assert [a.date for a in articles] == [date(2024, 2, 6), date(2023, 10, 5), date(2023, 7, 1)]
    assert [a.kind for a in articles] == ["News", "Spotlight Interviews with Co-operators",
                                          "Statement"]
    assert first.summary == "The ILO took part in a panel on the cooperative economy and decent work."
    assert second.summary == ""  # the © credit line is not text
    assert third.summary == "Cooperatives for sustainable development."  # no "Read more"
    assert [a.source for a in articles] == [f"page.html, item {n}" for n in (1, 2, 3)]
    [problem] = problems
    assert "item 'An item whose date line was lost': no date line, unlike the items beside it; " \
        "item skipped" in str(problem)
    assert problem.lost_item


def test_a_blog_archive_with_time_elements_is_a_listing() -> None:
    articles, problems = read(w.blog_archive())
    assert not problems
    assert [(a.title, a.date, a.kind) for a in articles] == [
        ("Worker co-ops in Kenya grow again", date(2024, 2, 6), "Kenya"),
        ("Housing cooperatives and rents", date(2024, 1, 15), "Housing"),
        ("A year of credit unions", date(2023, 12, 1), "Finance")]
    assert articles[0].url == "https://blog.example.net/2024/02/06/worker-coops-in-kenya/"
    assert articles[0].summary == "A short excerpt of the post about worker co-ops in kenya grow again."
    assert "Something" not in {a.title for a in articles}  # the aside is not searched


def test_an_article_with_a_related_news_box_stays_one_article() -> None:
    [article], problems = read(w.article_with_related())
    assert not problems
    assert article.title == "Cooperatives keep workers in decent jobs"
    assert article.date == date(2024, 3, 4)


@pytest.mark.parametrize("page, says", [
    (w.login_page(), "a login page (it asks for a password), not an article"),
    ("", "the page has no HTML to read"),
    ("<html><head><title>x</title></head><body>  </body></html>", "the page has no text"),
    (w.undated_page(), "no publication date in the page"),
])
def test_a_page_that_is_not_an_article_is_a_message_and_no_item(page: str, says: str) -> None:
    articles, problems = read(page, "saved.html")
    assert articles == []
    [problem] = problems
    assert str(problem).startswith("saved.html: " + says), str(problem)
    assert problem.lost_item and problem.fatal_in_strict


def test_a_capture_date_dates_an_undated_page_and_says_so() -> None:
    entries = list(read_page(w.undated_page().encode(), Path("crawl.warc"), where="record 2",
                             known_url="https://www.ilo.org/about", capture_date=date(2024, 3, 5)))
    [article] = [e for e in entries if isinstance(e, Article)]
    [note] = [e for e in entries if isinstance(e, Problem)]
    assert article.date == date(2024, 3, 5) and article.url == "https://www.ilo.org/about"
    assert article.source == "crawl.warc, record 2"
    assert "record 2: the page gives no publication date; dated by its capture, 2024-03-05" \
        in str(note)
    assert not note.lost_item and not note.fatal_in_strict


def test_html_files_in_a_folder_are_read_by_extension(tmp_path: Path) -> None:
    (tmp_path / "article.html").write_text(w.article_page(), encoding="utf-8")
    (tmp_path / "listing.HTM").write_text(w.ilo_listing(with_undated=False), encoding="utf-8")
    (tmp_path / "login.html").write_text(w.login_page(), encoding="utf-8")
    result = read_sources([tmp_path])
    assert result.files == 3
    assert len(result.articles) == 4
    assert [str(p) for p in result.problems] == [
        (f"{tmp_path / 'login.html'}: a login page (it asks for a password), not an article; "
         "page skipped (sign in, open the article itself and save that page)")]


def test_a_page_in_another_encoding_is_decoded_by_its_meta_charset() -> None:
    page = w.article_page(title="Coopératives à Genève").replace('charset="utf-8"',
                                                                 'charset="windows-1252"')
    [article] = [e for e in read_html(page.encode("cp1252"), Path("p.html"))
                 if isinstance(e, Article)]
    assert article.title == "Coopératives à Genève"
