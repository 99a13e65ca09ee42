"""Turn the bytes of an input file into text, or say plainly why not.

UTF-8 is expected. A byte-order mark selects UTF-8 or UTF-16. UTF-16 without a
mark is recognised by its pattern of NUL bytes (every other byte, as Windows
tools write it) and read with a note. Any other file with NUL bytes, or whose
text is mostly control characters, is binary and refused. Text that is not
valid UTF-8 is read as Windows-1252 (a superset of Latin-1, what spreadsheets
and old editors save) and a problem says so: the items are kept, the user
knows to check the accents, and a `--strict` build refuses the file.
An empty file (or one of blank lines only) is refused: it holds no items.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from corpus.model import Problem

MAX_FILE_BYTES = 512 * 1024 * 1024
SNIFF_BYTES = 64 * 1024
MAX_CONTROL_SHARE = 0.05  # of the sniffed characters; real text has next to none
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1a")  # \x1a: the DOS end-of-file mark
BINARY = ("binary file ({why}), not text: give a .txt listing, .jsonl or .csv file "
          "saved as UTF-8")


class UnreadableFile(Exception):
    """The file cannot be read as text at all; the message says why and what to do."""


def read_text(path: Path) -> tuple[str, list[Problem]]:
    """The text of `path` and any problems met decoding it (raises UnreadableFile)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFile(f"file is {size // 2**20} MiB, over the "
                                 f"{MAX_FILE_BYTES // 2**20} MiB limit: split it")
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot read file: {error.strerror or error}") from None
    text, problems = _decode(data, path)
    _check_text(text)
    return text, problems


def _decode(data: bytes, path: Path) -> tuple[str, list[Problem]]:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8"), []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), []
    if b"\x00" in data[:SNIFF_BYTES]:
        encoding = _utf16_without_mark(data)
        if encoding is None:
            raise UnreadableFile(BINARY.format(why="it contains NUL bytes"))
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise UnreadableFile(BINARY.format(why="it contains NUL bytes")) from None
        order = "little" if encoding.endswith("le") else "big"
        return text, [Problem(str(path), None, f"read as UTF-16 ({order}-endian, no "
                              "byte-order mark); saving it as UTF-8 avoids the guess",
                              fatal_in_strict=False)]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problem = Problem(str(path), line, "not valid UTF-8; read the whole file as "
                          "Windows-1252 (Latin-1): check accented letters, or save the file "
                          "as UTF-8")
        return data.decode("cp1252", errors="replace"), [problem]


def _utf16_without_mark(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the NULs fall on one side of each pair, as in
    UTF-16 text of mostly Latin letters; None otherwise."""
    sample = data[:SNIFF_BYTES]
    if len(sample) < 2 or len(data) % 2:
        return None
    pairs = len(sample) // 2
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls > 0.6 * pairs and even_nuls < 0.05 * pairs:
        return "utf-16-le"
    if even_nuls > 0.6 * pairs and odd_nuls < 0.05 * pairs:
        return "utf-16-be"
    return None


def _check_text(text: str) -> None:
    if not text.strip():
        raise UnreadableFile("the file is empty" if not text else
                             "the file holds only blank lines, no items")
    sample = text[:SNIFF_BYTES]
    controls = sum(1 for ch in sample if (ch < " " and ch not in _TEXT_CONTROLS)
                   or "\x7f" <= ch <= "\x9f" or ch == "\ufffd")
    if controls > MAX_CONTROL_SHARE * len(sample):
        raise UnreadableFile(BINARY.format(why=f"{controls:,} of its first "
                                           f"{len(sample):,} characters are control codes"))


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"declares {encoding} with a byte-order mark but byte "
                             f"{error.start} is not {encoding}: save it again as UTF-8") from None
