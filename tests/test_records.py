"""JSON Lines and CSV: round trips, and bad records as `file:line: what was wrong`."""

from __future__ import annotations

import io
from pathlib import Path

from corpus import BUNDLED_CORPUS, read_sources
from corpus.jsonl import write_jsonl


def test_jsonl_round_trip_keeps_every_field(tmp_path: Path) -> None:
    original = read_sources([BUNDLED_CORPUS]).articles
    out = io.StringIO()
    assert write_jsonl(original, out) == 10
    path = tmp_path / "export.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    again = read_sources([path]).articles
    assert [(a.id, a.title, a.date, a.kind, a.summary, a.url) for a in again] == \
        [(a.id, a.title, a.date, a.kind, a.summary, a.url) for a in original]


def test_jsonl_bad_records_are_reported_with_line_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([
        '{"title": "Good one", "date": "2021-03-04", "url": "https://example.org/1"}',
        '{"title": "No date"}',
        'not json at all',
        '["a", "list"]',
        '{"title": "", "date": "2021-03-04"}',
        '{"title": "Bad date", "date": "04/03/2021"}',
        '{"title": 7, "date": "2021-03-04"}',
        '',
        '{"title": "Good two", "date": "2021-03-05", "id": "NOT AN ID"}',
    ]) + "\n", encoding="utf-8")
    result = read_sources([path])
    assert [a.title for a in result.articles] == ["Good one", "Good two"]
    assert result.articles[0].url == "https://example.org/1"
    assert result.articles[1].id == "2021-03-05-good-two"
    messages = [str(p) for p in result.problems]
    expected = [(2, "missing date"), (3, "not valid JSON"), (4, "expected a JSON object"),
                (5, "missing title"), (6, "unreadable date"), (7, "must be text"),
                (9, "not a valid id")]
    for line, words in expected:
        assert any(m.startswith(f"{path}:{line}: ") and words in m for m in messages), (line, words)
    assert result.items_read == 8 and result.skipped == 6
    assert len(result.strict_failures) == 6  # the replaced id is a warning, not a failure


def test_csv_reader(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text('title,date,kind,summary\n"Kenya, again",2022-01-02,News,"Line one\n'
                    'line two"\nNo date here,,News,\nThird,2022-01-03,,\n', encoding="utf-8")
    result = read_sources([path])
    assert [a.title for a in result.articles] == ["Kenya, again", "Third"]
    assert result.articles[0].summary == "Line one line two"
    assert [str(p) for p in result.problems] == [
        f"{path}:4: missing date (write it as '2024-02-21'); record skipped"]


def test_csv_without_required_columns(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("headline,when\nx,2020-01-01\n", encoding="utf-8")
    result = read_sources([path])
    assert result.articles == []
    assert "header lacks column(s) title, date" in str(result.problems[0])


def test_folder_with_unrelated_files(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"title": "A", "date": "2020-01-01"}\n', encoding="utf-8")
    (tmp_path / "notes.md").write_text("# notes\n", encoding="utf-8")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\x00\x00")
    result = read_sources([tmp_path, tmp_path / "missing.txt"])
    assert [a.title for a in result.articles] == ["A"]
    messages = [str(p) for p in result.problems]
    assert any("notes.md" in m and "passed over" in m for m in messages)
    assert any("missing.txt" in m and "no such file" in m for m in messages)
