"""The operators of the evaluator: how each class of query node is matched and scored.

`OPERATORS` has one entry per class of Whoosh query node the evaluator handles
(`postings.evaluator`): how the node matches (a `DocSet`: its numbers or a
mask), whether Whoosh's ranking can be reproduced for it, and how it is
scored. A node of a class the table lacks is matched by Whoosh, and a tree that
holds one is ranked by Whoosh. Adding an operator: a Query subclass and a
parser plugin (`query.parsing`), an entry here, a describer in
`query.explain.DESCRIBERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import query as wq

from search._whoosh import expansion
from search.postings.docsets import intersection, union

if TYPE_CHECKING:
    from search.postings.docsets import DocSet
    from search.postings.evaluator import Evaluator

PRELOAD_MAX_DOCS = 5_000  # whoosh.query.Or's threshold for its preloading matcher

Scored = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True, slots=True)
class Operator:
    """How the evaluator handles one class of Whoosh query node.

    `match(evaluator, node)` gives the node's documents (a `DocSet`), or None to let
    Whoosh match it. `scorable(evaluator, node)` says whether `score` reproduces
    Whoosh's ranking for it (None: never); `score(evaluator, node, wanted)` gives
    (scores, mask) for the documents of `wanted`, `boosted` whether the node's own
    boost then multiplies the scores (as Whoosh's matcher for it does).
    """

    match: Callable[[Evaluator, Any], DocSet | None]
    scorable: Callable[[Evaluator, Any], bool] | None = None
    score: Callable[[Evaluator, Any, np.ndarray], Scored] | None = None
    boosted: bool = True


def _match_and(ev: Evaluator, node: wq.And) -> DocSet:
    # Every set matched holds only live documents: the live set is the start only when
    # every child is a Not. The smallest sets first, so that each step walks few numbers
    # (masks last, uncounted: their order costs nothing, a count a pass over each).
    wanted = [ev.docs(child) for child in node.subqueries if not isinstance(child, wq.Not)]
    unwanted = [ev.docs(child.query) for child in node.subqueries if isinstance(child, wq.Not)]
    wanted.sort(key=lambda found: found.at_most)
    result = intersection(wanted) if wanted else ev.live()
    for found in unwanted:
        result = result - found
    return result


def _match_or(ev: Evaluator, node: wq.Or) -> DocSet | None:
    if getattr(node, "minmatch", None):
        return None  # Whoosh's Or(minmatch=...) restricts only its scoring
    terms = _or_terms(ev, node)
    if terms:
        # Words in fields, prefixes' words, or ORs of them: their postings at once, into
        # one set (`coffee OR cocoa`, `fin*` in each field: one mask, not one per child
        # and then their union).
        return ev.any_of(terms)
    return union(ev.size, [ev.docs(child) for child in node.subqueries])


def _or_terms(ev: Evaluator, node: wq.Or) -> list[tuple[str, str | bytes]]:
    """The (field, word) terms of an OR whose every child is a word, a prefix or a
    wildcard (their words), or such an OR (none matching with a `minmatch`), else none."""
    found: list[tuple[str, str | bytes]] = []
    for child in node.subqueries:
        kind = type(child)
        if kind is wq.Term:
            found.append((child.fieldname, child.text))
        elif kind in (wq.Prefix, wq.Wildcard) and child.text:
            found += _pattern_terms(ev, child)
        elif kind is wq.Or and not getattr(child, "minmatch", None) and \
                (inner := _or_terms(ev, child)):
            found += inner
        else:
            return []
    return found


def _pattern_terms(ev: Evaluator, node: wq.PatternQuery) -> list[tuple[str, str | bytes]]:
    """The (field, word) terms a prefix or wildcard stands for (`expansion`)."""
    return [(node.fieldname, btext)
            for _, btext in expansion(node, ev.searcher.reader()) or []]


def _match_pattern(ev: Evaluator, node: wq.PatternQuery) -> DocSet | None:
    if not node.text:
        return None
    return ev.any_of(_pattern_terms(ev, node))


def _all_children(ev: Evaluator, node: wq.Query) -> bool:
    return all(ev.scorable(child) for child in node.children())


def _pattern_scorable(ev: Evaluator, node: wq.PatternQuery) -> bool:
    # In an index of at most 5,000 documents Whoosh's Or preloads the
    # expanded words without scores (PreloadedOr), so its ranking differs.
    return bool(node.text) and ev.searcher.doc_count_all() > PRELOAD_MAX_DOCS


def _score_pattern(ev: Evaluator, node: wq.PatternQuery, wanted: np.ndarray) -> Scored:
    # As MultiTerm.matcher: an Or of the expanded words with the node's
    # boost, except that a single word is matched as a plain, unboosted Term.
    terms = [wq.Term(node.fieldname, word)
             for _, word in expansion(node, ev.searcher.reader()) or [] if word]
    if len(terms) == 1:
        return ev.term_scores(terms[0], wanted)
    return ev._score(wq.Or(terms, boost=node.boost), wanted)


def _score_and_maybe(ev: Evaluator, node: wq.AndMaybe, wanted: np.ndarray) -> Scored:
    # AndMaybeMatcher: a's score, plus b's where b matches too; the
    # query's own boost is not applied (BinaryQuery.matcher ignores it).
    scores, mask = ev._score(node.a, wanted)
    scores += ev._score(node.b, mask)[0]
    return scores, mask


def _score_phrase(ev: Evaluator, node: wq.Phrase, wanted: np.ndarray) -> Scored:
    # Whoosh scores a phrase match (SpanNear2) as the sum of its words' scores.
    words = wq.And([wq.Term(node.fieldname, word) for word in node.words])
    known = ev._masks.get(node)
    if known is not None:
        inside = wanted & ev.in_space(known)
    else:  # only where the scored documents could hold it
        inside = ev.in_space(ev._phrase(node, ev.from_space(wanted)))
    return ev._score(words, inside)


def _score_and(ev: Evaluator, node: wq.And, wanted: np.ndarray) -> Scored:
    known = ev._masks.get(node)
    if known is not None:  # matched already (a node of the query): its documents
        mask = wanted & ev.in_space(known)
        return ev._sum(ev._score(child, mask) for child in node.subqueries)[0], mask
    # (A phrase's words, scored for its bonus.) Each child's own matches among those
    # scored, ANDed: no set over the whole collection is made to score a few documents.
    # A document's score is its children's, added in the same order either way.
    parts = [ev._score(child, wanted) for child in node.subqueries]
    mask = wanted.copy()
    for _, matched in parts:
        mask &= matched
    scores = ev._sum(iter(parts))[0]
    scores[~mask] = 0.0
    return scores, mask


def _score_or(ev: Evaluator, node: wq.Or, wanted: np.ndarray) -> Scored:
    # A document scores what the children it matches score; plain words (a word in
    # several fields, a prefix's words) in one pass.
    if node.subqueries and all(type(child) is wq.Term for child in node.subqueries):
        return ev.terms_scores(node.subqueries, wanted)
    return ev._sum(ev._score(child, wanted) for child in node.subqueries)


# One entry per class of node (a subclass not listed is handled as its nearest listed
# base class, as an isinstance test would).
OPERATORS: dict[type, Operator] = {
    wq.Term: Operator(
        match=lambda ev, node: ev.any_of([(node.fieldname, node.text)]),
        scorable=lambda ev, node: True,
        score=lambda ev, node, wanted: ev.term_scores(node, wanted), boosted=False),
    wq.And: Operator(match=_match_and, scorable=_all_children, score=_score_and),
    wq.Or: Operator(match=_match_or,
                    scorable=lambda ev, node: not getattr(node, "minmatch", None)
                    and _all_children(ev, node),
                    score=_score_or),
    wq.Not: Operator(match=lambda ev, node: ev.live() - ev.docs(node.query)),
    wq.AndNot: Operator(match=lambda ev, node: ev.docs(node.a) - ev.docs(node.b)),
    wq.AndMaybe: Operator(match=lambda ev, node: ev.docs(node.a),
                          scorable=lambda ev, node: ev.scorable(node.a) and ev.scorable(node.b),
                          score=_score_and_maybe, boosted=False),
    wq.Prefix: Operator(match=_match_pattern, scorable=_pattern_scorable,
                        score=_score_pattern, boosted=False),
    wq.Wildcard: Operator(match=_match_pattern, scorable=_pattern_scorable,
                          score=_score_pattern, boosted=False),
    wq.Phrase: Operator(match=lambda ev, node: ev._phrase(node) if node.words else None,
                        scorable=lambda ev, node: bool(node.words), score=_score_phrase),
}


def operator_for(node: wq.Query) -> Operator | None:
    """The table's entry for `node`'s class or its nearest listed base class."""
    for cls in type(node).__mro__:
        found = OPERATORS.get(cls)
        if found is not None:
            return found
    return None
