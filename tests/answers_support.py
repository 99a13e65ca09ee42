"""A small corpus for the answer tests (places, top terms, co-occurrence, collections).

Items written for these tests, modelled on the ILO listings (a kind, a title, a date,
a summary, sometimes a body): countries named by their name, a demonym, a capital or a
city; coffee cooperatives in East Africa in 2021; social and solidarity economy in 2022;
one item naming its country only in its body. Import the fixtures into a test module.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus import read_sources
from search import Engine, build_index, open_engine

ITEMS = [
    {"title": "Coffee cooperatives in Kenya export more", "date": "2021-03-02", "kind": "News",
     "summary": "Kenyan coffee cooperatives in Nyeri and Nairobi doubled their exports with "
                "support from the ILO."},
    {"title": "Women lead coffee cooperatives in Uganda", "date": "2021-05-10", "kind": "News",
     "summary": "In Kampala, women members run coffee cooperatives and fair trade shops."},
    {"title": "Coffee growers form a union", "date": "2021-07-21", "kind": "Feature",
     "summary": "Smallholder coffee growers in Ethiopia formed a union of coffee cooperatives "
                "to reach fair trade markets."},
    {"title": "Coffee prices and cooperative credit", "date": "2021-09-30", "kind": "News",
     "summary": "Rwandan coffee cooperatives opened savings and credit services for members."},
    {"title": "Social and solidarity economy policy in Senegal", "date": "2022-02-14",
     "kind": "News", "summary": "The Government of Senegal adopted a social and solidarity "
                                "economy law, with support from the ILO in Dakar."},
    {"title": "Solidarity economy networks meet in Brazil", "date": "2022-06-01",
     "kind": "Event", "summary": "Networks of the social and solidarity economy met in "
                                 "São Paulo to share public policy."},
    {"title": "Mapping the social and solidarity economy in Asia", "date": "2022-10-12",
     "kind": "Publication", "summary": "A study maps social and solidarity economy "
                                       "organizations in Viet Nam, the Philippines and India."},
    {"title": "Youth employment through cooperatives", "date": "2020-04-20", "kind": "News",
     "summary": "Young people finding work in cooperatives: a review of youth employment "
                "programmes."},
    {"title": "COVID-19 and cooperatives: a first response", "date": "2020-05-05",
     "kind": "Statement", "summary": "Cooperatives respond to the COVID-19 pandemic with "
                                     "health care and credit for members."},
    {"title": "Cooperatives after the pandemic", "date": "2020-11-11", "kind": "News",
     "summary": "How cooperatives recover from the COVID-19 pandemic: lessons for policy.",
     "body": "The study draws on interviews with cooperative leaders in Jordan and "
             "Lebanon.\n\nIt recommends credit and training."},
    {"title": "Training on cooperative governance", "date": "2023-01-18", "kind": "News",
     "summary": "A course on cooperative governance for members and leaders."},
    {"title": "Cooperative statistics guidelines adopted", "date": "2023-10-20",
     "kind": "News", "summary": "The conference adopted guidelines on statistics of "
                                "cooperatives, with data from Italy and Türkiye."},
]


def write_corpus(folder: Path) -> Path:
    source = folder / "answers.jsonl"
    source.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in ITEMS),
                      encoding="utf-8")
    return source


@pytest.fixture(scope="session")
def answers_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of ITEMS (read-only)."""
    folder = tmp_path_factory.mktemp("answers")
    build_index(read_sources([write_corpus(folder)]), folder / "index")
    return folder / "index"


@pytest.fixture(scope="session")
def answers_engine(answers_index: Path) -> Engine:
    return open_engine(answers_index, page_cache=0)


@pytest.fixture
def answers_client(answers_index: Path):  # type: ignore[no-untyped-def]
    from webui import create_app
    return create_app({"INDEX_DIR": str(answers_index), "TESTING": True}).test_client()
