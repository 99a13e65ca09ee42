"""Shared fixtures: the bundled corpus indexed once per session, and helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import BUNDLED_CORPUS, read_sources
from search import Engine, build_index, open_engine


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus, built once for the session (read-only)."""
    path = tmp_path_factory.mktemp("bundled") / "index"
    build_index(read_sources([BUNDLED_CORPUS]), path)
    return path


@pytest.fixture(scope="session")
def engine(bundled_index: Path) -> Engine:
    return open_engine(bundled_index)


# -- the web UI (webui/) ----------------------------------------------------------


@pytest.fixture
def app(bundled_index: Path):
    """The web app over the bundled corpus."""
    from webui import create_app
    return create_app({"INDEX_DIR": str(bundled_index), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def page(client):
    """GET a URL, check its status, and return the HTML parsed with BeautifulSoup."""
    from bs4 import BeautifulSoup

    def fetch(url: str, status: int = 200):
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code,
                                                response.get_data(as_text=True)[:500])
        assert response.mimetype == "text/html"
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")

    return fetch
