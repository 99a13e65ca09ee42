"""Find the inputs named by the sources: files, folders, compressed files and zip archives.

`iter_sources(paths, report, known, describe)` yields one `Source` per input
a reader can take, in a stable order (folders are walked in sorted order),
and reports a `Problem` for everything else, saying what it is:

- a folder is walked (its hidden entries, `.git` and the like, are skipped);
  a folder that cannot be listed, a symbolic link that is broken, loops or
  leads back to a folder above it, a named pipe (FIFO), a socket or a device
  each get a message and are passed over; nothing is opened that could block;
- `.gz`, `.bz2` and `.xz` files are read as their contents, whose format is
  the name without that suffix (`items.jsonl.gz` is JSON Lines);
- a `.zip` archive is read member by member, each by its own extension
  (compressed members and zips inside zips too), named `archive.zip!/member`.

A `Source` hands a reader its contents in the form the reader wants: the raw
(decompressed) binary stream, `binary()`, or numbered text lines, `lines()`
(see `decoding.TextLines`). Either is opened on first use and closed by
`close()`; the contents are streamed, never read whole.
"""

from __future__ import annotations

import bz2
import errno
import gzip
import io
import lzma
import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO, cast

from corpus.decoding import TextLines
from corpus.model import Problem

# Each opens a decompressing stream over a raw one (closed by `_Layers`).
COMPRESSED: dict[str, Callable[[BinaryIO], BinaryIO]] = {
    ".gz": lambda raw: cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb")),
    ".bz2": lambda raw: cast(BinaryIO, bz2.BZ2File(raw, mode="rb")),
    ".xz": lambda raw: cast(BinaryIO, lzma.LZMAFile(raw, mode="rb")),  # noqa: SIM115
}
Report = Callable[[Problem], None]
ARCHIVE = ".zip"
MAX_ZIP_DEPTH = 3  # zips inside zips; deeper nesting is not an archive of news items
# What a damaged archive or compressed stream raises while it is read.
DAMAGED = (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, zlib.error,
           NotImplementedError)  # NotImplementedError: a zip compression method Python lacks


class Source:
    """One input for a reader: a file, a decompressed file or a zip member.

    `name` is how problems name it (`data/a.jsonl`, `data/b.zip!/2023/c.txt`);
    `label` is the input's own file name, for `Article.source` (`c.txt`);
    `extension` picks the reader (`.txt`, with any compression suffix removed).
    """

    def __init__(self, name: str, label: str, extension: str,
                 opener: Callable[[], BinaryIO]) -> None:
        self.name = name
        self.label = label
        self.extension = extension
        self._opener = opener
        self._stream: BinaryIO | None = None
        self._lines: TextLines | None = None

    @classmethod
    def from_bytes(cls, data: bytes, name: str) -> Source:
        """A source over bytes in memory (tests, tools); its format comes from `name`."""
        path = PurePosixPath(name)
        return cls(name, path.name, path.suffix.lower(), lambda: io.BytesIO(data))

    @classmethod
    def from_text(cls, text: str, name: str) -> Source:
        """A source over text in memory, as UTF-8 (tests, tools)."""
        return cls.from_bytes(text.encode("utf-8"), name)

    def binary(self) -> BinaryIO:
        """The contents as a binary stream (decompressed), for readers of binary formats."""
        if self._stream is None:
            self._stream = self._opener()
        return self._stream

    def lines(self) -> TextLines:
        """The contents as numbered text lines (decoded), for readers of text formats."""
        if self._lines is None:
            self._lines = TextLines(self.binary(), self.name)
        return self._lines

    @property
    def line(self) -> int:
        """The number of the last text line read (0 before any, or for a binary reader)."""
        return self._lines.line if self._lines is not None else 0

    @property
    def problems(self) -> list[Problem]:
        """What decoding the text met (empty for a binary reader)."""
        return self._lines.problems if self._lines is not None else []

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


def format_of(name: str, known: Collection[str] = ()) -> tuple[str, list[str]]:
    """The reader's extension of a file name and the compression suffixes to undo, outermost
    first: 'a.jsonl.gz' -> ('.jsonl', ['.gz']). An extension of `known` that itself ends in
    a compression suffix is taken whole: 'a.warc.gz' -> ('.warc.gz', [])."""
    lower = name.lower()
    whole = [extension for extension in known if "." in extension[1:]]
    layers: list[str] = []
    while True:
        for extension in whole:
            if lower.endswith(extension):
                return extension, layers
        suffix = PurePosixPath(lower).suffix
        if suffix not in COMPRESSED:
            return suffix, layers
        layers.append(suffix)
        lower = lower[:-len(suffix)]


def _opener(open_raw: Callable[[], BinaryIO], layers: list[str]) -> Callable[[], BinaryIO]:
    def open_stream() -> BinaryIO:
        stream = open_raw()
        if not layers:
            return stream
        streams = [stream]
        for suffix in layers:
            streams.append(COMPRESSED[suffix](streams[-1]))
        return _Layers(streams)  # type: ignore[dict-item,return-value]
    return open_stream


class _Layers(io.RawIOBase):
    """A decompressing stream that closes the streams beneath it too (GzipFile, BZ2File
    and LZMAFile leave a file object they were given open)."""

    def __init__(self, streams: list[BinaryIO]) -> None:
        self._streams = streams

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._streams[-1].read(size)

    def read1(self, size: int = -1) -> bytes:
        return self._streams[-1].read1(size)  # type: ignore[attr-defined]

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._streams[-1].read1(len(buffer))  # type: ignore[attr-defined]
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            for stream in reversed(self._streams):
                stream.close()
        super().close()


