"""Hold the records read on disk until every input is read, then merge the copies of each
item (`sameitem`) and hand the records out again in reading order, in bounded memory.

Whether a record has a copy is known only once everything is read, and a
copy may lie gigabytes after the first: so the records are appended to an
unnamed temporary file (pickled, BLOCK at a time), and three integers per
record go into a temporary SQLite table: its number, a hash of its date and
title key, a hash of its id. Once reading ends, SQLite finds the hashes that occur
more than once (the only records that can have copies); those groups are
loaded one at a time, resolved, and the merged records written aside. Handing
out is one sequential pass over the file beside the (ordered) plan of merges.

Memory stays flat whatever the input size: one record at a time, one group of
copies at a time, SQLite's page cache (CACHE_KIB). Disk holds about the
records' size again; the files live in the temporary folder (TMPDIR) and are
unlinked from the start, so nothing is left behind even if the process is
killed. Kinds written more than one way ("...Co-operators"/"...Cooperators")
are shown in one form (`sameitem.kind_forms`); the distinct kinds are
counted in memory (a corpus has tens of them).
"""

from __future__ import annotations

import dataclasses
import io
import os
import pickle
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from typing import IO, Any

from corpus.model import Article, Problem
from corpus.sameitem import Member, Outcome, kind_forms, resolve, title_key

BATCH = 10_000
PROGRESS = 1_000_000  # a multiple of BATCH
BLOCK = 512  # records pickled together: one load per block, not per record
CACHED_BLOCKS = 16  # blocks kept while merging (copies tend to lie in step)
CACHE_KIB = 16 * 1024
FIELDS = tuple(spec.name for spec in dataclasses.fields(Article))


