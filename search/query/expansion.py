"""Query-time expansion: two-word variants, proximity, synonyms.

`query.parsing.read_query` runs these steps on a checked query, in this order
(after respelling the words that no item contains, `query.respelling`):

1. joins      (`join_words`) Two words that a variant closes up are searched as
              the closed form: `Viet Nam` finds "Vietnam" too.
2. proximity  (`add_proximity`) For several plain words, items where they stand
              together (next to each other, or within `NEAR` words in order)
              score above items where they are scattered; the words still have
              to be there, so the set of results does not change.
3. synonyms   (`synonyms.expand_synonyms`) Acronyms and synonyms from
              data/synonyms.txt, at a lower weight than the words typed.

Words the user quoted are left exact by every step. Each step records what it
did in an `Expansion` as it does it, so the explanation of a query says what
was searched without parsing or expanding it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from whoosh import query as wq
from whoosh.analysis import Analyzer

from search.query.related import LONGEST, Added, Related
from search.query.respelling import Respelling
from search.query.synonyms import Key, default_table, expand_synonyms, in_fields, unit_of
from search.text.analysis import news_analyzer, read_variants

NEAR = 4
# Proximity counts in titles and summaries: a kind is a label, and a body is long
# enough that the words of most queries stand near each other somewhere in it.
NO_PROXIMITY = ("kind", "body")
MAX_RELAXED_PARTS = 6  # beyond this, 'all but one' is too many combinations to spell out
ADJACENT_WEIGHT = 1.0
NEAR_WEIGHT = 0.5
MAX_NAMED = 8  # related places named in the explanation


@dataclass
class Expansion:
    """What the steps did to one query, in the order they did it (index terms)."""

    respelt: list[Respelling] = field(default_factory=list)  # words no item contains
    unknown: list[str] = field(default_factory=list)  # such words with no respelling
    joins: list[tuple[str, str, str]] = field(default_factory=list)  # (first, second, joined)
    synonyms: list[Key] = field(default_factory=list)  # the keys that added alternatives
    related: list[Added] = field(default_factory=list)  # places and word forms added


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
           done: Expansion | None = None, related: Related | None = None) -> wq.Query:
    """Joins, proximity and synonyms (see the docstring), and with `related` the
    places and word forms of `query.related`.

    `exact`: the terms of the words the user put in quotes, never expanded. What
    was joined and which synonyms were added is recorded in `done`.
    """
    node = add_proximity(join_words(node, done))
    used = done.synonyms if done is not None else None
    more = related.alternatives if related is not None else None

    def synonyms(part: wq.Query) -> wq.Query:
        return expand_synonyms(part, exact=exact, used=used, more=more, longest=LONGEST)

    expanded = wq.AndMaybe(synonyms(node.a), node.b) if isinstance(node, wq.AndMaybe) \
        else synonyms(node)
    if done is not None and related is not None:
        done.related = related.added
    return expanded


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


def describe_expansion(text: str, done: Expansion, analyzer: Analyzer) -> list[str]:
    """Sentences saying which words were joined and which synonyms were added, in the
    words typed (respelt words are described where they stand, by `query.explain`)."""
    typed = typed_words(text, analyzer)
    for choice in done.respelt:
        typed.setdefault(choice.term, choice.shown)
    lines = []
    for first, second, joined in dict.fromkeys(done.joins):
        label = typed.get(joined, f"{typed.get(first, first)} {typed.get(second, second)}")
        lines.append(f"\u201c{label}\u201d is also searched as one word, \u201c{joined}\u201d.")
    table = default_table()
    for key in dict.fromkeys(done.synonyms):
        label = " ".join(typed.get(term, term) for term in key)
        forms = ", ".join(f"\u201c{form}\u201d" for form in table.forms.get(key, []))
        lines.append(f"\u201c{label}\u201d also finds {forms} (ranked below the words typed).")
    for added in done.related:
        label = " ".join(typed.get(term, term) for term in added.key)
        if added.why == "form":
            lines.append(f"\u201c{label}\u201d also finds other words of its family (ranked "
                         "below the words typed).")
            continue
        names = ", ".join(added.names[:MAX_NAMED]) + (", \u2026" if len(added.names) >
                                                      MAX_NAMED else "")
        what = "places in it" if added.why == "place" else "its countries"
        lines.append(f"\u201c{label}\u201d also finds items naming {what}: {names} (ranked "
                     "below the words typed).")
    return list(dict.fromkeys(lines))


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
