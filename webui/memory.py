"""Give the memory a request freed back to the system once a worker's heap has grown.

A search over millions of items works on whole arrays: masks and score vectors of
10-80 MB, posting lists joined over segments. numpy frees them when the request
ends, but glibc's malloc keeps freed memory in its arenas (one per thread that
allocated, up to eight per core) for the next allocation, and returns it only
from the top of an arena. A threaded worker that has answered a few heavy
requests therefore holds their peak for good: at 1M items a worker's anonymous
memory went from 423 to 741 MiB over nine heavy requests while the live Python
and numpy objects grew by 27 MB; `malloc_trim(0)` took it back to 428 MiB.
At 10M items two workers and a long-answer worker grew from 2.1 to 7.6 GB so.

`malloc_trim` walks every arena (about 5 ms with nothing to give back, 60 ms for
300 MB), too slow for every request. So after each request the worker reads
its anonymous memory (`/proc/self/statm`, a few microseconds) and trims only
when it has grown by `GROWTH` since the last trim; the request's client already
has its answer by then. Where there is no glibc or no /proc (macOS, musl), this
does nothing.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable

GROWTH = 64 * 1024 * 1024  # bytes of anonymous memory grown since the last trim
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        # The process's own symbols, libc's among them (find_library would run ldconfig).
        trim = ctypes.CDLL(None).malloc_trim  # glibc only
    except (OSError, AttributeError, TypeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


def anonymous_bytes() -> int | None:
    """This process's resident memory that is not a mapped file (the heap, in effect):
    resident minus shared pages, from /proc/self/statm; None where there is no /proc."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            fields = statm.read().split()
        return (int(fields[1]) - int(fields[2])) * PAGE
    except (OSError, IndexError, ValueError):
        return None


class Releaser:
    """Trim the C heap when this process's anonymous memory has grown by `growth` bytes
    since the last trim (thread-safe; one thread trims at a time, the others go on)."""

    def __init__(self, growth: int = GROWTH,
                 trim: Callable[[int], int] | None = None,
                 measure: Callable[[], int | None] = anonymous_bytes) -> None:
        self.growth = growth
        self.trims = 0
        self._trim = trim if trim is not None else _malloc_trim()
        self._measure = measure
        self._lock = threading.Lock()
        self._baseline = measure() if self._trim is not None else None

    @property
    def available(self) -> bool:
        return self._trim is not None and self._baseline is not None

    def after_request(self) -> bool:
        """Called once a request is answered; True if it trimmed."""
        if self._trim is None or self._baseline is None:
            return False
        now = self._measure()
        if now is None or now < self._baseline + self.growth:
            if now is not None and now < self._baseline:
                self._baseline = now  # freed by itself (mmapped arrays): measure from here
            return False
        if not self._lock.acquire(blocking=False):
            return False  # another thread is trimming now
        try:
            self._trim(0)
            self.trims += 1
            after = self._measure()
            self._baseline = after if after is not None else now
        finally:
            self._lock.release()
        return True
