"""Time news-search's pages of the mix alone (no other engine), as `bench.py` does:
caches emptied before every page, `--rounds` interleaved rounds, medians.

For A/B comparisons of two versions of `search/` on the same index, alternate runs of
this checkout's and of a copy of this script beside the other checkout's code (`bench.py`
puts the folder above the script first on the path), e.g.

    python benchmarks/ab_mix.py --items 1000000
    mkdir -p /tmp/ab/benchmarks && ln -s /work/main/search /work/main/corpus /tmp/ab/ &&
      cp benchmarks/*.py /tmp/ab/benchmarks && ln -s $PWD/benchmarks/out /tmp/ab/benchmarks/
    python /tmp/ab/benchmarks/ab_mix.py --items 1000000

It prints the commit of the `search` package it imported, each page's median (wall
time, and the process's CPU time, which the other engineers' runs on the shared cores
disturb less), and the median and p95 over every page timed; `--pages` takes labels to time only those.
CPU time is the searching thread's own (`time.thread_time`), which waiting for a core
does not inflate: on 2 cores shared with other builds the wall clock swung by 2x between
runs of the same code. `--tantivy` times tantivy's page right after each of
news-search's, as `bench.py` does, and prints both engines' medians and their ratio.
Nothing here replaces `bench.py`'s figures: the targets are wall-clock ones.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench
import report

import search
from search import Engine, OverBudget, SearchRequest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000, help="corpus size (as bench.py)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", nargs="*", help="labels of the pages to time (default all)")
    parser.add_argument("--index", type=Path,
                        help="the index to search (default: bench.py's of --items)")
    parser.add_argument("--tantivy", action="store_true",
                        help="time tantivy's page after each (benchmarks/requirements.txt)")
    parser.add_argument("--tantivy-index", type=Path,
                        help="tantivy's index (default: bench.py's of --items; "
                             "tantivy_big.py makes one of a big file)")
    args = parser.parse_args()
    folder = Path(search.__file__).resolve().parent.parent
    commit = subprocess.run(["git", "-C", str(folder), "log", "-1", "--format=%h %s"], check=False,
                            capture_output=True, text=True).stdout.strip()[:90]
    print(f"search/ from {folder} at {commit}")
    index = args.index or bench.OUT / f"index-{args.items}"
    if not (index / "CURRENT").exists():
        print(f"no index at {index}: run bench.py --items {args.items} first, or name one "
              "with --index")
        return
    engine = Engine(index, page_cache=0)
    other = None
    if args.tantivy:
        try:
            import tantivy_search
        except ImportError:
            print("tantivy is not installed (benchmarks/requirements.txt): news-search alone")
        else:
            other = tantivy_search.TantivySearch(args.tantivy_index
                                                 or bench.OUT / f"tantivy-{args.items}")
    mix = [(label, bench.request_of(params)) for label, params in bench.query_mix(args.seed)
           if not args.pages or label in args.pages]
    def searched(request: SearchRequest) -> int:
        """The page's total, or -1 where the time budget stopped it (its time counts)."""
        try:
            return engine.search(request).total
        except OverBudget:
            return -1

    for _, request in mix:  # warm-up: columns, lengths, the OS's page cache
        searched(request)
        if other is not None:
            other.search(request)
    times: dict[str, list[float]] = {label: [] for label, _ in mix}
    cpu: dict[str, list[float]] = {label: [] for label, _ in mix}
    other_times: list[float] = []
    other_cpu: list[float] = []
    totals: dict[str, int] = {}
    for _ in range(args.rounds):
        for label, request in mix:
            engine.clear_caches()  # every timing is a first run
            started, used = time.perf_counter(), time.thread_time()
            total = searched(request)
            times[label].append(time.perf_counter() - started)
            cpu[label].append(time.thread_time() - used)
            totals[label] = total
            if other is not None:
                started, used = time.perf_counter(), time.thread_time()
                other.search(request)
                other_times.append(time.perf_counter() - started)
                other_cpu.append(time.thread_time() - used)
    for label, _ in mix:
        print(f"{label:28} {statistics.median(times[label]) * 1000:9.1f} ms "
              f"{statistics.median(cpu[label]) * 1000:9.1f} ms CPU "
              f"{'stopped by the budget' if totals[label] < 0 else f'{totals[label]:>10,}'}")
    everything = [t for ts in times.values() for t in ts]
    all_cpu = [t for ts in cpu.values() for t in ts]
    print(f"all {len(everything)} pages: median {statistics.median(everything) * 1000:.1f} ms, "
          f"p95 {report.p95(everything) * 1000:.1f} ms; CPU time median "
          f"{statistics.median(all_cpu) * 1000:.1f} ms")
    if other_times:
        print(f"tantivy: median {statistics.median(other_times) * 1000:.1f} ms, p95 "
              f"{report.p95(other_times) * 1000:.1f} ms; CPU time median "
              f"{statistics.median(other_cpu) * 1000:.1f} ms")
        print("news-search / tantivy: median "
              f"{statistics.median(everything) / statistics.median(other_times):.2f}x, "
              f"CPU time median {statistics.median(all_cpu) / statistics.median(other_cpu):.2f}x")


if __name__ == "__main__":
    main()
