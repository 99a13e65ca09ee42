"""How a build asks for memory: without transparent huge pages, and (its workers)
keeping what glibc frees.

numpy asks the kernel for transparent huge pages for every array of 4 MB or more
(madvise). Where the kernel then compacts memory to find each 2 MB page on the
first touch (the `defrag` setting `madvise`, Debian's and most distributions'
default), a new array costs more than the 512 page faults a huge page saves. A
build makes arrays of millions anew in every step, each touched a few times: a
100k build's segment spent 1.4-2.0 s of CPU on its postings and term lists with
huge pages and 1.0 s without, and the whole build took 0.3-1.7 s less in
alternating runs (`benchmarks/README.md`). The whole build goes without them:
with its workers alone, the memory they freed in small pages left the kernel
compacting for the huge pages of the assembly after, which then took twice as
long. `build_index` turns them off for the build (`build.indexer`; its workers are
forked inside) and gives the process its setting back after. A server keeps
numpy's default: its pages were no faster without them (1M items), since they
reuse the memory they have touched.

A worker also keeps the memory glibc frees (`keep_freed_memory`), for zlib's
blocks and for the arrays of a few MB that each step makes.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
from collections.abc import Callable, Iterator

import numpy as np


def _setter() -> Callable[[bool], bool] | None:
    """numpy's switch (it returns the setting it replaced), where this numpy has one."""
    core = getattr(np, "_core", None) or getattr(np, "core", None)
    return getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)


def huge_pages(enabled: bool) -> bool | None:
    """Turn numpy's request for huge pages on or off; the setting before (None when this
    numpy has no switch)."""
    setter = _setter()
    return bool(setter(enabled)) if setter is not None else None


@contextlib.contextmanager
def without_huge_pages() -> Iterator[None]:
    """numpy's arrays made without huge pages inside the block (and in the processes it
    forks); the setting before, after."""
    before = huge_pages(False)
    try:
        yield
    finally:
        if before is not None:
            huge_pages(before)


def keep_freed_memory() -> None:
    """glibc returns freed memory at the top of the heap to the system past 128 KB, and
    each zlib call allocates about 256 KB: raising the threshold (in a build's worker
    only) saves a pair of system calls and the page faults per compressed block. Setting
    it stops glibc raising its mmap threshold as big blocks are freed, so that is set
    too: else every array of more than 128 KB (a segment's numpy work is arrays of
    millions) is a fresh mapping, faulted in page by page and unmapped when freed (five
    times the page faults in writing a segment's postings and term lists)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-1, 64 << 20)  # M_TRIM_THRESHOLD
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD (its most, on 64-bit)
