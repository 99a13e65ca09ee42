"""Render the spans of matched words that the engine gives with each hit.

The web pages get escaped text with each matched word in `<mark class="hl tN">`
(N numbers the distinct words as written, 0-4, as Whoosh's `HtmlFormatter`
numbers them, so a page can colour each word of the query); the command line
gets plain text, or the words in bold on a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

MAX_CLASSES = 5
BOLD, RESET = "\x1b[1m", "\x1b[0m"


def to_html(text: str, spans: Sequence[tuple[int, int]]) -> Markup:
    """`text` HTML-escaped, each span wrapped in `<mark class="hl tN">`: safe to insert."""
    out: list[str] = []
    seen: dict[str, int] = {}
    at = 0
    for start, end in spans:
        if start < at:
            continue
        out.append(escape(text[at:start], quote=False))
        word = escape(text[start:end], quote=False)
        number = seen.setdefault(word, len(seen) % MAX_CLASSES)
        out.append(f'<mark class="hl t{number}">{word}</mark>')
        at = end
    out.append(escape(text[at:], quote=False))
    return Markup("".join(out))


def to_terminal(text: str, spans: Sequence[tuple[int, int]], colour: bool) -> str:
    """`text` as it is, or with each span in bold when `colour` is on."""
    if not colour or not spans:
        return text
    out: list[str] = []
    at = 0
    for start, end in spans:
        if start < at:
            continue
        out.append(text[at:start] + BOLD + text[start:end] + RESET)
        at = end
    out.append(text[at:])
    return "".join(out)
