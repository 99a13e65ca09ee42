"""Acronyms and synonyms (data/synonyms.txt), and the word units of a parsed query.

A word or run of words of a parsed query that is a form in the synonyms file
also matches the other forms of its group, at `SYNONYM_WEIGHT` of the literal
words: `SSE` finds "social and solidarity economy" and the reverse. Quoted
words and anything under NOT are left exact. The groups are read once and
analysed with the index's own analyzer, so a form meets the index whatever
its case, accents or spelling.

A "unit" is one plain word as the multi-field parser leaves it: an Or of the
same term in each searched field (or one Term, for `title:word`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from whoosh import query as wq
from whoosh.analysis import Analyzer

from search.text.analysis import DATA_DIR, news_analyzer

SYNONYMS_FILE = DATA_DIR / "synonyms.txt"
SYNONYM_WEIGHT = 0.4
Key = tuple[str, ...]
Unit = tuple[str, tuple[wq.Term, ...]]


def read_synonyms(path: Path = SYNONYMS_FILE) -> list[list[str]]:
    """The groups of data/synonyms.txt: each a list of forms as written."""
    groups = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        forms = [form.strip() for form in line.split(" = ") if form.strip()]
        if len(forms) < 2:
            raise ValueError(f"{path}:{number}: expected 'form = other form [= ...]'")
        groups.append(forms)
    return groups


class SynonymTable:
    """Analysed synonym forms: the key a run of query words must have, and what it adds."""

    def __init__(self, groups: Sequence[Sequence[str]], analyzer: Analyzer) -> None:
        def whole(form: str) -> Key:
            return tuple(t.text for t in analyzer(form, mode="query"))

        def per_word(form: str) -> Key:
            # The parser analyses the words of a query one at a time.
            return tuple(text for word in form.split() for text in whole(word))

        self.alternatives: dict[Key, list[Key]] = {}
        self.forms: dict[Key, list[str]] = {}  # the same, as written in the file
        for group in groups:
            phrases = [whole(form) for form in group]
            for form, phrase in zip(group, phrases):
                for key in {per_word(form), phrase}:
                    if not key:
                        continue
                    found = self.alternatives.setdefault(key, [])
                    written = self.forms.setdefault(key, [])
                    for other, alt in zip(group, phrases):
                        if alt and alt != key and alt != phrase and alt not in found:
                            found.append(alt)
                            written.append(other)
        self.longest = max((len(key) for key in self.alternatives), default=0)


@lru_cache(maxsize=1)
def default_table() -> SynonymTable:
    """The table of the shipped synonyms file, read once."""
    return SynonymTable(read_synonyms(SYNONYMS_FILE), news_analyzer())


def table_key() -> int | None:
    """Identifies the synonym table in use (a cache key); None when the file cannot be
    read (expanding a query then says why)."""
    try:
        return id(default_table())
    except ValueError:
        return None


def unit_of(node: wq.Query, exact: frozenset[str] = frozenset()
          ) -> tuple[str, tuple[wq.Term, ...]] | None:
    """(text, terms) when `node` is one plain word (not in `exact`), in one field or more."""
    if getattr(node, "text", None) in exact:
        return None
    if type(node) is wq.Term:
        return str(node.text), (node,)
    if type(node) is wq.Or and node.subqueries:
        terms = node.subqueries
        if all(type(t) is wq.Term for t in terms) and len({t.text for t in terms}) == 1 \
                and len({t.fieldname for t in terms}) == len(terms):
            if terms[0].text in exact:
                return None
            return str(terms[0].text), tuple(terms)  # type: ignore[arg-type]
    return None


def in_fields(words: Key, like: Sequence[wq.Term], weight: float) -> wq.Query:
    """`words` (one word or a phrase) in the fields of `like`, at `weight` of their boosts."""
    made: list[wq.Query] = []
    for term in like:
        boost = term.boost * weight
        if len(words) == 1:
            made.append(wq.Term(term.fieldname, words[0], boost=boost))
        else:
            made.append(wq.Phrase(term.fieldname, list(words), boost=boost))
    return made[0] if len(made) == 1 else wq.Or(made)


More = Callable[[Key], list[tuple[Key, float]]]


def expand_synonyms(node: wq.Query, table: SynonymTable | None = None,
                    exact: frozenset[str] = frozenset(),
                    used: list[Key] | None = None, more: More | None = None,
                    longest: int = 0) -> wq.Query:
    """The query with each synonym form ORed with the other forms of its group.

    Words in `exact` (those the user quoted) are left alone. The keys that added
    alternatives are appended to `used`. `more(key)` gives further alternatives of a
    run of words, with their weights (`query.related`), for runs of up to `longest`.
    """
    table = table or default_table()
    if not table.alternatives and more is None:
        return node
    unit = unit_of(node, exact)
    if unit is not None:
        return _expand_run([node], [unit], table, used, more)
    if isinstance(node, wq.Not):
        return node
    if type(node) is wq.And:
        return wq.And(_expand_children(list(node.subqueries), table, exact, used, more,
                                       longest))
    if isinstance(node, wq.CompoundQuery):
        return node.apply(lambda child: expand_synonyms(child, table, exact, used, more,
                                                        longest))
    return node


def _expand_children(children: list[wq.Query], table: SynonymTable,
                     exact: frozenset[str], used: list[Key] | None,
                     more: More | None = None, longest: int = 0) -> list[wq.Query]:
    units = [unit_of(child, exact) for child in children]
    out: list[wq.Query] = []
    reach = max(table.longest, longest if more is not None else 0)
    i = 0
    while i < len(children):
        for length in range(min(reach, len(children) - i), 0, -1):
            run = [u for u in units[i:i + length] if u is not None]
            if len(run) < length:
                continue
            key = tuple(u[0] for u in run)
            if len({tuple(t.fieldname for t in u[1]) for u in run}) != 1:
                continue
            if key in table.alternatives or (more is not None and length > 1 and more(key)):
                out.append(_expand_run(children[i:i + length], run, table, used, more))
                i += length
                break
        else:
            child, unit = children[i], units[i]
            out.append(_expand_run([child], [unit], table, used, more) if unit is not None
                       else expand_synonyms(child, table, exact, used, more, longest))
            i += 1
    return out


def _expand_run(nodes: list[wq.Query], units: list[tuple[str, tuple[wq.Term, ...]]],
                table: SynonymTable, used: list[Key] | None = None,
                more: More | None = None) -> wq.Query:
    key = tuple(text for text, _ in units)
    # A phrase scores the sum of its words: divide by its length, so that a long
    # spelled-out form does not outweigh the word that was typed.
    alternatives = [(alt, SYNONYM_WEIGHT * len(key) / len(alt))
                    for alt in table.alternatives.get(key, [])]
    if alternatives and used is not None:
        used.append(key)
    if more is not None:
        have = {alt for alt, _ in alternatives} | {key}
        alternatives += [(alt, weight * len(key) / len(alt)) for alt, weight in more(key)
                         if alt not in have]
    literal = nodes[0] if len(nodes) == 1 else wq.And(nodes)
    if not alternatives:
        return literal
    like = units[0][1]
    return wq.Or([literal] + [in_fields(alt, like, weight) for alt, weight in alternatives])
