"""Bounded soak test of `news-search serve` on loopback (not part of the test suite).

Builds an index of a deterministic SYNTHETIC corpus (clearly labelled, never
shipped), starts the real server (`news-search serve`: gunicorn workers) on a free
127.0.0.1 port, and lets a few client threads search it for `--seconds`: result
pages, the JSON API, item pages, exports, the feed, and bad or expensive input
that must be refused with a 4xx. Every `--rebuild-every` seconds the index is
updated (`news-search index --update`) or rebuilt, under load. At the end it
prints requests served, errors (must be 0), latency, and the server's resident
memory (PSS, over the master and its workers) at the start, at the end and at its peak.

    python benchmarks/soak.py                 # three minutes
    python benchmarks/soak.py --seconds 120 --clients 4 --items 2000

Exit status 1 when any request failed or the server's memory grew by more than
`--max-growth-mb`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode

WORDS = ("cooperative workers union housing credit savings farmers dairy coffee cocoa "
         "fishing women youth training policy law social solidarity economy rural urban "
         "platform digital care energy water health insurance market export finance "
         "education research survey report conference workshop statement interview "
         "kenya senegal india brazil vietnam turkey peru ghana nepal spain").split()
KINDS = ("News", "Statement", "Article", "Spotlight Interviews with Co-operators", "Event")
BAD = [{"q": "*"}, {"q": "a*"}, {"q": "(" * 30}, {"q": "x" * 5000}, {"from": "31 Feb 2024"},
       {"from": "2024", "to": "2020"}, {"sort": "sideways"}, {"page": "0"},
       {"per_page": "100000"}, {"q": " OR ".join(f"w{n}" for n in range(120))}]


def synthetic_corpus(path: Path, count: int, seed: int, prefix: str = "Synthetic") -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10)))
            summary = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 60)))
            day = f"{rng.randint(2008, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            out.write(json.dumps({"title": f"{prefix} {n}: {title}", "date": day,
                                  "kind": rng.choice(KINDS), "summary": summary}) + "\n")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    """The server's memory: PSS (shared pages counted once) summed over the master and
    its workers (`serve` runs several gunicorn workers; one dies, another takes over)."""
    total, pids = 0.0, [pid]
    while pids:
        current = pids.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            pids.extend(int(child) for child in
                        Path(f"/proc/{current}/task/{current}/children").read_text().split())
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in rollup.splitlines()
                     if line.startswith("Pss:")) / 1024
    return total if total else float("nan")


def news_search(*args: str) -> list[str]:
    return [sys.executable, "-m", "webui.cli", *args]


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, seconds: float, error: str | None) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)


def client(base: str, seed: int, stop: threading.Event, tally: Tally,
           ids: list[str]) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        roll = rng.random()
        expect = {200}
        if roll < 0.35:
            path = "/?" + urlencode({"q": " ".join(rng.sample(WORDS, rng.randint(1, 3))),
                                     "page": rng.randint(1, 3)})
        elif roll < 0.55:
            path = "/api/search?" + urlencode({"q": rng.choice(WORDS) + " OR " +
                                               rng.choice(WORDS), "sort": "newest",
                                               "from": str(rng.randint(2008, 2016))})
        elif roll < 0.65:
            path = "/?" + urlencode({"kind": rng.choice(KINDS)})
        elif roll < 0.75 and ids:
            path = "/items/" + rng.choice(ids)
            expect = {200, 404}  # an item may be replaced by a rebuild
        elif roll < 0.80:
            path = "/export.csv?" + urlencode({"q": rng.choice(WORDS) + " " + rng.choice(WORDS)})
        elif roll < 0.85:
            path = "/feed.atom?" + urlencode({"q": rng.choice(WORDS)})
        else:
            path = "/?" + urlencode(rng.choice(BAD))
            expect = {400}
        started = time.perf_counter()
        error = None
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                status = response.status
                response.read()
        except HTTPError as failure:
            status = failure.code
            failure.read()
        except (URLError, OSError) as failure:
            status, error = 0, f"{path}: {failure}"
        if status not in expect and error is None:
            error = f"{path}: status {status}, expected {sorted(expect)}"
        tally.add(status, time.perf_counter() - started, error)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=180, help="How long to soak.")
    parser.add_argument("--clients", type=int, default=4, help="Client threads.")
    parser.add_argument("--items", type=int, default=2000, help="Synthetic items to index.")
    parser.add_argument("--rebuild-every", type=float, default=30,
                        help="Seconds between rebuilds under load (0: none).")
    parser.add_argument("--warmup", type=float, default=15,
                        help="Seconds of load after which memory is measured as the baseline.")
    parser.add_argument("--max-growth-mb", type=float, default=32,
                        help="Fail when the server's memory grows by more than this after "
                        "the warm-up.")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="news-search-soak-"))
    server = None
    try:
        index_dir = work / "index"
        corpus = synthetic_corpus(work / "synthetic.jsonl", args.items, seed=1)
        subprocess.run(news_search("index", str(corpus), "--index", str(index_dir)),
                       check=True, capture_output=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(news_search("serve", "--host", "127.0.0.1", "--port",
                                              str(port), "--index", str(index_dir)),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/api/search?per_page=100", timeout=5) as r:
                    ids = [hit["id"] for hit in json.load(r)["hits"]]
                break
            except (URLError, OSError):
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        rss_start = rss_mb(server.pid)
        tally, stop = Tally(), threading.Event()
        threads = [threading.Thread(target=client, args=(base, n, stop, tally, ids))
                   for n in range(args.clients)]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        next_rebuild = started + args.rebuild_every if args.rebuild_every else float("inf")
        rebuilds, peak, rss_warm = 0, rss_start, None
        trend: list[tuple[int, float]] = []  # (seconds, MiB) every 30 s
        while (now := time.monotonic()) - started < args.seconds:
            if rss_warm is None and now - started >= args.warmup:
                rss_warm = rss_mb(server.pid)
            if now >= next_rebuild:
                more = synthetic_corpus(work / f"more-{rebuilds}.jsonl", 50, seed=100 + rebuilds,
                                        prefix=f"Rebuild {rebuilds}")
                command = ["index", str(more), "--update"] if rebuilds % 2 == 0 else \
                    ["index", str(corpus), str(more)]
                subprocess.run(news_search(*command, "--index", str(index_dir)), check=True,
                               capture_output=True)
                rebuilds += 1
                next_rebuild = time.monotonic() + args.rebuild_every
            current = rss_mb(server.pid)
            peak = max(peak, current)
            if int(now - started) >= 30 * len(trend):
                trend.append((int(now - started), current))
            time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        rss_end = rss_mb(server.pid)
        rss_warm = rss_start if rss_warm is None else rss_warm
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(work, ignore_errors=True)

    served = sum(tally.statuses.values())
    ordered = sorted(tally.latencies)
    print(f"soak: {elapsed:.0f} s, {args.clients} clients, {args.items} synthetic items, "
          f"loopback port {port}, server pid {server.pid}")
    print(f"requests served: {served} ({served / elapsed:.0f}/s); by status: "
          + ", ".join(f"{code}: {count}" for code, count in sorted(tally.statuses.items())))
    print(f"errors: {len(tally.errors)}")
    for error in tally.errors[:10]:
        print(f"  {error}")
    if ordered:
        print(f"latency: median {statistics.median(ordered) * 1000:.0f} ms, p95 "
              f"{ordered[int(len(ordered) * 0.95)] * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms")
    print(f"rebuilds under load: {rebuilds}")
    print(f"server PSS: start {rss_start:.1f} MiB, after {args.warmup:.0f} s warm-up "
          f"{rss_warm:.1f} MiB, end {rss_end:.1f} MiB, peak {peak:.1f} MiB; growth after "
          f"warm-up {rss_end - rss_warm:+.1f} MiB (bound {args.max_growth_mb:.0f} MiB)")
    print("server PSS every 30 s: " + ", ".join(f"{t} s {mb:.0f}" for t, mb in trend))
    grew = rss_end - rss_warm > args.max_growth_mb
    return 1 if tally.errors or grew else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
