"""Where the index lives on disk, and how a new one replaces the old one whole.

Layout of an index directory:

    <index>/CURRENT            the name of the live generation, replaced atomically
    <index>/gen-<id>/          one complete index (`postings.segments`), plus meta.json
    <index>/.building-<rand>/  a build in progress (removed on failure)
    <index>/.lock              held by the one writer
    <index>/history.jsonl      every generation published: id, build time, items

A build (full, or an --update starting from hard links to the live files)
writes a new generation aside, then points CURRENT at it with an atomic rename:
readers see the old index or the new one, never half of one. A failed or
interrupted build leaves CURRENT as it was; the next build removes any
leftovers. The previous generation is kept so searchers still open on it can
finish; older ones are removed.

The location: `--index`, else `$NEWS_SEARCH_INDEX`, else
`$XDG_DATA_HOME/news-search/index` (`~/.local/share/news-search/index`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

CURRENT = "CURRENT"
META = "meta.json"
HISTORY = "history.jsonl"
ENV_VAR = "NEWS_SEARCH_INDEX"


class IndexMissing(Exception):
    """There is no index where one was looked for; the message says how to build one."""


class IndexOutdated(IndexMissing):
    """An index is there, but was built by another version: it must be rebuilt."""


class IndexBusy(Exception):
    """Another process is writing this index."""


@dataclass(frozen=True, slots=True)
class Generation:
    """One build of the index: an id, when it was built, and what it holds."""

    id: str
    built_at: str
    items: int
    path: Path

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "built_at": self.built_at, "items": self.items}


def default_index_dir() -> Path:
    """The index directory when none is given: $NEWS_SEARCH_INDEX, else the user data dir."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "news-search" / "index"


def resolve_index_dir(index: str | Path | None) -> Path:
    """The given directory, or the default one."""
    return Path(index).expanduser() if index else default_index_dir()


def new_generation_id() -> str:
    """A sortable, unique generation id: UTC build time plus four random hex digits."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def current_generation(index_dir: Path) -> Generation:
    """The live generation, or IndexMissing with the command that builds one."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
        path = index_dir / name
        meta = json.loads((path / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise IndexMissing(f"no index at {index_dir}: build one with "
                           f"'news-search index --index {index_dir}' (or 'news-search index' "
                           "for the bundled corpus at the default location)") from None
    from search.text.schema import SCHEMA_VERSION  # here: schema imports whoosh, store need not

    if meta.get("schema") != SCHEMA_VERSION:
        raise IndexOutdated(f"the index at {index_dir} was built by another version of "
                           f"news-search: rebuild it with 'news-search index --index "
                           f"{index_dir}' and your sources (none: the bundled corpus)")
    return Generation(id=str(meta["generation"]), built_at=str(meta["built_at"]),
                      items=int(meta["items"]), path=path)


def write_meta(path: Path, generation_id: str, items: int,
               extra: dict[str, object]) -> dict[str, object]:
    """Write meta.json into a generation directory atomically; return what was written."""
    meta = {"generation": generation_id, "items": items,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"), **extra}
    tmp = path / (META + ".tmp")
    try:
        tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        os.replace(tmp, path / META)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return meta


def record_history(index_dir: Path, meta: dict[str, object]) -> None:
    """Append a build to HISTORY, so a search cited with an older generation can be
    told what changed since (generation directories themselves are removed)."""
    entry = {key: meta[key] for key in ("generation", "built_at", "items") if key in meta}
    with open(index_dir / HISTORY, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def read_history(index_dir: Path) -> dict[str, Generation]:
    """Every generation this index directory has published, by id."""
    found: dict[str, Generation] = {}
    try:
        lines = (index_dir / HISTORY).read_text(encoding="utf-8").splitlines()
    except OSError:
        return found
    for line in lines:
        try:
            entry = json.loads(line)
            found[str(entry["generation"])] = Generation(
                id=str(entry["generation"]), built_at=str(entry["built_at"]),
                items=int(entry["items"]), path=index_dir)
        except (ValueError, KeyError, TypeError):
            continue  # a line cut short by a crash: the others still count
    return found


def publish(index_dir: Path, building: Path, generation_id: str) -> Path:
    """Move a finished build into place and point CURRENT at it, atomically.

    On failure (disk full, interrupted) the build is moved back to `building`
    for the caller to remove, and CURRENT still names the previous generation.
    """
    final = index_dir / f"gen-{generation_id}"
    os.rename(building, final)
    pointer = index_dir / (CURRENT + ".tmp")
    try:
        pointer.write_text(final.name + "\n", encoding="utf-8")
        with open(pointer, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(pointer, index_dir / CURRENT)
    except BaseException:
        with contextlib.suppress(OSError):
            pointer.unlink()
        os.rename(final, building)
        raise
    return final


def remove_stale(index_dir: Path, keep: int = 2) -> None:
    """Remove leftover builds and all but the newest `keep` generations (CURRENT's first)."""
    live = ""
    with contextlib.suppress(OSError):
        live = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    for leftover in index_dir.glob(".building-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    with contextlib.suppress(OSError):
        (index_dir / (CURRENT + ".tmp")).unlink()
    generations = sorted((p for p in index_dir.glob("gen-*") if p.name != live), reverse=True)
    for old in generations[max(keep - 1, 0):]:
        shutil.rmtree(old, ignore_errors=True)


def new_build_dir(index_dir: Path) -> Path:
    """A fresh directory for a build, beside the live generations (same file system)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / f".building-{secrets.token_hex(4)}"
    path.mkdir()
    return path


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's write lock; IndexBusy if another process holds it.

    A POSIX record lock (`lockf`), not `flock`: it belongs to this process alone,
    so build workers forked while it is held do not hold it too, and it is gone
    the moment this process dies, however its workers are still winding down.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+b") as handle:
        try:
            fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            raise IndexBusy(f"another build is writing {index_dir}: wait for it to "
                            "finish, then try again") from None
        try:
            yield
        finally:
            fcntl.lockf(handle.fileno(), fcntl.LOCK_UN)