class Stage:
    """Records on disk in reading order; `finish()` once, then iterate (as often as needed).

    After `finish()`: `len()` is the number of items, `duplicates` and
    `near_duplicates` count the copies merged, `outcomes_problems` holds one
    problem per merge (as `(problem)`s for the caller to report) and
    `merged_pairs` the near-duplicate pairs (first MAX_PAIRS).
    """

    MAX_PAIRS = 1_000

    def __init__(self, workdir: str | None = None) -> None:
        self._records = tempfile.TemporaryFile(dir=workdir)  # noqa: SIM115 - closed by close()
        self._merged = tempfile.TemporaryFile(dir=workdir)  # noqa: SIM115 - closed by close()
        # "": a private temporary database on disk, deleted by SQLite itself.
        self._db = sqlite3.connect("")
        for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{CACHE_KIB}",
                       "temp_store = FILE"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE keys (seq INTEGER PRIMARY KEY, g INTEGER, i INTEGER)")
        self._db.execute("CREATE TABLE plan (seq INTEGER PRIMARY KEY, pos INTEGER)")
        self._batch: list[tuple[int, int, int]] = []
        self._block: list[tuple[object, ...]] = []
        self._blocks: list[int] = []  # where each block of records starts in the file
        self._names: list[str] = []   # the inputs read, each once
        self._cache: dict[int, list[tuple[object, ...]]] = {}  # blocks loaded to merge
        self._last_name: str | None = None
        self._kinds: Counter[str] = Counter()
        self._forms: dict[str, str] = {}
        self.count = 0
        self.on_count: Callable[[int], None] | None = None  # told each PROGRESS records
        self.kept = 0
        self.duplicates = 0
        self.near_duplicates = 0
        self.kept_apart = 0
        self.merged_pairs: list[tuple[Article, Article]] = []
        self.finished = False

    # -- staging ---------------------------------------------------------------------------

    def add(self, article: Article, name: str) -> None:
        """Stage one record, read from the input named `name`."""
        if name != self._last_name:
            self._names.append(name)
            self._last_name = name
        self._block.append((len(self._names) - 1, *[getattr(article, f) for f in FIELDS]))
        # Python's hash is fixed within a process, which is all a stage lives for;
        # a collision only makes a group to check, never a merge (resolve checks keys).
        self._batch.append((self.count, hash((article.date.toordinal(),
                                              title_key(article.title))), hash(article.id)))
        self._kinds[article.kind] += 1
        self.count += 1
        if len(self._block) >= BLOCK:
            self._write_block()
        if len(self._batch) >= BATCH:
            self._flush()
            if self.on_count is not None and self.count % PROGRESS == 0:
                self.on_count(self.count)

    def _write_block(self) -> None:
        self._blocks.append(self._records.tell())
        pickle.dump(self._block, self._records, protocol=pickle.HIGHEST_PROTOCOL)
        self._block = []

    def _flush(self) -> None:
        self._db.executemany("INSERT INTO keys VALUES (?, ?, ?)", self._batch)
        self._batch = []

    # -- merging ---------------------------------------------------------------------------

    def finish(self) -> list[Problem]:
        """Merge the copies of each item; return one problem (a note) per merge."""
        self._flush()
        if self._block:
            self._write_block()
        self._records.flush()
        self._forms = kind_forms(self._kinds.items())
        self.finished = True
        db = self._db
        db.execute("CREATE TEMP TABLE dg AS SELECT g FROM keys GROUP BY g HAVING COUNT(*) > 1")
        db.execute("CREATE TEMP TABLE di AS SELECT i FROM keys GROUP BY i HAVING COUNT(*) > 1")
        problems: list[Problem] = []
        if not db.execute("SELECT EXISTS (SELECT 1 FROM dg) OR EXISTS (SELECT 1 FROM di)"
                          ).fetchone()[0]:
            self.kept = self.count
            return problems
        self._link_across_titles()
        # Before reading keys: SQLite cannot index a table a statement is reading.
        db.execute("CREATE INDEX keys_i ON keys (i)")
        # Groups in the order of their first record, so that the records loaded for one
        # group lie near those of the next (see _record's cache of blocks).
        rows = db.execute(
            "SELECT root, seq FROM (SELECT COALESCE(c.root, k.g) AS root, k.seq AS seq, "
            "MIN(k.seq) OVER (PARTITION BY COALESCE(c.root, k.g)) AS first FROM keys k "
            "LEFT JOIN comp c ON c.g = k.g "
            "WHERE k.g IN (SELECT g FROM dg) OR k.g IN (SELECT g FROM comp)) "
            "ORDER BY first, seq")
        group: list[int] = []
        group_key = None
        reader = _Reader(self._records)
        plan: list[tuple[int, int]] = []
        for key, seq in rows:
            if key != group_key and group:
                plan.extend(self._resolve(group, reader, problems))
                group = []
            group_key = key
            group.append(seq)
            if len(plan) >= BATCH:
                self._plan(plan)
                plan = []
        if group:
            plan.extend(self._resolve(group, reader, problems))
        self._plan(plan)
        self.kept = self.count - self.duplicates - self.near_duplicates
        return problems

    def _link_across_titles(self) -> None:
        """Records with one id but different title keys (an edited title under a kept id):
        their title groups are one group. Few or none; joined in memory."""
        db = self._db
        db.execute("CREATE TEMP TABLE comp (g INTEGER PRIMARY KEY, root INTEGER)")
        links = db.execute(
            "SELECT i, g FROM keys WHERE i IN (SELECT i FROM keys WHERE i IN (SELECT i FROM di) "
            "GROUP BY i HAVING COUNT(DISTINCT g) > 1)").fetchall()
        if not links:
            return
        parent: dict[int, int] = {}

        def root(g: int) -> int:
            parent.setdefault(g, g)
            while parent[g] != g:
                parent[g] = parent[parent[g]]
                g = parent[g]
            return g
        first_g: dict[int, int] = {}
        for i, g in links:
            if i in first_g:
                parent[root(g)] = root(first_g[i])
            else:
                first_g[i] = g
                root(g)
        db.executemany("INSERT OR REPLACE INTO comp VALUES (?, ?)",
                       [(g, root(g)) for g in parent])

    def _record(self, seq: int, reader: _Reader) -> tuple[Article, str]:
        number = seq // BLOCK
        block = self._cache.pop(number, None)
        if block is None:
            block = reader.load(self._blocks[number])
            if len(self._cache) >= CACHED_BLOCKS:
                del self._cache[next(iter(self._cache))]  # the least recently used
        self._cache[number] = block
        values = block[seq % BLOCK]
        return Article(*values[1:]), self._names[values[0]]  # type: ignore[index]

    def _resolve(self, group: list[int], reader: _Reader,
                 problems: list[Problem]) -> list[tuple[int, int]]:
        members: list[Member] = []
        for seq in group:
            article, name = self._record(seq, reader)
            members.append((seq, article, name))
        outcomes = resolve(members, self._taken)
        plan = []
        for outcome in outcomes:
            position = self._merged.tell()
            pickle.dump(outcome.article, self._merged, protocol=pickle.HIGHEST_PROTOCOL)
            plan.append((outcome.first, position))
            plan.extend((seq, -1) for seq in outcome.members if seq != outcome.first)
            self._account(outcome, problems)
        return plan

    def _account(self, outcome: Outcome, problems: list[Problem]) -> None:
        kept = outcome.article
        for copy, name in outcome.same:
            self.duplicates += 1
            problems.append(_note(copy, name, f"the same item as {kept.source}, id {kept.id}; "
                                  "merged", "duplicate"))
        for copy, name in outcome.near:
            self.near_duplicates += 1
            if len(self.merged_pairs) < self.MAX_PAIRS:
                self.merged_pairs.append((kept, copy))
            problems.append(_note(copy, name, f"a near-duplicate of {kept.source} "
                                  f"({copy.title!r} / {kept.title!r}), id {kept.id}; merged",
                                  "near-duplicate"))
        if outcome.apart_from:
            self.kept_apart += 1
            problems.append(_note(kept, outcome.name, "the same date and title as item "
                                  f"{outcome.apart_from}"
                                  f" but another kind ({kept.kind!r}): a different item, kept "
                                  f"as id {kept.id}", "kept apart"))

    def _taken(self, candidate: str) -> bool:
        rows = self._db.execute("SELECT seq FROM keys WHERE i = ?", (hash(candidate),))
        reader = _Reader(self._records)
        return any(self._record(seq, reader)[0].id == candidate for (seq,) in rows.fetchall())

    def _plan(self, plan: list[tuple[int, int]]) -> None:
        self._db.executemany("INSERT INTO plan VALUES (?, ?)", plan)

    # -- handing out -----------------------------------------------------------------------

    def __len__(self) -> int:
        return self.kept

    def __contains__(self, item: object) -> bool:
        """Whether an item with the id of `item` (an Article or an id) is staged."""
        wanted = item.id if isinstance(item, Article) else item
        if not isinstance(wanted, str):
            return False
        return self._taken(wanted)

    def __iter__(self) -> Iterator[Article]:
        if not self.finished:
            raise RuntimeError("Stage.finish() must come before reading the records back")
        if self._records.closed:
            raise RuntimeError("the staged records are gone: read them inside the "
                               "stream_sources() block (or use read_sources for a list)")
        self._merged.flush()
        records = _Reader(self._records)
        merged = _Reader(self._merged)
        # A cursor of its own, read as the records go by: the plan is never all in memory.
        steps = iter(self._db.cursor().execute("SELECT seq, pos FROM plan ORDER BY seq"))
        step = next(steps, None)
        forms = self._forms
        seq = 0
        for _ in self._blocks:
            for values in records.next():
                article = Article(*values[1:])
                if step is not None and step[0] == seq:
                    position = step[1]
                    step = next(steps, None)
                    if position < 0:
                        seq += 1
                        continue
                    article = merged.load(position)
                seq += 1
                if forms and article.kind in forms:
                    article = dataclasses.replace(article, kind=forms[article.kind])
                yield article

    def close(self) -> None:
        self._records.close()
        self._merged.close()
        self._db.close()


