"""Every query family of the judged set works from the command line, on a built index."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from webui.cli import main

RELEVANCE = Path(__file__).resolve().parent / "relevance"


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory):
    index = tmp_path_factory.mktemp("cli-relevance") / "index"
    runner = CliRunner()
    built = runner.invoke(main, ["index", str(RELEVANCE / "corpus-a.txt"),
                                 str(RELEVANCE / "corpus-b.txt"), "--index", str(index)],
                          catch_exceptions=False)
    assert built.exit_code == 0, built.output

    def run(*args: str):
        return runner.invoke(main, ["search", *args, "--index", str(index)],
                             catch_exceptions=False)
    return run


@pytest.mark.parametrize(("family", "query", "expected"), [
    ("place", "Viet Nam", "Vietnam's cooperatives go digital"),
    ("place", "Sanliurfa", "women’s bakery cooperative in Şanlıurfa"),
    ("theme", "child labor", "cocoa cooperatives commit to eliminating child labour"),
    ("organisation", "International Co-operative Alliance", "ITC-ILO and ICA launch course"),
    ("acronym", "SSE", "UNTFSSE launches knowledge hub on the social and solidarity economy"),
    ("acronym", "social and solidarity economy", "SSE in Asia: a regional network is born"),
    ("acronym", "OSH", "Occupational safety and health training for construction co-operatives"),
    ("variant", "co-op housing", "Housing cooperatives for older people in Sweden"),
    ("variant", "selfhelp", "Self-help groups in India"),
    ("person", "Jurgen Neumann", "Interview with Jürgen Neumann"),
    ("phrase", '"just transition"', "Just transition: coal miners’ cooperatives"),
    ("phrase", "“just transition”", "Renewable energy cooperatives and the just transition"),
    ("misspelling", "Senagal", "through cooperatives in Senegal"),
    ("kind", "spotlight interview", "Interview with Priya Raman"),
])
def test_query_family_from_the_cli(cli, family: str, query: str, expected: str) -> None:
    result = cli(query, "--limit", "20")
    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_quoted_phrase_from_the_cli_stays_exact(cli) -> None:
    result = cli('"solidarity economy"', "--limit", "50")
    assert "SSE in Asia" not in result.output
    assert "Solidarity economy in Brazil" in result.output


def test_cli_lists_items_with_all_but_one_word_under_their_own_heading(cli) -> None:
    result = cli("women's empowerment")
    lines = result.output.splitlines()
    assert lines[0].startswith("2 results for")
    heading = next(i for i, line in enumerate(lines) if line.startswith("With all but one"))
    after = "\n".join(lines[heading:])
    assert "Women in cooperative leadership" in after
    assert "Women’s empowerment through cooperatives in Rwanda" not in after