def iter_sources(paths: Iterable[Path], report: Report,
                 known: Collection[str], describe: str) -> Iterator[Source]:
    """The inputs named by `paths` whose extension is in `known` (see the module docstring);
    `describe` names the known formats in messages ('.txt, .jsonl, .csv')."""
    seen_folders: set[tuple[int, int]] = set()
    for path in paths:
        kind = _kind_of(path)
        if kind == "folder":
            yield from _walk(path, report, known, describe, seen_folders)
        elif kind == "file":
            extension, _ = format_of(path.name, known)
            if extension in known or extension == ARCHIVE:
                yield from _file_sources(path, report, known, describe)
            else:
                report(Problem(str(path), None, f"unknown format: name the file {describe} "
                                        "(also .gz, .bz2 or .xz of them, or inside a .zip)"))
        else:
            report(Problem(str(path), None, kind))


def _kind_of(path: Path) -> str:
    """'file', 'folder', or a sentence saying why `path` is neither."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.lexists(path):
            return f"a broken symbolic link (to {os.readlink(path)}, which does not exist)"
        return "no such file or folder"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link loop (the link leads back to itself); not read"
        return f"cannot read it: {error.strerror or error}"
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISFIFO(mode):
        return ("a named pipe (FIFO), not a file: not read, since reading it would wait "
                "for a writer; save what it carries to a file and index that")
    if stat.S_ISSOCK(mode):
        return "a socket, not a file; not read"
    return "a device, not a file; not read"


def _walk(folder: Path, report: Report, known: Collection[str], describe: str,
          seen: set[tuple[int, int]]) -> Iterator[Source]:
    """Walk `folder` depth first in sorted order, without recursion (a deep tree is fine)."""
    info = os.stat(folder)
    seen.add((info.st_dev, info.st_ino))
    # Each entry: a folder to list, with the (device, inode) of the folders above it.
    stack: list[tuple[Path, frozenset[tuple[int, int]]]] = [
        (folder, frozenset({(info.st_dev, info.st_ino)}))]
    while stack:
        current, above = stack.pop()
        try:
            with os.scandir(current) as scan:
                entries = sorted((entry for entry in scan if not entry.name.startswith(".")),
                                 key=lambda entry: entry.name)
        except OSError as error:
            reason = error.strerror or str(error)
            report(Problem(str(current), None, f"cannot read this folder ({reason}); "
                                    "the files in it were not read"))
            continue
        folders = []
        for entry in entries:
            path = Path(entry.path)
            kind = _kind_of(path)
            if kind == "folder":
                target = os.stat(path)
                key = (target.st_dev, target.st_ino)
                if key in above:
                    report(Problem(str(path), None, "a symbolic link to a folder that "
                                            "contains it (a loop); not followed",
                                            fatal_in_strict=False))
                elif key in seen:
                    report(Problem(str(path), None, "a link to a folder already read; "
                                            "not read twice", fatal_in_strict=False))
                else:
                    seen.add(key)
                    folders.append((path, above | {key}))
            elif kind == "file":
                extension, _ = format_of(entry.name, known)
                if extension in known or extension == ARCHIVE:
                    yield from _file_sources(path, report, known, describe)
                else:
                    report(Problem(str(path), None, f"not one of {describe}; passed over",
                                            fatal_in_strict=False))
            else:
                report(Problem(str(path), None, kind + "; passed over",
                                        fatal_in_strict=False))
        stack.extend(reversed(folders))  # popped in sorted order


def _file_sources(path: Path, report: Report, known: Collection[str],
                  describe: str) -> Iterator[Source]:
    extension, layers = format_of(path.name, known)
    opener = _opener(lambda: open(path, "rb"), layers)  # noqa: SIM115 - the Source closes it
    if extension != ARCHIVE:
        yield Source(str(path), path.name, extension, opener)
        return
    yield from _zip_sources(str(path), opener, report, known, describe, depth=1,
                            spool=bool(layers))


def _zip_sources(name: str, opener: Callable[[], BinaryIO], report: Report,
                 known: Collection[str], describe: str, depth: int,
                 spool: bool = False) -> Iterator[Source]:
    if depth > MAX_ZIP_DEPTH:
        report(Problem(name, None, f"a zip nested more than {MAX_ZIP_DEPTH} deep; "
                                "not read"))
        return
    stream = None
    try:
        stream = opener()
        if spool:  # a compressed zip (.zip.gz): zipfile must seek, so copy it aside
            spooled = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the archive
            with stream:
                shutil.copyfileobj(stream, spooled, 1 << 20)
            spooled.seek(0)
            stream = spooled  # type: ignore[assignment]
        archive = zipfile.ZipFile(stream)
    except DAMAGED as error:
        if stream is not None:
            stream.close()
        report(Problem(name, None, f"not a readable zip archive ({error}); not read"))
        return
    with stream, archive:
        members = sorted(archive.infolist(), key=lambda info: info.filename)
        for info in members:
            parts = PurePosixPath(info.filename).parts
            if info.is_dir() or any(part.startswith(".") or part == "__MACOSX" for part in parts):
                continue
            member = f"{name}!/{info.filename}"
            extension, layers = format_of(info.filename, known)
            if info.flag_bits & 0x1:
                report(Problem(member, None, "encrypted in the zip archive; not read"))
                continue

            def open_member(info: zipfile.ZipInfo = info) -> BinaryIO:
                return archive.open(info)  # type: ignore[dict-item,return-value]
            member_opener = _opener(open_member, layers)
            if extension == ARCHIVE:
                yield from _zip_sources(member, member_opener, report, known, describe,
                                        depth + 1, spool=bool(layers))
            elif extension in known:
                yield Source(member, PurePosixPath(info.filename).name, extension,
                             member_opener)
            else:
                report(Problem(member, None, f"not one of {describe}; passed over",
                                        fatal_in_strict=False))
