"""A full build of the index, segments written in parallel by forked worker processes.

`write_index(building, articles, ...)` fills the empty directory `building`
with the index of the articles (the caller publishes it, see `build.indexer`).
The articles are streamed: any iterable with a length (a list, or the staged
records of `corpus.stream_sources`), read one chunk at a time:

1. the articles are cut into chunks of at most CHUNK_ITEMS, each written as
   one segment by `build.segment.SegmentBuilder` (memory per worker is bounded by
   the chunk: about 330 MB for 50,000 synthetic items), with the segment's term
   lists (`postings.termlists`: the words of each item, for top terms, until
   the generation's are assembled from them);
2. a build of `merge.MERGE_FROM` segments or more merges runs of them into
   fewer, larger ones (`build.merge`: a search pays for each segment);
3. the table of contents (`postings.segments`) names the schema and the
   segments in item order, so document numbers follow the input order.

Before any worker forks, each facet's `prepare` runs (the places gazetteer, about
a second and 120 MB), so the workers share it instead of each building its own.
Small builds run in this process. Bigger ones fork up to MAX_PROCS workers
(one per core). The parent reads the articles a chunk at a time and sends
each chunk to a free worker (so memory holds a chunk per worker, whatever
the corpus size; articles already in a list are the workers' too once they
fork, so only each chunk's bounds are sent), gathers progress and the finished
segments over pipes, and re-raises a worker's exception as its own (a full
disk is the same OSError). Whatever ends the build early (an error, Ctrl-C,
SIGTERM, a progress callback raising), the parent kills its workers before it
returns, and the caller removes the directory. The workers ignore SIGINT (the
terminal sends it to the whole group; the parent decides), die on SIGTERM,
and die with the parent if it is killed (PR_SET_PDEATHSIG where there is one,
else they notice the new parent), so nothing keeps writing into a directory
the next build is about to remove.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import itertools
import multiprocessing
import os
import signal
from collections.abc import Callable, Collection, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from corpus import Article
from search.build.memory import keep_freed_memory
from search.build.merge import merge_segments, merges
from search.build.segment import SegmentBuilder
from search.facets import term_facets
from search.postings import termlists
from search.postings.segments import Contents, SegmentEntry, write_contents
from search.text.analysis import TOKEN_PATTERN
from search.text.schema import LITERAL_FIELDS, build_schema
from search.text.wordwise import literal_pattern

Progress = Callable[[int, int], None]
ToDocument = Callable[[Article], dict[str, object]]
CHUNK_ITEMS = 50_000     # items per segment, at most
# Whoosh's Or chooses its matcher segment by segment, and in a segment of at most
# 5,000 documents it may preload the words of a prefix unscored: segments bigger
# than that rank as one index would (where Whoosh ranks: the fallbacks). So a build
# is split only into segments of more than 5,000 items, and small builds (one
# segment) run in this process.
SEGMENT_MIN_ITEMS = 5_001
PARALLEL_MIN_ITEMS = 2 * SEGMENT_MIN_ITEMS
MAX_PROCS = 4
REPORT_EVERY = 250       # items between progress messages from a worker
# Share of the work in analysing items (the rest is writing the postings), for
# a progress figure that moves evenly: measured on the synthetic corpus.
ANALYSIS_SHARE = 0.65
MERGE_SHARE = 0.1  # of an item's work, when the segments are merged (build.merge)


def cpu_count() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def plan_chunks(items: int, procs: int) -> list[tuple[int, int]]:
    """(start, end) of each segment's items: one chunk per worker, more if a chunk would
    pass CHUNK_ITEMS, none under SEGMENT_MIN_ITEMS, sizes as even as can be."""
    count = 1
    if items >= PARALLEL_MIN_ITEMS:
        count = max(procs, -(-items // CHUNK_ITEMS))
        count = min(count, items // max(SEGMENT_MIN_ITEMS, 1))
    count = max(min(count, items), 1)
    bounds = [items * n // count for n in range(count + 1)]
    return [(bounds[n], bounds[n + 1]) for n in range(count)]


def write_index(building: Path, articles: Collection[Article], to_document: ToDocument,
                progress: Progress | None = None, procs: int | None = None) -> int:
    """Write the index of `articles` (iterated once, in order) into the empty directory
    `building`; return the number of documents. Raises what went wrong (the directory is
    then the caller's to remove)."""
    segments = write_segments(building, articles, to_document, progress, procs)
    write_contents(Path(building), Contents(build_schema(), tuple(segments)))
    return sum(segment.docs for segment in segments)


def write_segments(building: Path, articles: Collection[Article], to_document: ToDocument,
                   progress: Progress | None = None,
                   procs: int | None = None) -> list[SegmentEntry]:
    """Write `articles` (iterated once, in order) as new segments in `building`; their
    entries, in order (the caller names them in a table of contents)."""
    storage = Path(building)
    for declared in term_facets():
        if declared.prepare is not None:
            declared.prepare()  # before the fork: the workers share what it loads
    procs = max(1, min(procs or cpu_count(), MAX_PROCS))
    chunks = plan_chunks(len(articles), procs)
    tally = _Tally(chunks, progress)
    stream = iter(articles)
    if len(chunks) == 1 or procs == 1:
        segments = [_write_segment(storage, _take(stream, start, end), to_document,
                                   tally.reporter(number))
                    for number, (start, end) in enumerate(chunks)]
    else:
        # A list in memory is the workers' too once they fork: each slices its chunks out
        # of its copy instead of being sent them pickled (about 0.3 s a chunk each way, with
        # the second worker waiting for the first chunk's), so nothing is sent but bounds.
        shared = articles if isinstance(articles, list) else None
        segments = _in_workers(storage, stream, chunks, to_document, tally, procs, shared)
    segments = merge_segments(storage, segments, tally.merged)
    tally.finished()
    return segments


def _take(stream: Iterator[Article], start: int, end: int) -> list[Article]:
    """The next chunk of the stream: items start to end."""
    chunk = list(itertools.islice(stream, end - start))
    if len(chunk) != end - start:
        raise RuntimeError(f"the articles ran out at item {start + len(chunk):,} of a "
                           "build planned for more")
    return chunk


def _write_segment(storage: Path, articles: Sequence[Article], to_document: ToDocument,
                   report: Callable[[int, int, int], None]) -> SegmentEntry:
    """One chunk as one segment in folder `storage`; `report(items analysed, postings
    written, postings)`."""
    schema = build_schema()
    lists = termlists.SegmentLists(schema)
    # The literal-word copies are the words the term lists read anyway: their postings
    # come from there (when the schema splits their words as the term lists do).
    literal = {exact: source for source, exact in LITERAL_FIELDS.items()
               if source in lists.fields and exact in schema
               and literal_pattern(schema[exact].analyzer) == TOKEN_PATTERN}
    # So are the analysed fields' (title, summary, body): one reading of each text for
    # the term lists and both postings.
    analyzed = [name for name in lists.fields if lists.analyzes(schema[name])]
    builder = SegmentBuilder(storage, schema, given=[*literal, *analyzed])
    written = total = 0
    size = len(articles)

    def wrote(postings: int) -> None:
        nonlocal written
        written += postings
        report(size, written, total)
    try:
        for done, article in enumerate(articles, start=1):
            builder.add(to_document(article))
            lists.add(article)
            if done % REPORT_EVERY == 0:
                report(done, 0, 0)
        total = builder.postings_count()
        report(size, 0, total)
        given = {exact: lists.literal_postings(source) for exact, source in literal.items()}
        given.update((name, lists.analyzed_postings(name)) for name in analyzed)
        segment = builder.finish(wrote, given)
        lists.write(termlists.segment_path(storage, segment.id))
        return segment
    except BaseException:
        builder.cancel()
        raise


class _Tally:
    """Progress over all chunks, as items: analysing counts ANALYSIS_SHARE of an item,
    writing its postings the rest; when the segments are to be merged, all that counts
    1 - MERGE_SHARE of an item and merging it the rest."""

    def __init__(self, chunks: list[tuple[int, int]], progress: Progress | None) -> None:
        self.sizes = [end - start for start, end in chunks]
        self.total = sum(self.sizes)
        self.done = [0.0] * len(chunks)
        self.progress = progress
        self.shown = -1
        self.merge_share = MERGE_SHARE if merges(len(chunks)) else 0.0
        self.merged_items = 0

    def update(self, chunk: int, analysed: int, written: int, postings: int) -> None:
        share = ANALYSIS_SHARE * analysed
        if postings:
            share += (1 - ANALYSIS_SHARE) * self.sizes[chunk] * written / postings
        self.done[chunk] = share * (1 - self.merge_share)
        self._show()

    def merged(self, items: int) -> None:
        self.merged_items += items
        self._show()

    def _show(self) -> None:
        done = sum(self.done) + self.merge_share * self.merged_items
        shown = min(int(done), self.total - 1)
        if self.progress is not None and shown > self.shown:
            self.shown = shown
            self.progress(shown, self.total)

    def reporter(self, chunk: int) -> Callable[[int, int, int], None]:
        return lambda analysed, written, postings: self.update(chunk, analysed, written,
                                                               postings)

    def finished(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


# -- workers ----------------------------------------------------------------------------------

def _in_workers(storage: Any, stream: Iterator[Article], chunks: list[tuple[int, int]],
                to_document: ToDocument, tally: _Tally, procs: int,
                shared: Sequence[Article] | None = None) -> list[Any]:
    """Write the chunks in forked workers, each sent its articles as it takes the chunk
    (or only the chunk's bounds in `shared`, the articles the workers fork with); the
    segments in chunk order."""

    def work(chunk: int) -> tuple[int, Any]:
        bounds = chunks[chunk]
        return chunk, bounds if shared is not None else _take(stream, *bounds)
    context = multiprocessing.get_context("fork")
    pending = list(range(len(chunks)))[::-1]
    segments: list[Any] = [None] * len(chunks)
    workers: dict[Connection, Any] = {}
    assigned: dict[Connection, int | None] = {}  # the chunk each worker is writing
    succeeded = False
    try:
        for _ in range(min(procs, len(chunks))):
            ours, theirs = context.Pipe()
            # Signals wait until the worker has set its own handlers.
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            # What the parent holds (the shared articles among it) is left out of the
            # workers' garbage collections, which would otherwise write to every object's
            # header and so copy every page of it into each worker.
            gc.freeze()
            try:
                process = context.Process(target=_worker, daemon=True, args=(
                    theirs, os.getpid(), storage, to_document, shared))
                process.start()
            finally:
                gc.unfreeze()  # (in the parent: its own collections go on as before)
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            theirs.close()
            workers[ours] = process
            chunk = pending.pop()
            assigned[ours] = chunk
            ours.send(work(chunk))
        while any(segment is None for segment in segments):
            busy = [conn for conn in workers if assigned[conn] is not None]
            for ready in wait(busy, timeout=5.0):
                conn = busy[busy.index(ready)]  # type: ignore[arg-type]  # one of ours
                _handle(conn, workers[conn], assigned, pending, segments, tally, work)
        succeeded = True
        return segments
    finally:
        _stop(workers, succeeded)


def _handle(conn: Connection, process: Any, assigned: dict[Connection, int | None],
            pending: list[int], segments: list[Any], tally: _Tally,
            work: Callable[[int], tuple[int, Any]]) -> None:
    try:
        message = conn.recv()
    except EOFError:
        process.join(timeout=1)
        raise RuntimeError(f"an index build worker died (exit code {process.exitcode}) "
                           "before it finished its part") from None
    kind = message[0]
    if kind == "progress":
        tally.update(*message[1:])
    elif kind == "segment":
        segments[message[1]] = message[2]
        chunk = pending.pop() if pending else None
        assigned[conn] = chunk
        # None: no more work, the worker ends.
        conn.send(None if chunk is None else work(chunk))
    else:  # "error": the worker's exception, raised here as if it were ours
        raise message[1]


def _stop(workers: dict[Connection, Any], succeeded: bool) -> None:
    """Let finished workers end (they were sent None), kill the others, reap them all."""
    for process in workers.values():
        if succeeded:
            process.join(timeout=10)
        if process.is_alive():
            process.terminate()
    for conn, process in workers.items():
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()
        conn.close()
        process.close()


def _worker(conn: Connection, parent: int, storage: Any, to_document: ToDocument,
            shared: Sequence[Article] | None = None) -> None:
    """Write the chunks the parent sends ((number, articles), or (number, (start, end))
    of `shared`; None to stop); send back progress, each segment, or the exception that
    stopped it. Never returns to multiprocessing with an exception: it would print a
    traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    _die_with(parent)
    keep_freed_memory()
    try:
        while (message := conn.recv()) is not None:
            chunk, articles = message
            if shared is not None:
                articles = shared[articles[0]:articles[1]]

            def report(analysed: int, written: int, postings: int, chunk: int = chunk) -> None:
                if os.getppid() != parent:
                    os._exit(1)  # the parent is gone: no one will publish this
                conn.send(("progress", chunk, analysed, written, postings))
            segment = _write_segment(storage, articles, to_document, report)
            del articles, message  # the chunk's memory is not needed while waiting
            conn.send(("segment", chunk, segment))
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
        with contextlib.suppress(BaseException):
            conn.send(("error", _picklable(error)))
        os._exit(1)
    conn.close()
    os._exit(0)  # no atexit handlers of the parent's (they are the parent's business)


def _picklable(error: BaseException) -> BaseException:
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(error).__name__}: {error}")


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when its parent dies (Linux), and check it has not
    died already."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)
