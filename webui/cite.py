"""Citations of one item: plain text, BibTeX and RIS.

A citation names who the item is by and from (`publishers.Credit`: the author,
the publisher, the site or collection it appeared in), its title, kind and
date, the original URL first (where the item was published, when known), then
its permalink here, and the date it was accessed. The file it was read from is
never named: it is local to whoever built the index.

BibTeX is escaped exactly: every character LaTeX treats specially becomes the
command that prints it (`~` is `\\textasciitilde{}`, never the accent `\\~{}`,
which decodes to nothing), accented letters stay UTF-8 (biber and BibTeX 0.99
read it), and URLs keep their characters except the three a braced field cannot
hold, which are percent-encoded. The tests read every form back with
bibtexparser and rispy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from corpus import Article
from webui.publishers import Credit

# Each LaTeX special character and the command that prints it.
_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
          "$": r"\$", "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}",
          "~": r"\textasciitilde{}"}
_LATEX_SPECIAL = re.compile("[" + re.escape("".join(_LATEX)) + "]")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True, slots=True)
class Citation:
    name: str
    text: str
    dom_id: str


@dataclass(frozen=True, slots=True)
class Cited:
    """What a citation of one item says: the item, who it is by and from, its addresses
    (the original, '' when unknown; the permalink here) and the date it was accessed."""

    article: Article
    credit: Credit
    original: str
    permalink: str
    accessed: date

    @property
    def links(self) -> list[str]:
        """The original first, then the permalink (each once)."""
        return list(dict.fromkeys(link for link in (self.original, self.permalink) if link))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def bibtex_escape(text: str) -> str:
    """Text as a BibTeX field prints it: LaTeX's special characters as commands."""
    return _LATEX_SPECIAL.sub(lambda m: _LATEX[m.group(0)], _one_line(text))


def bibtex_url(url: str) -> str:
    """A URL inside a braced BibTeX field: braces and backslashes percent-encoded."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def plain(cited: Cited) -> str:
    """'Author. “Title.” Kind. Site. Publisher, 6 February 2024. original. Permalink:
    permalink (accessed 2024-05-01).' (the publisher when it is not the author)."""
    article, credit = cited.article, cited.credit
    parts = []
    if credit.author:
        parts.append(f"{_one_line(credit.author).rstrip('.')}.")
    parts.append(f"\u201c{_one_line(article.title).rstrip('.')}.\u201d")
    if article.kind:
        parts.append(f"{_one_line(article.kind).rstrip('.')}.")
    if credit.site:
        parts.append(f"{_one_line(credit.site).rstrip('.')}.")
    published = long_date(article.date)
    if credit.publisher and credit.publisher != credit.author:
        published = f"{_one_line(credit.publisher)}, {published}"
    parts.append(f"{published}.")
    links = cited.links
    if len(links) == 2:
        parts.append(f"{links[0]}. Permalink: {links[1]}")
    elif links:
        parts.append(links[0])
    return " ".join(parts) + f" (accessed {cited.accessed.isoformat()})."


def bibtex(cited: Cited) -> str:
    """A biblatex/BibTeX `@misc` entry: the corporate author braced whole, the site as
    `howpublished`, the publisher as `organization`, the original as `url` and the
    permalink in `addendum`."""
    article, credit = cited.article, cited.credit
    fields: list[tuple[str, str]] = []
    if credit.author:
        fields.append(("author", f"{{{{{bibtex_escape(credit.author)}}}}}"))
    fields.append(("title", f"{{{{{bibtex_escape(article.title)}}}}}"))
    if credit.site:
        fields.append(("howpublished", f"{{{bibtex_escape(credit.site)}}}"))
    if credit.publisher:
        fields.append(("organization", f"{{{bibtex_escape(credit.publisher)}}}"))
    fields += [("year", f"{{{article.date.year}}}"),
               ("month", MONTHS[article.date.month - 1]),
               ("date", f"{{{article.date.isoformat()}}}")]
    if article.kind:
        fields.append(("note", f"{{{bibtex_escape(article.kind)}}}"))
    if article.language:
        fields.append(("langid", f"{{{article.language}}}"))
    links = cited.links
    if links:
        fields.append(("url", f"{{{bibtex_url(links[0])}}}"))
    fields.append(("urldate", f"{{{cited.accessed.isoformat()}}}"))
    if len(links) == 2:
        fields.append(("addendum", f"{{Permalink: \\url{{{bibtex_url(links[1])}}}}}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{article.id},\n{body}\n}}"


def ris(cited: Cited) -> str:
    """An RIS record (`TY  - NEWS`): the original URL first, then the permalink."""
    article, credit = cited.article, cited.credit
    lines = ["TY  - NEWS"]
    if credit.author:
        lines.append(f"AU  - {_one_line(credit.author)}")
    lines += [f"TI  - {_one_line(article.title)}"]
    if credit.site:
        lines.append(f"T2  - {_one_line(credit.site)}")
    if credit.publisher:
        lines.append(f"PB  - {_one_line(credit.publisher)}")
    lines += [f"PY  - {article.date.year}", f"DA  - {article.date.strftime('%Y/%m/%d')}"]
    if article.kind:
        lines.append(f"M3  - {_one_line(article.kind)}")
    if article.summary:
        lines.append(f"AB  - {_one_line(article.summary)}")
    if article.language:
        lines.append(f"LA  - {article.language}")
    lines += [f"UR  - {link}" for link in cited.links]
    lines += [f"Y2  - {cited.accessed.strftime('%Y/%m/%d')}", f"ID  - {article.id}", "ER  - "]
    return "\n".join(lines)


def citations(cited: Cited) -> list[Citation]:
    """The three forms, in the order the item page shows them."""
    return [Citation("Plain text", plain(cited), "cite-plain"),
            Citation("BibTeX", bibtex(cited), "cite-bibtex"),
            Citation("RIS", ris(cited), "cite-ris")]
