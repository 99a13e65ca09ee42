"""Find the countries a text names: `places(text)`, and `mentions(text)` to see why.

The text is text (accents, case) and split into words; at each capitalised
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
  not about language: "French cooperatives", "the Portuguese Minister", not "in
  French", "French version" or "French and Spanish";
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
from corpus.places.gazetteer import (
    AMBIGUOUS,
    CITY,
    LANGUAGE,
    NONE,
    STRONG,
    SUBDIVISION,
    WEAK,
    Entry,
    gazetteer,
)

# A capitalised word: an upper-case Latin letter (basic, Latin-1, Extended-A/B and
# Additional: "Şanlıurfa", "Đà Nẵng"; checked with isupper()), then letters or digits.
# (The capital is matched before the look back at the letter before it: the regex engine
# then skips to the next capital instead of looking back at every character.)
_CAPITALISED = re.compile(r"[A-Z\u00C0-\u00DE\u0100-\u024F\u1E00-\u1EFF](?<![^\W_].)[^\W_]*")
# The next word of the same name: separated by spaces, a hyphen, an apostrophe or a dot.
_NEXT_IN_NAME = re.compile(r"(?:[ \t]+|[ \t]*-[ \t]*|'|\u2019|\.)([^\W_]+)")
_NEXT_WORD = re.compile(r"([^\w]*)([^\W_]+)")
_PREV_WORD = re.compile(r"([^\W_]+)([^\w]*)$")
_ANY_WORD = re.compile(r"[^\W_]+")
_JOIN = re.compile(r"[ \t]+|[ \t]*-[ \t]*")        # a gap that keeps two words in one name
_SENTENCE = re.compile(r"[.!?:;\n]")

PLACE_WORDS = frozenset({"in", "from", "to", "across", "throughout", "of", "at", "near",
    "inside", "within", "into", "towards", "toward", "visit", "visits", "visited"})
FUNCTION_WORDS = frozenset({"the", "a", "an", "in", "of", "for", "and", "to", "from", "on",
    "at", "by", "with", "or", "as", "its", "their", "our", "this", "that", "new"})
PLACE_TYPES = frozenset({"city", "province", "region", "state", "county", "district",
    "governorate", "municipality", "department", "prefecture", "island", "islands", "republic",
    "town", "capital"})
LANGUAGE_CONTEXT = frozenset({"speaking", "speaker", "speakers", "language", "languages",
    "version", "versions", "translation", "translations", "translated", "edition", "editions",
    "only", "text", "original", "subtitles", "summary", "abstract", "title", "titles",
    "transcript", "and", "or"})


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
    start: int     # character offsets of the name in the text
    end: int


def places(text: str) -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes of the countries the text names or is about."""
    return frozenset(m.code for m in mentions(text))


def mentions(text: str) -> list[Mention]:
    """Every place name in the text that counted, with the country it was read as."""
    if not text:
        return []
    g = gazetteer()
    names, longest, acronyms = g.names, g.longest, g.acronyms
    found: list[_Found] = []
    pos = 0
    search = _CAPITALISED.search
    next_in_name = _NEXT_IN_NAME.match
    while True:
        match = search(text, pos)
        if match is None:
            break
        word = match.group()
        pos = match.end()
        if not word[0].isupper():
            continue
        acronym = acronyms.get(word)
        if acronym is not None:
            if not _shouting(text, match.start(), pos) and text[pos:pos + 1] != "$":
                found.append(_Found(acronym, match.start(), pos))   # "$": "US$ 5 million"
            continue
        first = fold(word).lower()
        most = longest.get(first, 0)
        if not most:
            continue
        if len(word) > 1 and word.isupper() and not _shouting(text, match.start(), pos):
            continue   # an acronym ("ICA" is not Ica, Peru) unless the whole line shouts
        keys = [first]
        ends = [pos]
        while len(keys) < most:
            following = next_in_name(text, ends[-1])
            if following is None:
                break
            keys.append(fold(following.group(1)).lower())
            ends.append(following.end())
        for size in range(len(keys), 0, -1):
            entry = names.get(" ".join(keys[:size]) if size > 1 else first)
            if entry is not None:
                found.append(_Found(entry, match.start(), ends[size - 1]))
                pos = ends[size - 1]
                break
    return _resolve(text, found) if found else []


