"""Citations of many items at once, for a collection: BibTeX, RIS and CSL-JSON files.

BibTeX and RIS are the item page's own (`webui.cite`: one entry per item, the
same credit, links and exact escaping), joined as their formats join entries.
CSL-JSON (the Citation Style Language's data format, read by Zotero, Pandoc
and citeproc) is written here from the same `Cited`: one `article-newspaper`
object per item with its author and publisher, title, date as `date-parts`,
kind as `genre`, summary as `abstract`, the site as `container-title`, the
original URL (the permalink when there is none, and as a note when there is)
and the access date; its `id` is the item's stable id, as BibTeX's key is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from webui.cite import Cited, bibtex, ris


def bibtex_file(items: Iterable[Cited]) -> str:
    """Every item as a BibTeX entry, a blank line between them."""
    return "\n\n".join(bibtex(cited) for cited in items) + "\n"


def ris_file(items: Iterable[Cited]) -> str:
    """Every item as a RIS record (each ends with its `ER  - ` line)."""
    return "\n".join(ris(cited) for cited in items) + "\n"


def _parts(day: date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_item(cited: Cited) -> dict[str, object]:
    """One item as a CSL-JSON object."""
    article, credit = cited.article, cited.credit
    item: dict[str, object] = {"id": article.id, "type": "article-newspaper",
                               "title": " ".join(article.title.split()),
                               "issued": _parts(article.date),
                               "accessed": _parts(cited.accessed)}
    if credit.author:
        item["author"] = [{"literal": credit.author}]
    if credit.publisher:
        item["publisher"] = credit.publisher
    if credit.site:
        item["container-title"] = credit.site
    links = cited.links
    if links:
        item["URL"] = links[0]
    if len(links) == 2:
        item["note"] = f"Permalink: {links[1]}"
    if article.kind:
        item["genre"] = article.kind
    if article.summary:
        item["abstract"] = " ".join(article.summary.split())
    if article.language:
        item["language"] = article.language
    return item


def csl_json(items: Iterable[Cited]) -> str:
    """Every item as CSL-JSON: a JSON array of CSL items."""
    return json.dumps([csl_item(cited) for cited in items], ensure_ascii=False,
                      indent=2) + "\n"
