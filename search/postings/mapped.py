"""Files of named arrays, written once and then mapped: the posting arrays, the term lists.

Layout: a 4-byte magic, the header's length (8 bytes, little-endian), the header
(a pickled dict, with `layout`: name -> (offset, count, dtype)), then each array
aligned to 8 bytes. Written to a temporary name, synced, and renamed into place,
so a reader sees the whole file or none. Reading maps the file and takes numpy
views of it: nothing is copied into the heap, and processes share the pages.
"""

from __future__ import annotations

import mmap
import os
import pickle
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np

from search.cache import LRUCache

ALIGN = 8


def write(path: Path, magic: bytes, header: dict[str, Any],
          arrays: Iterable[tuple[str, np.ndarray | Sequence[np.ndarray]]]) -> None:
    """Write `arrays` (name, values) and `header` to `path`, atomically. The values of
    one array may come in pieces (a list of arrays of one type), written one after
    another: a large array need not be joined in memory first, nor copied to be written."""
    parts = [(name, [values] if isinstance(values, np.ndarray) else list(values))
             for name, values in arrays]
    layout: dict[str, tuple[int, int, str]] = {}
    offset = 0
    for name, pieces in parts:
        kinds = {piece.dtype.str for piece in pieces}
        if len(kinds) > 1:
            raise ValueError(f"the pieces of array {name!r} differ in type: {sorted(kinds)}")
        kind = kinds.pop() if kinds else np.dtype(np.int64).str
        nbytes = sum(piece.nbytes for piece in pieces)
        layout[name] = (offset, sum(len(piece) for piece in pieces), kind)
        offset += -(-nbytes // ALIGN) * ALIGN
    head = pickle.dumps({**header, "layout": layout}, protocol=pickle.HIGHEST_PROTOCOL)
    start = -(-(len(magic) + 8 + len(head)) // ALIGN) * ALIGN
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as out:
        out.write(magic + struct.pack("<Q", len(head)) + head)
        out.write(bytes(start - out.tell()))
        for _, pieces in parts:
            nbytes = 0
            for piece in pieces:
                out.write(np.ascontiguousarray(piece).data.cast("B"))  # no copy
                nbytes += piece.nbytes
            out.write(bytes(-nbytes % ALIGN))
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


@dataclass(frozen=True)
class Mapped:
    """A mapped file: its header, a view of each array, and where the arrays start."""

    header: dict[str, Any]
    views: dict[str, np.ndarray]
    buffer: mmap.mmap
    start: int

    def array(self, name: str) -> np.ndarray:
        return self.views[name]

    def raw(self, name: str) -> memoryview:
        """The bytes from the start of array `name` to the end of the file."""
        return memoryview(self.buffer)[self.start + self.header["layout"][name][0]:]


def read(path: Path, magic: bytes) -> Mapped | None:
    """The file at `path` mapped, or None when it cannot be read or is not one of ours."""
    try:
        with open(path, "rb") as source:
            buffer = mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        if buffer[:len(magic)] != magic:
            return None
        (size,) = struct.unpack_from("<Q", buffer, len(magic))
        begin = len(magic) + 8
        header = pickle.loads(buffer[begin:begin + size])
        start = -(-(begin + size) // ALIGN) * ALIGN
        views = {name: np.frombuffer(buffer, dtype=np.dtype(kind), count=count,
                                     offset=start + offset)
                 for name, (offset, count, kind) in header["layout"].items()}
        return Mapped(header, views, buffer, start)
    except Exception:  # noqa: BLE001 - a damaged file is no file, not a crash
        return None


T = TypeVar("T")


class OpenFiles(Generic[T]):
    """Files mapped once and shared (by path, inode and modification time, so a file
    replaced is mapped again), at most `size` kept: `load(path)` makes what `make(path)`
    gives from a file, None for a file missing or not readable as one."""

    def __init__(self, make: Callable[[Path], T | None], size: int) -> None:
        self._make = make
        self._open: LRUCache[T] = LRUCache(size)

    def load(self, path: Path) -> T | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return self._open.get_or_make((str(path), stat.st_ino, stat.st_mtime_ns),
                                      lambda: self._make(path))

    def forget(self, folder: Path) -> None:
        """Stop keeping the files of `folder` (they are unmapped once unused)."""
        prefix = str(folder) + "/"
        self._open.discard_where(lambda key: str(key[0]).startswith(prefix))  # type: ignore[index]
