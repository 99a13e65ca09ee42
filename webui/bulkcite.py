"""Citations of many items at once, for a collection: BibTeX, RIS and CSL-JSON files.

BibTeX and RIS are the item page's own (`webui.cite`: one entry per item, the
same escaping), joined as their formats join entries. CSL-JSON (the Citation
Style Language's data format, read by Zotero, Pandoc and citeproc) is written
here: one `article-newspaper` object per item with its title, date as
`date-parts`, kind as `genre`, summary as `abstract`, the link and the
access date; the `id` is the item's stable id, as BibTeX's key is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date

from corpus import Article
from webui.cite import bibtex, ris

Link = Callable[[Article], str]  # the address to cite: the original, else the permalink


def bibtex_file(articles: Iterable[Article], link: Link, accessed: date) -> str:
    """Every item as a BibTeX entry, a blank line between them."""
    return "\n\n".join(bibtex(a, link(a), accessed) for a in articles) + "\n"


def ris_file(articles: Iterable[Article], link: Link, accessed: date) -> str:
    """Every item as a RIS record (each ends with its `ER  - ` line)."""
    return "\n".join(ris(a, link(a), accessed) for a in articles) + "\n"


def _parts(day: date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_item(article: Article, link: str, accessed: date) -> dict[str, object]:
    """One item as a CSL-JSON object."""
    item: dict[str, object] = {"id": article.id, "type": "article-newspaper",
                               "title": " ".join(article.title.split()),
                               "issued": _parts(article.date), "URL": link,
                               "accessed": _parts(accessed)}
    if article.kind:
        item["genre"] = article.kind
    if article.summary:
        item["abstract"] = " ".join(article.summary.split())
    if article.language:
        item["language"] = article.language
    return item


def csl_json(articles: Iterable[Article], link: Link, accessed: date) -> str:
    """Every item as CSL-JSON: a JSON array of CSL items."""
    return json.dumps([csl_item(a, link(a), accessed) for a in articles], ensure_ascii=False,
                      indent=2) + "\n"
