"""Find the countries a text names: `places(text)`, and `mentions(text)` to see why.

The text is folded (accents, case) and split into words; at each capitalised
word the longest gazetteer name starting there is taken ("Papua New Guinea"
before "Guinea", "South Sudan" before "Sudan", "Dominican Republic" before
"Dominica"). Only capitalised words start a name, so "nice" and "turkey" in
running text are not looked up at all. Each name then counts by its rule:

- strong names count, except a city or region name that is one word of a
  longer proper name: "Lake Victoria", "Florence Nightingale", "Nairobi
  Declaration" name no city (a capitalised word joined to it that is not a
  function word, an acronym, a place or a word like "City" or "Region");
- weak names (a word or a person's name too: "Jordan", "Chad", "Nice", "Male")
  count after a place word ("in Jordan", "Republic of Chad", "from Split"), or
  when the text names the same country otherwise, or (for a country's own
  name) a neighbour of it; a title-case line gives no place word for a city,
  since its capitals say nothing;
- ambiguous names ("Congo", "Georgia") count for the one candidate that the
  rest of the text names, or failing that the one a neighbour of which it names;
- a demonym that is a language ("French", "Chinese") counts before a word that is
  not about language: "French cooperatives", not "in French" or "French version";
- names of no country ("Latin America", "Lake Chad") only keep their words
  from being read as a country.

It costs a few tens of microseconds for a 2,000-character item
(`benchmarks/places_check.py --timing` measures it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.model import fold
from corpus.places.countries import neighbours
from corpus.places.gazetteer import (AMBIGUOUS, CITY, LANGUAGE, NONE, STRONG, SUBDIVISION, WEAK,
                                     Entry, gazetteer)

_WORD = re.compile(r"[A-Za-z0-9]+")
_JOIN = re.compile(r"[ \t]+|[ \t]*-[ \t]*|'|\u2019|\.")   # a gap inside one name
_SENTENCE = re.compile(r"[.!?:;\n]")

PLACE_WORDS = frozenset("in from to across throughout of at near inside within into towards "
                        "toward visit visits visited".split())
FUNCTION_WORDS = frozenset("the a an in of for and to from on at by with or as its their our "
                           "this that new".split())
PLACE_TYPES = frozenset("city province region state county district governorate municipality "
                        "department prefecture island islands republic town capital".split())
LANGUAGE_CONTEXT = frozenset("speaking speaker speakers language languages version versions "
                             "translation translations translated edition editions only text "
                             "original subtitles and or".split())


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name found in a text and the country it was read as."""

    code: str      # "KE"
    name: str      # the words as the text has them: "Nairobi"
    start: int     # character offsets in the text
    end: int
    kind: str      # country, demonym, subdivision, city, other
    rule: str      # how it counted: strong, weak, ambiguous, language


@dataclass(slots=True)
class _Found:
    entry: Entry
    first: int     # word indexes
    last: int


