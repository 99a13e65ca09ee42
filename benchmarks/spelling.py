"""The cost of respelling: the lexicon's deletes dictionary against Whoosh's edit automaton.

    python benchmarks/spelling.py --items 100000     # index benchmarks/out/index-100000
    python benchmarks/spelling.py --items 1000000

Uses (or builds) the synthetic index that `bench.py` builds
(`benchmarks/out/index-<items>`, from `make_corpus.py`'s clearly synthetic
corpus) and prints, in one run:

- the lexicon's build, once per index version: listing the words of every
  segment's literal-word fields, then the deletes dictionary with numpy;
- finding the near words of a misspelt word (`Lexicon.near`), median and
  worst over the words and rounds, against Whoosh's own `terms_within` over
  every segment (the words of the same first letter, each one's distance
  computed; Whoosh's edit automaton over its own term files, what respelling
  cost before, took 0.6 s for an 11-letter word at 50k items, and the index
  has no Whoosh files any more);
- a whole query with an unknown word read cold (parse, respell with the
  counts in context, expand), the lexicon already built, against a query of
  known words.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from search import open_engine
from search.engine import spelling
from search.query.lexicon import Lexicon
from search.query.parsing import read_query

OUT = HERE / "out"
# Misspellings of words the synthetic corpus has (its domain vocabulary), 4 to 13 letters.
WORDS = ["solidarty", "cooperatve", "youht", "developmnt", "internatonal", "sustainabilty",
         "empolyment", "agricultral", "kenia", "finanse", "entreprenership", "xqzvbnmlkjh"]
QUERIES = [("unknown word", "internatonal solidarty economy"),
           ("known words", "international solidarity economy")]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def ensure_index(items: int) -> Path:
    index_dir = OUT / f"index-{items}"
    if (index_dir / "CURRENT").exists():
        return index_dir
    corpus = OUT / f"synthetic-{items}.jsonl"
    if not corpus.exists():
        import make_corpus
        make_corpus.make_corpus(items, path=corpus)
    from corpus import read_sources
    from search import build_index
    build_index(read_sources([corpus]), index_dir)
    return index_dir


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--automaton", type=int, default=3,
                        help="words timed with Whoosh's automaton (slow at scale)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    engine = open_engine(ensure_index(args.items))
    view = engine.handle.view()
    reader = view.reader
    print(f"{reader.doc_count():,} items, {len(list(reader.leaf_readers()))} segments")

    started = time.perf_counter()
    words: set[str] = set()
    for leaf, _ in reader.leaf_readers():
        words |= spelling._words_of(leaf)
    listed = time.perf_counter() - started
    started = time.perf_counter()
    lexicon = Lexicon(words)
    built = time.perf_counter() - started
    print(f"lexicon: {len(lexicon):,} words; listing the segments' words {listed:.2f} s, "
          f"deletes dictionary {built:.2f} s ({len(lexicon._keys):,} keys, "
          f"{(lexicon._keys.nbytes + lexicon._ids.nbytes) / 2**20:.0f} MiB)")

    lexicon.near("warmup", 2)
    times: list[float] = []
    for _ in range(args.rounds):
        for word in WORDS:
            started = time.perf_counter()
            lexicon.near(word, 1 if len(word) <= 5 else 2)
            times.append(time.perf_counter() - started)
    print(f"near words, deletes dictionary: median {ms(statistics.median(times))} ms, "
          f"max {ms(max(times))} ms over {len(times)} lookups")
    for word in WORDS[:3]:
        print(f"  {word!r} -> {lexicon.near(word, 1 if len(word) <= 5 else 2)[:3]}")

    automaton: list[float] = []
    for word in sorted(WORDS, key=len, reverse=True)[:args.automaton]:
        started = time.perf_counter()
        for leaf, _ in reader.leaf_readers():
            for field in ("title_exact", "summary_exact"):
                list(leaf.terms_within(field, word, 2, 1))
        automaton.append(time.perf_counter() - started)
    if automaton:
        print(f"near words, Whoosh's terms_within over every segment (the longest words): "
              f"median {ms(statistics.median(automaton))} ms, max {ms(max(automaton))} ms")

    spelling._lexicons.put(view.version, lexicon)  # built above: time the reading alone
    for label, text in QUERIES:
        timings = []
        for _ in range(max(3, args.rounds // 4)):
            speller = spelling.speller(view)
            started = time.perf_counter()
            reading = read_query(view.parser(False), text, reader, speller=speller)
            timings.append(time.perf_counter() - started)
        print(f"query read cold, {label} ({text!r}): median {ms(statistics.median(timings))} "
              f"ms; respelt {list(reading.respelt)}")


if __name__ == "__main__":
    main()
