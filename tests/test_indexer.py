"""Building, rebuilding and updating: the live index is never left half written."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import BUNDLED_CORPUS, read_sources
from search import BuildFailed, build_index, open_engine
from search.build.store import CURRENT, current_generation
from tests_support import request


def write_jsonl(path: Path, *titles: str, day: str = "2022-06-01") -> Path:
    path.write_text("".join(f'{{"title": "{t}", "date": "{day}", "kind": "News"}}\n'
                            for t in titles), encoding="utf-8")
    return path


def test_build_reports_counts_and_progress(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    report = build_index(read_sources([BUNDLED_CORPUS]), tmp_path / "ix",
                         progress=lambda done, total: seen.append((done, total)))
    assert (report.read, report.indexed, report.skipped, report.total_items) == (10, 10, 0, 10)
    assert seen[-1] == (10, 10)
    assert (tmp_path / "ix" / CURRENT).read_text().strip() == report.index_path.name


def test_failed_rebuild_leaves_the_old_index_answering(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index(read_sources([BUNDLED_CORPUS]), index_dir)
    engine = open_engine(index_dir)
    before = engine.generation.id
    other = write_jsonl(tmp_path / "other.jsonl", "Replacement one", "Replacement two")

    def explode(done: int, total: int) -> None:
        raise RuntimeError("disk full (simulated)")

    with pytest.raises(RuntimeError):
        build_index(read_sources([other]), index_dir, progress=explode)
    assert engine.search(request(q="kenya")).total == 2
    assert engine.generation.id == before
    assert not list(index_dir.glob(".building-*"))
    assert open_engine(index_dir).search(request()).total == 10


def test_strict_build_fails_and_indexes_nothing(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index(read_sources([BUNDLED_CORPUS]), index_dir)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "ok", "date": "2020-01-01"}\n{"title": "no date"}\n')
    with pytest.raises(BuildFailed) as failure:
        build_index(read_sources([bad]), index_dir, strict=True)
    assert "--strict" in str(failure.value)
    assert [str(p) for p in failure.value.problems] == [f"{bad}:2: missing date (write it as "
                                                        "'2024-02-21'); record skipped"]
    assert open_engine(index_dir).search(request()).total == 10


def test_rebuild_swaps_in_a_new_generation_seen_without_reopening(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index(read_sources([BUNDLED_CORPUS]), index_dir)
    engine = open_engine(index_dir)
    first = engine.generation.id
    assert engine.search(request(q="zanzibar")).total == 0
    extra = write_jsonl(tmp_path / "extra.jsonl", "Zanzibar seaweed cooperative")
    build_index(read_sources([BUNDLED_CORPUS, extra]), index_dir)
    assert engine.search(request(q="zanzibar")).total == 1
    assert engine.generation.id != first
    assert len(list(index_dir.glob("gen-*"))) == 2  # the live one and the previous one


def test_update_adds_and_replaces_by_id(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    build_index(read_sources([BUNDLED_CORPUS]), index_dir)
    engine = open_engine(index_dir)
    item = engine.get("2024-02-21-jeuness-in-numbers-retrospective-2023")
    assert item is not None and item.summary == ""
    update = tmp_path / "update.jsonl"
    update.write_text('{"title": "Jeun\'ess in numbers retrospective 2023", "date": '
                      '"2024-02-21", "kind": "News", "summary": "Now with a summary."}\n'
                      '{"title": "Brand new item", "date": "2024-03-01"}\n', encoding="utf-8")
    report = build_index(read_sources([update]), index_dir, update=True)
    assert report.updated and report.total_items == 11
    assert engine.search(request()).total == 11
    replaced = engine.get("2024-02-21-jeuness-in-numbers-retrospective-2023")
    assert replaced is not None and replaced.summary == "Now with a summary."
    assert engine.search(request(q="summary")).total == 1
    assert current_generation(index_dir).id == report.generation


def test_nothing_to_index_is_a_clear_failure(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(BuildFailed, match="no items to index"):
        build_index(read_sources([empty]), tmp_path / "ix")
    assert not (tmp_path / "ix" / CURRENT).exists()


def test_an_export_names_the_generation_its_items_come_from(tmp_path: Path) -> None:
    # A rebuild published between the match and the streaming must not relabel
    # the export: the generation given is the one the items were read from.
    index_dir = tmp_path / "ix"
    first = build_index(read_sources([write_jsonl(tmp_path / "a.jsonl", "Alpha one",
                                                  "Alpha two")]), index_dir)
    engine = open_engine(index_dir)
    generation, hits = engine.export(request(q="alpha"))
    second = build_index(read_sources([write_jsonl(tmp_path / "b.jsonl", "Alpha three")]),
                         index_dir)
    assert second.generation != first.generation
    assert generation.id == first.generation
    assert sorted(h.article.title for h in hits) == ["Alpha one", "Alpha two"]
    assert engine.export(request(q="alpha"))[0].id == second.generation
    engine.close()


def test_a_build_in_another_process_holds_the_lock_until_it_dies(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    from search import IndexBusy

    index_dir = tmp_path / "ix"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from search.build.store import writer_lock\n"
         "with writer_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)",
         str(index_dir)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(IndexBusy, match="another build is writing"):
            build_index(read_sources([BUNDLED_CORPUS]), index_dir)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        if holder.stdout is not None:
            holder.stdout.close()
    assert build_index(read_sources([BUNDLED_CORPUS]), index_dir).total_items == 10
