"""Long answers at a lower priority, so that they cannot slow the quick ones down.

An export streams every matching item; keyword in context, comparisons, top terms
and co-occurrence read whole result sets. Within their budgets they may take
seconds of CPU, and on a machine with two cores four of them at once would leave
a plain search waiting its turn. `Priority` (WSGI middleware) answers the
requests for those pages in a few threads of their own, whose scheduling
priority is lowered once (`os.setpriority` on the thread, Linux's "nice"): the
operating system then gives the CPU to the threads answering searches first,
in this worker process and in the others. The thread that the server gave the
request only waits (for the answer, then for each piece of a streamed one),
holding no lock, so it takes no CPU from anyone.

Threads of one process still share its interpreter lock, so under `serve` with
gunicorn the long pages go further: to processes of their own, at the same
lower priority (`longwork.py`), and this middleware only relays their answer.
These threads answer a long page where those processes cannot be reached.

Elsewhere than Linux a thread's priority cannot be set apart from its
process's, and the middleware passes every request straight through.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from webui.accesslog import close_body
from webui.longwork import NICE, Target, forward

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

THREADS = 2            # long answers at once, per worker process; others wait their turn
BUSY = "news_search.long_answers_busy"  # environ: the long answers this worker makes at once
CHUNKS_AHEAD = 8       # pieces of a streamed answer made before the client reads them
# The pages whose answers may take seconds (their JSON and CSV twins included).
LONG_PATHS = ("/export.", "/kwic", "/api/kwic", "/compare", "/api/compare", "/terms",
              "/api/terms", "/cooccurrence", "/api/cooccurrence", "/collection.",
              "/chart.png")


def supported() -> bool:
    """Whether one thread's priority can be lowered alone (Linux)."""
    return sys.platform.startswith("linux") and hasattr(os, "setpriority")


def is_long(path: str) -> bool:
    return path.startswith(LONG_PATHS)


def _lower() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
    except OSError:
        pass  # a container may forbid it: the answers are still right, only less fair


class Priority:
    """WSGI middleware: the long pages answered in low-priority threads (see above)."""

    def __init__(self, app: WSGIApp, threads: int = THREADS,
                 elsewhere: Target | None = None) -> None:
        self.app = app
        self.threads = threads
        self.elsewhere = elsewhere  # the long-answer workers, when serve started them
        self._slots = threading.BoundedSemaphore(elsewhere.at_once if elsewhere else 1)
        self._pool: ThreadPoolExecutor | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def pool(self) -> ThreadPoolExecutor:
        """The low-priority threads of this process (made again in a forked worker)."""
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = ThreadPoolExecutor(self.threads, "news-search-long", _lower)
                self._pid = os.getpid()
            return self._pool

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        if not supported() or not is_long(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        if self.elsewhere is None:
            return self._in_thread(environ, start_response)
        # A worker relays only so many long answers at once: its other threads are kept
        # for searches, however many long requests arrive (the app answers 503).
        if not self._slots.acquire(blocking=False):
            environ[BUSY] = self.elsewhere.at_once
            return self.app(environ, start_response)
        try:
            answer = (forward(self.elsewhere, environ, start_response)
                      or self._in_thread(environ, start_response))
        except BaseException:
            self._slots.release()
            raise
        return _Releasing(answer, self._slots.release)

    def _in_thread(self, environ: dict[str, Any], start_response: Callable[..., Any]
                   ) -> Iterable[bytes]:
        relayed = _Relayed()
        # One low-priority thread answers the request whole: the app's searchers are
        # the thread's own, so the body must be made in the thread that began it.
        self.pool().submit(relayed.make, self.app, environ, start_response)
        relayed.wait_begun()
        return relayed


class _Releasing:
    """An answer's body that gives its slot back once the server closes it."""

    def __init__(self, body: Iterable[bytes], release: Callable[[], None]) -> None:
        self.body, self._release = body, release
        self._released = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close_body(self.body)
        finally:
            if not self._released:
                self._released = True
                self._release()


class _Relayed:
    """A response made in a low-priority thread and handed over piece by piece."""

    def __init__(self) -> None:
        self._pieces: queue.Queue[tuple[bytes | None, BaseException | None]] = \
            queue.Queue(CHUNKS_AHEAD)
        self._stop = threading.Event()
        self._begun = threading.Event()
        self._failed: BaseException | None = None

    def make(self, app: WSGIApp, environ: dict[str, Any],
             start_response: Callable[..., Any]) -> None:
        """Run in the low-priority thread: the app, then its body, piece by piece."""
        try:
            body = app(environ, start_response)
        except BaseException as error:  # noqa: BLE001 - raised again in the server's thread
            self._failed = error
            self._begun.set()
            return
        self._begun.set()
        try:
            for piece in body:
                if not self._put((piece, None)):
                    return
            self._put((None, None))
        except BaseException as error:  # noqa: BLE001 - handed to the server's thread
            self._put((None, error))
        finally:
            close_body(body)

    def wait_begun(self) -> None:
        """Wait until the app has answered (status and headers); raise what it raised."""
        self._begun.wait()
        if self._failed is not None:
            raise self._failed

    def _put(self, item: tuple[bytes | None, BaseException | None]) -> bool:
        while not self._stop.is_set():
            try:
                self._pieces.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[bytes]:
        while True:
            piece, error = self._pieces.get()
            if error is not None:
                raise error
            if piece is None:
                return
            yield piece

    def close(self) -> None:
        """The client is gone (or the answer was read whole): stop making it."""
        self._stop.set()
