"""What a user typed for a country or a region: resolve it, or say what is near it.

`resolve_country` accepts the forms a researcher may type for one country (the
alpha-2 code in any case, alpha-3, ISO numeric, a name form: 'ke', 'KEN',
'404', 'Viet Nam'); `near_countries` / `near_regions` give the closest valid
ones for an error message, and `unknown_country_message` /
`unknown_region_message` write that message, so the page, the API and the
command line say the same thing.
"""

from __future__ import annotations

import difflib
import functools

import pycountry

from corpus.places.countries import ILO_SCHEME, Country, Region, _tables, iso_name_forms, slug


def resolve_country(text: str) -> str | None:
    """An alpha-2 code for what a user typed, when it names one country exactly:
    'ke', 'KEN', '404', 'Kenya', 'viet nam' -> the code; anything else None."""
    value = text.strip()
    if not value:
        return None
    tables = _tables()
    if value.upper() in tables.countries:
        return value.upper()
    key = slug(value)
    return _exact_index().get(key)


@functools.cache
def _exact_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for c in _tables().countries.values():
        for form in (c.alpha3, c.numeric, c.name, c.official_name):
            if form:
                index.setdefault(slug(form), c.code)
    for iso in pycountry.countries:
        for form in iso_name_forms(iso):
            index.setdefault(slug(form), iso.alpha_2)
    return index


def near_countries(text: str, limit: int = 5) -> list[Country]:
    """The countries whose code or name is closest to what was typed, best first,
    for an error message: 'KN' (a real code) aside, 'UK' -> United Kingdom, 'Kenia' -> Kenya."""
    value = text.strip()
    tables = _tables()
    found: list[str] = []
    exact = resolve_country(value)
    if exact:
        found.append(exact)
    alias = {"UK": "GB", "EL": "GR"}.get(value.upper())  # codes the EU uses for these two
    if alias:
        found.append(alias)
    key = slug(value)
    by_name = {slug(c.name): c.code for c in tables.countries.values()}
    for name in difflib.get_close_matches(key, list(by_name), n=limit, cutoff=0.75):
        found.append(by_name[name])
    if 1 <= len(value) <= 3:
        codes = [c for c in tables.countries if value.upper()[:1] == c[:1]]
        found += difflib.get_close_matches(value.upper(), codes, n=limit, cutoff=0.5)
        found += [c.code for c in tables.countries.values() if c.alpha3 == value.upper()]
    seen: list[str] = []
    for code in found:
        if code not in seen:
            seen.append(code)
    return [tables.countries[c] for c in seen[:limit]]


def near_regions(text: str, limit: int = 5) -> list[Region]:
    """The regions whose code or name is closest to what was typed, best first."""
    table = _tables().regions
    key = slug(text)
    keys = {**{code: code for code in table}, **{slug(r.name): r.code for r in table.values()},
            **{f"ilo-{slug(r.name)}": r.code for r in table.values() if r.scheme == ILO_SCHEME}}
    matches = [k for k in keys if key and len(key) >= 3 and key in k]
    matches += difflib.get_close_matches(key, list(keys), n=limit * 2, cutoff=0.5)
    seen: list[str] = []
    for k in matches:
        if keys[k] not in seen:
            seen.append(keys[k])
    return [table[c] for c in seen[:limit]]


def unknown_country_message(value: str) -> str:
    """'"KN" is not ...' style sentence for a bad `country=`, naming the nearest codes."""
    near = near_countries(value)
    hint = ", ".join(f"{c.code} ({c.name})" for c in near)
    found = resolve_country(value)
    if found:
        return (f"country={value!r}: use the two-letter ISO 3166-1 code, "
                f"country={found} ({_tables().countries[found].name}).")
    text = f"Unknown country code {value!r}: use a two-letter ISO 3166-1 code such as KE."
    return f"{text} Nearest: {hint}." if hint else text


def unknown_region_message(value: str) -> str:
    """The sentence for a bad `region=`, naming the nearest region codes."""
    near = near_regions(value)
    hint = ", ".join(f"{r.code} ({r.label})" for r in near)
    text = (f"Unknown region {value!r}: use a UN M49 region code such as eastern-africa, "
            f"or an ILO region such as ilo-arab-states.")
    return f"{text} Nearest: {hint}." if hint else text