def places(text: str) -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes of the countries the text names or is about."""
    return frozenset(m.code for m in mentions(text))


def mentions(text: str) -> list[Mention]:
    """Every place name in the text that counted, with the country it was read as."""
    if not text:
        return []
    g = gazetteer()
    folded = fold(text)
    if len(folded) != len(text):   # a letter that folds to two ('ß'): offsets by word only
        folded = text
    spans = [(m.start(), m.end()) for m in _WORD.finditer(folded)]
    words = [folded[a:b] for a, b in spans]
    found: list[_Found] = []
    n = len(words)
    i = 0
    while i < n:
        word = words[i]
        acronym = g.acronyms.get(word)
        if acronym is not None and not _shouting(words, i) \
                and folded[spans[i][1]:spans[i][1] + 1] != "$":   # "US$ 5 million"
            found.append(_Found(acronym, i, i))
            i += 1
            continue
        if not word[0].isupper():
            i += 1
            continue
        lower = word.lower()
        most = g.longest.get(lower, 0)
        hit = None
        for size in range(min(most, n - i), 0, -1):
            if size > 1 and not _joined(folded, spans, i, i + size - 1):
                continue
            key = lower if size == 1 else " ".join(w.lower() for w in words[i:i + size])
            entry = g.names.get(key)
            if entry is not None:
                hit = _Found(entry, i, i + size - 1)
                break
        if hit is None:
            i += 1
            continue
        found.append(hit)
        i = hit.last + 1
    if not found:
        return []
    return _resolve(text, folded, spans, words, found)


def _resolve(text: str, folded: str, spans: list[tuple[int, int]], words: list[str],
             found: list[_Found]) -> list[Mention]:
    accepted: list[tuple[_Found, str]] = []
    strong: set[str] = set()
    pending: list[_Found] = []
    for f in found:
        rule = f.entry.rule
        if rule == NONE:
            continue
        if rule == STRONG:
            if f.entry.kind in (CITY, SUBDIVISION) and _inside_name(folded, spans, words, f):
                continue
            accepted.append((f, f.entry.codes[0]))
            strong.add(f.entry.codes[0])
        elif rule == LANGUAGE:
            if _names_people_or_things(folded, spans, words, f):
                accepted.append((f, f.entry.codes[0]))
                strong.add(f.entry.codes[0])
            else:
                pending.append(f)
        else:
            pending.append(f)
    for f in pending:
        code = _weak_code(folded, spans, words, f, strong)
        if code:
            accepted.append((f, code))
    accepted.sort(key=lambda item: item[0].first)
    return [Mention(code, text[spans[f.first][0]:spans[f.last][1]], spans[f.first][0],
                    spans[f.last][1], f.entry.kind, f.entry.rule) for f, code in accepted]


def _weak_code(folded: str, spans: list[tuple[int, int]], words: list[str], f: _Found,
               strong: set[str]) -> str | None:
    entry = f.entry
    if entry.rule == LANGUAGE:
        return entry.codes[0] if entry.codes[0] in strong else None
    if entry.rule == WEAK:
        code = entry.codes[0]
        if code in strong:
            return code
        place_like = entry.kind in (CITY, SUBDIVISION)
        if _inside_name(folded, spans, words, f):
            return None
        if not place_like and neighbours(code) & strong:
            return code
        if _after_place_word(folded, spans, words, f) and not (
                place_like and _title_case_line(folded, spans, words, f.first)):
            return code
        return None
    if entry.rule == AMBIGUOUS:
        direct = [c for c in entry.codes if c in strong]
        if len(direct) == 1:
            return direct[0]
        if direct:
            return None
        near = [c for c in entry.codes if neighbours(c) & strong]
        return near[0] if len(near) == 1 else None
    return None


# --- the words around a name ----------------------------------------------------------

def _joined(folded: str, spans: list[tuple[int, int]], first: int, last: int) -> bool:
    """True when the words first..last stand together as one name (no comma, no full stop
    and space between them)."""
    for k in range(first + 1, last + 1):
        if not _JOIN.fullmatch(folded, spans[k - 1][1], spans[k][0]):
            return False
    return True


def _before(folded: str, spans: list[tuple[int, int]], words: list[str], index: int) -> str:
    """The word just before `index` in the same sentence, or ''."""
    if index == 0:
        return ""
    gap = folded[spans[index - 1][1]:spans[index][0]]
    return "" if _SENTENCE.search(gap) else words[index - 1]


def _sentence_start(folded: str, spans: list[tuple[int, int]], index: int) -> bool:
    """True for the first word of a sentence or line, capitalised whatever it is."""
    return index == 0 or bool(_SENTENCE.search(folded, spans[index - 1][1], spans[index][0]))


def _name_word(word: str) -> bool:
    """A capitalised word that could be part of a person's or an organisation's name."""
    return (word[:1].isupper() and not word.isupper() and word.lower() not in FUNCTION_WORDS
            and word.lower() not in PLACE_TYPES and word.lower() not in gazetteer().longest)


def _inside_name(folded: str, spans: list[tuple[int, int]], words: list[str], f: _Found) -> bool:
    """True when a capitalised word stands right against the name: 'Lake Victoria',
    'Florence Nightingale', 'Nairobi Declaration'."""
    prev = f.first - 1
    if prev >= 0 and _JOIN.fullmatch(folded, spans[prev][1], spans[f.first][0]) \
            and _name_word(words[prev]) and not _sentence_start(folded, spans, prev):
        return True
    nxt = f.last + 1
    if nxt < len(words) and _JOIN.fullmatch(folded, spans[f.last][1], spans[nxt][0]):
        if _name_word(words[nxt]):
            return True
    return False


def _after_place_word(folded: str, spans: list[tuple[int, int]], words: list[str],
                      f: _Found) -> bool:
    return _before(folded, spans, words, f.first).lower() in PLACE_WORDS


def _names_people_or_things(folded: str, spans: list[tuple[int, int]], words: list[str],
                            f: _Found) -> bool:
    """A language-demonym used as an adjective of a country: followed by a lower-case word
    that is not about language, and not after 'in'."""
    nxt = f.last + 1
    if nxt >= len(words) or not _JOIN.fullmatch(folded, spans[f.last][1], spans[nxt][0]):
        return False
    word = words[nxt]
    if not word.islower() or word in LANGUAGE_CONTEXT:
        return False
    return _before(folded, spans, words, f.first).lower() not in ("in", "into", "from", "to")


def _title_case_line(folded: str, spans: list[tuple[int, int]], words: list[str],
                     index: int) -> bool:
    """True when the line around a word capitalises most of its longer words."""
    start = folded.rfind("\n", 0, spans[index][0]) + 1
    end = folded.find("\n", spans[index][1])
    end = len(folded) if end < 0 else end
    longer = [w for a, b in spans if start <= a < end for w in (folded[a:b],) if len(w) > 3]
    capitals = sum(1 for w in longer if w[0].isupper())
    return len(longer) >= 3 and capitals * 10 >= len(longer) * 7


def _shouting(words: list[str], index: int) -> bool:
    """True when the words around an acronym are capitals too (a shouted title), so 'US'
    may be the word 'us'."""
    around = words[max(0, index - 3):index] + words[index + 1:index + 4]
    longer = [w for w in around if len(w) > 2 and w.isalpha()]
    return bool(longer) and all(w.isupper() for w in longer)
