"""A worker gives freed heap back to the system once it has grown (webui/memory.py)."""

from __future__ import annotations

import threading

import pytest

from webui import memory
from webui.memory import Releaser

MB = 1024 * 1024


class Heap:
    """A pretend process: its anonymous memory, and a trim that gives some back."""

    def __init__(self, size: int, kept: int) -> None:
        self.size = size
        self.kept = kept  # what a trim leaves
        self.trimmed = 0

    def measure(self) -> int:
        return self.size

    def trim(self, pad: int) -> int:
        assert pad == 0
        self.trimmed += 1
        self.size = self.kept
        return 1


def test_trims_only_once_grown_by_the_step() -> None:
    heap = Heap(100 * MB, kept=100 * MB)
    releaser = Releaser(growth=64 * MB, trim=heap.trim, measure=heap.measure)
    heap.size = 150 * MB
    assert not releaser.after_request()
    assert heap.trimmed == 0
    heap.size = 170 * MB
    heap.kept = 110 * MB
    assert releaser.after_request()
    assert heap.trimmed == 1 and releaser.trims == 1
    # Measured from what the trim left: 110 MB, so 160 MB does not trim again ...
    heap.size = 160 * MB
    assert not releaser.after_request()
    # ... and 175 MB does.
    heap.size = 175 * MB
    assert releaser.after_request()
    assert heap.trimmed == 2


def test_memory_that_went_by_itself_lowers_the_baseline() -> None:
    heap = Heap(300 * MB, kept=0)
    releaser = Releaser(growth=64 * MB, trim=heap.trim, measure=heap.measure)
    heap.size = 200 * MB  # large arrays are mapped, and unmapped when freed
    assert not releaser.after_request()
    heap.size = 270 * MB  # 70 MB over the new baseline, though under the first one
    assert releaser.after_request()


def test_one_thread_trims_at_a_time() -> None:
    entered, leave = threading.Event(), threading.Event()
    heap = Heap(0, kept=0)

    def slow_trim(pad: int) -> int:
        entered.set()
        leave.wait(5)
        return heap.trim(pad)

    releaser = Releaser(growth=MB, trim=slow_trim, measure=heap.measure)
    heap.size = 10 * MB
    first = threading.Thread(target=releaser.after_request)
    first.start()
    assert entered.wait(5)
    assert not releaser.after_request()  # the other thread is trimming: go on
    leave.set()
    first.join(5)
    assert heap.trimmed == 1


def test_without_a_measure_nothing_is_trimmed() -> None:
    calls = []
    releaser = Releaser(trim=lambda pad: calls.append(pad) or 0, measure=lambda: None)
    assert not releaser.available
    assert not releaser.after_request()
    assert calls == []


@pytest.mark.skipif(memory.anonymous_bytes() is None or memory._malloc_trim() is None,
                    reason="needs glibc and Linux's /proc")
def test_a_real_trim_gives_back_the_freed_holes_of_the_heap() -> None:
    # 1,200 blocks of 96 KiB (under malloc's mmap threshold: they come from the heap),
    # every 40th kept, so the freed ones are holes the heap's top cannot give back.
    blocks = [bytearray(96 * 1024) for _ in range(1200)]
    for block in blocks:
        block[::4096] = b"x" * len(block[::4096])  # touched: resident
    kept = blocks[::40]
    del blocks
    before = memory.anonymous_bytes()
    releaser = Releaser(growth=0)
    releaser._baseline = 0  # grown past any baseline: trim now
    assert releaser.after_request()
    after = memory.anonymous_bytes()
    assert before is not None and after is not None
    assert before - after > 50 * MB, (before, after)
    assert len(kept) == 30
