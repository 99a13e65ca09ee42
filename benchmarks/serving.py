"""How `news-search serve` shares itself out (not part of the test suite).

Builds (or reuses) an index of the deterministic SYNTHETIC corpus of
`make_corpus.py`, starts the real server (`news-search serve`, several gunicorn
workers by default; `--server waitress` for the one-process fallback) on a free
127.0.0.1 port with its page cache off, so every request searches, and measures:

1. a cheap search (one client, one request after another) alone: median, p95;
2. the same client while `--heavy-clients` clients send expensive requests
   (a phrase with the widest slop the default budget allows, sixty-two unknown
   words, a 64-OR keyword-in-context, a broad export): the cheap client's median
   and p95 again, and the heavy ones';
3. with 101 idle connections held open, the same cheap search: its slowest and
   median time (they must not wait for the idle ones);
4. errors (a failed connection or a 5xx) and the server's memory (master and
   workers: RSS summed, and PSS, which counts shared index pages once) at the
   start and the end.

    python benchmarks/serving.py --items 10000
    python benchmarks/serving.py --items 100000 --reuse --seconds 30
    python benchmarks/serving.py --items 10000 --server waitress   # the one-process figure
    python benchmarks/serving.py --index benchmarks/out/big-10000000-index   # a kept big index

Exit status 1 when any request failed (no answer, or a 5xx; a 4xx refusal by
the cost model is an answer).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_corpus import make_corpus  # noqa: E402

OUT = HERE / "out"
READY = re.compile(r"Serving news-search on (http://\S+?)/? ")
CHEAP_WORDS = ("kenya", "housing", "credit", "dairy", "youth", "training", "brazil", "platform")
LETTERS = "bcdfghjklmnpqrstvwxz"


def heavy_paths(seed: int) -> list[str]:
    """The expensive requests of issue 15, each a few seconds at 50k items uncapped."""
    rng = random.Random(seed)
    unknown = " ".join("".join(rng.choice(LETTERS) for _ in range(11)) for _ in range(62))
    ors = " OR ".join(rng.sample(["cooperative", "workers", "social", "economy", "women",
                                  "youth", "rural", "credit", "union", "housing", "finance",
                                  "development", "employment", "enterprise", "training",
                                  "policy"], 16) * 4)
    return ["/api/search?" + urlencode({"q": '"social economy"~200'}),  # the budget's widest
            "/api/search?" + urlencode({"q": unknown}),
            "/kwic?" + urlencode({"q": ors}),
            "/export.csv?" + urlencode({"q": "cooperative"})]


HEAVY_NAMES = ("phrase ~200", "62 unknown words", "64-OR keyword in context",
               "export of 'cooperative' (its own, larger budget)")


def news_search(*args: str) -> list[str]:
    return [sys.executable, "-m", "webui.cli", *args]


def process_tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        queue.extend(int(child) for child in children)
    return pids


def memory_mb(pid: int) -> tuple[float, float, float, int]:
    """RSS summed over the master and its workers, PSS likewise, their heap (anonymous
    memory: what is not the mapped index, which the kernel can drop and read again), and
    how many processes."""
    rss = pss = anon = 0.0
    pids = process_tree(pid)
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
                elif line.startswith("Anonymous:"):
                    anon += int(line.split()[1]) / 1024
        except OSError:
            continue
    return rss, pss, anon, len(pids)


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.refused: dict[int, int] = {}  # 4xx answers (the cost model's), by status
        self.lock = threading.Lock()

    def add(self, seconds: float, error: str | None = None, status: int = 200) -> None:
        with self.lock:
            if error:
                self.errors.append(error)
            else:
                self.latencies.append(seconds)
                if status >= 400:
                    self.refused[status] = self.refused.get(status, 0) + 1


def fetch(base: str, path: str, tally: Tally, timeout: float = 600) -> None:
    started = time.perf_counter()
    error = None
    status = 200
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as response:
            response.read()
    except HTTPError as failure:
        failure.read()
        status = failure.code
        # 503 with Retry-After is the cost model's answer (busy: try again), not a failure.
        if failure.code >= 500 and not (failure.code == 503 and failure.headers["Retry-After"]):
            error = f"{path[:80]}: {failure.code}"
    except (URLError, OSError) as failure:
        error = f"{path[:80]}: {failure}"
    tally.add(time.perf_counter() - started, error, status)


def cheap_path(rng: random.Random) -> str:
    return "/api/search?" + urlencode({"q": rng.choice(CHEAP_WORDS), "per_page": 20})


def cheap_client(base: str, stop: threading.Event, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        fetch(base, cheap_path(rng), tally)


def heavy_client(base: str, stop: threading.Event, tallies: list[Tally], seed: int) -> None:
    paths = heavy_paths(seed)
    turn = seed
    while not stop.is_set():
        fetch(base, paths[turn % len(paths)], tallies[turn % len(paths)])
        turn += 1


def summary(values: list[float]) -> str:
    if not values:
        return "no answers"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
            f"max {ordered[-1] * 1000:.1f} ms ({len(ordered)} requests)")


def p95_of(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else float("nan")


def run_cheap(base: str, seconds: float) -> Tally:
    tally, stop = Tally(), threading.Event()
    thread = threading.Thread(target=cheap_client, args=(base, stop, tally, 1))
    thread.start()
    time.sleep(seconds)
    stop.set()
    thread.join()
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="Synthetic items.")
    parser.add_argument("--reuse", action="store_true", help="Reuse the index built before.")
    parser.add_argument("--index", type=Path, default=None,
                        help="Serve this index instead (a big_jsonl.py --keep one, say).")
    parser.add_argument("--seconds", type=float, default=20, help="Seconds per phase.")
    parser.add_argument("--heavy-clients", type=int, default=4, help="Expensive clients.")
    parser.add_argument("--server", default="auto", help="auto, gunicorn or waitress.")
    parser.add_argument("--workers", type=int, default=0, help="Workers (0: serve's default).")
    parser.add_argument("--threads", type=int, default=0, help="Threads per worker (0: "
                        "serve's default).")
    args = parser.parse_args()
    if not Path("/proc/self/smaps_rollup").exists():
        print("serving.py needs Linux's /proc (memory figures): skipped")
        return 0

    index_dir = args.index or OUT / f"serving-index-{args.items}"
    if args.index is None and not (args.reuse and (index_dir / "CURRENT").exists()):
        corpus = make_corpus(args.items)
        started = time.monotonic()
        subprocess.run(news_search("index", str(corpus), "--index", str(index_dir)), check=True,
                       capture_output=True)
        print(f"built {args.items} synthetic items in {time.monotonic() - started:.0f} s")
    options = ["--server", args.server]
    if args.workers:
        options += ["--workers", str(args.workers)]
    if args.threads:
        options += ["--threads", str(args.threads)]
    log_path = OUT / f"serving-{args.items}.log"
    env = {**os.environ, "NEWS_SEARCH_PAGE_CACHE": "0"}  # every request searches
    with log_path.open("w") as log:
        server = subprocess.Popen(news_search("serve", "--index", str(index_dir), "--port", "0",
                                              *options), stdout=subprocess.DEVNULL,
                                  stderr=log, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not (found := READY.search(log_path.read_text())):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
        base = found.group(1)
        print(found.group(0).strip())
        warm = Tally()
        for word in CHEAP_WORDS * 4:  # every worker loads its columns once
            fetch(base, "/api/search?" + urlencode({"q": word}), warm)
        start_memory = memory_mb(server.pid)

        alone = run_cheap(base, args.seconds)
        each_alone = [Tally() for _ in HEAVY_NAMES]
        for round_ in range(3):  # each expensive request alone, three times
            for tally, path in zip(each_alone, heavy_paths(round_)):
                fetch(base, path, tally)

        kinds = [Tally() for _ in HEAVY_NAMES]
        stop = threading.Event()
        heavies = [threading.Thread(target=heavy_client, args=(base, stop, kinds, n))
                   for n in range(args.heavy_clients)]
        for thread in heavies:
            thread.start()
        time.sleep(2)  # let the heavy requests get going
        beside = run_cheap(base, args.seconds)
        stop.set()
        for thread in heavies:
            thread.join()

        idle = [socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])))
                for _ in range(101)]
        time.sleep(1)
        with_idle = Tally()
        rng = random.Random(7)
        for _ in range(50):
            fetch(base, cheap_path(rng), with_idle, timeout=120)
        for sock in idle:
            sock.close()
        end_memory = memory_mb(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # the master and any worker it left
            server.wait()

    heavy = Tally()
    for tally in kinds:
        heavy.latencies += tally.latencies
        heavy.errors += tally.errors
    errors = (alone.errors + beside.errors + heavy.errors + with_idle.errors + warm.errors
              + [e for tally in each_alone for e in tally.errors])
    ratio = p95_of(beside.latencies) / p95_of(alone.latencies)
    print(f"cheap search alone:                   {summary(alone.latencies)}")
    print(f"cheap search beside {args.heavy_clients} heavy clients:  "
          f"{summary(beside.latencies)}")
    print(f"  p95 beside / alone: {ratio:.2f}x")
    print(f"heavy requests meanwhile:             {summary(heavy.latencies)}")
    for name, lone, busy in zip(HEAVY_NAMES, each_alone, kinds):
        refused = "".join(f"; {count} answered {status} (refused: try again)"
                          for status, count in sorted(busy.refused.items()))
        print(f"  {name}: alone {summary(lone.latencies)}; beside the others "
              f"{summary(busy.latencies)}{refused}")
    if alone.refused or beside.refused:
        print(f"  the cheap search was refused: {alone.refused} alone, {beside.refused} beside")
    searches = [t for name, t in zip(HEAVY_NAMES, each_alone) if not name.startswith("export")]
    worst = max((max(t.latencies, default=0.0) for t in searches), default=0.0)
    print(f"most expensive request alone (exports aside): {worst * 1000:.0f} ms")
    print(f"cheap search with 101 idle connections open: {summary(with_idle.latencies)}")
    print(f"errors: {len(errors)}")
    for error in errors[:10]:
        print(f"  {error}")
    for name, (rss, pss, anon, count) in (("start", start_memory), ("end", end_memory)):
        print(f"server memory at {name}: {count} processes, RSS {rss:.0f} MiB summed, "
              f"PSS {pss:.0f} MiB (shared pages counted once), of which heap {anon:.0f} MiB "
              "(the rest is the mapped index)")
    result = {"items": args.items, "server": args.server, "options": options,
              "alone_p95_ms": p95_of(alone.latencies) * 1000,
              "beside_p95_ms": p95_of(beside.latencies) * 1000, "ratio": ratio,
              "idle_max_ms": max(with_idle.latencies, default=float("nan")) * 1000,
              "errors": len(errors), "memory_start": start_memory, "memory_end": end_memory,
              "worst_alone_ms": worst * 1000,
              "heavy_alone_ms": {name: max(t.latencies, default=float("nan")) * 1000
                                 for name, t in zip(HEAVY_NAMES, each_alone)}}
    (OUT / f"serving-{args.items}-{args.server}.json").write_text(json.dumps(result, indent=2))
    return 1 if errors else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
