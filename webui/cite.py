"""Citations of one item: plain text, BibTeX and RIS.

The items have no author in the corpus; the citation names the title, kind,
date, where it can be found (the original URL when known, else the
permalink) and the date it was accessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from corpus import Article

_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")
_BIBTEX_REPLACE = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True, slots=True)
class Citation:
    name: str
    text: str
    dom_id: str


def _one_line(text: str) -> str:
    return " ".join(text.split())


def bibtex_escape(text: str) -> str:
    """Escape the characters BibTeX and LaTeX treat specially."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_REPLACE.get(m.group(1), "\\" + m.group(1)),
                               _one_line(text))


def plain(article: Article, link: str, accessed: date) -> str:
    kind = f" {article.kind}." if article.kind else ""
    return (f"\u201c{_one_line(article.title)}.\u201d{kind} {article.date.day} "
            f"{article.date.strftime('%B')} {article.date.year}. {link} "
            f"(accessed {accessed.isoformat()}).")


def bibtex(article: Article, link: str, accessed: date) -> str:
    lines = [f"@misc{{{article.id},",
             f"  title = {{{{{bibtex_escape(article.title)}}}}},",
             f"  year = {{{article.date.year}}},",
             f"  month = {MONTHS[article.date.month - 1]},",
             f"  date = {{{article.date.isoformat()}}},"]
    if article.kind:
        lines.append(f"  note = {{{bibtex_escape(article.kind)}}},")
    lines += [f"  url = {{{link}}},", f"  urldate = {{{accessed.isoformat()}}}", "}"]
    return "\n".join(lines)


def ris(article: Article, link: str, accessed: date) -> str:
    lines = ["TY  - NEWS", f"TI  - {_one_line(article.title)}",
             f"PY  - {article.date.year}", f"DA  - {article.date.strftime('%Y/%m/%d')}"]
    if article.kind:
        lines.append(f"M3  - {_one_line(article.kind)}")
    if article.summary:
        lines.append(f"AB  - {_one_line(article.summary)}")
    lines += [f"UR  - {link}", f"Y2  - {accessed.strftime('%Y/%m/%d')}", f"ID  - {article.id}",
              "ER  - "]
    return "\n".join(lines)


def citations(article: Article, link: str, accessed: date) -> list[Citation]:
    """The three forms, in the order the item page shows them."""
    return [Citation("Plain text", plain(article, link, accessed), "cite-plain"),
            Citation("BibTeX", bibtex(article, link, accessed), "cite-bibtex"),
            Citation("RIS", ris(article, link, accessed), "cite-ris")]
