"""Facets, declared once: each says what values an item has and everything built from it.

A facet is one `Facet` (values each item has: a kind, later a collection or the
countries it is about) or the `DateFacet` (the item's date, counted by year or
month). From the declaration alone come:

- its column: the schema gets a column field (`Facet.column`) filled at index
  time from `Facet.values(article)`; `postings.columns` reads it into codes;
- its counts: `postings.columns.FacetColumn.counts`, over the result set
  filtered by every *other* facet (so the other values of a facet stay there
  to add); the date facet counts the fully filtered set;
- its URL parameter and filter: `Facet.name` (`kind=News`, repeatable: any of
  the values; different facets: all of them), read by `query.request`;
- its chip, its panel heading and its checkboxes (`label`, `heading`), in
  `webui`;
- its API key (`api_key`, in `facets` and in the request's echo), its export
  column (`export`) and its command-line option (`--<name>`).

A facet may be *derived* from another (`source`, `derive`): it has no column
of its own, and its values are worked out from the source facet's values when
the columns load (the regions of an item's countries), so a change in how
they are derived needs no rebuild. A facet with a closed vocabulary (`check`)
refuses a value that can never be one with a 400 naming what is near it, and
accepts any valid value even when no item has it (it then selects nothing).

The declared facets: `kind`; `country` (ISO 3166-1 alpha-2 codes of the
countries an item's title, summary and body name or are about, found at index
time by `corpus.places`); `region` (the UN M49 and ILO regions of those
countries, derived from the country column).

`register()` adds a facet (the tests declare one); every reader of the
registry asks `term_facets()` at run time, never at import. An index records
nothing about facets but their columns: a facet added later needs a rebuild
to have values (until then, every item has none).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from corpus import Article
from corpus import places as geo
from corpus.places.gazetteer import gazetteer as load_gazetteer
from corpus.sameitem import kind_key

MAX_SELECTED = 20  # values of one facet in one request


def _casefold(value: str) -> str:
    return " ".join(value.split()).casefold()


def _same(value: str) -> str:
    return value


@dataclass(frozen=True)
class Facet:
    """A facet over values each item has; see the module docstring for what it gives.

    `values` gives an item's raw values at index time. `key` makes the values
    that count as one (and the filter values that select them) equal: by
    default case and spacing do not matter. `display` turns a value into what
    a page shows (a country code into its name). `multi`: an item may have
    several values.
    """

    name: str                       # URL parameter, CLI option, filter key: "kind"
    label: str                      # one value's label, for chips and help: "Kind"
    heading: str                    # the panel's heading: "Kinds"
    api_key: str                    # key in the API's facets and request echo: "kinds"
    values: Callable[[Article], tuple[str, ...]]
    export: str | None = None       # the export column, when not already a record field
    multi: bool = False
    key: Callable[[str], str] = _casefold
    display: Callable[[str], str] = _same
    empty_label: str = "(none)"     # how an item without a value is shown
    help: str = ""                  # for the CLI option and the docs
    column: str = ""                # the schema's column field (default facet_<name>)
    # A derived facet: no column; each value of the facet `source` gives these values.
    source: str = ""
    derive: Callable[[str], tuple[str, ...]] | None = None
    # A closed vocabulary: the message for a value that can never be one (None: valid).
    check: Callable[[str], str | None] | None = None
    # Called once before a build forks its workers (data they then share, not each load).
    prepare: Callable[[], object] | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z_]{0,30}", self.name):
            raise ValueError(f"facet name {self.name!r}: lower-case letters and _ only")
        if not self.column:
            object.__setattr__(self, "column", f"facet_{self.name}")
        if bool(self.source) != (self.derive is not None):
            raise ValueError(f"facet {self.name!r}: a derived facet needs both source and "
                             "derive")

    @property
    def derived(self) -> bool:
        """True when the values come from another facet's, not from a column."""
        return bool(self.source)

    def item_values(self, article: Article) -> tuple[str, ...]:
        """The item's values, cleaned: no blanks, no repeats, in order."""
        values = self.values(article)
        if len(values) == 1:  # (most facets: one value an item, at each item indexed)
            only = " ".join(values[0].split())
            return (only,) if only else ()
        found = (" ".join(v.split()) for v in values)
        return tuple(dict.fromkeys(v for v in found if v))


@dataclass(frozen=True)
class DateFacet:
    """The item's date: years while the results span several years, months inside one.

    Its URL parameters are `from` and `to` (a bucket is a link that sets both to it),
    its API keys `years` and `months`, its export column `date`, its CLI options
    `--from` and `--to`; the column is the schema's integer `day` (YYYYMMDD).
    """

    name: str = "date"
    params: tuple[str, str] = ("from", "to")
    api_keys: tuple[str, str] = ("years", "months")
    export: str = "date"
    column: str = "day"


DATES = DateFacet()

KIND = Facet(
    name="kind", label="Kind", heading="Kinds", api_key="kinds",
    values=lambda article: (article.kind,), empty_label="(no kind)",
    # Kinds spelled more than one way ("...with Co-operators" / "...with Cooperators")
    # are one kind, through the variants data (corpus/data/variants.txt).
    key=kind_key,
    help="Only items of this kind (repeatable: any of them).",
    column="kind_key")  # the column's name since schema 4

