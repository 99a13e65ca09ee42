"""Plain queries read without Whoosh's parser, to the tree the parser gives them.

Most queries are a few plain words, ANDed (`cooperative workers`) or ORed
(`coffee OR cocoa`). Whoosh's parser reads such a query in 0.2-0.6 ms: a
dozen regex taggers tried at every character, the syntax tree deep-copied
into each field, normalised; for a rare word that was a sixth of the page.
`plain_parse(parser, text)` reads those queries directly into the same
normalised tree (`MultifieldParser.parse`'s): each word an `Or` of one `Term`
per searched field with its boost, the words in an `And`, or, with `OR`
between every two, one flat `Or` of all their terms.

It answers only where that is certain, and None for anything else, which the
parser then reads: a word with a character other than a letter or a digit
(no tagger can see anything but a word in it then), an operator word (`AND`,
`NOT`, ...), `OR` at an end, next to another or mixed with ANDed words
(precedence), a word that the analyzer makes into no term (a stop word) or
several, the same word twice (normalising drops one), a parser other than
`make_parser`'s. `tests/test_plain_parse.py` compares its trees with the
parser's.
"""

from __future__ import annotations

import re

from whoosh import query as wq
from whoosh.fields import FieldType
from whoosh.qparser import AndGroup, MultifieldParser
from whoosh.qparser.plugins import MultifieldPlugin

_WORD = re.compile(r"[^\W_]+")
_PIECE = re.compile(r"\S+")
# Words Whoosh's taggers read as operators when they stand between spaces.
_OPERATORS = frozenset(("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"))


def _fields(parser: MultifieldParser) -> list[tuple[str, float, FieldType]] | None:
    """(name, boost, field) of each field an unfielded word is searched in, in the
    parser's order; None when the parser is not one this module can stand in for."""
    if parser.group is not AndGroup or parser.termclass is not wq.Term \
            or parser.fieldname is not None:
        return None
    multi = [plugin for plugin in parser.plugins if isinstance(plugin, MultifieldPlugin)]
    if len(multi) != 1:
        return None
    schema = parser.schema
    found = []
    for name in multi[0].fieldnames:
        if schema is None or name not in schema or schema[name].self_parsing():
            return None
        found.append((name, multi[0].boosts.get(name, 1.0), schema[name]))
    return found or None


def _words(text: str) -> tuple[list[re.Match[str]], bool] | None:
    """The words of `text` (where each stands) and whether they are ORed; None when it
    is not plain."""
    pieces = list(_PIECE.finditer(text))
    if not pieces:
        return None
    ored = len(pieces) > 1 and pieces[1].group() == "OR"
    if ored:
        if len(pieces) % 2 == 0 or any(piece.group() != "OR" for piece in pieces[1::2]):
            return None
        words = pieces[::2]
    else:
        words = pieces
    for word in words:
        if word.group() in _OPERATORS or not _WORD.fullmatch(word.group()):
            return None
    return words, ored


def plain_parse(parser: MultifieldParser, text: str) -> wq.Query | None:
    """`parser.parse(text)` for a plain query (see the module docstring), None when
    `text` is not one."""
    split = _words(text)
    if split is None:
        return None
    fields = _fields(parser)
    if fields is None:
        return None
    words, ored = split
    # Fields analysed alike (one analyzer, one field class) give a word the same terms.
    analysed: dict[tuple[type, int], dict[str, str]] = {}
    groups = []
    seen = set()
    for match in words:
        word = match.group()
        terms = []
        for name, boost, field in fields:
            key = (type(field), id(field.analyzer))
            known = analysed.setdefault(key, {})
            term = known.get(word)
            if term is None:
                texts = list(field.process_text(word, mode="query", tokenize=True,
                                                removestops=True))
                if len(texts) != 1:
                    return None  # a stop word, or several terms: the parser's rules
                term = known[word] = texts[0]
            found = wq.Term(name, term, boost=boost)
            # Where the word stands in the text, as the parser records it.
            found.startchar, found.endchar = match.span()
            terms.append(found)
        key_terms = tuple((t.fieldname, t.text) for t in terms)
        if key_terms in seen:
            return None
        seen.add(key_terms)
        groups.append(terms)
    if ored:
        return wq.Or([term for terms in groups for term in terms])
    ors = [wq.Or(terms) for terms in groups]
    return ors[0] if len(ors) == 1 else wq.And(ors)
