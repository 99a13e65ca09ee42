"""Spelling over one index version: its lexicon, built once, and "did you mean".

`speller(view)` gives what `query.respelling` needs: the version's `Lexicon`
(the words of the literal-word fields with a deletes dictionary,
`query.lexicon`), how many items write a word, and how many items a query
finds (the view's evaluator). The lexicon is built on first use and kept per
version; each segment's word list is remembered too (a segment never
changes), so after an `--update` only the new segment is listed again.

`suggest(view, reading, total)` is "did you mean": when a query finds almost
nothing (fewer than `SUGGEST_BELOW` items) although every word is in some
item, a rare word of it may be a slip for a common one ("solidary economy").
The respelling is chosen by the same rule as the query-time one
(`query.respelling.nearest`), over one edit (two from eight letters), and is
offered only when the query respelt finds `GAIN` times as many items (for a
query that finds nothing, anything). With the exact-words switch nothing is
respelt as the query is read, so a word no item writes gets a suggestion. A query
whose unknown words were already respelt gets no suggestion: the page says
what it searched instead, once.
"""

from __future__ import annotations

import threading

from whoosh import query as wq

from search.cache import LRUCache
from search.engine.handle import View
from search.query.lexicon import SPELL_FIELDS, Lexicon, Speller
from search.query.parsing import Reading
from search.query.respelling import Respelling, corrected, nearest
from search.query.synonyms import in_fields, unit_of

VERSIONS_KEPT = 2
SUGGEST_BELOW = 3   # a query finding fewer items than this may get a suggestion
GAIN = 5            # ... when a respelling finds this many times more
RARE = 3            # only words in at most this many items are respelt for it

_lexicons: LRUCache[Lexicon] = LRUCache(VERSIONS_KEPT)
_building = threading.Lock()


def _words_of(leaf) -> set[str]:  # type: ignore[no-untyped-def]
    """The words of one segment's literal-word fields."""
    words: set[str] = set()
    for field in SPELL_FIELDS:
        if field in leaf.schema:
            words.update(w.decode("utf-8") if isinstance(w, bytes) else str(w)
                         for w in leaf.lexicon(field))
    return words


def lexicon(view: View) -> Lexicon:
    """The lexicon of the view's index version, built on first use from its segments'
    words (read again for each version: kept per segment, at 10M items they held 850 MB
    in every server process)."""
    key = view.version
    found = _lexicons.get(key)
    if found is not None:
        return found
    with _building:  # one thread builds; the others wait for it
        found = _lexicons.get(key)
        if found is None:
            words: set[str] = set()
            for leaf, _ in view.reader.leaf_readers():
                words |= _words_of(leaf)
            found = Lexicon(words)
            _lexicons.put(key, found)
    return found


def speller(view: View) -> Speller:
    """Respelling's view of this index version (use it in the view's thread)."""
    reader = view.reader
    evaluator = view.evaluator()

    def written(word: str) -> int:
        return sum(reader.doc_frequency(field, word) for field in SPELL_FIELDS)

    def count(query: wq.Query) -> int:
        return len(evaluator.docs(query))

    return Speller(lambda: lexicon(view), written, count)


def suggest(view: View, reading: Reading, total: int, exact: bool = False) -> str | None:
    """A respelling of the query's rare words that finds far more, or None (see the
    module docstring); `exact`: the query searched the literal words."""
    if total >= SUGGEST_BELOW or reading.respelt or reading.expansion.unknown:
        return None
    parsed = reading.typed
    top = list(parsed.children()) if type(parsed) is wq.And else [parsed]
    units = [(child, unit_of(child)) for child in top]
    plain = [(child, unit) for child, unit in units if unit is not None]
    if not plain:
        return None
    reader = view.reader
    analyzer = view.analyzer("summary_exact" if exact else "summary")
    typed = {token.text: reading.text[token.startchar:token.endchar]
             for token in analyzer(reading.text, chars=True, mode="query", removestops=False)}
    spell = speller(view)
    chosen: list[Respelling] = []
    for child, unit in plain:
        assert unit is not None
        word = typed.get(unit[0], unit[0])
        if len(word) < 5 or max(reader.doc_frequency(t.fieldname, t.text)
                                for t in unit[1]) > RARE:
            continue
        context = [c for c in top if c is not child and not isinstance(c, wq.Not)]
        choice = nearest(word, unit[1], context, spell, analyzer,
                         at_least=max(1, GAIN * total))
        if choice is not None and choice.edits <= (1 if len(word) < 8 else 2):
            chosen.append(choice)
            top = [in_fields((choice.term,), unit[1], 1.0) if c is child else c for c in top]
    return corrected(reading.text, chosen) if chosen else None