def _note(article: Article, name: str, message: str, code: str) -> Problem:
    line = None
    which = ""
    _, _, where = article.source.partition(", ")
    if where.startswith("line ") and where[5:].isdigit():
        line = int(where[5:])
    elif where:
        which = where + ": "  # a listing item: "item 3: ", "October 2014, item 2: "
    return Problem(name or article.source.partition(", ")[0], line, which + message,
                   fatal_in_strict=False, code=code)


class _Reader:
    """Pickled records read back from a stage file, sequentially or at a position, through
    its own offset (os.pread), so readers never disturb one another or the writer."""

    def __init__(self, file: IO[bytes]) -> None:
        self._fd = file.fileno()
        self._stream = io.BufferedReader(_PositionalFile(self._fd), buffer_size=1 << 20)

    def next(self) -> Any:
        return pickle.load(self._stream)

    def load(self, position: int) -> Any:
        self._stream.seek(position)
        return pickle.load(self._stream)


class _PositionalFile(io.RawIOBase):
    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._at = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            self._at = offset
        elif whence == io.SEEK_CUR:
            self._at += offset
        else:
            self._at = os.fstat(self._fd).st_size + offset
        return self._at

    def tell(self) -> int:
        return self._at

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = os.pread(self._fd, len(buffer), self._at)
        buffer[:len(data)] = data
        self._at += len(data)
        return len(data)

    def close(self) -> None:  # the fd belongs to the stage's file
        super().close()
