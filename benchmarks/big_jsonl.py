"""Index one big JSON Lines file (2 GB by default) and measure the memory and time it takes.

    python benchmarks/big_jsonl.py [--gigabytes 2 | --items N] [--pages ROUNDS] [--out DIR] [--keep]
    python benchmarks/big_jsonl.py --items N --pages ROUNDS --search-only   # a kept index again

Writes a SYNTHETIC corpus (benchmarks/make_corpus.py's generator, ids
`<date>-synthetic-<n>`) to DIR/big-<size>.jsonl until it reaches the size, then
runs `news-search index FILE --index DIR/big-index` under `/usr/bin/time -v`
while sampling the whole process tree (the command and its build workers)
once a second from /proc: the peak RSS of the main process, of the largest
worker, of all of them together, and their PSS (shared pages counted once,
the fairer total for forked workers). With `--pages`, the built index is then
searched in a fresh process as the server's engine (page cache off, every page
cold): `bench.py`'s query mix once untimed, then ROUNDS times, its median and p95, and that
process's peak RSS (what a server process holds, less Flask). Then both the
file and the index are deleted, unless --keep. It checks the free space first and stops if there is
not enough (the file, the staged records in TMPDIR, and an index about five
times the file).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from make_corpus import Generator

OUT = HERE / "out"
SPACE_FACTOR = 8  # file + staged copy + index (~5x) + room


def write_corpus(path: Path, size: int, count: int = 0) -> int:
    """Items until the file has `size` bytes, or `count` items when given."""
    generator = Generator(seed=7)
    items = 0
    written = 0
    with path.open("w", encoding="utf-8") as out:
        while (items < count) if count else (written < size):
            items += 1
            line = json.dumps(generator.item(items), ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
    return items


def tree(root: int) -> list[int]:
    """`root` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def kib(pid: int, key: str, name: str = "status") -> int:
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """Peak memory of a process tree, sampled every `every` seconds."""

    def __init__(self, root: int, every: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.root, self.every = root, every
        self.peak = {"main_rss": 0, "worker_rss": 0, "total_rss": 0, "total_pss": 0,
                     "processes": 0}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            pids = tree(self.root)
            # /usr/bin/time is the root; its child is news-search; theirs, the workers.
            main = pids[1] if len(pids) > 1 else self.root
            rss = {pid: kib(pid, "VmRSS:") for pid in pids if pid != self.root}
            pss = sum(kib(pid, "Pss:", "smaps_rollup") for pid in rss)
            workers = [value for pid, value in rss.items() if pid != main]
            for key, value in (("main_rss", rss.get(main, 0)),
                               ("worker_rss", max(workers, default=0)),
                               ("total_rss", sum(rss.values())), ("total_pss", pss),
                               ("processes", len(rss))):
                self.peak[key] = max(self.peak[key], value)
            self.done.wait(self.every)


PAGES = """
import json, resource, statistics, sys, time
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from bench import query_mix, request_of
from search import OverBudget, open_engine
started = time.perf_counter()
engine = open_engine(sys.argv[3], page_cache=0)
opened = time.perf_counter() - started
refused = {"first": [], "timed": []}  # pages the cost model stopped (default budget)

def page(params, round_):
    try:
        engine.search(request_of(params))
    except OverBudget as error:
        refused[round_].append(f"{params}: {error.message[:80]}")

for _, params in query_mix(1):  # once untimed, as bench.py: lexicons and files read in
    page(params, "first")
warmed = time.perf_counter() - started - opened
times = []
for _ in range(int(sys.argv[4])):
    for _, params in query_mix(1):
        engine.clear_caches()
        began = time.perf_counter()
        page(params, "timed")
        times.append((time.perf_counter() - began) * 1000)
times.sort()
status = {line.split(":")[0]: int(line.split()[1]) / 1024 for line in
          open("/proc/self/status").read().splitlines() if line.startswith(("RssAnon", "RssFile"))}
print(json.dumps({"opened_s": opened, "warmed_s": warmed, "pages": len(times),
                  "anon_mib": status.get("RssAnon", 0), "file_mib": status.get("RssFile", 0),
                  "refused": refused,
                  "median_ms": statistics.median(times),
                  "p95_ms": times[int(len(times) * 0.95)], "max_ms": times[-1],
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def search_pages(index: Path, rounds: int) -> dict[str, float]:
    """The query mix over `index` in a fresh process: its times and peak memory."""
    done = subprocess.run([sys.executable, "-c", PAGES, str(HERE), str(HERE.parent),
                           str(index), str(rounds)], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:  # say why, whole: a run at 10M is not cheap to repeat
        raise RuntimeError(f"searching {index} failed (exit {done.returncode}):\n"
                           f"{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=2.0)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--items", type=int, default=0,
                        help="write this many items instead (about 580 bytes each)")
    parser.add_argument("--pages", type=int, default=0, metavar="ROUNDS",
                        help="then search the query mix this many times over the index")
    parser.add_argument("--keep", action="store_true", help="keep the file and the index")
    parser.add_argument("--reuse-corpus", action="store_true",
                        help="index the file an earlier run with --keep wrote (the corpus is "
                             "deterministic: same --items, same bytes) instead of writing it")
    parser.add_argument("--search-only", action="store_true",
                        help="only search the index a run with --keep left (--pages rounds)")
    args = parser.parse_args()
    if args.search_only:
        index = args.out / (f"big-{args.items}-index" if args.items else
                            f"big-{args.gigabytes:g}gb-index")
        print_pages(search_pages(index, max(args.pages, 1)))
        return 0
    size = args.items * 600 if args.items else int(args.gigabytes * 1e9)
    args.out.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(args.out).free
    name = f"big-{args.items}" if args.items else f"big-{args.gigabytes:g}gb"
    path = args.out / f"{name}.jsonl"
    if args.reuse_corpus and path.exists():
        free += path.stat().st_size  # the file the space is asked for is there already
    index = args.out / f"{name}-index"
    if index.exists():  # removed before the build
        free += sum(f.stat().st_size for f in index.rglob("*") if f.is_file())
    if free < SPACE_FACTOR * size:
        print(f"not enough space in {args.out}: {free / 1e9:.1f} GB free, "
              f"{SPACE_FACTOR * size / 1e9:.1f} GB wanted; give --out elsewhere or less "
              "--gigabytes")
        return 1
    started = time.perf_counter()
    if args.reuse_corpus and path.exists():
        with path.open("rb") as lines:
            items = sum(1 for _ in lines)
        print(f"reusing {path}: {path.stat().st_size / 1e9:.2f} GB, {items:,} items", flush=True)
    else:
        items = write_corpus(path, size, args.items)
        print(f"wrote {path}: {path.stat().st_size / 1e9:.2f} GB, {items:,} synthetic items, "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    shutil.rmtree(index, ignore_errors=True)  # a fresh build, not an update of a kept one
    command = ["/usr/bin/time", "-v", str(Path(sys.executable).with_name("news-search")),
               "index", str(path), "--index", str(index)]
    try:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
        sampler = Sampler(process.pid)
        sampler.start()
        output, _ = process.communicate()
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        lines = [line for line in output.splitlines() if "\r" not in line and "Indexing" not in
                 line]
        print("\n".join(lines[-40:]))
        peak = sampler.peak
        index_bytes = sum(p.stat().st_size for p in index.rglob("*") if p.is_file())
        print(f"\nexit {process.returncode}; {seconds:.0f} s wall for {items:,} items "
              f"({path.stat().st_size / 1e9:.2f} GB); index {index_bytes / 1e9:.1f} GB")
        print(f"peak RSS (sampled each second): main process {peak['main_rss'] / 1024:,.0f} MiB, "
              f"largest worker {peak['worker_rss'] / 1024:,.0f} MiB, all together "
              f"{peak['total_rss'] / 1024:,.0f} MiB (PSS {peak['total_pss'] / 1024:,.0f} MiB), "
              f"up to {peak['processes']} processes")
        if process.returncode == 0 and args.pages:
            print_pages(search_pages(index, args.pages))
        return process.returncode
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)
            shutil.rmtree(index, ignore_errors=True)
            print(f"deleted {path} and {index}")


def print_pages(pages: dict[str, float]) -> None:
    print(f"search, {pages['pages']} cold pages of the query mix: median "
          f"{pages['median_ms']:.1f} ms, p95 {pages['p95_ms']:.1f} ms, max "
          f"{pages['max_ms']:.1f} ms; opened in {pages['opened_s']:.1f} s, first "
          f"(untimed) round {pages['warmed_s']:.1f} s; peak RSS "
          f"{pages['peak_rss_mib']:,.0f} MiB (at the end: heap {pages['anon_mib']:,.0f} "
          f"MiB, mapped index pages {pages['file_mib']:,.0f} MiB)", flush=True)
    for round_, refused in pages["refused"].items():  # type: ignore[union-attr]
        if refused:
            print(f"  stopped by the default budget in the {round_} round{'s' if round_ == 'timed' else ''}"
                  f" (the time spent is counted): {len(refused)}")
            for line in refused[:10]:
                print(f"    {line}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
