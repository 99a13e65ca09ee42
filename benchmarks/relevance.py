"""Relevance on two judged sets: this engine against two plain baselines, in one run.

1. The project's own judged set: the test corpus and the judged queries in
   `tests/relevance/` (graded by reading the items).
2. Real items and queries, when `../shared/real/` is there (skipped with a
   line saying so when it is not): the listings in `real/listings/` and the 32
   researcher queries of `real/queries.tsv`, an item relevant when the query's
   regular expression matches its kind, title and summary (grade 1). The
   listings are read with the project's own reader, which reads every dated
   item of them (`benchmarks/real_listings.py` says which it cannot).

For each set it builds three searchers over the same items, runs every query
through each, and prints nDCG@10, recall@20 and MRR (first relevant item in the
top 20) per system, overall and per query family:

- engine:  news-search as shipped (its analyzer, synonyms, ranking), its
           first page of 20 as a user sees it;
- whoosh:  plain Whoosh defaults: StemmingAnalyzer, BM25F, no accent folding,
           a MultifieldParser over title and summary;
- all-words (with --all-words): the engine's items with all the words only,
           without the "all but one of the words" list that follows them on a
           first page they do not fill;
- fts5:    SQLite FTS5 from the standard library, `porter unicode61`
           tokenizer (its default diacritic folding), title and summary,
           ranked by bm25(), the query escaped as Datasette does.

recall@20 is the share of the relevant items in the top 20, out of at most 20
(a query with 30 relevant items and 20 of them in the top 20 has recall 1.0).

Run:  python benchmarks/relevance.py [--per-query] [--system engine] [--all-words]
                                     [--set own|real|both] [--real DIR]

The loading and scoring functions are imported by tests/test_relevance_judged.py.
"""

from __future__ import annotations

import argparse
import math
import re
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEVANCE_DIR = ROOT / "tests" / "relevance"
CORPUS_FILES = (RELEVANCE_DIR / "corpus-a.txt", RELEVANCE_DIR / "corpus-b.txt")
QUERIES_FILE = RELEVANCE_DIR / "queries.txt"
DEPTH = 20

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from corpus import Article, read_sources

Search = Callable[[str], list[str]]


@dataclass(frozen=True)
class Judged:
    """One judged query: its family, its text and the grade of each relevant ref."""

    family: str
    query: str
    grades: dict[str, int]


def load_articles() -> dict[str, Article]:
    """The test corpus by ref ("a17" = corpus-a.txt, item 17)."""
    result = read_sources(list(CORPUS_FILES))
    if result.problems:
        raise SystemExit(f"the test corpus has problems: {result.problems}")
    articles = {}
    for article in result.articles:
        # source: "corpus-a.txt, item 17 (line 230)"
        name, _, rest = article.source.partition(", item ")
        articles[name.removeprefix("corpus-")[0] + rest.split()[0]] = article
    return articles


