"""What a user typed, made ready for Whoosh's parser: web-search habits and checked fields.

Researchers type queries as web search engines taught them; Whoosh reads some
of that differently, silently. Before parsing, `prepare(text)`:

- `-word`, `-"a phrase"`, `-(a OR b)`, `-title:word` exclude, as `NOT` does
  (Whoosh would search the word itself); `+word` requires the word, which every
  word already is (the `+` is dropped). A `-` or `+` inside a word (`co-op`,
  `C++`) or standing alone is left alone.
- `title:`, `summary:`, `kind:`, `body:` (any case) need something right after them: a
  space between is closed up (`title: kenya` is `title:kenya`); nothing after
  one is an `InputError` naming `q`.
- An unknown field written against a word (`foo:bar`) is an `InputError` that
  names the fields there are; a colon followed by a space ("Focus: Korea",
  pasted from a title) is punctuation.
- An unclosed double quote is closed at the end of the query, and a note says
  so (Whoosh would drop it, and the phrase with it).

Quoted text is never changed. The notes go into the query's `Reading`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.query.request import InputError

FIELDS = ("title", "summary", "kind", "body")  # the fields a query can name
_FIELD_LIST = "title:, summary:, kind: and body:"
# A quoted stretch (possibly unclosed, to the end), a field name with its colon, or a
# leading + or - (at the start, after a space or an opening bracket).
_TOKENS = re.compile(r'"[^"]*"?|(?<![\w:])(?P<field>[A-Za-z_][\w]*):'
                     r'|(?<![^\s(])(?P<sign>[+\-])(?=[\w"(])')
_OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")


@dataclass(frozen=True, slots=True)
class Prepared:
    """The text to hand the parser, and the notes on what was read differently."""

    text: str
    notes: tuple[str, ...] = ()


def prepare(text: str) -> Prepared:
    """The query ready for the parser (see the module docstring); InputError for an
    empty or unknown field."""
    notes: list[str] = []
    if text.count('"') % 2:
        last = text.rindex('"')
        rest = text[last + 1:].strip()
        if rest:
            shown = " ".join(rest.split()[:6])
            notes.append(f"The quote before \u201c{shown}\u201d was not closed: it was read as "
                         "a phrase to the end of the query. Close the quote where the phrase "
                         "ends.")
            text = text + '"'
        else:
            notes.append("A quote at the end of the query closed nothing and was left out.")
            text = text[:last] + text[last + 1:]
    out: list[str] = []
    at = 0
    for match in _TOKENS.finditer(text):
        out.append(text[at:match.start()])
        at = match.end()
        token = match.group(0)
        if match.group("sign"):
            out.append("NOT " if token == "-" else "")
        elif match.group("field"):
            replacement, at = _field(text, match, at)
            out.append(replacement)
        else:
            out.append(token)
    out.append(text[at:])
    return Prepared("".join(out), tuple(notes))


def _field(text: str, match: re.Match[str], end: int) -> tuple[str, int]:
    """The field marker as the parser should see it, and where the text goes on."""
    name = match.group("field")
    rest = text[end:]
    following = rest.lstrip()
    if name.lower() in FIELDS:
        upto = following.split(None, 1)[0] if following else ""
        if not following or upto in _OPERATORS or following[0] == ")":
            raise InputError(f"\u201c{name}:\u201d has nothing after it: write the word to "
                             f"look for in the {name.lower()} right after the colon, e.g. "
                             f"{name.lower()}:kenya, or leave out the colon to search the "
                             "word itself", "q")
        # "title: kenya" means title:kenya; close up the space.
        return f"{name.lower()}:", end + (len(rest) - len(following))
    if rest[:1].isalnum() or rest[:1] in ('"', "(", "_"):
        word = re.match(r'"[^"]*"?|\([^)]*\)?|[^\s)]+', rest)
        shown = f"{name}:{word.group(0) if word else ''}"
        raise InputError(f"\u201c{name}:\u201d in \u201c{shown[:60]}\u201d is not a field "
                         f"that can be searched: the fields are {_FIELD_LIST}; to search "
                         f"for the words, put a space after the colon or leave it out", "q")
    # A colon before a space or the end is punctuation ("Focus: Korea").
    return f"{name} ", end
