"""The index's words as the items write them, and the words near a misspelt one.

A `Lexicon` holds every word of the literal-word fields (`title_exact`,
`summary_exact`: lower-cased, compounds whole, as written) and a SymSpell
deletes dictionary over them (Wolf Garbe's symmetric delete algorithm): each
word's first `PREFIX` letters with up to `MAX_EDITS` of them deleted, packed
into one integer (a letter a byte, so no two strings share a key), in one
sorted array. A query word's own deletes are looked up in it with
`numpy.searchsorted`, and the few candidates found are checked with the
optimal string alignment distance (insertions, deletions, substitutions and
swaps of two neighbouring letters: `youht` -> `youth` is one edit). Finding the
words near a word costs about the same at a thousand items as at a million: a
few dozen binary searches, never a walk over the term list.

The dictionary is built with numpy (every word's deletes at once, a column
pattern at a time), once per index version (`engine.spelling.speller`), and
then only read. `Speller` pairs it with the way to count what a query finds,
which the choice of a respelling needs (`query.expansion.nearest`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from rapidfuzz.distance import OSA
from whoosh import query as wq

# The literal-word fields: their words, as written, are the lexicon.
SPELL_FIELDS = ("title_exact", "summary_exact")
PREFIX = 7       # letters of a word whose deletes are indexed (SymSpell's prefix length)
MAX_EDITS = 2
MIN_LENGTH = 3   # shorter words are never offered
_OTHER = 255     # the code of any letter beyond the 254 most common (candidates are checked)
_JOINERS = frozenset("-'\u2019")
# Which of the PREFIX columns each delete pattern keeps: none deleted, one, two.
_PATTERNS = [tuple(c for c in range(PREFIX) if c not in gone)
             for edits in range(MAX_EDITS + 1) for gone in combinations(range(PREFIX), edits)]
_SHIFTS = np.arange(PREFIX, dtype=np.int64) * 8


def spellable(word: str) -> bool:
    """Letters, with hyphens or apostrophes inside: a word worth offering."""
    return len(word) >= MIN_LENGTH and word[0].isalpha() and word[-1].isalpha() and all(
        ch.isalpha() or ch in _JOINERS for ch in word)


def _pack(codes: np.ndarray, patterns: list[tuple[int, ...]]) -> np.ndarray:
    """(words, patterns) keys: each word's codes with a pattern's columns kept, packed a
    byte each. A deleted padding column packs like no deletion, which is what it is."""
    keys = np.zeros((len(codes), len(patterns)), dtype=np.int64)
    wide = codes.astype(np.int64)
    for number, kept in enumerate(patterns):
        if kept:
            keys[:, number] = (wide[:, list(kept)] << _SHIFTS[:len(kept)]).sum(axis=1)
    return keys


class Lexicon:
    """The words of an index, and the words near any word."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words: list[str] = sorted({w for w in words if spellable(w)})
        self._known = frozenset(self.words)
        heads = "".join(w[:PREFIX].ljust(PREFIX, "\0") for w in self.words)
        points = np.frombuffer(heads.encode("utf-32-le"), dtype=np.uint32)
        letters, inverse = np.unique(points, return_inverse=True)
        # Codes by first appearance in sorted order: "\0" (padding) is 0, if present.
        counts = np.bincount(inverse, minlength=len(letters))
        ranked = np.argsort(-counts, kind="stable")
        code_of = np.zeros(len(letters), dtype=np.int64)
        code_of[ranked] = np.minimum(np.arange(1, len(letters) + 1), _OTHER)
        if len(letters) and letters[0] == 0:
            code_of[0] = 0
        self._codes = {chr(int(p)): int(c) for p, c in zip(letters, code_of) if p}
        codes = code_of[inverse].reshape(len(self.words), PREFIX) if self.words else \
            np.zeros((0, PREFIX), dtype=np.int64)
        keys = _pack(codes, _PATTERNS).ravel()
        ids = np.repeat(np.arange(len(self.words), dtype=np.int32), len(_PATTERNS))
        order = np.argsort(keys, kind="stable")
        self._keys = keys[order]
        self._ids = ids[order]

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._known

    def near(self, word: str, max_edits: int = MAX_EDITS) -> list[tuple[str, int]]:
        """The words within `max_edits` edits of `word` (not `word` itself), as
        (word, edits), fewest edits first, then alphabetically."""
        word = word.lower()
        max_edits = min(max_edits, MAX_EDITS)
        if not word or not len(self._keys) or max_edits < 1:
            return []
        head = word[:PREFIX].ljust(PREFIX, "\0")
        codes = np.array([[self._codes.get(ch, _OTHER) if ch != "\0" else 0 for ch in head]],
                         dtype=np.int64)
        patterns = [p for p in _PATTERNS if PREFIX - len(p) <= max_edits]
        probes = np.unique(_pack(codes, patterns))
        starts = np.searchsorted(self._keys, probes, side="left")
        ends = np.searchsorted(self._keys, probes, side="right")
        hits = [self._ids[s:e] for s, e in zip(starts.tolist(), ends.tolist()) if e > s]
        if not hits:
            return []
        found = []
        for number in np.unique(np.concatenate(hits)).tolist():
            candidate = self.words[number]
            if candidate == word or abs(len(candidate) - len(word)) > max_edits:
                continue
            edits = OSA.distance(word, candidate, score_cutoff=max_edits)
            if edits <= max_edits:
                found.append((candidate, edits))
        found.sort(key=lambda pair: (pair[1], pair[0]))
        return found


@dataclass(frozen=True)
class Speller:
    """What respelling needs of one index version: its words (`lexicon`, made only
    when a word needs respelling), how many items write a word as written
    (`written`), and how many items a query finds (`count`, no filters)."""

    make_lexicon: Callable[[], Lexicon]
    written: Callable[[str], int]
    count: Callable[[wq.Query], int]

    @property
    def lexicon(self) -> Lexicon:
        return self.make_lexicon()