def load_queries(refs: Sequence[str] | None = None) -> list[Judged]:
    """The judged queries; refs, when given, are checked to exist."""
    judged = []
    for number, line in enumerate(QUERIES_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        family, query, grades_text = (part.strip() for part in line.split(" | "))
        grades = {}
        for item in grades_text.split():
            ref, _, grade = item.partition(":")
            if refs is not None and ref not in refs:
                raise SystemExit(f"{QUERIES_FILE.name}:{number}: unknown item {ref}")
            grades[ref] = int(grade)
        judged.append(Judged(family, query, grades))
    return judged


def ndcg(ranked: Sequence[str], grades: dict[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain at k, gain 2^grade - 1."""
    def dcg(values: Sequence[int]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))
    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(ref, 0) for ref in ranked]) / ideal if ideal else 0.0


def recall(ranked: Sequence[str], grades: dict[str, int], k: int = DEPTH) -> float:
    """The share of relevant items found in the top k, out of at most k."""
    return len(set(ranked[:k]) & set(grades)) / min(len(grades), k)


def reciprocal_rank(ranked: Sequence[str], grades: dict[str, int], k: int = DEPTH) -> float:
    """1 / rank of the first relevant item in the top k, else 0."""
    return next((1 / rank for rank, ref in enumerate(ranked[:k], 1) if ref in grades), 0.0)


def evaluate(search: Search, queries: Sequence[Judged]) -> list[tuple[Judged, float, float, float]]:
    """(query, nDCG@10, recall@20, RR) for each judged query."""
    rows = []
    for judged in queries:
        ranked = search(judged.query)
        rows.append((judged, ndcg(ranked, judged.grades), recall(ranked, judged.grades),
                     reciprocal_rank(ranked, judged.grades)))
    return rows


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# -- the real items and queries (../shared/real) --------------------------------------

REAL_DIR = ROOT.parent / "shared" / "real"
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December")
_DATE_LINE = re.compile(rf"^\s*(\d{{1,2}}) ({_MONTHS}) (\d{{4}})(\s*[-\u2013]\s*\d{{1,2}} "
                        rf"(?:{_MONTHS}) \d{{4}})?\s*$")
_MONTH_HEADING = re.compile(rf"^\s*(?:{_MONTHS}) \d{{4}}\s*$")
_NUMBERED = re.compile(r"^\s*\d+\.\s+(.*)$")


def load_real(folder: Path = REAL_DIR) -> tuple[dict[str, Article], list[Judged], str]:
    """The real listings by ref, the real queries judged by their regular expressions,
    and a line saying how the listings were read."""
    listings = sorted((folder / "listings").glob("*.txt"))
    result = read_sources(listings)
    articles = {f"r{number}": article for number, article in enumerate(result.articles, 1)}
    lost = sum(1 for problem in result.problems if getattr(problem, "lost_item", False))
    how = (f"{len(articles)} items from {len(listings)} listings, read by the project's "
           f"reader ({lost} records it could not read: cut-off or undated items)")
    judged = []
    rows = (folder / "queries.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for row in rows:
        if not row.strip():
            continue
        query, pattern = row.split("\t")[:2]
        regex = re.compile(pattern, re.IGNORECASE)
        grades = {ref: 1 for ref, a in articles.items()
                  if regex.search(f"{a.kind}\n{a.title}\n{a.summary}")}
        if grades:
            judged.append(Judged("real", query, grades))
    return articles, judged, how


# -- the three systems -----------------------------------------------------------

def _jsonl(articles: dict[str, Article], path: Path) -> Path:
    """The articles as JSON Lines (the interchange format), for the engine to read."""
    import json
    with path.open("w", encoding="utf-8") as out:
        for article in articles.values():
            record = article.to_dict()
            out.write(json.dumps({k: record[k] for k in ("id", "title", "date", "kind",
                                                         "summary")}) + "\n")
    return path


def engine_search(articles: dict[str, Article], workdir: Path,
                  all_words_only: bool = False) -> Search:
    """news-search over the items: refs in the order of its first page (the items with
    all the words, then those with all but one when the first fill less than the page;
    with `all_words_only`, the first list alone)."""
    from search import build_index, open_engine, parse_request
    from search.query.request import InputError

    path = workdir / ("engine-strict" if all_words_only else "engine-index")
    source = _jsonl(articles, workdir / f"{path.name}.jsonl")
    build_index(read_sources([source]), path)
    engine = open_engine(path)
    ref_of = {article.id: ref for ref, article in articles.items()}

    def run(query: str) -> list[str]:
        try:
            page = engine.search(parse_request({"q": [query], "per_page": [str(DEPTH)]}))
        except InputError:
            return []
        shown = page.hits if all_words_only else page.hits + page.partial
        return [ref_of[hit.article.id] for hit in shown]
    return run


def whoosh_search(articles: dict[str, Article], workdir: Path) -> Search:
    """Plain Whoosh: StemmingAnalyzer, BM25F, MultifieldParser(title, summary, kind)."""
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser

    schema = Schema(ref=ID(stored=True), title=TEXT(analyzer=StemmingAnalyzer()),
                    summary=TEXT(analyzer=StemmingAnalyzer()),
                    kind=TEXT(analyzer=StemmingAnalyzer()))
    path = workdir / "whoosh-index"
    path.mkdir()
    ix = index.create_in(str(path), schema)
    with ix.writer() as writer:
        for ref, article in articles.items():
            writer.add_document(ref=ref, title=article.title, summary=article.summary,
                                kind=article.kind)
    parser = MultifieldParser(["title", "summary", "kind"], ix.schema)
    searcher = ix.searcher()

    def run(query: str) -> list[str]:
        return [hit["ref"] for hit in searcher.search(parser.parse(query), limit=DEPTH)]
    return run


_FTS_SPLIT = re.compile(r'\s+|(".*?")')


def escape_fts(query: str) -> str:
    """Each word quoted, phrases kept (Datasette's escape_fts)."""
    if query.count('"') % 2:
        query += '"'
    bits = [bit for bit in _FTS_SPLIT.split(query) if bit and bit != '""']
    return " ".join(f'"{bit.strip(chr(34))}"' for bit in bits)


def fts5_search(articles: dict[str, Article]) -> Search:
    """SQLite FTS5 with the porter tokenizer, ranked by bm25()."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(ref UNINDEXED, title, summary, kind, "
               "tokenize='porter unicode61')")
    db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)",
                   [(ref, a.title, a.summary, a.kind) for ref, a in articles.items()])

    def run(query: str) -> list[str]:
        try:
            rows = db.execute("SELECT ref FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?",
                              (escape_fts(query), DEPTH)).fetchall()
        except sqlite3.OperationalError:
            return []
        return [row[0] for row in rows]
    return run


def report(name: str, articles: dict[str, Article], queries: list[Judged],
           workdir: Path, args: argparse.Namespace) -> None:
    """Build the systems over `articles`, run `queries` through each, print the figures."""
    workdir.mkdir()
    systems = {"engine": engine_search(articles, workdir),
               "whoosh": whoosh_search(articles, workdir),
               "fts5": fts5_search(articles)}
    if args.all_words:
        systems["all-words"] = engine_search(articles, workdir, all_words_only=True)
    results = {system: evaluate(run, queries) for system, run in systems.items()}
    print(f"\n{name}\n")
    print(f"{'system':<9} {'nDCG@10':>8} {'recall@20':>10} {'MRR':>7}")
    for system, rows in results.items():
        print(f"{system:<9} {mean([r[1] for r in rows]):>8.3f} "
              f"{mean([r[2] for r in rows]):>10.3f} {mean([r[3] for r in rows]):>7.3f}")
    families = list(dict.fromkeys(q.family for q in queries))
    if len(families) > 1:
        print(f"\nnDCG@10 by query family\n{'family':<12} {'n':>3} " +
              " ".join(f"{system:>9}" for system in results))
        for family in families:
            cells = [mean([r[1] for r in rows if r[0].family == family])
                     for rows in results.values()]
            count = sum(1 for q in queries if q.family == family)
            print(f"{family:<12} {count:>3} " + " ".join(f"{c:>9.3f}" for c in cells))
    if args.per_query:
        shown = [args.system] if args.system else list(results)
        print(f"\nper query: nDCG@10 / recall@20 for {', '.join(shown)}")
        for i, judged in enumerate(queries):
            cells = "  ".join(f"{results[n][i][1]:.2f}/{results[n][i][2]:.2f}" for n in shown)
            print(f"  {judged.family:<11} {judged.query[:40]:<40} {len(judged.grades):>3}  "
                  f"{cells}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-query", action="store_true", help="print every query's figures")
    parser.add_argument("--all-words", action="store_true",
                        help="add a row 'all-words': the engine's items with all the words "
                        "only, without the all-but-one list")
    parser.add_argument("--system", choices=("engine", "whoosh", "fts5", "all-words"),
                        help="per-query figures for this system only (default: all)")
    parser.add_argument("--set", choices=("own", "real", "both"), default="both",
                        help="which judged set to measure (default: both)")
    parser.add_argument("--real", type=Path, default=REAL_DIR,
                        help=f"the real data folder (default: {REAL_DIR})")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.set in ("own", "both"):
            articles = load_articles()
            queries = load_queries(list(articles))
            report(f"Own judged set: {len(queries)} queries over {len(articles)} items "
                   f"({QUERIES_FILE.relative_to(ROOT)})", articles, queries,
                   Path(tmp) / "own", args)
        if args.set in ("real", "both"):
            if not (args.real / "queries.tsv").exists():
                print(f"\nReal queries: skipped, no {args.real / 'queries.tsv'} here")
                return
            articles, queries, how = load_real(args.real)
            report(f"Real queries: {len(queries)} queries ({args.real / 'queries.tsv'}) over "
                   f"{how}", articles, queries, Path(tmp) / "real", args)


if __name__ == "__main__":
    main()
