"""Shared fixtures: the bundled corpus indexed once per session, and helpers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus import BUNDLED_CORPUS, read_sources
from search import Engine, build_index, open_engine


@pytest.fixture(scope="session", autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The suite's caches (the places gazetteer's) in a folder of its own, for this process
    and the ones it starts: none written to the user's, none read from there."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus, built once for the session (read-only)."""
    path = tmp_path_factory.mktemp("bundled") / "index"
    build_index(read_sources([BUNDLED_CORPUS]), path)
    return path


@pytest.fixture(scope="session")
def engine(bundled_index: Path) -> Engine:
    return open_engine(bundled_index)


@pytest.fixture(scope="session")
def ilo_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the ILO-like test corpus (tests/ilo_like.py), built once (read-only)."""
    from ilo_like import write_corpus
    folder = tmp_path_factory.mktemp("ilo-like")
    path = folder / "index"
    build_index(read_sources([write_corpus(folder / "items.jsonl")]), path)
    return path


@pytest.fixture(scope="session")
def ilo_engine(ilo_index: Path) -> Engine:
    return open_engine(ilo_index)


# -- the web UI (webui/) ----------------------------------------------------------


@pytest.fixture
def app(bundled_index: Path):
    """The web app over the bundled corpus."""
    from webui import create_app
    return create_app({"INDEX_DIR": str(bundled_index), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def _fetcher(client):  # type: ignore[no-untyped-def]
    from bs4 import BeautifulSoup

    def fetch(url: str, status: int = 200):
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code,
                                                response.get_data(as_text=True)[:500])
        assert response.mimetype == "text/html"
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")

    return fetch


@pytest.fixture
def page(client):
    """GET a URL, check its status, and return the HTML parsed with BeautifulSoup."""
    return _fetcher(client)


@pytest.fixture
def ilo_client(ilo_index: Path):
    """The web app over the ILO-like test corpus."""
    from webui import create_app
    return create_app({"INDEX_DIR": str(ilo_index), "TESTING": True}).test_client()


@pytest.fixture
def page_of(ilo_client):
    """`page`, over the ILO-like test corpus."""
    return _fetcher(ilo_client)


ODD_ITEMS = [
    {"title": "=HYPERLINK(\"http://evil.example\",\"click\")", "date": "2024-03-01",
     "kind": "News", "summary": "+SUM(A1:A9) looks like a formula", "url": ""},
    {"title": "-2 degrees: @cooperatives in the cold", "date": "2024-03-02", "kind": "News",
     "summary": "@handle and a\ttab", "url": "https://example.org/cold?x=1&y=2"},
    {"title": "<script>alert('x')</script> & <b>bold</b> cooperatives", "date": "2023-05-05",
     "kind": "Statement <i>", "summary": "50% of {coops} & more_things #1 ~ ^ \\ cooperatives",
     "url": "https://example.org/odd"},
]


@pytest.fixture(scope="session")
def odd_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of a few items with markup, formulas and TeX specials in their text."""
    from tests_support import index_of
    return index_of(ODD_ITEMS, tmp_path_factory.mktemp("odd"))


@pytest.fixture
def odd_client(odd_index: Path):
    from webui import create_app
    return create_app({"INDEX_DIR": str(odd_index), "TESTING": True}).test_client()


# -- the answers' corpus (places, top terms, co-occurrence, collections) -------------
from answers_support import answers_client, answers_engine, answers_index  # noqa: F401