def _resolve(text: str, found: list[_Found]) -> list[Mention]:
    accepted: list[tuple[_Found, str]] = []
    strong: set[str] = set()
    pending: list[_Found] = []
    for f in found:
        rule = f.entry.rule
        if rule == NONE:
            continue
        if rule == STRONG:
            if f.entry.kind in (CITY, SUBDIVISION) and _inside_name(text, f):
                continue
            accepted.append((f, f.entry.codes[0]))
            strong.add(f.entry.codes[0])
        elif rule == LANGUAGE and _names_people_or_things(text, f):
            accepted.append((f, f.entry.codes[0]))
            strong.add(f.entry.codes[0])
        else:
            pending.append(f)
    for f in pending:
        code = _weak_code(text, f, strong)
        if code:
            accepted.append((f, code))
    accepted.sort(key=lambda item: item[0].start)
    return [Mention(code, text[f.start:f.end], f.start, f.end, f.entry.kind, f.entry.rule)
            for f, code in accepted]


def _weak_code(text: str, f: _Found, strong: set[str]) -> str | None:
    entry = f.entry
    if entry.rule == LANGUAGE:
        return entry.codes[0] if entry.codes[0] in strong else None
    if entry.rule == WEAK:
        code = entry.codes[0]
        if code in strong:
            return code
        place_like = entry.kind in (CITY, SUBDIVISION)
        if _inside_name(text, f):
            return None
        if not place_like and neighbours(code) & strong:
            return code
        if _before(text, f.start).lower() in PLACE_WORDS and not (
                place_like and _title_case_line(text, f.start)):
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

def _previous(text: str, start: int) -> tuple[str, str]:
    """The word before offset `start` and the gap between them ('', '' at the start)."""
    match = _PREV_WORD.search(text, max(0, start - 60), start)
    return (match.group(1), match.group(2)) if match else ("", "")


def _before(text: str, start: int) -> str:
    """The word just before offset `start` in the same sentence, or ''."""
    word, gap = _previous(text, start)
    return "" if _SENTENCE.search(gap) else word


def _name_word(word: str) -> bool:
    """A capitalised word that could be part of a person's or an organisation's name
    (an initial too: 'Gilbert F. Houngbo'), not a function word, a place or an acronym."""
    if len(word) == 1:
        return word.isupper()
    lower = fold(word).lower()
    return (word[0].isupper() and not word.isupper() and lower not in FUNCTION_WORDS
            and lower not in PLACE_WORDS and lower not in PLACE_TYPES
            and lower not in gazetteer().longest)


def _inside_name(text: str, f: _Found) -> bool:
    """True when a capitalised word stands right against the name: 'Lake Victoria',
    'Florence Nightingale', 'Nairobi Declaration'."""
    word, gap = _previous(text, f.start)
    if word and _JOIN.fullmatch(gap) and _name_word(word):
        return True   # even at the start of a sentence: "Pablo Maldonado", not "Visit Nairobi"
    following = _NEXT_WORD.match(text, f.end)
    return bool(following and _JOIN.fullmatch(following.group(1))
                and _name_word(following.group(2)))


def _names_people_or_things(text: str, f: _Found) -> bool:
    """A language-demonym used as an adjective of a country: followed by a word that is not
    about language and not another language ("French cooperatives", "Portuguese Minister";
    not "French version", "French and Spanish"), and not after 'in' ("in French")."""
    following = _NEXT_WORD.match(text, f.end)
    if not following or not _JOIN.fullmatch(following.group(1)):
        return False
    word = fold(following.group(2)).lower()
    if word in LANGUAGE_CONTEXT or word.isdigit():
        return False
    entry = gazetteer().names.get(word)
    if entry is not None and entry.rule == LANGUAGE:
        return False
    return _before(text, f.start).lower() not in ("in", "into", "from", "to")


def _title_case_line(text: str, start: int) -> bool:
    """True when the line around an offset capitalises most of its longer words."""
    begin = text.rfind("\n", 0, start) + 1
    end = text.find("\n", start)
    line = text[begin:len(text) if end < 0 else end]
    longer = [w for w in _ANY_WORD.findall(line) if len(w) > 3]
    capitals = sum(1 for w in longer if w[0].isupper())
    return len(longer) >= 3 and capitals * 10 >= len(longer) * 7


def _shouting(text: str, start: int, end: int) -> bool:
    """True when the words around an acronym are capitals too (a shouted title), so 'US'
    may be the word 'us'."""
    around = _ANY_WORD.findall(text, max(0, start - 30), start)[-3:]
    around += _ANY_WORD.findall(text, end, end + 30)[:3]
    longer = [w for w in around if len(w) > 2 and w.isalpha()]
    return bool(longer) and all(w.isupper() for w in longer)
