"""The bench's query mix timed in the searching thread's CPU time, for A/B runs on a busy machine.

    python benchmarks/cpu_mix.py --items 100000                  # this checkout
    python /elsewhere/benchmarks/cpu_mix.py --items 100000       # another checkout, same indexes

`bench.py` times pages by the wall clock, which on 2 cores shared with other
people's builds and test suites swings by 2x from one run to the next (the same
code gave a median of 4.3 and 11.1 ms within minutes). This runs the same pages
the same way (a warm-up pass, then `--rounds` rounds of the mix, news-search's
caches emptied before each page, each page followed by tantivy's) and reports,
besides the wall-clock medians, the medians of `time.thread_time()`: the CPU the
searching thread itself spent, which waiting for a core does not inflate. Run two
checkouts alternately (each reads the indexes of its own `benchmarks/out/`, so link
one to the other's) and compare medians of several runs. Nothing here replaces
`bench.py`'s figures: the targets are wall-clock ones.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from bench import OUT, query_mix, request_of

from search import Engine


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="the indexes' size")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of the mix")
    parser.add_argument("--seed", type=int, default=7, help="the corpus seed (bench.py's)")
    args = parser.parse_args()
    index = OUT / f"index-{args.items}"
    if not (index / "CURRENT").exists():
        print(f"no index at {index}: run bench.py --items {args.items} first")
        return
    engines = {"news-search": Engine(index)}
    try:
        import tantivy_search

        engines["tantivy"] = tantivy_search.TantivySearch(OUT / f"tantivy-{args.items}")
    except ImportError:
        print("tantivy is not installed (benchmarks/requirements.txt): news-search alone")
    ns = engines["news-search"]
    requests = [request_of(params) for _, params in query_mix(args.seed)]
    for request in requests:  # warm-up, as bench.py's
        for engine in engines.values():
            engine.search(request)
    cpu: dict[str, list[float]] = {name: [] for name in engines}
    wall: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(args.rounds):
        for request in requests:
            ns.clear_caches()  # every timing is a first run
            for name, engine in engines.items():
                started_cpu, started = time.thread_time(), time.perf_counter()
                engine.search(request)
                cpu[name].append(time.thread_time() - started_cpu)
                wall[name].append(time.perf_counter() - started)
    print(f"{len(requests) * args.rounds} pages, {HERE.parent}")
    for name in engines:
        print(f"{name:12} CPU median {statistics.median(cpu[name]) * 1000:.2f} ms, "
              f"p95 {p95(cpu[name]) * 1000:.2f}; wall median "
              f"{statistics.median(wall[name]) * 1000:.2f} ms, p95 {p95(wall[name]) * 1000:.2f}")
    if "tantivy" in engines:
        print("news-search / tantivy: CPU median "
              f"{statistics.median(cpu['news-search']) / statistics.median(cpu['tantivy']):.2f}x, "
              "wall median "
              f"{statistics.median(wall['news-search']) / statistics.median(wall['tantivy']):.2f}x")


if __name__ == "__main__":
    main()
