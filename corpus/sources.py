"""Read any mix of files, folders and archives into one de-duplicated stream of Articles.

`stream_sources(paths)` is the way in for a corpus of any size: a context
manager giving a `ReadResult` whose `articles` are staged on disk
(`staging.Stage`) and handed out in reading order, each item once, in
bounded memory. `read_sources(paths)` is the same read into a list, for
small corpora and tests.

The format is chosen by the file's extension (`readers.READERS`: `.txt` a
listing or an article text, told apart by content; `.jsonl`; `.csv`;
`.html`/`.htm` a saved web page; `.rss`/`.atom`/`.xml` a feed; `.warc` and
`.warc.gz` a web archive; compressed files and zip members by the name
inside, see `inputs`). A folder is read recursively; files of other kinds in
it are noted and passed over. Copies of
one item (the same id, or the same date and near-identical title, see
`sameitem`) are merged into one record, never duplicated and never losing
text. Every problem met is counted by kind (`Problem.code`, else its
wording); the first MAX_KEPT_PER_KIND of each kind are kept for the report,
so a file with half a million duplicates costs a counter, not half a million
messages. `report_lines` turns that into the lines a summary prints.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corpus.decoding import UnreadableFile
from corpus.inputs import DAMAGED, Source, iter_sources
from corpus.model import Article, Problem
from corpus.readers import READERS, describe_formats
from corpus.staging import Stage

REASON_CHARS = 90  # of a reason in the build summary's counts
BUNDLED_CORPUS = Path(__file__).resolve().parent / "data" / "ilo-cooperatives-news.txt"
MAX_KEPT_PER_KIND = 1_000
_VARYING = re.compile(r"'[^']*'|\"[^\"]*\"|\d[\d,.]*")


def problem_kind(problem: Problem) -> str:
    """What a problem is, without where: its code, or its wording with the quoted parts
    and numbers taken out ('item # has no date line: ...')."""
    return problem.code or _VARYING.sub("#", problem.message)


@dataclass
class ReadResult:
    """What reading the sources gave: the articles, and an account of everything else."""

    articles: Collection[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the first MAX_KEPT_PER_KIND a kind
    files: int = 0
    items_read: int = 0
    duplicates: int = 0       # copies merged that had the same id
    near_duplicates: int = 0  # copies merged that had another id (a near-identical title)
    kept_apart: int = 0       # items of one date and title kept apart by their kinds
    merged_pairs: list[tuple[Article, Article]] = field(default_factory=list)  # (kept, copy)
    problem_counts: Counter[str] = field(default_factory=Counter)  # kind -> how many
    lost_reasons: Counter[str] = field(default_factory=Counter)  # why items were skipped
    strict_failure_count: int = 0

    def add_problem(self, problem: Problem) -> None:
        """Count a problem, and keep it unless many of its kind are kept already."""
        kind = problem_kind(problem)
        self.problem_counts[kind] += 1
        if problem.fatal_in_strict:
            self.strict_failure_count += 1
        if problem.lost_item:
            reason = problem.message.split(":")[-1].split(";")[0].strip()
            if len(reason) > REASON_CHARS:  # cut at a word, and say so
                reason = reason[:REASON_CHARS].rsplit(" ", 1)[0] + " \u2026"
            self.lost_reasons[reason] += 1
        if self.problem_counts[kind] <= MAX_KEPT_PER_KIND:
            self.problems.append(problem)

    @property
    def skipped(self) -> int:
        """Items read but not kept: unreadable ones and merged copies."""
        return self.items_read - len(self.articles)

    @property
    def strict_failures(self) -> list[Problem]:
        """The problems (kept) that make a `--strict` build fail; `strict_failure_count`
        counts them all."""
        return [problem for problem in self.problems if problem.fatal_in_strict]


@contextlib.contextmanager
def stream_sources(sources: Iterable[Path | str], on_file: Callable[[Path], None] | None = None,
                   workdir: str | None = None,
                   on_items: Callable[[int], None] | None = None) -> Iterator[ReadResult]:
    """Read every source; the result's `articles` can be iterated (and counted) until the
    context ends. Never raises for a bad file, reports it. `workdir`: where the staged
    records go (default: the temporary folder, TMPDIR); `on_items(n)` is called each
    million items read (so a long read can say it is moving)."""
    result = ReadResult()
    stage = Stage(workdir)
    stage.on_count = on_items
    try:
        describe = describe_formats()
        for source in iter_sources([Path(path) for path in sources], result.add_problem,
                                   READERS, describe):
            result.files += 1
            if on_file is not None:
                on_file(Path(source.name))
            _read_one(source, result, stage)
        for problem in stage.finish():
            result.add_problem(problem)
        result.duplicates = stage.duplicates
        result.near_duplicates = stage.near_duplicates
        result.kept_apart = stage.kept_apart
        result.merged_pairs = stage.merged_pairs
        result.articles = stage
        yield result
    finally:
        stage.close()


def read_sources(sources: Iterable[Path | str],
                 on_file: Callable[[Path], None] | None = None) -> ReadResult:
    """Read every source into a ReadResult whose `articles` is a list (for corpora that fit
    in memory; `stream_sources` for any size)."""
    with stream_sources(sources, on_file) as result:
        result.articles = list(result.articles)
    return result


def _read_one(source: Source, result: ReadResult, stage: Stage) -> None:
    """Read one input into the stage. What goes wrong in reading it is reported and ends
    that input only; what goes wrong in staging (a full disk) is raised."""
    entries = READERS[source.extension].read(source)
    try:
        while True:
            try:
                entry = next(entries)
            except StopIteration:
                break
            except UnreadableFile as error:
                result.add_problem(Problem(source.name, None, str(error)))
                break
            except DAMAGED as error:
                where = f" after line {source.line}" if source.line else ""
                reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
                result.add_problem(Problem(source.name, None, f"cannot read on{where}: {reason} "
                                           "(a damaged or cut-off file?); the items before it "
                                           "are kept"))
                break
            except Exception as error:  # noqa: BLE001 - one input's failure must not lose others
                result.add_problem(Problem(
                    source.name, source.line or None, f"the reader stopped here: "
                    f"{type(error).__name__}: {error} (a bug in news-search: please report it "
                    "with this file); the items before it are kept"))
                break
            if isinstance(entry, Problem):
                result.add_problem(entry)
                result.items_read += entry.lost_item
                continue
            result.items_read += 1
            stage.add(entry, source.name)
    finally:
        entries.close()  # type: ignore[attr-defined]
        for problem in source.problems:
            result.add_problem(problem)
        source.close()


def report_lines(result: ReadResult, per_kind: int = 5) -> list[str]:
    """The problems as a summary prints them, kind by kind in the order met: every one of a
    kind met at most `per_kind` times, else the first few and a count of the rest."""
    by_kind: dict[str, list[Problem]] = {}
    for problem in result.problems:
        by_kind.setdefault(problem_kind(problem), []).append(problem)
    lines: list[str] = []
    for kind, problems in by_kind.items():
        total = result.problem_counts[kind]
        if total <= per_kind:
            lines.extend(str(problem) for problem in problems)
            continue
        lines.extend(str(problem) for problem in problems[:per_kind - 2])
        lines.append(f"... and {total - per_kind + 2:,} more of this kind ({kind})")
    return lines
