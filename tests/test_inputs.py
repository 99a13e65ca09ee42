"""Inputs: compressed files and zip archives read as their contents; links, pipes, devices
and unreadable folders named for what they are, with nothing hanging."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus import read_sources
from corpus.inputs import format_of
from webui.cli import main

LISTING = ("News, stories and statements on cooperatives\n\n  1. News\n\n"
           "    A listing item from an archive\n\n    3 March 2022\n")
CSV = "title,date\nA CSV row from an archive,2022-03-04\n"


def records(*titles: str, day: str = "2022-03-05") -> bytes:
    return "".join(json.dumps({"title": t, "date": day}) + "\n" for t in titles).encode()


def titles(result) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(a.title for a in result.articles)


@pytest.mark.parametrize("suffix, compress", [(".gz", gzip.compress), (".bz2", bz2.compress),
                                              (".xz", lzma.compress)])
def test_compressed_files_are_read_as_their_contents(
        tmp_path: Path, suffix: str, compress: Callable[[bytes], bytes]) -> None:
    (tmp_path / f"items.jsonl{suffix}").write_bytes(compress(records("Compressed one",
                                                                     "Compressed two")))
    (tmp_path / f"page.txt{suffix}").write_bytes(compress(LISTING.encode()))
    result = read_sources([tmp_path])
    assert result.problems == []
    assert titles(result) == ["A listing item from an archive", "Compressed one",
                              "Compressed two"]
    assert {a.source for a in result.articles} >= {"items.jsonl" + suffix + ", line 1",
                                                   "page.txt" + suffix + ", item 1"}


def test_format_comes_from_the_name_inside_the_compression() -> None:
    assert format_of("a.JSONL.gz") == (".jsonl", [".gz"])
    assert format_of("a.csv.xz.gz") == (".csv", [".gz", ".xz"])
    assert format_of("a.txt") == (".txt", [])


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_zip_is_read_member_by_member_by_their_own_extensions(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.writestr("deep.jsonl", records("From a zip inside the zip"))
    archive = make_zip(tmp_path / "export.zip", {
        "2022/page.txt": LISTING.encode(), "2022/table.csv": CSV.encode(),
        "2022/more.jsonl.gz": gzip.compress(records("A gzipped member")),
        "nested.zip": inner.getvalue(), "README.md": b"# notes\n",
        "__MACOSX/._page.txt": b"\x00\x05\x16\x07", ".hidden.jsonl": records("Hidden"),
    })
    result = read_sources([archive])
    assert titles(result) == ["A CSV row from an archive", "A gzipped member",
                              "A listing item from an archive", "From a zip inside the zip"]
    [problem] = result.problems
    assert str(problem).startswith(f"{archive}!/README.md: not one of .txt (a listing or an "
                                   "article text), .jsonl, .csv")
    assert str(problem).endswith("; passed over")
    assert result.files == 4


def test_a_bad_record_in_a_zip_member_is_named_by_archive_and_member(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", {"x/items.jsonl": records("Good") + b"{oops\n"})
    result = read_sources([archive])
    assert titles(result) == ["Good"]
    assert str(result.problems[0]).startswith(f"{archive}!/x/items.jsonl:2: not valid JSON")


def test_a_compressed_zip_is_read_too(tmp_path: Path) -> None:
    data = make_zip(tmp_path / "tmp.zip", {"a.jsonl": records("Inside a gzipped zip")})
    (tmp_path / "b.zip.gz").write_bytes(gzip.compress(data.read_bytes()))
    data.unlink()
    assert titles(read_sources([tmp_path / "b.zip.gz"])) == ["Inside a gzipped zip"]


def test_a_cut_off_gzip_keeps_what_came_before(tmp_path: Path) -> None:
    whole = gzip.compress(records(*[f"Record {n}" for n in range(200)]))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    good = tmp_path / "good.jsonl"
    good.write_bytes(records("Beside it"))
    result = read_sources([path, good])
    assert "Beside it" in titles(result)
    assert 0 < len(result.articles) - 1 < 200
    [problem] = [p for p in result.problems if "cut.jsonl.gz" in p.path]
    assert "cannot read on after line" in problem.message and "items before it are kept" in \
        problem.message


@pytest.mark.parametrize("data, says", [(b"not a zip at all", "not a readable zip archive"),
                                        (b"\x1f\x8b\x08\x00garbage", "cannot read on")])
def test_damaged_archives_are_reported(tmp_path: Path, data: bytes, says: str) -> None:
    name = "bad.zip" if b"zip" in data else "bad.jsonl.gz"
    (tmp_path / name).write_bytes(data)
    result = read_sources([tmp_path])
    assert result.articles == [] and says in str(result.problems[0])


def folder_with_good_file(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.jsonl").write_bytes(records("The good file"))
    return folder


def test_links_that_loop_or_lead_nowhere_are_named(tmp_path: Path) -> None:
    folder = folder_with_good_file(tmp_path)
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)
    (folder / "self").symlink_to(folder / "self")
    (folder / "gone.jsonl").symlink_to(tmp_path / "nowhere.jsonl")
    (folder / "other").symlink_to(folder / "sub", target_is_directory=True)
    result = read_sources([folder])
    assert titles(result) == ["The good file"]
    messages = {Path(p.path).name: p.message for p in result.problems}
    assert "a folder that contains it (a loop)" in messages["up"]
    assert "symbolic link loop" in messages["self"]
    assert "broken symbolic link" in messages["gone.jsonl"] and "nowhere.jsonl" in \
        messages["gone.jsonl"]
    assert "already read" in messages["sub"] or "already read" in messages["other"]


def test_a_fifo_in_a_folder_and_on_the_command_line_never_hangs(tmp_path: Path) -> None:
    folder = folder_with_good_file(tmp_path)
    fifo = folder / "pipe.jsonl"
    os.mkfifo(fifo)
    result = read_sources([folder, fifo])
    assert titles(result) == ["The good file"]
    messages = [str(p) for p in result.problems]
    assert len(messages) == 2 and all("named pipe (FIFO)" in m for m in messages)
    assert all("no such file" not in m for m in messages)
    output = CliRunner().invoke(main, ["index", str(fifo), str(folder / "good.jsonl"),
                                       "--index", str(tmp_path / "ix")]).output
    assert f"{fifo}: a named pipe (FIFO), not a file" in output


def test_a_device_is_named(tmp_path: Path) -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null here")
    result = read_sources([Path("/dev/null")])
    assert [str(p) for p in result.problems] == ["/dev/null: a device, not a file; not read"]


def test_an_unreadable_folder_is_named_when_the_kernel_refuses() -> None:
    """A folder with no permissions, read by a process the kernel refuses: as root (who
    reads any folder) the reading runs in a child that first becomes the user nobody."""
    base = Path(tempfile.mkdtemp(prefix="news-search-permissions-", dir="/tmp"))
    base.chmod(0o755)  # nobody must reach the folder to be refused the one inside it
    folder = folder_with_good_file(base)
    locked = folder / "locked"
    locked.mkdir()
    (locked / "inside.jsonl").write_bytes(records("Behind the lock"))
    locked.chmod(0)
    try:
        readable, writable = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: drop root, read, send the outcome, leave without cleanup
            try:
                os.close(readable)
                if os.geteuid() == 0:
                    os.setgid(65534)
                    os.setuid(65534)
                result = read_sources([folder])
                os.write(writable, json.dumps([titles(result),
                                               [str(p) for p in result.problems]]).encode())
            finally:
                os._exit(0)
        os.close(writable)
        with os.fdopen(readable, "rb") as pipe:
            found, messages = json.loads(pipe.read() or b"[[], []]")
        os.waitpid(pid, 0)
    finally:
        locked.chmod(0o755)
        shutil.rmtree(base)
    assert found == ["The good file"]
    expected = (f"{locked}: cannot read this folder (Permission denied); the files in it were "
                "not read")
    assert messages == [expected]


def test_an_unreadable_folder_is_named_even_as_root(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads any folder, so the refusal the kernel would give anyone else is made
    here: os.scandir raising PermissionError for that one folder."""
    folder = folder_with_good_file(tmp_path)
    locked = folder / "locked"
    locked.mkdir()
    (locked / "inside.jsonl").write_bytes(records("Behind the lock"))
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)
    monkeypatch.setattr(os, "scandir", scandir)
    result = read_sources([folder])
    assert titles(result) == ["The good file"]
    assert [str(p) for p in result.problems] == [
        f"{locked}: cannot read this folder (Permission denied); the files in it were not read"]


def test_an_unreadable_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = folder_with_good_file(tmp_path)
    secret = folder / "secret.jsonl"
    secret.write_bytes(records("Secret"))
    import builtins

    real_open = builtins.open

    def refusing_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(str(file)) == secret:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(builtins, "open", refusing_open)
    result = read_sources([folder])
    assert titles(result) == ["The good file"]
    assert any(str(p).startswith(f"{secret}: cannot read") and "Permission denied" in str(p)
               for p in result.problems)


def test_a_deep_folder_tree_is_walked_without_recursion(tmp_path: Path) -> None:
    deep = tmp_path / "root"
    current = deep
    for _ in range(60):  # deep enough to show the walk keeps no call stack per level
        current = current / "d"
    current.mkdir(parents=True)
    (current / "bottom.jsonl").write_bytes(records("At the bottom"))
    assert titles(read_sources([deep])) == ["At the bottom"]
