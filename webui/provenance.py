"""Reproducible citations of a search, and what changed since a cited index generation.

A search is cited by its URL with the generation it ran on (`gen=<id>`), the
number of hits and the time it was retrieved. When someone opens a cited URL
after the index has been rebuilt or updated, `change_notice` says so and by
how much, so a reader knows whether the results still match the paper.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime

from search.build.store import Generation
from webui.cite import Citation, bibtex_escape

GENERATION_PARAM = "gen"


@dataclass(frozen=True, slots=True)
class SearchCitation:
    url: str            # the search URL with gen=<id>
    total: int
    generation: Generation
    retrieved: datetime
    description: str    # "news-search results for 'kenya', 2019-2024"

    def forms(self) -> list[Citation]:
        """Plain text, BibTeX and RIS, in the order the page shows them."""
        stamp = self.retrieved.strftime("%Y-%m-%d %H:%M UTC")
        gen = self.generation
        plain = (f"{self.description}: {self.total:,} items. Index generation {gen.id} "
                 f"(built {gen.built_at}, {gen.items:,} items). {self.url} "
                 f"(retrieved {stamp}).")
        key = f"search-{gen.id.split('T')[0]}-{zlib.crc32(self.url.encode('utf-8')):08x}"
        bib = "\n".join([
            f"@misc{{{key},",
            f"  title = {{{{{bibtex_escape(self.description)}}}}},",
            f"  year = {{{self.retrieved.year}}},",
            f"  note = {{{self.total} items; index generation {bibtex_escape(gen.id)}, "
            f"built {bibtex_escape(gen.built_at)}}},",
            f"  url = {{{self.url}}},",
            f"  urldate = {{{self.retrieved.date().isoformat()}}}",
            "}"])
        ris = "\n".join([
            "TY  - DATA", f"TI  - {self.description}", f"PY  - {self.retrieved.year}",
            f"N1  - {self.total} items; index generation {gen.id}, built {gen.built_at}",
            f"UR  - {self.url}", f"Y2  - {self.retrieved.strftime('%Y/%m/%d')}", "ER  - "])
        return [Citation("Plain text", plain, "cite-search-plain"),
                Citation("BibTeX", bib, "cite-search-bibtex"),
                Citation("RIS", ris, "cite-search-ris")]


def change_notice(cited_id: str, cited: Generation | None, current: Generation) -> str | None:
    """A sentence for a URL cited with another generation; None when it is the current one."""
    if not cited_id or cited_id == current.id:
        return None
    if cited is None:
        return (f"This link was cited with index generation {cited_id[:40]}, which this index "
                f"has no record of; it now serves generation {current.id} (built "
                f"{current.built_at}, {current.items:,} items), so results may differ.")
    change = current.items - cited.items
    if change > 0:
        delta = f"{change:,} more item{'s' if change != 1 else ''}"
    elif change < 0:
        delta = f"{-change:,} fewer item{'s' if change != -1 else ''}"
    else:
        delta = "the same number of items (some may have been replaced)"
    return (f"The index has changed since this search was cited: it was generation "
            f"{cited.id} (built {cited.built_at}, {cited.items:,} items) and is now "
            f"generation {current.id} (built {current.built_at}, {current.items:,} items), "
            f"{delta}. Results may differ from those cited.")
