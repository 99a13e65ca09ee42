"""A build that fails for any reason leaves the previous index answering, unchanged,
with no stray temporary directory: a bad file under --strict, a full disk at each
step of a build or an update, Ctrl-C, SIGTERM, and SIGKILL of a real `news-search
index` process (whose leftovers the next build removes).
"""

from __future__ import annotations

import errno
import gc
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
import search.build.indexer
import search.postings.mapped
import search.build.store
from corpus import BUNDLED_CORPUS, read_sources
from search import Engine, build_index, open_engine
from search.build.store import CURRENT, current_generation, remove_stale
from tests_support import request
from webui.cli import main

pytestmark = pytest.mark.slow  # the quick loop (pytest -m "not slow") skips this module


def snapshot(index_dir: Path) -> dict[str, str]:
    """Every file under the index (but the writer's lock file) and a hash of its bytes."""
    return {str(path.relative_to(index_dir)): hashlib.sha1(path.read_bytes()).hexdigest()
            for path in sorted(index_dir.rglob("*"))
            if path.is_file() and path.name != ".lock"}


def answers(engine: Engine) -> list[tuple[str, str]]:
    return [(hit.article.id, hit.article.title)
            for hit in engine.search(request(q="cooperative", per_page=100)).hits]


def write_items(path: Path, count: int, prefix: str = "Synthetic") -> Path:
    """A synthetic JSON Lines file (clearly labelled synthetic) of `count` items."""
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps({"title": f"{prefix} item {n} on cooperative zebras",
                                  "date": f"2020-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                                  "kind": "Synthetic",
                                  "summary": "synthetic text about cooperatives " * 4}) + "\n")
    return path


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Path, Engine, dict[str, str], list[tuple[str, str]]]]:
    """An index of the bundled corpus, an engine open on it, its files and its answers."""
    index_dir = tmp_path / "ix"
    build_index(read_sources([BUNDLED_CORPUS]), index_dir)
    engine = open_engine(index_dir)
    before = answers(engine)
    assert len(before) >= 5
    yield index_dir, engine, snapshot(index_dir), before
    engine.close()


def assert_untouched(index_dir: Path, engine: Engine, files: dict[str, str],
                     before: list[tuple[str, str]]) -> None:
    assert snapshot(index_dir) == files
    assert not list(index_dir.glob(".building-*"))
    assert not (index_dir / (CURRENT + ".tmp")).exists()
    assert answers(engine) == before
    fresh = open_engine(index_dir)
    assert answers(fresh) == before
    fresh.close()


