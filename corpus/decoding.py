"""Turn the bytes of an input file into text, or say plainly why not.

UTF-8 is expected. A byte-order mark selects UTF-8 or UTF-16. A file with NUL
bytes and no UTF-16 mark is binary and is refused. Text that is not valid UTF-8
is read as Windows-1252 (a superset of Latin-1, what spreadsheets and old
editors save) and a problem says so, so the items are kept and the user knows
to check the accents.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from corpus.model import Problem

MAX_FILE_BYTES = 512 * 1024 * 1024


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
    problems: list[Problem] = []
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[3:], "utf-8"), problems
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16"), problems
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file (it contains NUL bytes), not text: "
                             "give a .txt listing, .jsonl or .csv file")
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problems.append(Problem(str(path), line, "not valid UTF-8; read the whole file as "
                                "Windows-1252 (Latin-1): check accented letters, or save "
                                "the file as UTF-8", fatal_in_strict=False))
        return data.decode("cp1252", errors="replace"), problems


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"declares {encoding} with a byte-order mark but byte "
                             f"{error.start} is not {encoding}: save it again as UTF-8") from None
