"""Query-time expansion: unknown words, two-word variants, proximity, synonyms.

`query.parse_query` runs these steps on a checked query, in this order:

1. respelling (`respell_unknown`, needs the index) A word that no item contains
              is replaced by the nearest word of the index, one or two letters
              away ("Senagal" -> "senegal"); known words are never touched.
2. joins      (`join_words`) Two words that a variant closes up are searched as
              the closed form: `Viet Nam` finds "Vietnam" too.
3. proximity  (`add_proximity`) For several plain words, items where they stand
              together (next to each other, or within `NEAR` words in order)
              score above items where they are scattered; the words still have
              to be there, so the set of results does not change.
4. synonyms   (`synonyms.expand_synonyms`) Acronyms and synonyms from
              data/synonyms.txt, at a lower weight than the words typed.

Words the user quoted are left exact by every step. Each step records what it
did in an `Expansion` as it does it, so the explanation of a query says what
was searched without parsing or expanding it again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from whoosh import query as wq
from whoosh.analysis import Analyzer
from whoosh.reading import IndexReader

from search._whoosh import terms_within
from search.text.analysis import news_analyzer, read_variants
from search.query.synonyms import Key, default_table, expand_synonyms, in_fields, unit_of

NEAR = 4
# Proximity counts in titles and summaries: a kind is a label, and a body is long
# enough that the words of most queries stand near each other somewhere in it.
NO_PROXIMITY = ("kind", "body")
MAX_RELAXED_PARTS = 6  # beyond this, 'all but one' is too many combinations to spell out
ADJACENT_WEIGHT = 1.0
NEAR_WEIGHT = 0.5
FUZZY_MIN = 4          # shorter unknown words are left alone
FUZZY_MAX_EDITS = {4: 1, 5: 1}  # longer words: up to 2 edits


@dataclass
class Expansion:
    """What the steps did to one query, in the order they did it (index terms)."""

    respelt: list[tuple[str, str]] = field(default_factory=list)  # (term typed, term searched)
    joins: list[tuple[str, str, str]] = field(default_factory=list)  # (first, second, joined)
    synonyms: list[Key] = field(default_factory=list)  # the keys that added alternatives


# -- proximity -------------------------------------------------------------------------

def add_proximity(node: wq.Query) -> wq.Query:
    """Rank items where the plain words of an AND query stand close together higher."""
    if type(node) is not wq.And:
        return node
    units = [unit_of(child) for child in node.subqueries]
    if len(units) < 2 or any(u is None for u in units):
        return node
    fields = {tuple(t.fieldname for t in u[1]) for u in units}  # type: ignore[index]
    if len(fields) != 1:
        return node
    words = [u[0] for u in units]  # type: ignore[index]
    like = units[0][1]  # type: ignore[index]
    near = []
    for term in like:
        if term.fieldname in NO_PROXIMITY:
            continue
        near.append(wq.Phrase(term.fieldname, words, slop=1,
                              boost=term.boost * ADJACENT_WEIGHT))
        near.append(wq.Phrase(term.fieldname, words, slop=NEAR, boost=term.boost * NEAR_WEIGHT))
    return wq.AndMaybe(node, wq.Or(near)) if near else node


# -- unknown words ---------------------------------------------------------------------

def respell_unknown(node: wq.Query, reader: IndexReader,
                    exact: frozenset[str] = frozenset(),
                    done: Expansion | None = None) -> wq.Query:
    """Replace each word that no item contains with the nearest word of the index.

    Nearest: fewest edits (one, else two for words of six letters or more),
    then the word in most items. The replacement searches the same fields with
    the same weights, so synonyms and proximity apply to it as to a typed word.
    Each replacement is recorded in `done`.
    """
    unit = unit_of(node, exact)
    if unit is not None:
        best = _nearest(unit[0], unit[1], reader)
        if best is None:
            return node
        if done is not None and (unit[0], best) not in done.respelt:
            done.respelt.append((unit[0], best))
        return in_fields((best,), unit[1], 1.0)
    if isinstance(node, (wq.CompoundQuery, wq.Not)):
        return node.apply(lambda child: respell_unknown(child, reader, exact, done))
    return node


def _nearest(text: str, terms: Sequence[wq.Term], reader: IndexReader) -> str | None:
    """The index word to search instead of `text`, or None when `text` is known."""
    if len(text) < FUZZY_MIN or not re.fullmatch(r"[a-z]+", text) or any(
            reader.doc_frequency(t.fieldname, t.text) for t in terms):
        return None
    return nearest_word(reader, [t.fieldname for t in terms], text,
                        FUZZY_MAX_EDITS.get(len(text), 2))


def nearest_word(reader: IndexReader, fields: Sequence[str], text: str,
                 max_edits: int = 2) -> str | None:
    """The word of `fields` nearest to `text`, or None within `max_edits` edits.

    Nearest: fewest edits, then the word in most items, then the first in
    alphabetical order; it shares `text`'s first letter and is not `text`.
    """
    for edits in range(1, max_edits + 1):
        near = set().union(*(_terms_within(reader, field, text, edits) for field in fields))
        near.discard(text)
        if near:
            return min(near, key=lambda word: (
                -sum(reader.doc_frequency(field, word) for field in fields), word))
    return None


def _terms_within(reader: IndexReader, field: str, text: str, edits: int) -> set[str]:
    """Index terms of `field` within `edits` edits of `text`, sharing its first letter.

    Each segment's terms are walked with the codec's automaton (Whoosh's own
    `terms_within` on a multi-segment reader tests every term of the field).
    """
    found: set[str] = set()
    for leaf, _ in reader.leaf_readers():
        found |= terms_within(leaf, field, text, edits)
    return found


def join_words(node: wq.Query, done: Expansion | None = None) -> wq.Query:
    """Close up two plain words that a variant writes as one: `Viet Nam` -> `vietnam`.

    (The analyzer does this inside phrases and when indexing; the parser hands it
    one word at a time, so runs of words are closed up here.)
    """
    if type(node) is not wq.And:
        if isinstance(node, wq.CompoundQuery):
            return node.apply(lambda child: join_words(child, done))
        return node
    joins = _joins()
    children = list(node.subqueries)
    out: list[wq.Query] = []
    i = 0
    while i < len(children):
        first = unit_of(children[i])
        second = unit_of(children[i + 1]) if i + 1 < len(children) else None
        joined = joins.get((first[0], second[0])) if first and second else None
        if joined and first and second and \
                [t.fieldname for t in first[1]] == [t.fieldname for t in second[1]]:
            out.append(in_fields((joined,), first[1], 1.0))
            if done is not None:
                done.joins.append((first[0], second[0], joined))
            i += 2
            continue
        out.append(children[i] if first else join_words(children[i], done))
        i += 1
    return out[0] if len(out) == 1 else wq.And(out)


@lru_cache(maxsize=1)
def _joins() -> dict[tuple[str, str], str]:
    analyzer = news_analyzer()
    joins = {}
    for (first, second), joined in read_variants().joins.items():
        a = [t.text for t in analyzer(first, mode="query")]
        b = [t.text for t in analyzer(second, mode="query")]
        if len(a) == 1 and len(b) == 1:
            joins[(a[0], b[0])] = joined
    return joins


def expand(node: wq.Query, exact: frozenset[str] = frozenset(),
           done: Expansion | None = None) -> wq.Query:
    """Joins, proximity and synonyms: the steps that need no index (see the docstring).

    `exact`: the terms of the words the user put in quotes, never expanded. What
    was joined and which synonyms were added is recorded in `done`.
    """
    node = add_proximity(join_words(node, done))
    used = done.synonyms if done is not None else None
    if isinstance(node, wq.AndMaybe):
        return wq.AndMaybe(expand_synonyms(node.a, exact=exact, used=used), node.b)
    return expand_synonyms(node, exact=exact, used=used)


_QUOTED = re.compile(r'"([^"]*)"')


def quoted_terms(text: str, analyzer: Analyzer) -> frozenset[str]:
    """The index terms of the words inside double quotes (a one-word phrase is a
    plain word to the parser, but the user asked for it exactly)."""
    return frozenset(token.text for phrase in _QUOTED.findall(text)
                     for token in analyzer(phrase, mode="query"))


# -- saying what was done, for the explanation of a query ------------------------------

def typed_words(text: str, analyzer: Analyzer) -> dict[str, str]:
    """Index term -> the word as typed."""
    typed: dict[str, str] = {}
    for token in analyzer(text, chars=True, mode="query", removestops=False):
        typed.setdefault(token.text, text[token.startchar:token.endchar])
    return typed


def respellings(text: str, done: Expansion, reader: IndexReader, analyzer: Analyzer,
                typed: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(word as typed, word searched instead, as the items write it) for each word
    `respell_unknown` replaced. `typed` (term -> word as typed) is filled with the
    replacements' readable forms."""
    typed = typed_words(text, analyzer) if typed is None else typed
    found = []
    for word, best in done.respelt:
        shown = _readable(reader, typed.get(word, word), best, analyzer)
        typed.setdefault(best, shown)
        found.append((typed.get(word, word), shown))
    return found


