"""What the full text (`body`) costs: index size, build time and pages, with and without.

Two synthetic corpora of the same items (`make_corpus.py`: the same titles,
summaries, kinds and dates), the second with a body of about `--body-words`
words in three paragraphs for every item, drawn from the same vocabulary. Both
are indexed with news-search and the benchmark's query mix (`bench.py`) is run
over each, every page cold; the figures are printed side by side. Not part of
the test suite.

    python benchmarks/body_cost.py --items 100000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench import query_mix, request_of
from make_corpus import OUT, Generator, make_corpus

from corpus import read_sources
from search import build_index, open_engine


def with_bodies(plain: Path, items: int, words: int, seed: int = 1) -> Path:
    """The plain corpus with a body added to every item (made once, then reused)."""
    path = OUT / f"synthetic-{items}-body{words}.jsonl"
    if path.exists() and sum(1 for _ in path.open(encoding="utf-8")) == items:
        return path
    generator = Generator(seed)
    generator.rng = random.Random(seed + 1000)  # the bodies' own draws
    partial = path.with_suffix(".partial")
    with plain.open(encoding="utf-8") as source, partial.open("w", encoding="utf-8") as out:
        for line in source:
            record = json.loads(line)
            paragraphs = []
            for share in (0.3, 0.4, 0.3):
                drawn = generator.draw_words(max(1, int(words * share)))
                drawn[0] = drawn[0].capitalize()
                paragraphs.append(" ".join(drawn) + ".")
            record["body"] = "\n\n".join(paragraphs)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.replace(path)
    return path


def measure(corpus: Path, index_dir: Path, rounds: int) -> dict[str, float]:
    shutil.rmtree(index_dir, ignore_errors=True)  # one generation measured, not two
    started = time.perf_counter()
    build_index(read_sources([corpus]), index_dir)
    built = time.perf_counter() - started
    size = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
    engine = open_engine(index_dir, page_cache=0)
    times: list[float] = []
    for _ in range(rounds):
        for _, params in query_mix(1):
            engine.clear_caches()
            request = request_of(params)
            began = time.perf_counter()
            engine.search(request)
            times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return {"build_s": built, "size_mb": size / 2**20,
            "median_ms": statistics.median(times),
            "p95_ms": times[int(len(times) * 0.95)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--body-words", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    plain = make_corpus(args.items)
    bodied = with_bodies(plain, args.items, args.body_words)
    figures = {}
    for name, corpus in (("no body", plain), (f"body of ~{args.body_words} words", bodied)):
        index_dir = OUT / f"body-cost-{args.items}-{name.split()[0]}-{name.split()[-2]}"
        figures[name] = measure(corpus, index_dir, args.rounds)
    print(f"{args.items:,} synthetic items, the query mix of bench.py, {args.rounds} rounds, "
          "every page cold")
    print(f"{'':28} {'build (s)':>10} {'index (MB)':>11} {'median (ms)':>12} {'p95 (ms)':>9}")
    for name, values in figures.items():
        print(f"{name:28} {values['build_s']:>10.1f} {values['size_mb']:>11.0f} "
              f"{values['median_ms']:>12.1f} {values['p95_ms']:>9.1f}")


if __name__ == "__main__":
    main()
