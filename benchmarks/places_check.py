"""Check `corpus.places` against hand-judged countries of 50 real items, and time it.

The judgments are in `benchmarks/data/places_judged.tsv`: for 50 items of the
real listings in `../shared/real/listings/` (date, first words of the title),
the countries their title and summary name or are about, judged by reading
each item. This script reads the listings itself (every layout the real pages
use: numbered items with a kind line, month headings, `-` bullets, date
ranges), finds each judged item, runs `places(title + summary)` and prints
micro-averaged precision and recall over (item, country) pairs, then every
disagreement with the words that were read as a place.

Then the same judgments against the `country` facet of an index built from the
judged items (`search.facets.COUNTRY`, found at index time from title, summary and
body, read back from the index's column): the figures must be the same as those
of `places()`, since the facet is `places()` stored.

It then times `places()` on the real article pages cut to 2,000 characters
(the size of an item's title, summary and body) and prints microseconds per
call, and the one-off cost of building the gazetteer.

Run:  python benchmarks/places_check.py [--rounds N]

Skips with a line and exit status 0 when ../shared/real is absent.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "real"
JUDGED = Path(__file__).resolve().parent / "data" / "places_judged.tsv"
TIMING_CHARS = 2000

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from corpus.places import mentions, places
from corpus.places.gazetteer import gazetteer

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_MONTH = "|".join(MONTHS)
DATE_LINE = re.compile(rf"^(\d{{1,2}}) ({_MONTH}) (\d{{4}})"
                       rf"(?:\s*-\s*\d{{1,2}} (?:{_MONTH}) \d{{4}})?$")
MONTH_HEADING = re.compile(rf"^(?:{_MONTH}) \d{{4}}$")
ITEM_START = re.compile(r"^\d+\.(?:\s|$)")


@dataclass(frozen=True)
class Item:
    date: str       # "2022-09-26"
    title: str
    summary: str
    source: str     # the listing file


def read_items(text: str, source: str) -> list[Item]:
    """The dated items of a listing page, whatever its layout: an item is the line before a
    date line (its title) and the lines after it up to the next item's start."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.lstrip("• ").startswith("\u00a9")]
    dated = [i for i, line in enumerate(lines) if DATE_LINE.match(line)]
    items = []
    for n, at in enumerate(dated):
        if at == 0:
            continue
        title = ITEM_START.sub("", lines[at - 1]).strip()
        following = dated[n + 1] - 1 if n + 1 < len(dated) else len(lines)
        summary = []
        for line in lines[at + 1:following]:
            if ITEM_START.match(line) or line == "-" or MONTH_HEADING.match(line):
                break
            summary.append(line)
        match = DATE_LINE.match(lines[at])
        assert match
        day = f"{match.group(3)}-{MONTHS.index(match.group(2)) + 1:02d}-{int(match.group(1)):02d}"
        items.append(Item(day, title, " ".join(summary), source))
    return items


def load_judged() -> list[tuple[str, str, frozenset[str]]]:
    """(date, title start, expected codes) for every judged item."""
    rows = []
    for line in JUDGED.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "date\t")):
            continue
        day, start, codes = line.split("\t")
        rows.append((day, start, frozenset() if codes == "-" else frozenset(codes.split())))
    return rows


def find(items: list[Item], day: str, start: str) -> Item | None:
    for item in items:
        if item.date == day and item.title.startswith(start):
            return item
    return None


def check(items: list[Item]) -> int:
    judged = load_judged()
    tp = fp = fn = 0
    problems: list[str] = []
    for day, start, expected in judged:
        item = find(items, day, start)
        if item is None:
            problems.append(f"  not found in the listings: {day} {start!r}")
            continue
        text = f"{item.title}\n{item.summary}"
        got = places(text)
        tp += len(got & expected)
        fp += len(got - expected)
        fn += len(expected - got)
        if got != expected:
            read = ", ".join(f"{m.name!r}->{m.code}" for m in mentions(text)) or "nothing"
            problems.append(f"  {day} {start!r}: expected {sorted(expected) or '-'}, "
                            f"got {sorted(got) or '-'} (read: {read})")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"places on {len(judged)} hand-judged items ({tp + fn} judged countries): "
          f"precision {precision:.3f} ({tp}/{tp + fp}), recall {recall:.3f} ({tp}/{tp + fn})")
    if problems:
        print("disagreements:")
        print("\n".join(problems))
    else:
        print("no disagreements")
    return 0


def check_facet(items: list[Item]) -> None:
    """The judgments against the country facet of an index of the judged items."""
    import tempfile
    from datetime import date

    from corpus import Article, ReadResult
    from search import build_index, open_engine

    judged = [(find(items, day, start), expected) for day, start, expected in load_judged()]
    judged = [(item, expected) for item, expected in judged if item is not None]
    articles = {}
    for item, expected in judged:
        article = Article.create(title=item.title, date=date.fromisoformat(item.date),
                                 summary=item.summary)
        articles.setdefault(article.id, (article, expected))
    tp = fp = fn = 0
    with tempfile.TemporaryDirectory() as folder:
        build_index(ReadResult(articles=[a for a, _ in articles.values()]), Path(folder))
        engine = open_engine(Path(folder))
        for item_id, (_, expected) in articles.items():
            hit = engine.item(item_id)
            got = frozenset(hit.facets.get("country", ())) if hit else frozenset()
            tp += len(got & expected)
            fp += len(got - expected)
            fn += len(expected - got)
        engine.close()
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"country facet of an index of those {len(articles)} items: precision "
          f"{precision:.3f} ({tp}/{tp + fp}), recall {recall:.3f} ({tp}/{tp + fn})")


def timing(rounds: int, built: float) -> None:
    texts = [path.read_text("utf-8")[:TIMING_CHARS]
             for path in sorted((REAL / "articles").glob("*.txt"))]
    texts = [t for t in texts if len(t) >= TIMING_CHARS * 3 // 4]
    for text in texts:
        places(text)
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            places(text)
        best = min(best, (time.perf_counter() - started) / len(texts))
    average = sum(map(len, texts)) / len(texts)
    print(f"gazetteer built in {built:.2f} s (once per process); places() on {len(texts)} real "
          f"pages of {average:.0f} characters: {best * 1e6:.0f} us per call (best of {rounds})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed passes (best is shown)")
    args = parser.parse_args(argv)
    listings = REAL / "listings"
    if not listings.is_dir():
        print(f"skipped: {listings} is absent (the real listings are not shipped)")
        return 0
    items = [item for path in sorted(listings.glob("*.txt"))
             for item in read_items(path.read_text("utf-8"), path.name)]
    started = time.perf_counter()
    gazetteer()
    built = time.perf_counter() - started
    status = check(items)
    check_facet(items)
    timing(args.rounds, built)
    return status


if __name__ == "__main__":
    sys.exit(main())
