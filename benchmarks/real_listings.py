"""How well the listing reader reads the real listing pages in ../shared/real/listings.

    python benchmarks/real_listings.py [FOLDER] [--items]

For each page: its layout (from the folder's SOURCES.tsv), the dated items on
it (date lines counted straight from the text, independently of the reader),
the items read, and every problem. Then the totals (dated items found vs
indexed), the near-duplicate pairs merged across pages, and any month heading
("October 2014") that ended up in a title or a summary, which must be none.
`--items` prints every item read (kind | title | date | collection) to check
by eye. The folder is not part of the repository: when it is absent the
script says so and exits 0.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus import read_sources
from corpus.dates import looks_like_date_line, month_heading

DEFAULT = ROOT / ".." / "shared" / "real" / "listings"
# A date line as the pages write them: a whole line, one date or a range.
DATE_LINE = re.compile(r"^\s*\d{1,2} [A-Z][a-z]+ \d{4}(\s*[-\u2013]\s*\d{1,2} [A-Z][a-z]+ "
                       r"\d{4})?\s*$")


def layouts(folder: Path) -> dict[str, str]:
    table = folder / "SOURCES.tsv"
    if not table.exists():
        return {}
    rows = [line.split("\t") for line in table.read_text(encoding="utf-8").splitlines()[1:]]
    return {row[0]: row[1] for row in rows if len(row) >= 2}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--items", action="store_true", help="print every item read")
    args = parser.parse_args()
    folder: Path = args.folder
    if not folder.is_dir():
        print(f"skipped: no real listings at {folder} (they live outside the repository, in "
              "../shared/real/listings; give another folder as the argument)")
        return 0
    kinds = layouts(folder)
    files = sorted(folder.glob("*.txt"))
    dated_total = read_total = 0
    leaks = []
    print(f"{'file':<22} {'layout':<7} {'dated':>5} {'read':>4}  problems")
    for path in files:
        text = path.read_text(encoding="utf-8")
        dated = sum(1 for line in text.splitlines() if DATE_LINE.match(line))
        headings = {line.strip() for line in text.splitlines()
                    if month_heading(line) and not looks_like_date_line(line)}
        result = read_sources([path])
        articles = list(result.articles)
        read = result.items_read - sum(p.lost_item for p in result.problems)
        dated_total += dated
        read_total += read
        print(f"{path.name:<22} {kinds.get(path.name, '?'):<7} {dated:>5} {read:>4}  "
              f"{len(result.problems)}")
        for problem in result.problems:
            print(f"{'':<36}- {str(problem).removeprefix(str(path) + ':')}")
        # A heading has leaked when items hold its words more often than the page's other
        # lines do (a title may rightly end in one: "Issue No. 21, September 2021").
        for heading in headings:
            on_page = sum(line.count(heading) for line in text.splitlines()
                          if line.strip() != heading)
            in_items = sum(getattr(article, name).count(heading) for article in articles
                           for name in ("kind", "title", "summary"))
            if in_items > on_page:
                leaks.append(f"{path.name}: {heading!r} in {in_items - on_page} item(s)")
        for article in articles:
            if args.items:
                end = f" - {article.date_end}" if article.date_end else ""
                print(f"{'':<38}{article.kind or '(no kind)'} | {article.title[:70]} | "
                      f"{article.date}{end} | {article.collection or '(no collection)'}")
    together = read_sources(files)
    print()
    print(f"dated items on the pages: {dated_total}; items read: {read_total}; "
          f"missing: {dated_total - read_total}")
    print(f"all pages together: {together.items_read} read, {len(together.articles)} items after "
          f"merging {together.duplicates} exact and {together.near_duplicates} near duplicates"
          f"{f', {together.kept_apart} kept apart by kind' if together.kept_apart else ''}")
    print("near-duplicate pairs merged:" if together.merged_pairs else
          "near-duplicate pairs merged: none")
    for kept, copy in together.merged_pairs:
        print(f"  {copy.title!r} [{copy.kind}] ({copy.source})\n"
              f"    = {kept.title!r} [{kept.kind}] ({kept.source}), {kept.date}")
    apart = [p for p in together.problems if p.code == "kept apart"]
    for problem in apart:
        print(f"  kept apart: {problem}")
    print(f"month headings in a title or summary: {len(leaks)}")
    for leak in leaks:
        print(f"  {leak}")
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