# The section of the site an item was listed in: the heading of its listing page
# ("Publications and tools on cooperatives"), or a feed's title. The parameter is
# `collection`, as the record's field; pages call it a section, apart from the
# researcher's own collections of items (/collection).
SECTION = Facet(
    name="collection", label="Section", heading="Sections", api_key="collections",
    values=lambda article: (article.collection,), empty_label="(no section)",
    help="Only items listed in this section of the source, e.g. 'Publications and tools "
         "on cooperatives' (repeatable: any of them).")



@functools.lru_cache(maxsize=4)
def _mentions(text: str) -> tuple[geo.Mention, ...]:
    # The facet's values and the evidence stored beside them read the same text, one
    # after the other, when an item is indexed: the gazetteer runs once.
    return tuple(geo.mentions(text))


def _place_text(article: Article) -> str:
    return "\n".join(part for part in (article.title, article.summary, article.body) if part)


def _item_places(article: Article) -> tuple[str, ...]:
    """The countries an item is about, from its title, summary and full text."""
    return tuple(sorted({m.code for m in _mentions(_place_text(article))}))


def place_evidence(article: Article) -> dict[str, list[str]]:
    """For each country of the item, the words of its text that named it, in order
    ({"KE": ["Kenya", "Nairobi"]}): stored at index time, so that an item page can say
    why without loading the gazetteer."""
    said: dict[str, list[str]] = {}
    for mention in _mentions(_place_text(article)):
        words = said.setdefault(mention.code, [])
        if mention.name not in words:
            words.append(mention.name)
    return said


def _load_places() -> None:
    """The gazetteer and the country tables, built once (about a second and 120 MB): before
    a build forks, so that its workers share them instead of each building its own."""
    load_gazetteer()
    geo.all_countries()


def _country_key(value: str) -> str:
    return value.strip().upper()


def _check_country(value: str) -> str | None:
    return None if geo.country(value) is not None and len(value.strip()) == 2 \
        else geo.unknown_country_message(value)


def _regions_of(code: str) -> tuple[str, ...]:
    return tuple(found.code for found in geo.regions_of(code))


def _region_label(code: str) -> str:
    found = geo.region(code)
    return found.label if found is not None else code


def _check_region(value: str) -> str | None:
    return None if geo.region(value) is not None \
        else geo.unknown_region_message(value)


COUNTRY = Facet(
    name="country", label="Country", heading="Countries", api_key="countries",
    values=_item_places, export="countries", multi=True, key=_country_key,
    display=geo.country_name, empty_label="(no country)", check=_check_country,
    prepare=_load_places,
    help="Only items about this country: an ISO 3166-1 alpha-2 code such as KE "
         "(repeatable: any of them).")

REGION = Facet(
    name="region", label="Region", heading="Regions", api_key="regions",
    values=lambda article: tuple(dict.fromkeys(
        r for code in _item_places(article) for r in _regions_of(code))),
    export="regions", multi=True, key=lambda value: value.strip().lower(),
    display=_region_label, empty_label="(no region)", source="country", derive=_regions_of,
    check=_check_region,
    help="Only items about a country of this region: a UN M49 region such as "
         "eastern-africa or an ILO region such as ilo-arab-states (repeatable).")

_registry: dict[str, Facet] = {KIND.name: KIND, SECTION.name: SECTION,
                               COUNTRY.name: COUNTRY, REGION.name: REGION}


def term_facets() -> tuple[Facet, ...]:
    """The facets over item values, in declaration order."""
    return tuple(_registry.values())


def facet(name: str) -> Facet:
    """The facet named `name` (KeyError when there is none)."""
    return _registry[name]


RESERVED = frozenset({"q", "from", "to", "sort", "page", "per_page", "exact", "seed", "gen",
                      "by", "measure", "baseline", "width", "order", "id", "date", "format"})


def register(new: Facet) -> None:
    """Add a facet (before the index is built and the app created)."""
    if new.name in RESERVED or new.name in _registry:
        raise ValueError(f"facet name {new.name!r} is taken")
    if new.derived and new.source not in _registry:
        raise ValueError(f"facet {new.name!r}: its source {new.source!r} is not declared")
    _registry[new.name] = new


def unregister(name: str) -> None:
    """Remove a facet added with `register`."""
    if name == KIND.name:
        raise ValueError("the kind facet cannot be removed")
    if any(other.source == name for other in _registry.values()):
        raise ValueError(f"facet {name!r} is the source of another facet")
    _registry.pop(name, None)


@contextlib.contextmanager
def registered(new: Facet) -> Iterator[Facet]:
    """The facet registered for the duration of a `with` block (for tests)."""
    register(new)
    try:
        yield new
    finally:
        unregister(new.name)


@dataclass(frozen=True)
class FacetCounts:
    """One facet's counts over a result set: (value, count), most first."""

    facet: Facet
    counts: list[tuple[str, int]] = field(default_factory=list)
