"""The command line: index, search (text and JSON), stats, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from webui.cli import main


@pytest.fixture()
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NEWS_SEARCH_INDEX", str(tmp_path / "index"))
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


def test_index_then_search_cooperative(cli) -> None:
    built = cli("index")
    assert built.exit_code == 0
    assert "read 10, indexed 10, skipped 0" in built.output
    found = cli("search", "cooperative")
    assert found.exit_code == 0
    assert found.output.startswith("5 results for 'cooperative'")
    assert "Savvy Co-op" in found.output and "id: 2023-12-20-interview-with" in found.output


def test_done_when_json_february(cli) -> None:
    cli("index")
    result = cli("search", "--from", "2024-02", "--to", "2024-02", "--json", "")
    data = json.loads(result.output)
    assert data["total"] == 5
    dates = [hit["date"] for hit in data["hits"]]
    assert dates == sorted(dates, reverse=True) and all(d.startswith("2024-02") for d in dates)
    assert data["facets"]["months"] == {"2024-02": 5}
    assert set(data["hits"][0]) >= {"id", "title", "date", "kind", "summary", "score"}
    everything = json.loads(cli("search", "--json", "").output)
    assert everything["facets"]["years"] == {"2023": 1, "2024": 9}


def test_stats(cli) -> None:
    cli("index")
    result = cli("stats")
    assert "Items:      10, 2023-12-20 to 2024-02-21" in result.output
    assert "2024        9" in result.output


def test_missing_index_says_how_to_build_one(cli) -> None:
    result = cli("search", "kenya")
    assert result.exit_code == 1
    assert "no index at" in result.output and "news-search index" in result.output


@pytest.mark.parametrize("args, words", [
    (["((("], "no words to search for"),
    (["x", "--from", "2025", "--to", "2024"], "is after"),
    (["x", "--from", "someday"], "not a date I can read"),
    (["x", "--kind", "Blog"], "unknown kind"),
    (["x", "--limit", "500"], "--limit must be from 1 to 100"),
])
def test_user_errors_are_one_clear_line(cli, args: list[str], words: str) -> None:
    cli("index")
    result = cli("search", *args)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and words in result.output
    assert "Traceback" not in result.output


def test_strict_index_fails_with_file_and_line(cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "fine", "date": "2020-01-01"}\n{"date": "2020-01-01"}\n')
    result = cli("index", str(bad), "--strict")
    assert result.exit_code == 1
    assert f"{bad}:2: missing title" in result.output
    assert "nothing indexed" in result.output
    lenient = cli("index", str(bad))
    assert lenient.exit_code == 0 and "read 2, indexed 1, skipped 1" in lenient.output
