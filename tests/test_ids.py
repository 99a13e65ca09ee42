"""Ids are readable, derived from content, stable across re-reads, snapshots and merges."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from corpus import BUNDLED_CORPUS, make_id, read_sources
from corpus.model import ID_PATTERN, SLUG_MAX


def test_id_is_date_and_title_slug() -> None:
    assert make_id(date(2024, 2, 21), "Jeun\u2019ess in numbers: retrospective 2023") == \
        "2024-02-21-jeuness-in-numbers-retrospective-2023"
    assert make_id(date(2020, 1, 2), "\u015eanl\u0131urfa co-op") == "2020-01-02-sanliurfa-co-op"


def test_long_titles_get_a_content_suffix_so_shared_openings_never_collide() -> None:
    opening = "ILO participates in the Framework Conference of the Ibero-American Network"
    one = make_id(date(2024, 1, 31), opening + " for the Promotion of the SSE")
    two = make_id(date(2024, 1, 31), opening + " for Social Innovation")
    assert one != two
    for value in (one, two):
        assert ID_PATTERN.match(value)
        assert len(value) <= len("2024-01-31-") + SLUG_MAX + 7


def test_rereading_gives_the_same_ids() -> None:
    first = [a.id for a in read_sources([BUNDLED_CORPUS]).articles]
    second = [a.id for a in read_sources([BUNDLED_CORPUS]).articles]
    assert first == second and len(set(first)) == 10


def test_second_snapshot_and_merge_never_duplicate(tmp_path: Path) -> None:
    text = BUNDLED_CORPUS.read_text(encoding="utf-8")
    items = text.split("\n  ")
    # A later snapshot: a new item on top, numbering shifted, the oldest item gone.
    newer = ("News, stories and statements on cooperatives\n\n  1. News\n\n    A newer item\n\n"
             "    1 March 2024\n\n" + "\n  ".join(items[1:]).replace("  10. Spotlight", "X"))
    snapshot = tmp_path / "snapshot-2024-03.txt"
    snapshot.write_text(newer, encoding="utf-8")
    result = read_sources([BUNDLED_CORPUS, snapshot])
    ids = [a.id for a in result.articles]
    assert len(ids) == len(set(ids))
    seed_ids = {a.id for a in read_sources([BUNDLED_CORPUS]).articles}
    assert seed_ids <= set(ids)
    assert "2024-03-01-a-newer-item" in ids
    assert result.duplicates >= 8
    assert result.skipped + len(result.articles) == result.items_read


def test_merge_fills_a_missing_summary_from_the_other_copy(tmp_path: Path) -> None:
    bare = tmp_path / "bare.jsonl"
    bare.write_text('{"title": "Same item", "date": "2020-05-01"}\n', encoding="utf-8")
    full = tmp_path / "full.jsonl"
    full.write_text('{"title": "Same  item", "date": "2020-05-01", "summary": "Words."}\n',
                    encoding="utf-8")
    result = read_sources([bare, full])
    assert len(result.articles) == 1 and result.articles[0].summary == "Words."
