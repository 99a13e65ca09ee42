"""Build an index from Articles, aside and swapped in whole, or update one the same way.

`build_index` reads nothing itself: the caller hands it the `ReadResult` of
`corpus.read_sources`, so what was read, skipped and merged is accounted for in
one place. A full build writes a new generation into a temporary directory and
publishes it atomically (see `build.store`); its segments are written by
`build.parallel` (in parallel), the postings Whoosh's writer would index.
`update=True` does the same from a copy of the live generation (hard links: no
file of a published generation is written again) to which items are added or
replaced by id (`build.update`), so an update too is seen whole, under its new
generation's name, or not at all, and a failed one leaves the live generation
untouched.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus import Problem, ReadResult
from search.build.memory import without_huge_pages
from search.build.parallel import write_index
from search.build.store import (
    IndexMissing,
    current_generation,
    new_build_dir,
    new_generation_id,
    publish,
    record_history,
    remove_stale,
    write_meta,
    writer_lock,
)
from search.build.update import update_index
from search.postings import termlists
from search.text.schema import SCHEMA_VERSION, to_document

Progress = Callable[[int, int], None]


class BuildFailed(Exception):
    """The build did not happen; the existing index is untouched. `problems` says why."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass
class BuildReport:
    """What a build did: counts, the new generation, and every problem met."""

    read: int
    indexed: int
    skipped: int
    duplicates: int
    generation: str
    index_path: Path
    seconds: float
    total_items: int
    updated: bool = False
    problems: list[Problem] = field(default_factory=list)


def build_index(result: ReadResult, index_dir: Path, *, update: bool = False,
                strict: bool = False, progress: Progress | None = None) -> BuildReport:
    """Index `result.articles` into `index_dir`; raise BuildFailed and change nothing on error."""
    if strict and result.strict_failures:
        failures = result.strict_failures
        raise BuildFailed(f"--strict: {result.strict_failure_count} problem(s) in the input, "
                          "nothing indexed", failures)
    if not result.articles and not update:
        raise BuildFailed("no items to index: " + (
            "every item was skipped (see the problems above)" if result.problems
            else "the sources hold no items"), result.problems)
    started = time.perf_counter()
    with writer_lock(index_dir):
        base = None
        if update:
            try:
                base = current_generation(index_dir).path
            except IndexMissing:
                base = None
            update = base is not None
        generation, total, path = _rebuild(result, index_dir, progress, base=base)
    return BuildReport(read=result.items_read, indexed=len(result.articles),
                       skipped=result.skipped, duplicates=result.duplicates,
                       generation=generation, index_path=path,
                       seconds=time.perf_counter() - started, total_items=total, updated=update,
                       problems=list(result.problems))


def _rebuild(result: ReadResult, index_dir: Path, progress: Progress | None,
             base: Path | None = None) -> tuple[str, int, Path]:
    """Write a new generation aside and publish it: from nothing, or from `base` (an update)."""
    remove_stale(index_dir)
    building = new_build_dir(index_dir)
    generation = new_generation_id()
    try:
        with without_huge_pages():  # (see build.memory)
            if base is None:
                # to_document is looked up here, not bound in build.parallel: tests
                # replace it.
                total = write_index(building, result.articles, to_document, progress)
            else:
                total = update_index(base, building, result.articles, to_document,
                                     progress)
            termlists.assemble(building)  # the generation's term lists, from its segments'
        meta = write_meta(building, generation, total, {
            "schema": SCHEMA_VERSION, "update_of": base.name if base is not None else None})
        final = publish(index_dir, building, generation)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    with contextlib.suppress(OSError):  # the build is live; a lost history line only
        record_history(index_dir, meta)  # makes "what changed since" say less
    remove_stale(index_dir)
    return generation, total, final
