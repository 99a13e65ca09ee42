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
MAX_FORMS = 8  # variants named in a line, then "and N more"


@dataclass
class Explanation:
    """The reading of a query: sentences, then notes about likely surprises."""

    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[str]]:
        return {"lines": self.lines, "notes": self.notes}


def _family_words() -> frozenset[str]:
    return frozenset(load_variants())


def _family(term: str) -> list[str]:
    variants = load_variants()
    return sorted(v for v, canonical in variants.items() if canonical == term and v != term)


class _Reader:
    """Describes query nodes in the user's own words (not the stemmed index terms); a
    word no item contains is described as the word searched instead."""

    def __init__(self, words: dict[str, str], respelt: dict[str, str] | None = None) -> None:
        self.words = words
        self.respelt = respelt or {}

    def word(self, text: str) -> str:
        if text in self.respelt:
            return (f"\u201c{self.respelt[text]}\u201d (for \u201c{self.words.get(text, text)}"
                    "\u201d, which no item contains)")
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


def _user_words(text: str, analyzer) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Index term -> the word the user typed that gave it ('seneg' -> 'Senegal')."""
    words: dict[str, str] = {}
    for token in analyzer(text, chars=True, mode="query", removestops=False):
        words.setdefault(token.text, text[token.startchar:token.endchar])
    return words


def _written_forms(variant: str, written: Callable[[str], int] | None) -> list[str]:
    """How the items write a variant of the file (folded and closed up: 'coop'): itself,
    or with a hyphen after a prefix ('co-op'); [] when no item writes it."""
    forms = [variant] + [variant[:cut] + "-" + variant[cut:] for cut in (1, 2)
                         if len(variant) > cut + 1]
    if written is None:
        return [variant]
    return [form for form in forms if written(form)]


def explain(request: SearchRequest, reading: Reading | None, reader: IndexReader,
            analyzer=None, written: Callable[[str], int] | None = None  # type: ignore[no-untyped-def]
            ) -> Explanation:
    """Plain sentences describing how `request` was read (see the module docstring).

    `reading` is the query's `Reading` (None without a query); `analyzer` (the
    summary field's) maps index terms back to the words typed; `written` (how
    many items write a word as written) keeps the variants named to those the
    items use.
    """
    out = Explanation()
    parsed = reading.typed if reading is not None else None
    words = _user_words(request.query, analyzer) if analyzer is not None else {}
    respelt: dict[str, str] = {}   # typed term -> the word searched instead
    searched: dict[str, str] = {}  # typed term -> its index term
    if reading is not None:
        for choice in reading.expansion.respelt:
            term = next((t for t, w in words.items() if w == choice.typed), choice.typed)
            respelt[term] = choice.shown
            searched[term] = choice.term
    describer = _Reader(words, respelt)
    if parsed is None:
        out.lines.append("No words: every item, newest first.")
    else:
        top = list(parsed.children()) if isinstance(parsed, wq.And) else [parsed]
        must = list(dict.fromkeys(describer.with_field(n) for n in top
                                  if not isinstance(n, wq.Not)))
        must_not = list(dict.fromkeys(describer.with_field(n.query) for n in top
                                      if isinstance(n, wq.Not)))
        if must:
            out.lines.append("Must contain: " + "; ".join(must) + ".")
        if must_not:
            out.lines.append("Must not contain: " + "; ".join(must_not) + ".")
        if request.exact:
            out.lines.append("Exact words, in the title and summary: no other word forms, "
                             "spellings, synonyms or accent folding.")
        else:
            terms = {t for name, t in _texts(parsed) if name != "kind"}
            for term in sorted(terms):
                shown = respelt.get(term, words.get(term, term))
                canonical = searched.get(term, term)
                family = [form for variant in [canonical, *_family(canonical)]
                          if variant != shown.lower() and variant in _family_words()
                          for form in _written_forms(variant, written)]
                family = list(dict.fromkeys(family))
                if family:
                    out.lines.append(f"\u201c{shown}\u201d also matches "
                                     + ", ".join(family[:MAX_FORMS])
                                     + (f" and {len(family) - MAX_FORMS} more"
                                        if len(family) > MAX_FORMS else "") + ".")
        unknown = list(reading.expansion.unknown) if reading is not None else []
        if request.exact or not unknown:
            for name, text in sorted(set(_texts(parsed))):
                if name == "kind" or text in respelt:
                    continue
                if not any(reader.doc_frequency(f, text) for f in _fields_like(name)):
                    unknown.append(words.get(text, text))
        for word in dict.fromkeys(unknown):
            out.notes.append(_unknown_note(word, request.exact))
        out.notes.extend(reading.notes if reading is not None else ())
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
    out.notes.extend(note[:1].upper() + note[1:] for note in request.date_notes)
    for name, values in request.filters:
        facet = facet_named(name)
        out.lines.append(f"Of {facet.label.lower()}: "
                         + ", ".join(facet.display(v) for v in values) + ".")
    if reading is not None and not request.exact and analyzer is not None:
        out.lines.extend(describe_expansion(request.query, reading.expansion, analyzer))
    out.lines = list(dict.fromkeys(out.lines))
    return out


def _unknown_note(word: str, exact: bool) -> str:
    """What to try for a word that no item contains (and that was not respelt)."""
    if exact:
        return (f"No item contains \u201c{word}\u201d written exactly so: check the spelling, "
                "or search without Exact words to find its other forms.")
    parts = [part for part in re.split(r"[-'\u2019]", word) if part]
    if len(parts) > 1:
        return (f"No item contains \u201c{word}\u201d: check the spelling, or search its "
                f"parts as separate words ({' '.join(parts)}).")
    return (f"No item contains \u201c{word}\u201d: check the spelling, or try the start of "
            f"the word with * ({word[:max(3, len(word) - 3)]}*).")


def _texts(node: wq.Query) -> list[tuple[str, str]]:
    return [(name, t.decode() if isinstance(t, bytes) else str(t))
            for name, t in node.iter_all_terms() if t is not None]


def _fields_like(name: str) -> tuple[str, ...]:
    if name in SEARCH_FIELDS:
        return SEARCH_FIELDS
    return tuple(EXACT_FIELDS.values())


def _outside_quotes(text: str) -> str:
    return re.sub(r"\"[^\"]*\"?", " ", text)  # an unclosed quote runs to the end
