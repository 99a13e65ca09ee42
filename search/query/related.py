"""Related words a query also finds, at a low weight: places inside a place, word forms.

Two kinds of neighbour the synonyms file cannot list, worked out per query and
kept to the words that some item of the index has:

- places (`corpus.places`' gazetteer): a word or run of words that names a
  country ("Korea", "South Africa", "Peruvian") also finds the names that
  indicate it: its other name forms, demonyms, first-level regions and cities
  ("Seoul", "Busan"), at `PLACE_WEIGHT`; a region ("Asia", "Africa", "Latin
  America") finds its countries' names and demonyms, at `REGION_WEIGHT`.
  Only names the gazetteer reads on their own (not "Jordan", "Nice": a word
  or a given name first) count, and only as some item writes them (every
  word of the name, `written`): a stem shared with a common word ("Thiès"
  and "this") finds nothing.
- word forms the stemmer leaves apart: a noun in -ship and its base
  ("entrepreneurship", "entrepreneurs"), and the adjective Porter gives an
  -i ("entrepreneurial", "financial"), at `FORM_WEIGHT`.

What was added is recorded, so the explanation can say it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass

from whoosh.analysis import Analyzer

from corpus.places import regions
from corpus.places.gazetteer import CITY, COUNTRY, DEMONYM, STRONG, SUBDIVISION, gazetteer, key_of
from search.text.analysis import news_analyzer, read_variants

Key = tuple[str, ...]
PLACE_WEIGHT = 0.3
REGION_WEIGHT = 0.2
FORM_WEIGHT = 0.5
MAX_PLACE_NAMES = 40   # alternatives of one place, the most common in the index first
LONGEST = 4            # words of a place name looked up in a query
_FORM_MIN = 6          # shorter stems get no other forms ("part" is no "parti")


@dataclass(frozen=True, slots=True)
class Added:
    """What one run of query words also finds: the names or forms as written."""

    key: Key
    why: str                 # "place", "region", "form"
    names: tuple[str, ...]


@functools.cache
def _analyzer() -> Analyzer:
    return news_analyzer()


def _key(text: str) -> Key:
    return tuple(t.text for t in _analyzer()(text, mode="query"))


def warm_up() -> None:
    """Build the place names' tables now (the gazetteer: about a second and 100 MB),
    rather than on the first query that names a place: a server does it once, before it
    forks its workers, so they share the tables."""
    _place_keys()


@functools.cache
def _place_keys() -> dict[Key, tuple[str, tuple[str, ...]]]:
    """Analysed country and region names -> ("place" or "region", country codes)."""
    table: dict[Key, tuple[str, tuple[str, ...]]] = {}
    for name, entry in gazetteer().names.items():
        if entry.kind in (COUNTRY, DEMONYM) and entry.rule == STRONG and entry.codes:
            table.setdefault(_key(name), ("place", entry.codes))
    for region in regions().values():
        for name in {region.name, region.name.split(" and the ")[0]}:
            key = _key(name)
            if key and key not in table:
                table[key] = ("region", region.countries)
    table.pop((), None)
    return table


_WORDS = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")


@functools.cache
def _names_of(code: str, kinds: frozenset[str]) -> tuple[tuple[Key, str, tuple[str, ...]], ...]:
    """(analysed key, name as written, its words in lower case) of the names that
    indicate a country."""
    names = gazetteer().names
    found = []
    for name in gazetteer().by_country.get(code, ()):
        entry = names.get(key_of(name))
        if entry is None or entry.rule != STRONG or entry.kind not in kinds:
            continue
        key = _key(name)
        if key:
            found.append((key, name, tuple(w.lower() for w in _WORDS.findall(name))))
    return tuple(found)


_PLACE_KINDS = frozenset({COUNTRY, DEMONYM, SUBDIVISION, CITY})
_REGION_KINDS = frozenset({COUNTRY, DEMONYM})


class Related:
    """The related words of query runs in one index (see the module docstring)."""

    def __init__(self, present: Callable[[str], int], written: Callable[[str], int],
                 known: MutableMapping[Key, tuple[list[tuple[Key, float]], Added | None]]
                 | None = None) -> None:
        self.present = present   # how many items have an index term (0: none)
        self.written = written   # how many items write a word (lower case) as it is
        # The places' alternatives already worked out in this index version: a country
        # has thousands of names to look up, the same for every query that names it.
        self._known = known if known is not None else {}
        self._added: dict[Key, Added] = {}
        self._found: dict[Key, list[tuple[Key, float]]] = {}
        self._families = frozenset(read_variants().canonical)

    @property
    def added(self) -> list[Added]:
        """What each run of query words also found, in the order first asked."""
        return list(self._added.values())

    def alternatives(self, key: Key) -> list[tuple[Key, float]]:
        """The related (key, weight) pairs of a run of query terms ([] for none)."""
        found = self._found.get(key)
        if found is None:
            found = self._places(key)
            if not found and len(key) == 1:
                found = self._forms(key[0])
            self._found[key] = found
        return found

    def _places(self, key: Key) -> list[tuple[Key, float]]:
        place = _place_keys().get(key)
        if place is None:
            return []
        known = self._known.get(key)
        if known is not None:
            found, added = known
            if added is not None:
                self._added[key] = added
            return found
        found = self._look_up(key, place)
        self._known[key] = (found, self._added.get(key))
        return found

    def _look_up(self, key: Key, place: tuple[str, tuple[str, ...]]) -> list[tuple[Key, float]]:
        why, codes = place
        kinds, weight = (_PLACE_KINDS, PLACE_WEIGHT) if why == "place" else \
            (_REGION_KINDS, REGION_WEIGHT)
        counted: dict[Key, tuple[int, str]] = {}
        for code in codes:
            for alt, name, words in _names_of(code, kinds):
                if alt == key or alt in counted:
                    continue
                items = min((self.written(word) for word in words), default=0)
                if items:
                    counted[alt] = (items, name)
        best = sorted(counted.items(), key=lambda kv: (-kv[1][0], kv[1][1]))[:MAX_PLACE_NAMES]
        if not best:
            return []
        self._added[key] = Added(key, why, tuple(name for _, (_, name) in best))
        return [(alt, weight) for alt, _ in best]

    def _forms(self, term: str) -> list[tuple[Key, float]]:
        if term in self._families or len(term) < _FORM_MIN:
            return []
        base = term[:-4] if term.endswith("ship") and len(term) - 4 >= _FORM_MIN else term
        forms = {base, base + "i", base + "ship"} - {term}
        found = sorted(form for form in forms if self.present(form))
        if not found:
            return []
        self._added[(term,)] = Added((term,), "form", tuple(found))
        return [((form,), FORM_WEIGHT) for form in found]
