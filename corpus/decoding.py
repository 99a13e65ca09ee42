"""Turn the bytes of an input into numbered lines of text, streamed, or say plainly why not.

`TextLines(stream, name)` reads a binary stream (a file, or the decompressed
contents of a `.gz` or a zip member) and yields `(line number, line)` pairs,
the line with its ending (`\\n`, `\\r\\n` or a lone `\\r`), one at a time: a
file of any size is read in bounded memory. Lines are split on those endings
only, never on the other characters `str.splitlines` treats as breaks
(U+2028, U+2029, U+0085, form feeds), which are valid inside a JSON string.

UTF-8 is expected. A byte-order mark selects UTF-8 or UTF-16. UTF-16 without a
mark is recognised by its pattern of NUL bytes (every other byte, as Windows
tools write it) and read with a note. A file whose first 64 KB are mostly
control bytes is binary and refused. A line that is not valid UTF-8 is read as
Windows-1252 (a superset of Latin-1, what spreadsheets and old editors save)
and one problem says how many lines were: the items are kept, the user knows
to check the accents, and a `--strict` build refuses the file. NUL bytes in a
text file (a damaged file, a bad export) are removed and reported the same
way, so none ends up in a title. A line longer than MAX_LINE_BYTES (a file
with no line breaks at all) is skipped and reported rather than held in memory.
An empty file (or one of blank lines only) is refused: it holds no items.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable, Iterator
from typing import BinaryIO, cast

from corpus.model import Problem

SNIFF_BYTES = 64 * 1024
MAX_LINE_BYTES = 16 * 1024 * 1024
MAX_CONTROL_SHARE = 0.05  # of the sniffed bytes; real text has next to none
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1a")  # \x1a: the DOS end-of-file mark
_CONTROL_BYTES = frozenset(range(32)) - _TEXT_CONTROLS | {0x7f}
_LONE_CR = re.compile(r"(?<=\r)(?!\n)")
BINARY = ("binary file ({why}), not text: give a .txt listing, .jsonl or .csv file "
          "saved as UTF-8")


MARKED = {
    "latin": ("not valid UTF-8{many}; read those lines as Windows-1252 (Latin-1): check "
              "accented letters, or save the file as UTF-8"),
    "nul": ("NUL bytes in the text{many}, removed: the file may be damaged (a crash while "
            "writing, a bad export); check those records"),
}


class UnreadableFile(Exception):
    """The input cannot be read as text at all; the message says why and what to do."""


class TextLines:
    """The numbered text lines of a binary stream; `problems` holds what decoding met
    (complete once the lines have been read to the end)."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.line = 0  # the number of the last line handed out
        self._stream = stream
        self._marks: dict[str, tuple[int, int]] = {}  # kind -> (lines, the first of them)

    def __iter__(self) -> Iterator[tuple[int, str]]:
        head, error = _read_head(self._stream)
        if error is not None and not head:
            raise error
        encoding = self._choose_encoding(head)
        buffered = io.BufferedReader(_Prefixed(head, self._stream, error),
                                     buffer_size=1 << 20)
        if encoding.startswith("utf-16"):
            lines = self._utf16_lines(buffered, encoding)
        else:
            lines = self._utf8_lines(buffered, skip_bom=encoding == "utf-8-sig")
        try:
            for number, text in lines:
                self.line = number
                yield number, text
        finally:
            self._finish()

    def _choose_encoding(self, head: bytes) -> str:
        if not head:
            raise UnreadableFile("the file is empty")
        if not head.removeprefix(codecs.BOM_UTF8).strip() and len(head) < SNIFF_BYTES:
            raise UnreadableFile("the file holds only blank lines, no items")
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if b"\x00" in head:
            encoding = _utf16_without_mark(head)
            if encoding is not None:
                order = "little" if encoding.endswith("le") else "big"
                self.problems.append(Problem(self.name, None, f"read as UTF-16 ({order}-endian, "
                                             "no byte-order mark); saving it as UTF-8 avoids "
                                             "the guess", fatal_in_strict=False))
                return encoding
        controls = sum(1 for byte in head if byte in _CONTROL_BYTES)
        if controls > MAX_CONTROL_SHARE * len(head):
            why = ("it contains NUL bytes" if head.count(0) > MAX_CONTROL_SHARE * len(head)
                   else f"{controls:,} of its first {len(head):,} bytes are control codes")
            raise UnreadableFile(BINARY.format(why=why))
        return "utf-8"

    def _utf8_lines(self, buffered: io.BufferedIOBase,
                    skip_bom: bool) -> Iterator[tuple[int, str]]:
        number = 0
        while True:
            raw = buffered.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                number += 1
                self._too_long(number, len(raw) + _skip_line(buffered))
                yield number, "\n"
                continue
            if skip_bom:
                raw = raw.removeprefix(codecs.BOM_UTF8)
                skip_bom = False
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="replace")
                self._mark("latin", number + 1)
            if "\r" in text and _LONE_CR.search(text):
                pieces = [piece for piece in _LONE_CR.split(text) if piece]
            else:
                pieces = [text]
            for piece in pieces:
                number += 1
                yield number, self._without_nul(number, piece)

    def _utf16_lines(self, buffered: io.BufferedIOBase,
                     encoding: str) -> Iterator[tuple[int, str]]:
        raw = cast(BinaryIO, buffered)  # a BufferedIOBase is all TextIOWrapper needs
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        number = 0
        limit = MAX_LINE_BYTES // 2
        try:
            while line := text.readline(limit + 1):
                number += 1
                if len(line) > limit and not line.endswith(("\n", "\r")):
                    skipped = len(line)
                    while (more := text.readline(limit)) and not more.endswith(("\n", "\r")):
                        skipped += len(more)
                    self._too_long(number, 2 * (skipped + len(more)))
                    yield number, "\n"
                    continue
                yield number, self._without_nul(number, line)
        except UnicodeDecodeError:
            self.problems.append(Problem(self.name, number + 1, "not valid UTF-16 from this line "
                                         "on; the rest of the file was not read: save it again "
                                         "as UTF-8", lost_item=True))

    def _without_nul(self, number: int, line: str) -> str:
        if "\x00" not in line:
            return line
        self._mark("nul", number)
        return line.replace("\x00", "")

    def _too_long(self, number: int, size: int) -> None:
        self.problems.append(Problem(self.name, number, f"line is {size / 2**20:,.1f} MiB long, "
                                     f"over the {MAX_LINE_BYTES // 2**20} MiB limit for one line "
                                     "(a file without line breaks?); line skipped",
                                     lost_item=True))

    def _mark(self, kind: str, number: int) -> None:
        count, first = self._marks.get(kind, (0, number))
        self._marks[kind] = (count + 1, first)

    def _finish(self) -> None:
        """One problem per kind of line marked, naming the first and counting the rest."""
        for kind, (count, first) in self._marks.items():
            many = f" ({count:,} lines, the first here)" if count > 1 else ""
            self.problems.append(Problem(self.name, first, MARKED[kind].format(many=many)))
        self._marks.clear()


