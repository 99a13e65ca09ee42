"""Pseudo-relevance feedback: among the items with all but one of the words, those that
write what the items with all of them write come first."""

from __future__ import annotations

from pathlib import Path

from search import open_engine
from tests_support import index_of, request

FILLER = [{"title": f"Dairy market report number {n}", "date": f"2023-01-{n % 28 + 1:02d}",
           "summary": f"Milk prices and cheese exports in region {n}."} for n in range(40)]
ITEMS = FILLER + [
    {"title": "Cooperative law reform", "date": "2024-03-01",
     "summary": "Parliament debates the legislation on cooperative registration in Uganda."},
    {"title": "A cooperative bakery opens", "date": "2024-03-05",
     "summary": "Bread and cakes for the neighbourhood, every morning."},
    {"title": "Cooperative registration under the new legislation", "date": "2024-02-01",
     "summary": "Uganda's parliament passes the bill."},
]


def test_items_writing_what_the_hits_write_come_first(tmp_path: Path) -> None:
    engine = open_engine(index_of(ITEMS, tmp_path))
    page = engine.search(request(q="cooperative law"))
    assert [hit.article.title for hit in page.hits] == ["Cooperative law reform"]
    partial = [hit.article.title for hit in page.partial]
    # Without feedback the newer bakery (as short, no more about law) would come first.
    assert partial[:2] == ["Cooperative registration under the new legislation",
                           "A cooperative bakery opens"]
