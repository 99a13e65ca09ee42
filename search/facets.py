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

`register()` adds a facet (the tests declare one); every reader of the
registry asks `term_facets()` at run time, never at import. An index records
nothing about facets but their columns: a facet added later needs a rebuild
to have values (until then, every item has none).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from corpus import Article

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

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z_]{0,30}", self.name):
            raise ValueError(f"facet name {self.name!r}: lower-case letters and _ only")
        if not self.column:
            object.__setattr__(self, "column", f"facet_{self.name}")

    def item_values(self, article: Article) -> tuple[str, ...]:
        """The item's values, cleaned: no blanks, no repeats, in order."""
        found = (" ".join(v.split()) for v in self.values(article))
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
    help="Only items of this kind (repeatable: any of them).",
    column="kind_key")  # the column's name since schema 4

_registry: dict[str, Facet] = {KIND.name: KIND}


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
    _registry[new.name] = new


def unregister(name: str) -> None:
    """Remove a facet added with `register`."""
    if name == KIND.name:
        raise ValueError("the kind facet cannot be removed")
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
