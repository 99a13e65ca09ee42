"""Bad input files, for every reader: each problem is named `file:line: what was wrong`
(or `file: ...` for the whole file), the rest is indexed, `--strict` indexes nothing,
and the build summary accounts for every item read: indexed + skipped = read.

Each case writes three items (A, B, C) in one format, spoils the file in one way,
and puts it in a folder beside a good JSON Lines file of two more items.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus import read_sources
from search import open_engine
from search.build.store import current_generation
from tests_support import request
from webui.cli import main

GOOD_TITLES = ["Good file first item", "Good file second item"]
FUTURE = date.today() + timedelta(days=400)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


@dataclass
class Item:
    title: str
    day: str  # ISO, or a day that does not exist like 2023-02-31
    kind: str = "News"
    summary: str = "A summary."


def base_items() -> list[Item]:
    return [Item("Café coopératif à Dakar", "2023-05-04", summary="Une coopérative de café."),
            Item("Second item about Kenya", "2023-05-05"),
            Item("Third item about Senegal", "2023-05-06")]


# -- writing each format, with the line where each item (and its date) lands ------------------

def listing_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(day)} {MONTHS[int(month) - 1]} {year}"


def write_listing(items: list[Item]) -> tuple[str, list[int], list[int]]:
    """Heading, blank, then five lines per item: number+kind, title, date, summary, blank."""
    lines = ["News, stories and statements on cooperatives", ""]
    starts, dates = [], []
    for number, item in enumerate(items, start=1):
        starts.append(len(lines) + 1)
        dates.append(len(lines) + 3)
        lines += [f"  {number}. {item.kind}", f"    {item.title}", f"    {listing_date(item.day)}",
                  f"    {item.summary}", ""]
    return "\n".join(lines) + "\n", starts, dates


def write_jsonl(items: list[Item]) -> tuple[str, list[int], list[int]]:
    text = "".join(json.dumps({"title": i.title, "date": i.day, "kind": i.kind,
                               "summary": i.summary}, ensure_ascii=False) + "\n" for i in items)
    lines = list(range(1, len(items) + 1))
    return text, lines, lines


def write_csv(items: list[Item]) -> tuple[str, list[int], list[int]]:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["title", "date", "kind", "summary"])
    for item in items:
        writer.writerow([item.title, item.day, item.kind, item.summary])
    lines = list(range(2, len(items) + 2))
    return out.getvalue(), lines, lines


WRITERS = {".txt": write_listing, ".jsonl": write_jsonl, ".csv": write_csv}


# -- the cases --------------------------------------------------------------------------------

@dataclass
class Spoiled:
    """A spoiled file and what must come of it."""

    data: bytes
    kept: list[str]  # titles of the bad file's items that must be indexed
    read: int  # items the summary must count as read from the bad file
    line: int | None  # where the problem is reported (None: the whole file)
    says: str  # a phrase of the problem's message
    strict_fails: bool = True
    extra_problems: list[str] = field(default_factory=list)


def _titles(items: list[Item], *which: int) -> list[str]:
    return [items[i].title for i in which]


def case_encoding(ext: str, encoding: str) -> Spoiled:
    items = base_items()
    text, starts, _ = WRITERS[ext](items)
    title_line = starts[0] + 1 if ext == ".txt" else starts[0]
    return Spoiled(text.encode(encoding), _titles(items, 0, 1, 2), 3, title_line,
                   "not valid UTF-8")


def case_utf16(ext: str, encoding: str, bom: bool) -> Spoiled:
    items = base_items()
    text, _, _ = WRITERS[ext](items)
    data = text.encode(encoding)
    if bom:
        data = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + data
        return Spoiled(data, _titles(items, 0, 1, 2), 3, None, "", strict_fails=False)
    return Spoiled(data, _titles(items, 0, 1, 2), 3, None, "read as UTF-16",
                   strict_fails=False)


def case_utf8_bom(ext: str) -> Spoiled:
    items = base_items()
    text, _, _ = WRITERS[ext](items)
    return Spoiled(codecs.BOM_UTF8 + text.encode(), _titles(items, 0, 1, 2), 3, None, "",
                   strict_fails=False)


def case_empty(ext: str) -> Spoiled:
    return Spoiled(b"", [], 0, None, "the file is empty")


def case_blank(ext: str) -> Spoiled:
    return Spoiled(b"\n  \r\n\t\n", [], 0, None, "only blank lines")


def case_binary(ext: str) -> Spoiled:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40
    return Spoiled(png, [], 0, None, "binary file")


def case_binary_without_nul(ext: str) -> Spoiled:
    noise = bytes((i * 37 + 11) % 255 + 1 for i in range(20_000))
    return Spoiled(noise, [], 0, None, "binary file")


def spoil_item(ext: str, change: Callable[[Item], None], where: str, says: str,
               strict_fails: bool = True) -> Spoiled:
    """Item B spoiled by `change`; reported at its start or its date line."""
    items = base_items()
    change(items[1])
    text, starts, dates = WRITERS[ext](items)
    line = dates[1] if where == "date" else starts[1]
    return Spoiled(text.encode(), _titles(items, 0, 2), 3, line, says, strict_fails)


def case_huge_line(ext: str) -> Spoiled:
    def huge(item: Item) -> None:
        item.summary = "word " * 300_000  # 1.5 million characters on one line
    return spoil_item(ext, huge, "start", "limit")


def case_no_such_day(ext: str) -> Spoiled:
    def feb31(item: Item) -> None:
        item.day = "2023-02-31"
    return spoil_item(ext, feb31, "date", "does not exist")


def case_future(ext: str) -> Spoiled:
    def future(item: Item) -> None:
        item.day = FUTURE.isoformat()
    return spoil_item(ext, future, "date", "is in the future")


def case_missing_title(ext: str) -> Spoiled:
    def untitled(item: Item) -> None:
        item.title = ""
    says = "has no title" if ext == ".txt" else "missing title"
    spoiled = spoil_item(ext, untitled, "start", says)
    if ext == ".txt":  # the empty title line is a blank line: the item is one line shorter
        items = base_items()
        text, starts, _ = WRITERS[ext](items)
        lines = text.split("\n")
        del lines[starts[1]]  # line starts[1] + 1 (1-based): item B's title
        spoiled.data = "\n".join(lines).encode()
    return spoiled


def case_duplicate(ext: str) -> Spoiled:
    items = base_items()
    items[2] = Item(items[0].title, items[0].day, summary="")
    text, starts, _ = WRITERS[ext](items)
    if ext == ".txt":  # a listing item is named by its number (its source: "x.txt, item 3")
        return Spoiled(text.encode(), _titles(items, 0, 1), 3, None,
                       "item 3: the same item as spoiled.txt, item 1", strict_fails=False)
    return Spoiled(text.encode(), _titles(items, 0, 1), 3, starts[2], "the same item as",
                   strict_fails=False)


def case_cut_short(ext: str) -> Spoiled:
    items = base_items()
    items[2].summary = "A long summary that the export cut off in the middle of a word"
    text, starts, _ = WRITERS[ext](items)
    cut = text.rindex("in the middle") if ext != ".txt" else text.rindex("    " + listing_date(
        items[2].day))
    says = {".txt": "ends in the middle", ".jsonl": "ends in the middle of this record",
            ".csv": "never closed"}[ext]
    return Spoiled(text[:cut].encode(), _titles(items, 0, 1), 3, starts[2], says)


CASES: dict[str, Callable[[str], Spoiled]] = {
    "cp1252": lambda ext: case_encoding(ext, "cp1252"),
    "latin-1": lambda ext: case_encoding(ext, "latin-1"),
    "utf-16-le-bom": lambda ext: case_utf16(ext, "utf-16-le", bom=True),
    "utf-16-be-bom": lambda ext: case_utf16(ext, "utf-16-be", bom=True),
    "utf-16-le-no-bom": lambda ext: case_utf16(ext, "utf-16-le", bom=False),
    "utf-16-be-no-bom": lambda ext: case_utf16(ext, "utf-16-be", bom=False),
    "utf-8-bom": case_utf8_bom,
    "empty": case_empty,
    "blank-lines": case_blank,
    "binary": case_binary,
    "binary-without-nul": case_binary_without_nul,
    "huge-line": case_huge_line,
    "31-february": case_no_such_day,
    "future-date": case_future,
    "missing-title": case_missing_title,
    "duplicate": case_duplicate,
    "cut-short": case_cut_short,
}


# -- the checks -------------------------------------------------------------------------------

def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def make_folder(tmp_path: Path, ext: str, spoiled: Spoiled) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    good = "".join(json.dumps({"title": t, "date": "2022-01-0" + str(n), "kind": "News"}) + "\n"
                   for n, t in enumerate(GOOD_TITLES, start=1))
    (folder / "good.jsonl").write_text(good, encoding="utf-8")
    bad = folder / f"spoiled{ext}"
    bad.write_bytes(spoiled.data)
    return folder, bad


def summary_counts(output: str) -> tuple[int, int, int]:
    match = re.search(r"read (\d+), indexed (\d+), skipped (\d+)", output)
    assert match, output
    read, indexed, skipped = (int(g) for g in match.groups())
    return read, indexed, skipped


@pytest.mark.parametrize("ext", list(WRITERS))
@pytest.mark.parametrize("case", list(CASES))
def test_a_spoiled_file_is_reported_and_the_rest_indexed(tmp_path: Path, ext: str,
                                                         case: str) -> None:
    spoiled = CASES[case](ext)
    folder, bad = make_folder(tmp_path, ext, spoiled)

    result = read_sources([folder])
    problems = [str(p) for p in result.problems]
    for text in problems:
        assert re.match(rf"^{re.escape(str(bad))}(:\d+)?: \S", text), text
    if spoiled.says:
        where = f"{bad}:{spoiled.line}: " if spoiled.line else f"{bad}: "
        assert any(p.startswith(where) and spoiled.says in p for p in problems), problems
    else:
        assert problems == []

    index_dir = tmp_path / "ix"
    code, output = invoke("index", str(folder), "--index", str(index_dir))
    assert code == 0, output
    for text in problems:
        assert text in output
    read, indexed, skipped = summary_counts(output)
    assert read == len(GOOD_TITLES) + spoiled.read
    assert indexed + skipped == read
    assert indexed == len(GOOD_TITLES) + len(spoiled.kept)

    engine = open_engine(index_dir)
    titles = sorted(hit.article.title for hit in engine.search(request(per_page=100)).hits)
    assert titles == sorted(GOOD_TITLES + spoiled.kept)
    assert engine.stats()["items"] == indexed


@pytest.mark.parametrize("ext", list(WRITERS))
@pytest.mark.parametrize("case", list(CASES))
def test_strict_indexes_nothing_when_a_file_is_bad(tmp_path: Path, ext: str, case: str) -> None:
    spoiled = CASES[case](ext)
    folder, _ = make_folder(tmp_path, ext, spoiled)
    index_dir = tmp_path / "ix"
    code, output = invoke("index", str(folder / "good.jsonl"), "--index", str(index_dir))
    assert code == 0, output
    engine = open_engine(index_dir)
    before = current_generation(index_dir)

    code, output = invoke("index", str(folder), "--index", str(index_dir), "--strict")
    if spoiled.strict_fails:
        assert code == 1
        assert "--strict" in output and "nothing indexed" in output
        assert current_generation(index_dir) == before
        assert engine.search(request()).total == len(GOOD_TITLES)
        assert not list(index_dir.glob(".building-*"))
        assert [p.name for p in index_dir.glob("gen-*")] == [before.path.name]
    else:  # nothing wrong with the items themselves: a BOM, a note, a merged duplicate
        assert code == 0, output
        assert engine.search(request()).total == len(GOOD_TITLES) + len(spoiled.kept)


def test_a_folder_with_unrelated_files_indexes_what_it_can_read(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    (folder / "2023" / "images").mkdir(parents=True)
    (folder / ".git").mkdir()
    (folder / "README.md").write_text("# My archive\n", encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04" + bytes(200))
    (folder / "2023" / "images" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (folder / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(bytes(64))
    listing, _, _ = write_listing(base_items()[:1])
    (folder / "2023" / "listing.TXT").write_text(listing, encoding="utf-8")
    jsonl, _, _ = write_jsonl(base_items()[1:2])
    (folder / "2023" / "items.jsonl").write_text(jsonl, encoding="utf-8")
    table, _, _ = write_csv(base_items()[2:])
    (folder / "table.csv").write_text(table, encoding="utf-8")

    index_dir = tmp_path / "ix"
    code, output = invoke("index", str(folder), "--index", str(index_dir), "--strict")
    assert code == 0, output
    for name in ("README.md", "notes.docx", "2023/images/logo.png"):
        assert f"{folder / name}: not one of .txt (a listing or an article text), .jsonl, " \
            ".csv, .html" in output
    assert ".git" not in output and ".DS_Store" not in output
    assert summary_counts(output) == (3, 3, 0)
    titles = {hit.article.title for hit in open_engine(index_dir).search(request()).hits}
    assert titles == {item.title for item in base_items()}


def test_a_named_file_of_unknown_format_fails_strict_but_not_the_rest(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(write_jsonl(base_items())[0], encoding="utf-8")
    notes = tmp_path / "notes.md"
    notes.write_text("not data\n", encoding="utf-8")
    missing = tmp_path / "missing.jsonl"
    code, output = invoke("index", str(good), str(notes), str(missing),
                          "--index", str(tmp_path / "ix"))
    assert code == 0, output
    assert f"{notes}: unknown format" in output
    assert f"{missing}: no such file or folder" in output
    assert summary_counts(output) == (3, 3, 0)
    code, output = invoke("index", str(good), str(notes), "--index", str(tmp_path / "ix2"),
                          "--strict")
    assert code == 1 and not (tmp_path / "ix2" / "CURRENT").exists()


def test_every_file_bad_builds_nothing_and_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "No date"}\n{"date": "2023-01-01"}\n', encoding="utf-8")
    code, output = invoke("index", str(bad), "--index", str(tmp_path / "ix"))
    assert code == 1
    assert f"{bad}:1: missing date" in output and f"{bad}:2: missing title" in output
    assert "no items to index" in output
    assert not (tmp_path / "ix" / "CURRENT").exists()
    assert not list((tmp_path / "ix").glob(".building-*"))


def test_a_stray_csv_quote_costs_one_row(tmp_path: Path) -> None:
    rows = ["title,date", "Before,2023-01-01", '"Stray quote,2023-01-02']
    rows += [f"Row {n},2023-01-{n + 2:02d}" for n in range(1, 6)]
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = read_sources([path])
    assert [str(p) for p in result.problems] == [
        f"{path}:3: a quote opens a cell on this line and is never closed (a stray \" or a "
        "file cut short?); row skipped, reading resumes on the next line"]
    assert [a.title for a in result.articles] == ["Before"] + [f"Row {n}" for n in range(1, 6)]
    assert (result.items_read, len(result.articles)) == (7, 6)


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>",
                                 "vbscript:msgbox(1)", "//evil.example/", "https://a b/"])
def test_a_link_that_is_not_http_is_dropped_with_a_warning(tmp_path: Path, url: str) -> None:
    path = tmp_path / "links.csv"
    path.write_text(f'title,date,url\nKept item,2023-01-01,"{url}"\n'
                    "Good link,2023-01-02,https://example.org/a?b=1&c=2\n", encoding="utf-8")
    result = read_sources([path])
    assert [(a.title, a.url) for a in result.articles] == [
        ("Kept item", ""), ("Good link", "https://example.org/a?b=1&c=2")]
    assert [str(p) for p in result.problems] == [
        f"{path}:2: url {url.strip()!r} is not an http(s) link; item kept without it"]
