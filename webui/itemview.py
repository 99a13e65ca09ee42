"""What an item page shows (`/items/<id>`), computed here: the template only prints it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corpus import Article
from search import Hit, term_facets
from webui.chart import bucket_name
from webui.cite import Citation, Cited, citations
from webui.context import Link, long_date
from webui.links import SearchParams
from webui.metadata import Embedded, embedded


@dataclass(frozen=True, slots=True)
class Similar:
    title: str
    href: str
    date_iso: str
    date_text: str


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


def item_view(hit: Hit, similar: list[Article], cited: Cited, *, search_base: str,
              item_href: Callable[[str], str], api_href: str, site: str) -> ItemView:
    """The item page: details, links to its month and its facet values, citations, the
    metadata its head embeds, similar items."""
    article = hit.article
    month = article.date.strftime("%Y-%m")
    browse = [Link(bucket_name(month),
                   SearchParams(date_from=month, date_to=month).url(search_base))]
    for declared in term_facets():
        for value in hit.facets.get(declared.name, ()):
            browse.append(Link(f"all {declared.display(value)}",
                               SearchParams().with_values(declared.name, (value,))
                               .url(search_base)))
    return ItemView(
        article=article, date_iso=article.date.isoformat(), date_text=long_date(article.date),
        permalink=cited.permalink, api_href=api_href, browse=browse,
        citations=citations(cited),
        similar=[Similar(other.title, item_href(other.id), other.date.isoformat(),
                         long_date(other.date)) for other in similar],
        page_title=f"{article.title} – {site}", publisher=cited.credit.publisher,
        embedded=embedded(cited, api_href, site),
        paragraphs=[p.strip() for p in article.body.split("\n\n") if p.strip()])
