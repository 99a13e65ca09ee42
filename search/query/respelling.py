"""Respelling: the word to search instead of one no item contains, and "did you mean".

One rule chooses a respelling, wherever it is used (`nearest`):

1. the candidates are the words the items write (`query.lexicon`) within one
   edit of the word typed (four or five letters) or two (six or more), a swap
   of two neighbouring letters counting as one edit;
2. candidates that the analyzer makes one index term are one candidate
   ("cooperative", "cooperatives", "co-operative" all search `cooperative`),
   at the edits of its nearest form, shown as its most written form, an
   edit further counting as three times fewer items (so "Solidar", an
   organisation, and "solidarity", one stem, show as "solidarity", and
   "cooprative" as "cooperative", not "cooperatives");
3. each candidate is counted with the rest of the query around it (the other
   words of the same AND), so `solidarty economy` weighs "solidarity economy"
   against "solidary economy", not "solidarity" against "solidary";
4. a candidate that finds nothing there is never chosen; of the others, the
   fewest edits, then the most items found, then the most items that write it
   (a lone candidate is not counted: there is nothing to weigh it against).

`respell_unknown` applies the rule at query time to every plain word that no
item contains (`query.parsing.read_query`), `engine.spelling.suggest` to the
rare words of a query that finds almost nothing ("did you mean").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.analysis import Analyzer
from whoosh.reading import IndexReader

from search.query.lexicon import Speller, spellable
from search.query.synonyms import in_fields, unit_of

FUZZY_MIN = 4       # shorter words are left alone
CANDIDATES = 4      # index terms counted in context, at most, per word


def max_edits(word: str) -> int:
    """Edits allowed for a word of this length: one up to five letters, then two."""
    return 1 if len(word) <= 5 else 2


@dataclass(frozen=True, slots=True)
class Respelling:
    """A word as typed, and the word searched instead (as the items write it)."""

    typed: str
    shown: str
    term: str       # the index term searched
    edits: int
    found: int      # items found with it, in the query's context (-1: not counted)


def nearest(typed: str, like: Sequence[wq.Term], context: Sequence[wq.Query],
            speller: Speller, analyzer: Analyzer, at_least: int = 1) -> Respelling | None:
    """The respelling of `typed` by the rule of the module docstring, or None.

    `like` are the word's terms (its fields and weights); `context` the other parts
    of the AND it stands in; `at_least`: the fewest items the respelling must find.
    """
    word = typed.lower()
    if len(word) < FUZZY_MIN or not spellable(word):
        return None
    # term -> (fewest edits, -items writing its forms, shown form, the shown form's score)
    groups: dict[str, tuple[int, int, str, float]] = {}
    for candidate, edits in speller.lexicon.near(word, max_edits(word)):
        terms = [t.text for t in analyzer(candidate, mode="query")]
        if len(terms) != 1:
            continue
        written = speller.written(candidate)
        # Shown: the form written most, an edit further counting as three times fewer.
        score = written / 3 ** edits
        fewest, most, shown, best_score = groups.get(terms[0], (edits, 0, candidate, -1.0))
        if score > best_score or (score == best_score and candidate < shown):
            shown, best_score = candidate, score
        groups[terms[0]] = (min(fewest, edits), most - written, shown, best_score)
    best: tuple[tuple[int, int, int, str], Respelling] | None = None
    ranked = sorted(groups.items(), key=lambda g: g[1])[:CANDIDATES]
    for term, (edits, minus_written, shown, _) in ranked:
        if len(ranked) == 1 and at_least <= 1:
            # Nothing to weigh it against: search it (counting costs a posting list walk).
            return Respelling(typed, _like_case(shown, typed), term, edits, -1)
        node = in_fields((term,), like, 1.0)
        found = speller.count(wq.And([node, *context]) if context else node)
        if found < at_least:
            continue
        key = (edits, -found, minus_written, shown)
        if best is None or key < best[0]:
            best = (key, Respelling(typed, _like_case(shown, typed), term, edits, found))
    return best[1] if best is not None else None


def _like_case(word: str, typed: str) -> str:
    """`word` in the case the user typed: "Senagal" -> "Senegal", "ILO" stays upper."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _finds_nothing(unit: tuple[str, tuple[wq.Term, ...]], reader: IndexReader) -> bool:
    # Whether any segment holds the word (a reader of several stops at the first that
    # does), not how many documents do: its frequency is a lookup in every segment.
    return not any((t.fieldname, t.text) in reader for t in unit[1])


def respell_unknown(node: wq.Query, reader: IndexReader, speller: Speller,
                    analyzer: Analyzer, typed: dict[str, str],
                    exact: frozenset[str] = frozenset(),
                    respelt: list[Respelling] | None = None,
                    unknown: list[str] | None = None) -> wq.Query:
    """`node` with each plain word that no item contains replaced by its respelling
    (`nearest`); known words are never touched, quoted ones (`exact`) neither.

    `typed` maps index terms to the words as typed. Each replacement is appended to
    `respelt`; each unknown word without one (as typed) to `unknown`. The replacement
    searches the same fields with the same weights, so synonyms and proximity apply
    to it as to a typed word.
    """
    respelt = [] if respelt is None else respelt
    unknown = [] if unknown is None else unknown

    # Each word is looked up once, however often it stands in another word's context
    # (62 unknown words were 15,000 lookups).
    nothing: dict[tuple[str, tuple[str, ...]], bool] = {}

    def finds_nothing(unit: tuple[str, tuple[wq.Term, ...]]) -> bool:
        key = (unit[0], tuple(t.fieldname for t in unit[1]))
        found = nothing.get(key)
        if found is None:
            found = nothing[key] = _finds_nothing(unit, reader)
        return found

    def is_unknown(child: wq.Query) -> bool:
        unit = unit_of(child, exact)
        return unit is not None and finds_nothing(unit)

    def walk(current: wq.Query, context: list[wq.Query]) -> wq.Query:
        unit = unit_of(current, exact)
        if unit is not None:
            if not finds_nothing(unit):
                return current
            word = typed.get(unit[0], unit[0])
            choice = nearest(word, unit[1], context, speller, analyzer)
            if choice is None:
                if word not in unknown:
                    unknown.append(word)
                return current
            respelt.append(choice)
            return in_fields((choice.term,), unit[1], 1.0)
        if type(current) is wq.And:
            children = list(current.subqueries)
            out: list[wq.Query] = []
            for at, child in enumerate(children):
                around = [c for c in out if not isinstance(c, wq.Not) and not is_unknown(c)]
                around += [c for c in children[at + 1:]
                           if not isinstance(c, wq.Not) and not is_unknown(c)]
                out.append(walk(child, around if not isinstance(child, wq.Not) else []))
            return wq.And(out)
        if isinstance(current, wq.Not):
            return wq.Not(walk(current.query, []))
        if isinstance(current, wq.CompoundQuery):
            return current.apply(lambda child: walk(child, []))
        return current

    return walk(node, [])


def corrected(text: str, respelt: Sequence[Respelling]) -> str:
    """`text` with each respelt word replaced by the word searched instead."""
    for choice in respelt:
        text = re.sub(rf"(?<![\w'\u2019-]){re.escape(choice.typed)}(?![\w'\u2019-])",
                      choice.shown, text, count=1)
    return text
