"""Keyword in context over phrases, compounds and variant forms, with titles and dates."""

from __future__ import annotations

import re

from ilo_like import ITEMS
from tests_support import request

from search import Engine, kwic


def test_a_phrase_gives_one_line_where_it_stands(ilo_engine: Engine) -> None:
    lines, total = kwic(ilo_engine, request(q='"social and solidarity economy"'))
    expected = sum(len(re.findall("social and solidarity economy", text, re.IGNORECASE))
                   for item in ITEMS for text in (item["title"], item["summary"]))
    assert len(lines) == expected and total > 0
    assert {line.match.lower() for line in lines} == {"social and solidarity economy"}
    assert not any("inclusion" in line.right.split()[:1] for line in lines)


def test_compounds_and_variant_forms_are_found(ilo_engine: Engine) -> None:
    matches = {line.match for line in kwic(ilo_engine, request(q="youth")).lines}
    assert {"Youth-led", "Youth", "youth"} <= matches
    assert "young people" in matches  # a synonym's form, as one line
    matches = {line.match for line in kwic(ilo_engine, request(q="cooperative")).lines}
    assert {"co-ops", "Co-operative", "Coops", "cooperatives"} <= matches


def test_each_line_shows_its_item_title_and_date(page_of, ilo_engine: Engine) -> None:
    soup = page_of('/kwic?q=%22solidarity+economy%22')
    rows = soup.select("table.kwic-lines tbody tr")
    lines, _ = kwic(ilo_engine, request(q='"solidarity economy"'))
    assert len(rows) == len(lines) > 0
    for row, line in zip(rows, lines):
        cell = row.select_one("td.item")
        assert cell.select_one("a").get_text() == line.title
        assert cell.select_one("time")["datetime"] == line.date.isoformat()
