"""Readers stream their input and survive hostile files: deep nesting, Unicode line
separators inside JSON strings, NUL bytes, odd line ends, lines with no end; the new
record fields (collection, date_end) survive every format; builds take a stream."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests_support import request

from corpus import Article, Source, decoding, read_sources, stream_sources
from corpus.csvfile import write_csv
from corpus.jsonl import read_jsonl, write_jsonl
from search import build_index, open_engine
from webui.cli import main


def record(title: str, day: str = "2023-01-02", **more: str) -> str:
    return json.dumps({"title": title, "date": day, **more}, ensure_ascii=False)


def test_a_record_nested_a_thousand_deep_is_reported_and_the_rest_kept(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    deep = '{"title": "Deep", "date": "2023-01-01", "x": ' + "[" * 1000 + "]" * 1000 + "}"
    (folder / "hostile.jsonl").write_text("\n".join([record("Before it"), deep,
                                                     record("After it")]) + "\n",
                                          encoding="utf-8")
    (folder / "good.jsonl").write_text(record("In the good file") + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(folder), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert f"{folder / 'hostile.jsonl'}:2: a JSON value nested too deep" in result.output
    assert "read 4, indexed 3, skipped 1" in result.output
    titles = {hit.article.title for hit in open_engine(tmp_path / "ix").search(request()).hits}
    assert titles == {"Before it", "After it", "In the good file"}


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c"])
def test_line_separators_inside_json_strings_are_not_line_ends(tmp_path: Path,
                                                                separator: str) -> None:
    path = tmp_path / "seps.jsonl"
    raw = (f'{{"title": "One{separator}title", "date": "2023-01-01", "summary": "A{separator}B"}}'
           if separator in "\u2028\u2029\u0085" else
           f'{{"title": "One\\u{ord(separator):04x}title", "date": "2023-01-01"}}')
    path.write_text("\n".join([raw, record("Second"), "{broken", record("Fourth")]) + "\n",
                    encoding="utf-8")
    result = read_sources([path])
    assert [a.title for a in result.articles] == ["One title", "Second", "Fourth"]
    assert [str(p).split(": ")[0] for p in result.problems] == [f"{path}:3"]


def test_a_nul_byte_deep_in_a_csv_never_reaches_a_title(tmp_path: Path) -> None:
    rows = ["title,date"] + [f"Row number {n},2020-01-01" for n in range(3000)]
    rows.append("Coop\x00erative with a NUL,2020-01-02")
    rows.append("Last row,2020-01-03")
    path = tmp_path / "nul.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert path.stat().st_size > decoding.SNIFF_BYTES  # deep: past the part sniffed
    result = read_sources([path])
    assert len(result.articles) == 3002
    assert result.articles[-2].title == "Cooperative with a NUL"
    assert all("\x00" not in a.title for a in result.articles)
    [problem] = result.problems
    assert str(problem).startswith(f"{path}:3002: NUL bytes in the text, removed")
    assert problem.fatal_in_strict


def test_line_ends_of_every_kind_keep_line_numbers_right(tmp_path: Path) -> None:
    path = tmp_path / "ends.jsonl"
    path.write_bytes(record("Unix").encode() + b"\n" + record("Windows").encode() + b"\r\n" +
                     record("Old Mac").encode() + b"\r" + b"{bad\r\n" + record("No end").encode())
    result = read_sources([path])
    assert [a.title for a in result.articles] == ["Unix", "Windows", "Old Mac", "No end"]
    assert [p.line for p in result.problems] == [4]
    assert [a.source for a in result.articles][-1] == "ends.jsonl, line 5"


def test_a_line_with_no_end_in_sight_is_skipped_not_held(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decoding, "MAX_LINE_BYTES", 10_000)
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join([record("Before"), record("x" * 50_000), record("After")]) + "\n",
                    encoding="utf-8")
    result = read_sources([path])
    assert [a.title for a in result.articles] == ["Before", "After"]
    assert [a.source for a in result.articles] == ["long.jsonl, line 1", "long.jsonl, line 3"]
    [problem] = result.problems
    assert problem.line == 2 and "over the" in problem.message and problem.lost_item


def test_one_line_that_is_not_utf8_costs_the_accents_of_that_line_only(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(record("Caf\u00e9 coop\u00e9ratif").encode("utf-8") + b"\n" +
                     record("S\u00e3o Paulo").encode("cp1252") + b"\n" +
                     record("Ni\u00f1os").encode("utf-8") + b"\n")
    result = read_sources([path])
    assert [a.title for a in result.articles] == ["Caf\u00e9 coop\u00e9ratif", "S\u00e3o Paulo",
                                                  "Ni\u00f1os"]
    [problem] = result.problems
    assert problem.line == 2 and "not valid UTF-8" in problem.message


def test_stream_sources_hands_out_records_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(record(f"Item {n}") + "\n" for n in range(1500)) +
                    record("Item 7") + "\n", encoding="utf-8")
    with stream_sources([path]) as result:
        assert not isinstance(result.articles, list)
        assert len(result.articles) == 1500 and result.duplicates == 1
        first = [a.title for a in result.articles]
        assert first == [f"Item {n}" for n in range(1500)]
        assert [a.title for a in result.articles] == first  # read again, same records
    with pytest.raises(RuntimeError, match="inside the stream_sources"):
        list(result.articles)  # the staged records are gone with the context


def test_a_build_from_a_stream_is_the_build_from_a_list(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from search.build import parallel as fastbuild

    monkeypatch.setattr(fastbuild, "PARALLEL_MIN_ITEMS", 0)
    monkeypatch.setattr(fastbuild, "SEGMENT_MIN_ITEMS", 0)
    monkeypatch.setattr(fastbuild, "CHUNK_ITEMS", 300)
    path = tmp_path / "items.jsonl"
    path.write_text("".join(record(f"Cooperative item {n}", f"2022-{n % 12 + 1:02d}-01",
                                   summary=f"Words {n} and more") + "\n" for n in range(1000)),
                    encoding="utf-8")
    build_index(read_sources([path]), tmp_path / "listed")
    with stream_sources([path]) as result:
        build_index(result, tmp_path / "streamed")

    def everything(index: Path) -> list[tuple[str, str, str]]:
        page = open_engine(index).search(request(per_page=100, sort="oldest"))
        return [(h.article.id, h.article.title, h.article.summary) for h in page.hits]
    assert everything(tmp_path / "streamed") == everything(tmp_path / "listed")
    assert open_engine(tmp_path / "streamed").stats()["items"] == 1000


def test_collection_and_end_date_round_trip_through_jsonl_and_csv(tmp_path: Path) -> None:
    original = Article.create(title="A project", date=date(2018, 4, 1),
                              date_end=date(2019, 12, 31), collection="Projects on cooperatives")
    assert original.to_dict()["collection"] == "Projects on cooperatives"
    assert original.to_dict()["date_end"] == "2019-12-31"
    out = io.StringIO()
    write_jsonl([original], out)
    back = [a for a in read_jsonl(Source.from_text(out.getvalue(), "x.jsonl"))
            if isinstance(a, Article)]
    assert (back[0].collection, back[0].date_end) == (original.collection, original.date_end)
    table = tmp_path / "t.csv"
    table.write_text("title,date,collection,date_end\nA project,2018-04-01,Projects on "
                     "cooperatives,2019-12-31\nNo end,2018-04-02,,\n", encoding="utf-8")
    read = read_sources([table]).articles
    assert [(a.collection, a.date_end) for a in read] == [
        ("Projects on cooperatives", date(2019, 12, 31)), ("", None)]
    written = tmp_path / "written.csv"
    with written.open("w", encoding="utf-8", newline="") as out:
        assert write_csv([original, read[1]], out) == 2
    again = read_sources([written]).articles
    assert [(a.id, a.title, a.date, a.collection, a.date_end) for a in again] == [
        (a.id, a.title, a.date, a.collection, a.date_end) for a in [original, read[1]]]


@pytest.mark.parametrize("end, says", [("2017-01-01", "before the date"),
                                       ("31/12/2019", "unreadable date")])
def test_a_bad_end_date_is_dropped_with_a_warning_and_the_item_kept(tmp_path: Path, end: str,
                                                                    says: str) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text(record("Kept", "2018-04-01", date_end=end) + "\n", encoding="utf-8")
    result = read_sources([path])
    assert [(a.title, a.date_end) for a in result.articles] == [("Kept", None)]
    assert says in result.problems[0].message and not result.problems[0].fatal_in_strict


def test_repeated_problems_are_counted_not_kept(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from corpus import report_lines, sources

    monkeypatch.setattr(sources, "MAX_KEPT_PER_KIND", 4)
    path = tmp_path / "bad.jsonl"
    path.write_text("".join("{broken\n" for _ in range(30)) + record("Good") + "\n" +
                    '{"title": "No date"}\n', encoding="utf-8")
    result = read_sources([path])
    assert [a.title for a in result.articles] == ["Good"]
    assert len(result.problems) == 5  # four of the 30 alike, and the other one
    assert sum(result.problem_counts.values()) == 31 and result.strict_failure_count == 31
    assert result.items_read == 32 and result.skipped == 31
    lines = report_lines(result)
    assert lines[:3] == [f"{path}:{n}: not valid JSON (Expecting property name enclosed in "
                         f"double quotes at column 2); record skipped" for n in (1, 2, 3)]
    assert lines[3].startswith("... and 27 more of this kind")
    assert lines[4] == f"{path}:32: missing date (write it as '2024-02-21'); record skipped"
