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
from search import Engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000, help="corpus size (as bench.py)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", nargs="*", help="labels of the pages to time (default all)")
    args = parser.parse_args()
    folder = Path(search.__file__).resolve().parent.parent
    commit = subprocess.run(["git", "-C", str(folder), "log", "-1", "--format=%h %s"], check=False,
                            capture_output=True, text=True).stdout.strip()[:90]
    print(f"search/ from {folder} at {commit}")
    index = bench.OUT / f"index-{args.items}"
    engine = Engine(index, page_cache=0)
    mix = [(label, bench.request_of(params)) for label, params in bench.query_mix(args.seed)
           if not args.pages or label in args.pages]
    for _, request in mix:  # warm-up: columns, lengths, the OS's page cache
        engine.search(request)
    times: dict[str, list[float]] = {label: [] for label, _ in mix}
    cpu: dict[str, list[float]] = {label: [] for label, _ in mix}
    totals: dict[str, int] = {}
    for _ in range(args.rounds):
        for label, request in mix:
            engine.clear_caches()
            started, used = time.perf_counter(), time.process_time()
            page = engine.search(request)
            times[label].append(time.perf_counter() - started)
            cpu[label].append(time.process_time() - used)
            totals[label] = page.total
    for label, _ in mix:
        print(f"{label:28} {statistics.median(times[label]) * 1000:9.1f} ms "
              f"{statistics.median(cpu[label]) * 1000:9.1f} ms CPU {totals[label]:>10,}")
    everything = [t for ts in times.values() for t in ts]
    print(f"all {len(everything)} pages: median {statistics.median(everything) * 1000:.1f} ms, "
          f"p95 {report.p95(everything) * 1000:.1f} ms; CPU time median "
          f"{statistics.median([t for ts in cpu.values() for t in ts]) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
