"""Reproducible citations of a search, provenance of exports, and what changed since.

A search is cited by its URL with the generation it ran on (`gen=<id>`), the
number of hits and the time it was retrieved. When someone opens a cited URL
after the index has been rebuilt or updated, `change_notice` says so and by
how much, so a reader knows whether the results still match the paper. Every
file a search produces (exports, the compare and keyword-in-context tables)
starts with the same provenance (`provenance`, written by `csv_comment` in
CSV): the search, the index generation and the time it was retrieved.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

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


def provenance(search_url: str, generation: Generation,
               search: dict[str, object] | None = None) -> dict[str, object]:
    """What a researcher needs to cite a file made from a search: the search (its
    parameters and URL), the index generation its items come from, the time."""
    return {**(search or {}), "search_url": search_url, "generation": generation.id,
            "generation_built_at": generation.built_at, "generation_items": generation.items,
            "retrieved": datetime.now(UTC).isoformat(timespec="seconds")}


def csv_comment(what: str, record: dict[str, object]) -> str:
    """The provenance as the first line of a CSV file (news-search's CSV reader skips it)."""
    text = json.dumps(record, ensure_ascii=False).replace("\r", " ").replace("\n", " ")
    return f"# news-search {what}: {text}\r\n"


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
