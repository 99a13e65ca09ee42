"""A build's arrays are made without transparent huge pages (search/build/memory.py), in
this process and in its workers, and the process gets its own setting back after, however
the build ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests_support import small_segments

from corpus import Article, read_sources
from search import build_index
from search.build import indexer, memory

pytestmark = pytest.mark.skipif(memory._setter() is None,
                                reason="this numpy has no switch for huge pages")


def huge_pages_on() -> bool:
    before = memory.huge_pages(False)
    memory.huge_pages(bool(before))
    return bool(before)


def items(folder: Path, count: int) -> Path:
    source = folder / "items.jsonl"
    source.write_text("".join(
        f'{{"id": "n{n}", "title": "Cooperatives in Kenya {n}", "date": "2024-02-06", '
        f'"summary": "Savings and credit, item {n}."}}\n' for n in range(count)),
        encoding="utf-8")
    return source


def checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every item indexed with huge pages off, or the build fails (a worker's error is the
    build's)."""
    real = indexer.to_document

    def to_document(article: Article) -> dict[str, object]:
        if huge_pages_on():
            raise RuntimeError("an item indexed with huge pages on")
        return real(article)
    monkeypatch.setattr(indexer, "to_document", to_document)


@pytest.mark.parametrize("workers", [False, True])
def test_a_build_is_without_huge_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       workers: bool) -> None:
    if workers:
        small_segments(monkeypatch, 10)
    checked(monkeypatch)
    assert huge_pages_on()
    report = build_index(read_sources([items(tmp_path, 40)]), tmp_path / "index")
    assert report.indexed == 40
    assert huge_pages_on()  # the process's own setting, back


def test_a_failed_build_gives_the_setting_back(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(article: Article) -> dict[str, object]:
        raise ValueError("no document today")
    monkeypatch.setattr(indexer, "to_document", broken)
    with pytest.raises(ValueError, match="no document today"):
        build_index(read_sources([items(tmp_path, 5)]), tmp_path / "index")
    assert huge_pages_on()
    memory.huge_pages(False)
    try:
        with memory.without_huge_pages():
            assert not huge_pages_on()
        assert not huge_pages_on()  # what it was before, not numpy's default
    finally:
        memory.huge_pages(True)