def describe_expansion(text: str, done: Expansion, respelt: Sequence[tuple[str, str]],
                       analyzer: Analyzer) -> list[str]:
    """Sentences saying which words were respelt and joined, and which synonyms were added."""
    typed = typed_words(text, analyzer)
    for (term, best), (_, shown) in zip(done.respelt, respelt):
        typed.setdefault(best, shown)
    lines = [f"\u201c{word}\u201d is in no item: searched for the nearest word, "
             f"\u201c{shown}\u201d, instead." for word, shown in respelt]
    for first, second, joined in dict.fromkeys(done.joins):
        label = typed.get(joined, f"{typed.get(first, first)} {typed.get(second, second)}")
        lines.append(f"\u201c{label}\u201d is also searched as one word, \u201c{joined}\u201d.")
    table = default_table()
    for key in dict.fromkeys(done.synonyms):
        label = " ".join(typed.get(term, term) for term in key)
        forms = ", ".join(f"\u201c{form}\u201d" for form in table.forms.get(key, []))
        lines.append(f"\u201c{label}\u201d also finds {forms} (ranked below the words typed).")
    return lines


def _readable(reader: IndexReader, typed: str, term: str, analyzer: Analyzer) -> str:
    """A word as written in the items whose index term is `term` ('seneg' -> 'senegal')."""
    for field_name in ("title_exact", "summary_exact"):  # the words as written, lower-cased
        for word in sorted(_terms_within(reader, field_name, typed.lower(), 2)):
            if [t.text for t in analyzer(word, mode="query")] == [term]:
                return str(word)
    return term


# -- some of the words ---------------------------------------------------------------------

def relax(node: wq.Query, keep: int | None = None) -> wq.Query | None:
    """The query for items with only some of the words of an AND query, or None.

    For an AND of two or more parts (words, phrases, synonym groups), the same
    parts with at least `keep` of them required (default: all but one); parts
    under NOT stay excluded. None for any other query.
    """
    if isinstance(node, wq.AndMaybe):
        node = node.a
    if type(node) is not wq.And:
        return None
    wanted = [child for child in node.children() if not isinstance(child, wq.Not)]
    excluded = [child for child in node.children() if isinstance(child, wq.Not)]
    if len(wanted) < 2 or len(wanted) > MAX_RELAXED_PARTS:
        return None
    need = max(1, keep if keep is not None else len(wanted) - 1)
    # Spelled out as an OR of ANDs: Whoosh's Or(minmatch=...) does not restrict
    # which documents match (only how they score), so it would let in items
    # with any one of the words.
    groups = [wq.And(list(chosen)) if len(chosen) > 1 else chosen[0]
              for chosen in combinations(wanted, need)]
    some = wq.Or(groups) if len(groups) > 1 else groups[0]
    return wq.And([some, *excluded]) if excluded else some