def quiet_collect() -> None:
    """A Whoosh writer that failed mid-write leaves its file objects to the garbage
    collector (a real `news-search index` process exits); collect them here, quietly,
    rather than in whichever test happens to run next."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    quiet_collect()
    return result.exit_code, result.output


def enospc(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def fail_on_call(real: Callable[..., object], nth: int, error: BaseException,
                 when: Callable[..., bool] = lambda *a, **k: True) -> Callable[..., object]:
    """`real`, except that its `nth` call for which `when` holds raises `error`."""
    calls = 0

    def wrapper(*args: object, **kwargs: object) -> object:
        nonlocal calls
        if when(*args, **kwargs):
            calls += 1
            if calls == nth:
                raise error
        return real(*args, **kwargs)
    return wrapper


# -- in-process failures ----------------------------------------------------------------------

def test_a_strict_build_over_a_bad_file_changes_nothing(live, tmp_path: Path) -> None:
    index_dir, engine, files, before = live
    source = write_items(tmp_path / "new.jsonl", 20)
    with source.open("a", encoding="utf-8") as out:
        out.write('{"title": "Day that does not exist", "date": "2023-02-31"}\n')
    code, output = invoke("index", str(source), "--index", str(index_dir), "--strict")
    assert code == 1 and f"{source}:21: date '2023-02-31' does not exist" in output
    assert_untouched(index_dir, engine, files, before)


DISK_FULL_AT = {
    # Every index file but the table of contents is written by postings.mapped.write.
    "first index file": lambda mp: mp.setattr(search.postings.mapped, "write", fail_on_call(
        search.postings.mapped.write, 1, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))),
    "third index file": lambda mp: mp.setattr(search.postings.mapped, "write", fail_on_call(
        search.postings.mapped.write, 3, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))),
    "adding documents": lambda mp: mp.setattr(search.build.indexer, "to_document", fail_on_call(
        search.build.indexer.to_document, 7, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))),
    "meta.json": lambda mp: mp.setattr(search.build.store.os, "replace", fail_on_call(
        os.replace, 1, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
        when=lambda src, dst: str(dst).endswith("meta.json"))),
    "the CURRENT pointer": lambda mp: mp.setattr(search.build.store.os, "fsync", enospc),
}


@pytest.mark.parametrize("where", list(DISK_FULL_AT))
@pytest.mark.parametrize("update", [False, True], ids=["build", "update"])
def test_a_full_disk_leaves_the_index_as_it_was(live, tmp_path: Path, monkeypatch,
                                                where: str, update: bool) -> None:
    index_dir, engine, files, before = live
    source = write_items(tmp_path / "new.jsonl", 30)
    DISK_FULL_AT[where](monkeypatch)
    args = ["index", str(source), "--index", str(index_dir)] + (["--update"] if update else [])
    code, output = invoke(*args)
    assert code == 1, output
    assert "cannot write the index" in output and "No space left on device" in output
    assert "unchanged" in output
    assert_untouched(index_dir, engine, files, before)
    monkeypatch.undo()
    # Space is back: the next build works (no lock or leftover in the way).
    code, output = invoke(*args)
    assert code == 0, output
    assert len(answers(engine)) == (len(before) if update else 0) + 30


@pytest.mark.parametrize("update", [False, True], ids=["build", "update"])
def test_ctrl_c_during_a_build_leaves_the_index_as_it_was(live, tmp_path: Path, monkeypatch,
                                                          update: bool) -> None:
    index_dir, engine, files, before = live
    source = write_items(tmp_path / "new.jsonl", 30)
    monkeypatch.setattr(search.build.indexer, "to_document", fail_on_call(
        search.build.indexer.to_document, 12, KeyboardInterrupt()))
    args = ["index", str(source), "--index", str(index_dir)] + (["--update"] if update else [])
    code, output = invoke(*args)
    assert code == 130
    assert "Interrupted" in output and "unchanged" in output
    assert_untouched(index_dir, engine, files, before)


def test_remove_stale_clears_leftovers_but_never_the_live_generation(live) -> None:
    index_dir, engine, files, before = live
    (index_dir / ".building-deadbeef" / "sub").mkdir(parents=True)
    (index_dir / ".building-deadbeef" / "sub" / "MAIN_x.seg").write_bytes(b"half")
    (index_dir / (CURRENT + ".tmp")).write_text("gen-half\n")
    remove_stale(index_dir)
    assert_untouched(index_dir, engine, files, before)


# -- a real `news-search index` process, interrupted -----------------------------------------

# Enough that the build still runs when the signal comes (0.2 s after it starts indexing,
# later on a loaded machine): 4,000 items took under a second once the build got faster.
# Under the parallel build's threshold, so that the process interrupted is the one indexing.
ITEMS_IN_BIG_FILE = 9000


@pytest.fixture(scope="module")
def big_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_items(tmp_path_factory.mktemp("big") / "big.jsonl", ITEMS_IN_BIG_FILE, "Big")


def start_index(big_source: Path, index_dir: Path, *extra: str) -> subprocess.Popen[str]:
    """Run `news-search index` and return once it is adding documents to the index."""
    process = subprocess.Popen([sys.executable, "-m", "webui.cli", "index", str(big_source),
                                "--index", str(index_dir), *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    indexing = threading.Event()
    lines: list[str] = []

    def watch() -> None:
        for line in process.stderr:  # type: ignore[union-attr]
            lines.append(line)
            if line.startswith("Indexing"):
                indexing.set()
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    process.watched = (watcher, lines)  # type: ignore[attr-defined]
    if not indexing.wait(timeout=60):
        process.kill()
        process.wait()
        pytest.fail("the build never started indexing: " + "".join(lines))
    return process


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    code = process.wait(timeout=60)
    watcher, lines = process.watched  # type: ignore[attr-defined]
    watcher.join(timeout=10)
    process.stdout.close()  # type: ignore[union-attr]
    process.stderr.close()  # type: ignore[union-attr]
    return code, "".join(lines)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("update", [False, True], ids=["build", "update"])
def test_an_interrupted_index_process_cleans_up(live, big_source: Path, sig: signal.Signals,
                                                update: bool) -> None:
    index_dir, engine, files, before = live
    process = start_index(big_source, index_dir, *(["--update"] if update else []))
    assert answers(engine) == before  # searches keep answering while it runs
    process.send_signal(sig)
    code, stderr = finish(process)
    assert code == 130, stderr
    assert "Interrupted" in stderr and "Traceback" not in stderr
    assert_untouched(index_dir, engine, files, before)


@pytest.mark.parametrize("update", [False, True], ids=["build", "update"])
def test_a_killed_index_process_is_cleaned_up_by_the_next_build(live, big_source: Path,
                                                                tmp_path: Path,
                                                                update: bool) -> None:
    index_dir, engine, files, before = live
    live_generation = current_generation(index_dir)
    process = start_index(big_source, index_dir, *(["--update"] if update else []))
    time.sleep(0.2)
    process.kill()
    code, _ = finish(process)
    assert code == -signal.SIGKILL
    assert current_generation(index_dir) == live_generation
    assert answers(engine) == before
    assert answers(open_engine(index_dir)) == before

    small = write_items(tmp_path / "small.jsonl", 3, "After the kill")
    code, output = invoke("index", str(small), "--update", "--index", str(index_dir))
    assert code == 0, output
    assert not list(index_dir.glob(".building-*"))
    assert not list(index_dir.rglob("*.tmp"))
    assert len(answers(engine)) == len(before) + 3


# -- a really full disk -----------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs, when this process may mount one (root in a container); else skip."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): the simulated "
                    "ENOSPC tests above cover the same paths")
    try:
        yield mount_point
    finally:
        quiet_collect()
        if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(mount_point)], check=True)


@pytest.mark.parametrize("update", [False, True], ids=["build", "update"])
def test_a_really_full_disk(small_disk: Path, tmp_path: Path, update: bool) -> None:
    index_dir = small_disk / "ix"
    code, output = invoke("index", "--index", str(index_dir))
    assert code == 0, output
    engine = open_engine(index_dir)
    files, before = snapshot(index_dir), answers(engine)
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    (small_disk / "filler").write_bytes(bytes(free - 150 * 1024))
    source = write_items(tmp_path / "more.jsonl", 3000)
    code, output = invoke("index", str(source), "--index", str(index_dir),
                          *(["--update"] if update else []))
    assert code == 1, output
    assert "No space left on device" in output and "unchanged" in output
    assert_untouched(index_dir, engine, files, before)
    engine.close()


def test_an_update_is_a_new_generation_and_leaves_the_old_one_byte_for_byte(live,
                                                                            tmp_path: Path):
    """A searcher still open on the previous generation keeps reading what it read:
    the update worked on hard links, and Whoosh only ever adds files."""
    index_dir, engine, files, before = live
    old = current_generation(index_dir)
    old_files = {name: digest for name, digest in files.items()
                 if name.startswith(old.path.name + "/")}
    searcher = engine.handle.view().searcher  # a searcher open on the old generation
    source = write_items(tmp_path / "more.jsonl", 5)
    code, output = invoke("index", str(source), "--update", "--index", str(index_dir))
    assert code == 0, output
    new = current_generation(index_dir)
    assert new.path != old.path and new.items == old.items + 5
    assert {name: digest for name, digest in snapshot(index_dir).items()
            if name.startswith(old.path.name + "/")} == old_files
    assert searcher.doc_count() == old.items
    assert len(answers(engine)) == len(before) + 5


@pytest.mark.parametrize("update", [False, True], ids=["build", "update"])
def test_a_search_between_commit_and_publish_sees_the_old_index_whole(live, tmp_path: Path,
                                                                      monkeypatch,
                                                                      update: bool) -> None:
    """The new items and the new generation's name appear together, never one first."""
    index_dir, engine, files, before = live
    old = current_generation(index_dir)
    seen: list[tuple[str, int]] = []
    real_write_meta = search.build.indexer.write_meta

    def search_meanwhile(*args: object, **kwargs: object) -> object:
        def probe() -> None:  # a fresh thread: a fresh searcher
            page = engine.search(request())
            seen.append((page.generation, page.total))
        thread = threading.Thread(target=probe)
        thread.start()
        thread.join()
        return real_write_meta(*args, **kwargs)

    monkeypatch.setattr(search.build.indexer, "write_meta", search_meanwhile)
    source = write_items(tmp_path / "more.jsonl", 5)
    build_index(read_sources([source]), index_dir, update=update)
    assert seen == [(old.id, old.items)]
    page = engine.search(request())
    assert (page.generation, page.total) == (current_generation(index_dir).id,
                                             old.items + 5 if update else 5)
