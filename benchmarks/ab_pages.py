"""Compare two checkouts' pages of the mix, page by page, in turn: the fairer A/B on a
shared machine.

`ab_mix.py` run in one checkout and then the other compares runs minutes apart; on
this machine the same code's median moved by 40% between such runs (other guests'
use of the memory bus), more than most changes buy. Here two worker processes, one
importing each checkout's `search` package, load the same index; each page of the
mix is then timed in one and right after in the other (the order alternating from
round to round), caches emptied before each, and each page's best CPU time of the
rounds is kept. Even so, the same code in both workers differed by up to a fifth on
a page: read single pages with care, the median of all of them less so.

    python benchmarks/ab_pages.py --index benchmarks/out/index-100000 \\
        --a /tmp/other-checkout --b . --rounds 4 [--pages "common newest" ...]

It prints each page's best time in A and in B and their ratio, and the median of the
pages' best times. A worker imports `search` from the checkout it is given and this
folder's `bench.py` (the mix), so both time the same pages.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def worker(checkout: Path, index: Path) -> None:
    """Load the index, warm every page, then time each label read on stdin."""
    # `search` from the checkout, imported before `bench`: bench puts its own folder's
    # parent first on the path (this checkout's, for both workers).
    sys.path.insert(0, str(checkout))
    search = importlib.import_module("search")
    import bench

    from search import Engine, OverBudget

    engine = Engine(index, page_cache=0)
    mix = {label: bench.request_of(params) for label, params in bench.query_mix(1)}
    for request in mix.values():  # warm-up: columns, lengths, the OS's page cache
        with contextlib.suppress(OverBudget):  # (a page the budget stops cold: timed later)
            engine.search(request)
    print("ready", Path(search.__file__).resolve().parent.parent, flush=True)
    for line in sys.stdin:
        engine.clear_caches()  # every timing is a first run
        used = time.thread_time()
        with contextlib.suppress(OverBudget):  # (its time counts, as in ab_mix.py)
            engine.search(mix[line.strip()])
        print(f"{(time.thread_time() - used) * 1000:.3f}", flush=True)


def start(checkout: Path, index: Path) -> subprocess.Popen[str]:
    """A worker importing `search` from `checkout`."""
    code = (f"import sys; from pathlib import Path; sys.path.insert(0, {str(HERE)!r}); "
            f"import ab_pages; ab_pages.worker(Path({str(checkout)!r}), Path({str(index)!r}))")
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, cwd=checkout)
    assert process.stdout is not None
    ready = process.stdout.readline().split()
    if ready[:1] != ["ready"]:
        raise SystemExit(f"the worker for {checkout} did not start")
    if Path(ready[1]) != checkout:  # (the whole comparison rests on this)
        raise SystemExit(f"the worker for {checkout} imported search from {ready[1]}")
    return process


def main() -> None:
    import bench

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--a", type=Path, required=True, help="a checkout (the one before)")
    parser.add_argument("--b", type=Path, required=True, help="a checkout (the one after)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--pages", nargs="*", help="labels of the pages to time (default all)")
    args = parser.parse_args()
    labels = [label for label, _ in bench.query_mix(1) if not args.pages or label in args.pages]
    workers = {"A": start(args.a.resolve(), args.index.resolve()),
               "B": start(args.b.resolve(), args.index.resolve())}
    best = {name: dict.fromkeys(labels, float("inf")) for name in workers}
    for round_ in range(args.rounds):
        for label in labels:
            for name in ("A", "B") if round_ % 2 == 0 else ("B", "A"):
                process = workers[name]
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(label + "\n")
                process.stdin.flush()
                best[name][label] = min(best[name][label], float(process.stdout.readline()))
    for label in labels:
        a, b = best["A"][label], best["B"][label]
        print(f"{label:28} {a:8.1f} {b:8.1f} ms CPU  {b / a:5.2f}")
    print(f"median of the pages' best: A {statistics.median(best['A'].values()):.1f} ms, "
          f"B {statistics.median(best['B'].values()):.1f} ms")
    for process in workers.values():
        assert process.stdin is not None
        process.stdin.close()
        process.wait()


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
