"""How a build asks for memory: without transparent huge pages.

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
"""

from __future__ import annotations

import contextlib
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
