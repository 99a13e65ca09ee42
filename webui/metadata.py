"""What an item page embeds for machines: Highwire tags, schema.org JSON-LD, OpenGraph.

Reference managers and search engines read an item page without a person:
Zotero's and Google Scholar's readers take the Highwire Press `citation_*` meta
tags, link previews take OpenGraph (`og:*`, `article:*`), and search engines
and most metadata extractors take a schema.org `NewsArticle` in JSON-LD. All
three say the same as the page's citations (`cite.Cited`): title, author,
publisher, date, the original URL and the permalink. The template prints
these as they are; the JSON-LD goes through `tojson`, which escapes `<` so no
text can close its script element.
"""

from __future__ import annotations

from dataclasses import dataclass

from webui.cite import Cited


@dataclass(frozen=True, slots=True)
class Meta:
    """One `<meta>` element: `name=` (Highwire) or `property=` (OpenGraph)."""

    attribute: str
    key: str
    content: str


@dataclass(frozen=True, slots=True)
class Embedded:
    """Everything an item page's head carries for machines."""

    canonical: str          # the permalink
    json_href: str          # the item's JSON (/api/items/<id>)
    tags: list[Meta]
    json_ld: dict[str, object]


def highwire(cited: Cited) -> list[Meta]:
    """The `citation_*` tags Zotero and Google Scholar read."""
    article, credit = cited.article, cited.credit
    pairs = [("citation_title", article.title)]
    if credit.author:
        pairs.append(("citation_author", credit.author))
    pairs += [("citation_publication_date", article.date.strftime("%Y/%m/%d")),
              ("citation_date", article.date.strftime("%Y/%m/%d"))]
    if credit.publisher:
        pairs.append(("citation_publisher", credit.publisher))
    if article.language:
        pairs.append(("citation_language", article.language))
    if article.summary:
        pairs.append(("citation_abstract", article.summary))
    if article.kind:
        pairs.append(("citation_keywords", article.kind))
    if cited.original:
        pairs.append(("citation_fulltext_html_url", cited.original))
    pairs.append(("citation_public_url", cited.permalink))
    return [Meta("name", key, value) for key, value in pairs if value]


def opengraph(cited: Cited, site_title: str) -> list[Meta]:
    """OpenGraph's article: what a link preview shows."""
    article = cited.article
    pairs = [("og:type", "article"), ("og:title", article.title),
             ("og:url", cited.permalink if "://" in cited.permalink else ""),
             ("og:site_name", site_title), ("og:description", article.summary),
             ("article:published_time", article.date.isoformat()),
             ("article:section", article.kind)]
    if cited.credit.publisher:
        pairs.append(("article:publisher", cited.credit.publisher))
    return [Meta("property", key, value) for key, value in pairs if value]


def news_article(cited: Cited) -> dict[str, object]:
    """A schema.org NewsArticle: the original as `url` (and `sameAs` the permalink)."""
    article, credit = cited.article, cited.credit
    data: dict[str, object] = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "identifier": article.id, "headline": article.title[:110], "name": article.title,
        "datePublished": article.date.isoformat(),
        "url": cited.original or cited.permalink,
        "mainEntityOfPage": cited.permalink,
    }
    if cited.original:
        data["sameAs"] = cited.permalink
    if article.summary:
        data["description"] = article.summary
    if article.kind:
        data["articleSection"] = article.kind
    if article.language:
        data["inLanguage"] = article.language
    if credit.author:
        data["author"] = {"@type": "Organization", "name": credit.author}
    if credit.publisher:
        data["publisher"] = {"@type": "Organization", "name": credit.publisher}
    if credit.site:
        data["isPartOf"] = {"@type": "WebSite" if "." in credit.site else "Collection",
                            "name": credit.site}
    return data


def embedded(cited: Cited, json_href: str, site_title: str) -> Embedded:
    """The head of an item page."""
    return Embedded(canonical=cited.permalink, json_href=json_href,
                    tags=[*highwire(cited), *opengraph(cited, site_title)],
                    json_ld=news_article(cited))
