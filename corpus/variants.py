"""Spelling variants: the word families, two-word joins and British/American stems of
`data/variants.txt`, read once and shared.

The search side folds these variants together when it indexes and searches
(`search.analysis`); the corpus side uses the same data to decide that two
kinds or two titles are one ("Spotlight Interviews with Co-operators" and
"... with Cooperators"). A researcher extends the file; the format is
described at its top.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.model import fold

VARIANTS_FILE = Path(__file__).resolve().parent / "data" / "variants.txt"
# Endings an American stem may carry and still be respelt ("labor" + "ers").
ENDINGS = ("", "s", "ed", "er", "ers", "ing", "al", "able", "ably", "ite", "ites", "ful",
           "hood", "hoods", "less", "ist", "ists", "ism", "ly", "ings", "ment", "ments")
_IZE = re.compile(r"^(\w{3,})([iy])z(e|es|ed|er|ers|ing|ation|ations|ational)$")


@dataclass(frozen=True)
class Variants:
    """What data/variants.txt says: word families, two-word joins, spelling stems."""

    words: dict[str, str]              # variant (and canonical) word -> canonical
    joins: dict[tuple[str, str], str]  # ("viet", "nam") -> "vietnam"
    stems: dict[str, str]              # American stem -> British stem

    @property
    def canonical(self) -> frozenset[str]:
        return frozenset(self.words.values()) | frozenset(self.joins.values())


@lru_cache(maxsize=4)
def read_variants(path: Path = VARIANTS_FILE) -> Variants:
    """Parse a variants file (see the comments at the top of data/variants.txt)."""
    words: dict[str, str] = {}
    joins: dict[tuple[str, str], str] = {}
    stems: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        canonical, sep, rest = line.partition(":")
        canonical = fold(canonical.strip().lower())
        if not sep or not canonical or not rest.strip():
            raise ValueError(f"{path}:{number}: expected 'canonical: variant, variant' "
                             "or 'british*: american*'")
        if canonical.endswith("*"):
            american = fold(rest.strip().lower())
            if not american.endswith("*") or "," in american:
                raise ValueError(f"{path}:{number}: a stem line is 'british*: american*'")
            stems[american[:-1]] = canonical[:-1]
            continue
        words[canonical] = canonical
        for variant in rest.split(","):
            variant = fold(variant.strip().lower())
            parts = variant.split()
            if len(parts) == 2:
                joins[(parts[0], parts[1])] = canonical
            elif len(parts) == 1:
                words[parts[0]] = canonical
            elif parts:
                raise ValueError(f"{path}:{number}: '{variant}': a variant is one word or two")
    return Variants(words, joins, stems)


def load_variants(path: Path = VARIANTS_FILE) -> dict[str, str]:
    """Map each one-word variant (and each canonical form) to its canonical form."""
    return read_variants(path).words


@lru_cache(maxsize=50_000)
def respell(word: str, path: Path = VARIANTS_FILE) -> str:
    """The British spelling of a (lower-case, folded) word, by the stems of `path` and
    the -ize rule (memoised: the analyzer calls it for every token)."""
    stems, firsts = _stems(path)
    if word.startswith(firsts):  # (a word is a stem and an ending, or left as it is)
        for ending in ENDINGS:
            stem = word[:len(word) - len(ending)] if ending else word
            if (not ending or word.endswith(ending)) and stem in stems:
                return stems[stem] + ending
    match = _IZE.match(word) if "z" in word else None
    if match:
        stem, vowel, ending = match.groups()
        return f"{stem}{vowel}s{ending}"
    return word


@lru_cache(maxsize=4)
def _stems(path: Path) -> tuple[dict[str, str], tuple[str, ...]]:
    """The American stems of `path` with their British forms, and the stems as a tuple of
    the prefixes a word must start with to be respelt by one (one C-level check)."""
    stems = read_variants(path).stems
    return stems, tuple(stems)


def british(word: str) -> str:
    """The British spelling of a (lower-case, folded) word: 'labors' -> 'labours'."""
    return respell(word)
