"""Web archives (corpus.web.warc): every HTML response is a page; the rest is counted."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import webpages as w

from corpus import Article, Problem, read_sources
from corpus.web.warc import read_warc

ARTICLE_URL = "https://www.ilo.org/global/topics/cooperatives/news/WCMS_1/lang--en/index.htm"


def archive(gzip: bool = True) -> bytes:
    page = w.article_page(url="").encode()
    return w.make_warc([
        ("request", ARTICLE_URL, b"GET /x HTTP/1.1\r\nHost: www.ilo.org\r\n\r\n",
         "application/http; msgtype=request", ""),
        ("response", ARTICLE_URL, page, "text/html; charset=utf-8", "200 OK"),
        ("response", "https://www.ilo.org/about", w.undated_page().encode(), "text/html",
         "200 OK"),
        ("response", "https://www.ilo.org/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(40),
         "image/png", "200 OK"),
        ("response", "https://www.ilo.org/gone", b"<html><body>Not found</body></html>",
         "text/html", "404 Not Found"),
        ("metadata", ARTICLE_URL, b"outlinks: none\n", "application/warc-fields", ""),
        ("response", "https://www.ilo.org/news/", w.ilo_listing(with_undated=False).encode(),
         "text/html", "200 OK"),
    ], gzip=gzip)


def read(data: bytes, name: str = "crawl.warc.gz") -> tuple[list[Article], list[Problem]]:
    entries = list(read_warc(io.BytesIO(data), Path(name)))
    return ([e for e in entries if isinstance(e, Article)],
            [e for e in entries if isinstance(e, Problem)])


@pytest.mark.parametrize("gzip", [True, False])
def test_every_html_response_is_a_page_and_the_rest_is_counted(gzip: bool) -> None:
    articles, problems = read(archive(gzip), "crawl.warc.gz" if gzip else "crawl.warc")
    name = "crawl.warc.gz" if gzip else "crawl.warc"
    article, undated, *listed = articles
    assert article.url == ARTICLE_URL  # the record's target URL
    assert article.date == date(2020, 8, 25) and "zanzibarite" in article.body
    assert article.source == f"{name}, record 2 ({ARTICLE_URL})"
    assert undated.date == date(2024, 3, 5)  # the capture date: the page gives none
    assert undated.url == "https://www.ilo.org/about"
    assert [a.title for a in listed][:1] == [
        "ILO joins discussion on cooperative economy and decent work"]
    assert listed[0].url == "https://www.ilo.org/news/WCMS_1/lang--en/index.htm"
    captured, passed = problems
    assert str(captured) == (f"{name}: record 3 (https://www.ilo.org/about): the page gives no "
                             "publication date; dated by its capture, 2024-03-05")
    assert str(passed) == (f"{name}: passed over 4 records that are not HTML pages (1 request "
                           "record, 1 image/png response, 1 HTTP 404 response, 1 metadata "
                           "record)")
    assert not passed.fatal_in_strict


@pytest.mark.parametrize("gzip", [True, False])
def test_a_truncated_archive_keeps_the_records_before_the_break(gzip: bool) -> None:
    data = archive(gzip)
    whole, _ = read(data)
    for cut in (len(data) - 40, len(data) * 2 // 3):
        articles, problems = read(data[:cut])
        assert articles == whole[:len(articles)]
        assert 1 <= len(articles) < len(whole)
        [broken] = [p for p in problems if "cut short" in p.message]
        assert "kept the" in broken.message and "records before it" in broken.message
        assert broken.fatal_in_strict


def test_a_file_that_is_not_an_archive() -> None:
    articles, [problem] = read(b"this is not a web archive at all\n" * 10, "x.warc")
    assert articles == []
    assert str(problem) == ("x.warc: not a web archive: a WARC file starts with 'WARC/1.0' (or "
                            "is gzipped records of it); file passed over")


def test_warc_files_are_read_from_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.warc.gz").write_bytes(archive(True))
    (tmp_path / "b.warc").write_bytes(archive(False))
    result = read_sources([tmp_path])
    assert result.files == 2
    # The same pages in both archives are merged, never duplicated.
    assert len(result.articles) == len({a.id for a in result.articles}) == 5
    assert result.duplicates == 5
