"""A short passage of a long text around its matched words: the snippet of a body.

Results show a hit's title and summary whole; its full text (`body`) would
swamp the page, so only the passage where most of the matched words stand is
shown, cut at word boundaries, with "…" where it was cut. The passage is chosen
from rough spans (`highlighting.rough_spans`, a word at a time over the text's
first `SCAN_CHARS` characters, so a very long body costs no more than a long
summary); only the passage is then marked exactly (`mark`, Whoosh's analysis
with joins and phrases), and its spans are given back relative to the snippet.
Marking the whole body exactly was most of the time of a page of 20 hits with
bodies of 250 words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from search.engine.results import Span

WIDTH = 260        # characters of text shown around the matches
SCAN_CHARS = 50_000
MAX_SPANS = 200    # matches weighed when choosing the passage
ELLIPSIS = "\u2026"
_SPACE = re.compile(r"\s+")
_RUN = re.compile(r"\s{2,}|[^\S ]")  # white space that is not one plain space


def snippet(text: str, spans: Sequence[Span], width: int = WIDTH,
            mark: Callable[[str], Sequence[Span]] | None = None) -> tuple[str, tuple[Span, ...]]:
    """The passage of `text` (at most about `width` characters) holding the most of
    `spans`, and the spans within it: `spans`' own, or those `mark` finds in the
    passage's text when given; ("", ()) when there are no spans."""
    if not spans:
        return "", ()
    spans = spans[:MAX_SPANS]
    # The window that starts at a match and holds the most matches (the first such).
    best, best_count = 0, 0
    for i, (start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= start + width)
        if count > best_count:
            best, best_count = i, count
    first = spans[best][0]
    # A little context before the first match, cut at a word boundary.
    lead = min(width // 4, first)
    begin = first - lead
    if begin > 0:
        space = text.find(" ", begin, first)
        begin = space + 1 if space != -1 else first
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        last_end = max((e for s, e in spans if s >= begin and e <= end), default=end)
        end = space if space > last_end else end
    # Paragraph breaks become single spaces; offsets are kept by mapping each character.
    piece = text[begin:end]
    shown, offsets = _flatten(piece)
    prefix = ELLIPSIS + " " if begin > 0 else ""
    suffix = " " + ELLIPSIS if end < len(text) else ""
    if mark is not None:
        marked = [(begin + s, begin + e) for s, e in mark(piece)]
    else:
        marked = [(s, e) for s, e in spans if s >= begin and e <= end]
    inside = tuple((len(prefix) + offsets[s - begin], len(prefix) + offsets[e - begin])
                   for s, e in marked)
    return prefix + shown + suffix, inside


def _flatten(text: str) -> tuple[str, list[int]]:
    """`text` with runs of white space as one space, and for each offset of `text` (and
    its end) the offset in the result."""
    if not _RUN.search(text):  # nothing to close up: every offset stays
        return text, list(range(len(text) + 1))
    out: list[str] = []
    offsets: list[int] = []
    at = 0
    for match in _SPACE.finditer(text):
        for ch in text[at:match.start()]:
            offsets.append(len(out))
            out.append(ch)
        for _ in range(match.start(), match.end()):
            offsets.append(len(out))
        out.append(" ")
        at = match.end()
    for ch in text[at:]:
        offsets.append(len(out))
        out.append(ch)
    offsets.append(len(out))
    return "".join(out), offsets
