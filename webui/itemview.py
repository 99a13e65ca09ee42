"""What an item page shows (`/items/<id>`), computed here: the template only prints it.

Its places are the countries found in it at index time (the `country` facet),
each with the words of the item that named it (stored beside them at index
time, `search.place_evidence`) and the regions it belongs to, each a link to
the search filtered to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corpus import Article
from corpus.places import ILO_SCHEME, regions_of
from search import Hit, facet, term_facets
from webui.chart import bucket_name
from webui.cite import Citation, Cited, citations
from webui.context import Link, date_text, long_date
from webui.links import SearchParams
from webui.metadata import Embedded, embedded


@dataclass(frozen=True, slots=True)
class Similar:
    title: str
    href: str
    date_iso: str
    date_text: str


@dataclass(frozen=True, slots=True)
class PlaceView:
    """One country an item is about: a link to it, the words that named it, its regions."""

    name: str
    code: str
    href: str
    evidence: str            # "Nairobi, Kenyan", or "" when the text shown does not name it
    regions: list[Link]


@dataclass(frozen=True, slots=True)
class ItemView:
    """Everything `items/item.html` prints."""

    article: Article
    date_iso: str
    date_text: str
    permalink: str
    api_href: str
    browse: list[Link]
    citations: list[Citation]
    similar: list[Similar]
    page_title: str
    publisher: str
    embedded: Embedded
    paragraphs: list[str]  # the full text, paragraph by paragraph (none without one)
    places: list[PlaceView]


def item_view(hit: Hit, similar: list[Article], cited: Cited, *, search_base: str,
              item_href: Callable[[str], str], api_href: str, site: str,
              evidence: dict[str, list[str]] | None = None) -> ItemView:
    """The item page: details, links to its month and its facet values and places
    (`evidence`: the words that named each country), citations, the metadata its head
    embeds, similar items."""
    article = hit.article
    month = article.date.strftime("%Y-%m")
    browse = [Link(bucket_name(month),
                   SearchParams(date_from=month, date_to=month).url(search_base))]
    for declared in term_facets():
        if declared.derived:
            continue  # regions: with their country, under places
        for value in hit.facets.get(declared.name, ()):
            browse.append(Link(f"all {declared.display(value)}",
                               SearchParams().with_values(declared.name, (value,))
                               .url(search_base)))
    return ItemView(
        article=article, date_iso=article.date.isoformat(), date_text=date_text(article),
        permalink=cited.permalink, api_href=api_href, browse=browse,
        citations=citations(cited),
        similar=[Similar(other.title, item_href(other.id), other.date.isoformat(),
                         long_date(other.date)) for other in similar],
        page_title=f"{article.title} – {site}", publisher=cited.credit.publisher,
        embedded=embedded(cited, api_href, site),
        paragraphs=[p.strip() for p in article.body.split("\n\n") if p.strip()],
        places=places_of(hit, search_base, evidence or {}))


def places_of(hit: Hit, search_base: str, evidence: dict[str, list[str]]) -> list[PlaceView]:
    """The item's countries, by name, each with the words that named it (`evidence`) and
    its regions (the finest UN M49 region and the ILO region)."""
    codes = hit.facets.get("country", ())
    if not codes:
        return []
    country = facet("country")
    out = []
    for code in codes:
        found = regions_of(code)
        m49 = [r for r in found if r.scheme != ILO_SCHEME][-1:]
        ilo = [r for r in found if r.scheme == ILO_SCHEME]
        out.append(PlaceView(
            name=country.display(code), code=code,
            href=SearchParams().with_values("country", (code,)).url(search_base),
            evidence=", ".join(evidence.get(code, ())),
            regions=[Link(r.label, SearchParams().with_values("region", (r.code,))
                          .url(search_base)) for r in m49 + ilo]))
    return sorted(out, key=lambda place: place.name)
