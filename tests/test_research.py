"""Research tools in the engine: timelines, keyword in context, the reading of a query,
generations for citation."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import BUNDLED_CORPUS, read_sources
from search import Engine, InputError, build_index, open_engine
from search.research.kwic import kwic
from search.research.timeline import timeline
from tests_support import request


def test_compared_series_match_each_query_run_alone(engine: Engine) -> None:
    result = timeline(engine, ["kenya", "social economy"], request(), "month")
    assert result.periods == ["2023-12", "2024-01", "2024-02"]
    assert result.baseline == [1, 4, 5]
    for series in result.series:
        alone = dict(engine.search(request(q=series.query)).months)
        assert dict(zip(result.periods, series.counts)) == {
            period: alone.get(period, 0) for period in result.periods}
    kenya = result.series[0]
    assert kenya.counts == [0, 1, 1]
    assert result.shares(kenya) == [0.0, 0.25, 0.2]


def test_timeline_draws_empty_periods_as_zero(engine: Engine) -> None:
    result = timeline(engine, ["kenya"], request(date_from="2023-07", date_to="2024"), "quarter")
    assert result.periods[0] == "2023-Q3" and result.periods[-1] == "2024-Q4"
    assert result.series[0].counts == [0, 0, 2, 0, 0, 0]
    assert result.baseline == [0, 1, 9, 0, 0, 0]
    by_year = timeline(engine, ["kenya"], request(), "year")
    assert by_year.periods == ["2023", "2024"] and by_year.series[0].counts == [0, 2]


@pytest.mark.parametrize("queries, granularity, words", [
    (["a", "b", "c", "d", "e"], "year", "at most 4"),
    (["kenya"], "week", "unknown granularity"),
    (["((("], "year", "no words to search for"),
])
def test_timeline_errors(engine: Engine, queries: list[str], granularity: str,
                         words: str) -> None:
    with pytest.raises(InputError, match=words):
        timeline(engine, queries, request(), granularity)


def test_timeline_refuses_too_many_periods(engine: Engine) -> None:
    with pytest.raises(InputError, match="coarser granularity"):
        timeline(engine, ["kenya"], request(date_from="1900", date_to="2024"), "month")


def test_kwic_gives_each_match_in_context(engine: Engine) -> None:
    lines, total = kwic(engine, request(q="kenya", sort="oldest"), width=3)
    assert total == 2
    first = lines[0]
    assert (first.left, first.match, first.right) == ("Africa held in ", "Kenya", "")
    # Nairobi is a place in Kenya: the query finds it, and keyword in context shows it.
    assert [line.match for line in lines] == ["Kenya", "Nairobi", "Kenya", "Kenya", "Kenya",
                                              "Kenya"]
    assert [line.field for line in lines] == ["title", "summary", "title", "summary",
                                              "summary", "summary"]
    assert (lines[-1].left, lines[-1].right) == ("drafting of the ", " Cooperative Transformation Strategy.")


def test_kwic_marks_variants_and_needs_a_query(engine: Engine) -> None:
    lines, _ = kwic(engine, request(q="cooperative"))
    assert {"Co-op", "Coop", "cooperatives"} <= {line.match for line in lines}
    assert "Co-operators" not in {line.match for line in lines}  # people, not enterprises
    with pytest.raises(InputError, match="needs a query"):
        kwic(engine, request())


def test_explain_reads_the_query_back_in_plain_words(engine: Engine) -> None:
    reading = engine.explain(request(q='"social economy" NOT kenya title:workshop',
                                     date_from="2024"))
    assert reading.lines[0] == ("Must contain: the phrase \u201csocial economy\u201d; "
                                "\u201cworkshop\u201d in the title.")
    assert "Must not contain: \u201ckenya\u201d." in reading.lines
    assert "Dated from 2024-01-01 to the last item, inclusive." in reading.lines
    notes = engine.explain(request(q="kenya or zzyzx \u201csocial economy\u201d")).notes
    assert any("\u201cor\u201d in lower case" in note for note in notes)
    assert any("No item contains \u201czzyzx\u201d" in note for note in notes)
    assert any("Curly quotes" in note for note in notes)
    variants = engine.explain(request(q="coops")).lines
    assert any(line.startswith("\u201ccoops\u201d also matches cooperative")
               for line in variants)
    assert "Exact words" in " ".join(engine.explain(request(q="coops", exact=1)).lines)


def test_curly_quotes_make_a_phrase(engine: Engine) -> None:
    straight = engine.search(request(q='"solidarity economy"')).total
    assert engine.search(request(q="\u201csolidarity economy\u201d")).total == straight == 4


def test_generation_history_tells_what_changed_since_a_citation(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    first = build_index(read_sources([BUNDLED_CORPUS]), index_dir).generation
    engine = open_engine(index_dir)
    cited, current = engine.generation_since(first)
    assert cited is not None and cited.id == current.id == first
    extra = tmp_path / "more.jsonl"
    extra.write_text('{"title": "One more", "date": "2024-03-01"}\n'
                     '{"title": "Two more", "date": "2024-03-02"}\n', encoding="utf-8")
    build_index(read_sources([extra]), index_dir, update=True)
    cited, current = engine.generation_since(first)
    assert cited is not None and cited.items == 10
    assert current.id != first and current.items == 12
    unknown, _ = engine.generation_since("19990101T000000Z-0000")
    assert unknown is None
