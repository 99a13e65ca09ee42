"""Under `--json`, the command line's errors are JSON too (as the web API's are)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from webui.cli import main


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def test_a_bad_parameter_is_json_naming_it(bundled_index) -> None:
    result = run("search", "kenya", "--from", "soon", "--json", "--index", str(bundled_index))
    assert result.exit_code == 1
    error = json.loads(result.stdout)
    assert error["param"] == "--from" and "soon" in error["error"]
    assert error["exit_code"] == 1


def test_a_usage_error_is_json(bundled_index) -> None:
    result = run("search", "kenya", "--sort", "bogus", "--json", "--index", str(bundled_index))
    assert result.exit_code == 2
    error = json.loads(result.stdout)
    assert error["param"] == "--sort" and "bogus" in error["error"]


def test_a_missing_index_is_json(tmp_path) -> None:
    result = run("stats", "--json", "--index", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert "no index" in json.loads(result.stdout)["error"]


def test_without_json_errors_stay_plain_text(bundled_index) -> None:
    result = run("search", "kenya", "--from", "soon", "--index", str(bundled_index))
    assert result.exit_code == 1 and result.output.startswith("Error: ")
