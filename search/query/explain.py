"""Say in plain words how a query was read, so a researcher can see why things matched.

`explain` walks the parsed Whoosh query and writes sentences: which words must
appear, which may, which must not, which phrases, in which fields, with which
variants; then the date range, the kinds and the exact-words switch. Notes
point out what often surprises: lowercase `and`/`or`/`not` taken as plain words,
curly quotes, and words that no item contains.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh.reading import IndexReader

from search.facets import facet as facet_named
from search.query.expansion import describe_expansion
from search.query.parsing import EXACT_FIELDS, SEARCH_FIELDS, Reading
from search.query.request import SearchRequest
from search.text.analysis import load_variants

_FIELD_NAMES = {"title": "the title", "summary": "the summary", "kind": "the kind",
                "title_exact": "the title", "summary_exact": "the summary"}
_LOWER_OPERATORS = re.compile(r"(?<![\w\"])(and|or|not)(?![\w\"])")
_CURLY = re.compile("[\u201c\u201d\u201e\u2018\u2019]")


@dataclass
class Explanation:
    """The reading of a query: sentences, then notes about likely surprises."""

    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[str]]:
        return {"lines": self.lines, "notes": self.notes}


def _family(term: str) -> list[str]:
    variants = load_variants()
    return sorted(v for v, canonical in variants.items() if canonical == term and v != term)


class _Reader:
    """Describes query nodes in the user's own words (not the stemmed index terms)."""

    def __init__(self, words: dict[str, str]) -> None:
        self.words = words

    def word(self, text: str) -> str:
        return "\u201c" + self.words.get(text, text) + "\u201d"

    def describe(self, node: wq.Query) -> str:
        """One phrase for a node, e.g. `“kenya” in the title` or `either “kenya” or ...`."""
        for cls in type(node).__mro__:
            describer = DESCRIBERS.get(cls)
            if describer is not None:
                return describer(self, node)
        return str(node)

    def with_field(self, node: wq.Query) -> str:
        name = getattr(node, "fieldname", None)
        text = self.describe(node)
        if name in _FIELD_NAMES and not isinstance(node, (wq.Or, wq.And, wq.Not)):
            return f"{text} in {_FIELD_NAMES[name]}"
        return text


def _either(reader: _Reader, node: wq.Or) -> str:
    groups = _group_fields(list(node.children()))
    parts = [reader.describe(group[0]) if len(group) > 1 else reader.with_field(group[0])
             for group in groups]
    return parts[0] if len(parts) == 1 else "either " + " or ".join(parts)


# One entry per class of query node (a subclass is described as its nearest listed base).
DESCRIBERS: dict[type, Callable[[_Reader, Any], str]] = {
    wq.Or: _either,
    wq.Term: lambda reader, node: reader.word(str(node.text)),
    wq.Phrase: lambda reader, node: "the phrase \u201c" + " ".join(
        reader.words.get(w, w) for w in node.words) + "\u201d",
    wq.Prefix: lambda reader, node: f"a word starting \u201c{str(node.text).rstrip('*')}\u201d",
    wq.Wildcard: lambda reader, node: f"a word starting \u201c{str(node.text).rstrip('*')}\u201d",
    wq.Not: lambda reader, node: "not " + reader.describe(node.query),
    wq.And: lambda reader, node: "all of (" + "; ".join(
        reader.with_field(c) for c in node.children()) + ")",
}


def _shape(node: wq.Query) -> tuple[object, ...]:
    return (type(node).__name__, str(getattr(node, "text", "")),
            tuple(getattr(node, "words", ()) or ()))


def _group_fields(children: list[wq.Query]) -> list[list[wq.Query]]:
    """Group the per-field copies a multi-field parser makes of one word."""
    groups: dict[tuple[object, ...], list[wq.Query]] = {}
    for child in children:
        key = _shape(child) if child.is_leaf() else ("node", id(child))
        groups.setdefault(key, []).append(child)
    return list(groups.values())


def _user_words(text: str, analyzer) -> dict[str, str]:
    """Index term -> the word the user typed that gave it ('seneg' -> 'senegal')."""
    words: dict[str, str] = {}
    for token in analyzer(text, chars=True, mode="query", removestops=False):
        words.setdefault(token.text, text[token.startchar:token.endchar])
    return words


def explain(request: SearchRequest, reading: Reading | None, reader: IndexReader,
            analyzer=None) -> Explanation:
    """Plain sentences describing how `request` was read (see the module docstring).

    `reading` is the query's `Reading` (None without a query); `analyzer` (the
    summary field's) maps index terms back to the words typed.
    """
    out = Explanation()
    parsed = reading.typed if reading is not None else None
    words = _user_words(request.query, analyzer) if analyzer is not None else {}
    describer = _Reader(words)
    if parsed is None:
        out.lines.append("No words: every item, newest first.")
    else:
        top = list(parsed.children()) if isinstance(parsed, wq.And) else [parsed]
        must = [n for n in top if not isinstance(n, wq.Not)]
        must_not = [n.query for n in top if isinstance(n, wq.Not)]
        if must:
            out.lines.append("Must contain: " + "; ".join(describer.with_field(n) for n in must)
                             + ".")
        if must_not:
            out.lines.append("Must not contain: " + "; ".join(describer.with_field(n)
                                                               for n in must_not) + ".")
        families = sorted({(t, tuple(_family(t))) for _, t in _texts(parsed) if _family(t)})
        for term, variants in families:
            out.lines.append(f"{describer.word(term)} also matches its variants: "
                             + ", ".join(variants) + ".")
        if request.exact:
            out.lines.append("Exact words: no word forms, spelling variants or accent folding.")
        else:
            out.lines.append("Word forms count as the same word (economy, economies).")
        for name, text in sorted(set(_texts(parsed))):
            if name in ("kind",):
                continue
            if not any(reader.doc_frequency(f, text) for f in _fields_like(name)):
                out.notes.append(f"{describer.word(text)} is in no item: check the spelling, "
                                 "or try a shorter form with *.")
        for word in dict.fromkeys(_LOWER_OPERATORS.findall(_outside_quotes(request.query))):
            out.notes.append(f"\u201c{word}\u201d in lower case is read as a plain word (and "
                             f"skipped as too common): write {word.upper()} for the operator.")
        if _CURLY.search(request.query):
            out.notes.append("Curly quotes were read as straight quotes (\u201ca b\u201d is the "
                             "phrase \"a b\").")
        out.notes = list(dict.fromkeys(out.notes))
    if request.date_from or request.date_to:
        start = request.date_from.isoformat() if request.date_from else "the first item"
        end = request.date_to.isoformat() if request.date_to else "the last item"
        out.lines.append(f"Dated from {start} to {end}, inclusive.")
    for name, values in request.filters:
        facet = facet_named(name)
        out.lines.append(f"Of {facet.label.lower()}: "
                         + ", ".join(facet.display(v) for v in values) + ".")
    if reading is not None and not request.exact and analyzer is not None:
        out.lines.extend(describe_expansion(request.query, reading.expansion, reading.respelt,
                                            analyzer))
    return out


def _texts(node: wq.Query) -> list[tuple[str, str]]:
    return [(name, t.decode() if isinstance(t, bytes) else str(t))
            for name, t in node.iter_all_terms() if t is not None]


def _fields_like(name: str) -> tuple[str, ...]:
    if name in SEARCH_FIELDS:
        return SEARCH_FIELDS
    return tuple(EXACT_FIELDS.values())


def _outside_quotes(text: str) -> str:
    return re.sub(r"\"[^\"]*\"", " ", text)