def _read_head(stream: BinaryIO) -> tuple[bytes, Exception | None]:
    """The first SNIFF_BYTES, and the error that cut them short, if any (a damaged or
    cut-off compressed file): the lines before it are still read."""
    chunks = []
    size = 0
    read = _partial_reader(stream)
    try:
        while size < SNIFF_BYTES:
            chunk = read(SNIFF_BYTES - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except Exception as error:  # noqa: BLE001 - raised again once the head is read
        return b"".join(chunks), error
    return b"".join(chunks), None


def _skip_line(buffered: io.BufferedIOBase) -> int:
    """Read past the rest of an over-long line; return how many bytes it had."""
    skipped = 0
    while chunk := buffered.readline(1 << 20):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


class _Prefixed(io.RawIOBase):
    """The sniffed head, then the rest of the stream, as one raw stream."""

    def __init__(self, head: bytes, rest: BinaryIO, error: Exception | None = None) -> None:
        self._head = memoryview(head)
        self._rest = rest
        self._error = error  # raised when the head is used up
        self._read = _partial_reader(rest)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head.nbytes:
            count = min(len(buffer), self._head.nbytes)
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        if self._error is not None:
            raise self._error
        data = self._read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _partial_reader(stream: BinaryIO) -> Callable[[int], bytes]:
    """`read1` where the stream has it: a decompressing stream that fails at a cut-off end
    then loses only its last piece, not a whole buffer of good lines before it."""
    return getattr(stream, "read1", stream.read)


def _utf16_without_mark(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the NULs fall on one side of each pair, as in
    UTF-16 text of mostly Latin letters; None otherwise."""
    sample = data[:SNIFF_BYTES - SNIFF_BYTES % 2]
    if len(sample) < 2:
        return None
    pairs = len(sample) // 2
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls > 0.6 * pairs and even_nuls < 0.05 * pairs:
        return "utf-16-le"
    if even_nuls > 0.6 * pairs and odd_nuls < 0.05 * pairs:
        return "utf-16-be"
    return None
