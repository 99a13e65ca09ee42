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
