"""A generation's table of contents: its schema, its segments in order, their deletions.

The index of one generation directory is a list of segments, each a set of
files written once (`<id>.nsa` postings, `<id>.nsd` documents), named in
`index.toc` (a pickle of the schema, as Whoosh's own table of contents keeps
it, and of each segment's id and document count, in document order). An
update deletes documents of older segments without touching their files: it
writes the segment's deleted document numbers to a new `<id>.<n>.del` file
(sorted, as a mapped array) and names it in the new table of contents; the
old generation's files stay as they were, shared by hard links.
"""

from __future__ import annotations

import os
import pickle
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from search.postings import mapped

TOC = "index.toc"
FORMAT = 1
DELETIONS_MAGIC = b"NSX1"


class NotAnIndex(Exception):
    """The folder holds no table of contents this version can read."""


@dataclass(frozen=True, slots=True)
class SegmentEntry:
    """One segment as the table of contents names it."""

    id: str
    docs: int
    deletions: str | None = None  # the file of its deleted document numbers


@dataclass(frozen=True, slots=True)
class Contents:
    schema: Any
    segments: tuple[SegmentEntry, ...]
    generation: int = 1


def new_segment_id() -> str:
    return f"seg-{secrets.token_hex(8)}"


def write_contents(folder: Path, contents: Contents) -> None:
    """Write the table of contents atomically (a temporary file renamed into place)."""
    data = pickle.dumps({"format": FORMAT, "schema": contents.schema,
                         "generation": contents.generation,
                         "segments": [(s.id, s.docs, s.deletions) for s in contents.segments]},
                        protocol=pickle.HIGHEST_PROTOCOL)
    tmp = folder / f"{TOC}.tmp"
    with open(tmp, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, folder / TOC)


def read_contents(folder: Path) -> Contents:
    """The table of contents of the index in `folder` (NotAnIndex when there is none)."""
    try:
        data = (folder / TOC).read_bytes()
    except OSError:
        raise NotAnIndex(f"no index in {folder}") from None
    try:
        found = pickle.loads(data)
        if found.get("format") != FORMAT:
            raise NotAnIndex(f"{folder / TOC} is of another format")
        return Contents(found["schema"],
                        tuple(SegmentEntry(str(i), int(d), x) for i, d, x in found["segments"]),
                        int(found["generation"]))
    except NotAnIndex:
        raise
    except Exception as error:  # noqa: BLE001 - damaged or written by something else
        raise NotAnIndex(f"{folder / TOC} cannot be read ({type(error).__name__})") from None


def write_deletions(folder: Path, segment_id: str, deleted: np.ndarray) -> str:
    """Write a segment's deleted document numbers (a boolean mask) to a new file; return
    its name."""
    name = f"{segment_id}.{secrets.token_hex(4)}.del"
    mapped.write(folder / name, DELETIONS_MAGIC, {},
                 [("deleted", np.flatnonzero(deleted).astype("<u4"))])
    return name


def read_deletions(folder: Path, name: str, docs: int) -> np.ndarray:
    """A segment's deletions as a boolean mask over its documents."""
    found = mapped.read(folder / name, DELETIONS_MAGIC)
    if found is None:
        raise NotAnIndex(f"the deletions {name} cannot be read")
    mask = np.zeros(docs, bool)
    mask[found.views["deleted"]] = True
    return mask
