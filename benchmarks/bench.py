"""news-search against SQLite FTS5 on the same synthetic items, in one run.

    python benchmarks/bench.py --items 100000            # everything (several minutes)
    python benchmarks/bench.py --items 10000 --no-http   # a quick run

Steps, each printed as it finishes:
1. make (or reuse) the synthetic corpus `benchmarks/out/synthetic-<items>.jsonl`;
2. build both indexes from the same `Article`s, and report items per second
   (`--reuse` keeps indexes already built for this size);
3. the query mix: common, middling and rare words, two- and three-word AND,
   OR, a phrase, a prefix and browsing, each plain, with a date range and with
   a kind filter, by relevance and by date; every one a full page (parse,
   match, total, year/month/kind facets, top 20 highlighted) on both engines,
   `--rounds` times with news-search's caches emptied before each page, so
   every timing is a first run. Per query: median and p95 of both, and the
   ratio news-search / FTS5 (below 1.0 = news-search is faster);
4. repeated pages: the same page again (served by the page cache), the next
   page and a facet click (served partly by the posting-list cache);
5. HTTP: a server process on loopback, `--clients` concurrent keep-alive
   clients for `--http-seconds`, cycling through the mix: requests per
   second, latency, errors, the server's peak memory (VmHWM).

The HTTP server is the web UI's `create_app` when it has routes (clients then
GET its HTML search page `/`; `--http-path /api/search` for its JSON), else
(the UI not merged yet) a minimal WSGI app that calls `Engine.search` and
returns `ResultPage.to_dict()` as JSON under waitress; the output says which.
Nothing here is a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from corpus import read_sources  # noqa: E402
from search import build_index, parse_request  # noqa: E402
from search.engine.core import Engine  # noqa: E402
from search.query.request import InputError  # noqa: E402

import fts5  # noqa: E402
from make_corpus import DOMAIN, Generator, make_corpus  # noqa: E402

OUT = HERE / "out"
DATE_RANGE = {"from": "2015", "to": "2018"}
KIND = {"kind": "Press release"}


def query_mix(seed: int) -> list[tuple[str, dict[str, str]]]:
    """(label, URL parameters) of every page in the mix."""
    vocabulary = Generator(seed).words
    rare = vocabulary[len(set(DOMAIN)) + 3000]  # a made-up word from the long tail
    words = [("common", "cooperative"), ("middling", "fisheries"), ("rare", rare),
             ("and2", "cooperative workers"), ("and3", "women cooperative finance"),
             ("or2", "coffee OR cocoa"), ("or3", "tea OR sugar OR cotton"),
             ("phrase", '"social solidarity"'), ("prefix", "fin*")]
    mix = []
    for label, q in words:
        for filter_label, extra in (("", {}), ("+dates", DATE_RANGE), ("+kind", KIND)):
            for sort in ("relevance", "newest"):
                mix.append((f"{label}{filter_label} {sort}", {"q": q, "sort": sort, **extra}))
    for filter_label, extra in (("", {}), ("+dates", DATE_RANGE), ("+kind", KIND)):
        mix.append((f"browse{filter_label} newest", {"sort": "newest", **extra}))
    return mix


def request_of(params: dict[str, str]):
    return parse_request({name: [value] for name, value in params.items()})


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


# -- building ------------------------------------------------------------------------


def build_both(corpus: Path, items: int, reuse: bool) -> tuple[Path, Path, dict[str, float]]:
    index_dir, database = OUT / f"index-{items}", OUT / f"fts5-{items}.sqlite"
    started = time.perf_counter()
    result = read_sources([corpus])  # read whole: the 512 MiB per-file limit is gone
    read_seconds = time.perf_counter() - started
    print(f"read {len(result.articles):,} items in {read_seconds:.1f} s "
          f"({len(result.problems)} problems)", flush=True)
    figures = {"read_seconds": read_seconds}
    if reuse and (index_dir / "CURRENT").exists():
        print(f"news-search index: reusing {index_dir}")
    else:
        report = build_index(result, index_dir)
        figures["whoosh_build_seconds"] = report.seconds
        print(f"news-search build: {report.seconds:.1f} s, "
              f"{items / report.seconds:,.0f} items/s", flush=True)
    if reuse and database.exists():
        print(f"FTS5 database: reusing {database}")
    else:
        seconds = fts5.build(result.articles, database)
        figures["fts5_build_seconds"] = seconds
        print(f"FTS5 build: {seconds:.1f} s, {items / seconds:,.0f} items/s", flush=True)
    if "whoosh_build_seconds" in figures and "fts5_build_seconds" in figures:
        ratio = figures["whoosh_build_seconds"] / figures["fts5_build_seconds"]
        figures["build_ratio"] = ratio
        print(f"build time ratio news-search / FTS5: {ratio:.1f}x (target <= 10x)")
    return index_dir, database, figures


# -- the query mix -------------------------------------------------------------------


def run_mix(engine: Engine, fts: fts5.Fts5Search, mix, rounds: int) -> dict[str, object]:
    requests = [(label, request_of(params)) for label, params in mix]
    for _, request in requests:  # warm-up: columns, lengths, SQLite page cache
        engine.search(request)
        fts.search(request)
    ours: dict[str, list[float]] = {label: [] for label, _ in requests}
    theirs: dict[str, list[float]] = {label: [] for label, _ in requests}
    totals: dict[str, tuple[int, int]] = {}
    for _ in range(rounds):
        for label, request in requests:
            engine.clear_caches()  # every timing is a first run
            started = time.perf_counter()
            page = engine.search(request)
            ours[label].append(time.perf_counter() - started)
            started = time.perf_counter()
            other = fts.search(request)
            theirs[label].append(time.perf_counter() - started)
            totals[label] = (page.total, other.total)
    print(f"\n{'page':34} {'hits ns':>8} {'hits fts':>8} {'ns med':>8} {'ns p95':>8} "
          f"{'fts med':>8} {'fts p95':>8} {'ratio':>6}   (ms)")
    for label, _ in requests:
        mine, base = ours[label], theirs[label]
        ratio = statistics.median(mine) / statistics.median(base)
        print(f"{label:34} {totals[label][0]:8,} {totals[label][1]:8,} "
              f"{ms(statistics.median(mine)):>8} {ms(p95(mine)):>8} "
              f"{ms(statistics.median(base)):>8} {ms(p95(base)):>8} {ratio:6.2f}")
    all_ours = [t for times in ours.values() for t in times]
    all_theirs = [t for times in theirs.values() for t in times]
    summary = {
        "pages": len(requests), "rounds": rounds,
        "ns_median_ms": statistics.median(all_ours) * 1000, "ns_p95_ms": p95(all_ours) * 1000,
        "fts_median_ms": statistics.median(all_theirs) * 1000,
        "fts_p95_ms": p95(all_theirs) * 1000,
        "ns_mean_ms": statistics.mean(all_ours) * 1000,
        "per_query": {label: {"ns_median_ms": statistics.median(ours[label]) * 1000,
                              "fts_median_ms": statistics.median(theirs[label]) * 1000,
                              "ns_total": totals[label][0], "fts_total": totals[label][1]}
                      for label, _ in requests},
    }
    summary["median_ratio"] = summary["ns_median_ms"] / summary["fts_median_ms"]
    summary["p95_ratio"] = summary["ns_p95_ms"] / summary["fts_p95_ms"]
    print(f"\nmix, all {len(all_ours)} pages: news-search median {summary['ns_median_ms']:.1f} ms, "
          f"p95 {summary['ns_p95_ms']:.1f} ms; FTS5 median {summary['fts_median_ms']:.1f} ms, "
          f"p95 {summary['fts_p95_ms']:.1f} ms")
    print(f"ratio news-search / FTS5: median {summary['median_ratio']:.2f} (target <= 1.0), "
          f"p95 {summary['p95_ratio']:.2f} (target <= 1.5)")
    print(f"in-process rate (one thread, cold pages): {1000 / summary['ns_mean_ms']:.1f} pages/s")
    return summary


def run_repeats(engine: Engine, mix, repeats: int = 20) -> dict[str, object]:
    chosen = [(label, params) for label, params in mix
              if label in ("common relevance", "and2+dates relevance", "phrase newest",
                           "prefix+kind relevance", "browse newest")]
    print(f"\n{'repeated page':28} {'first':>8} {'same':>8} {'speedup':>8} "
          f"{'next pg':>8} {'kind click':>10}   (ms)")
    speedups = []
    for label, params in chosen:
        request = request_of(params)
        engine.clear_caches()
        started = time.perf_counter()
        engine.search(request)
        first = time.perf_counter() - started
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            engine.search(request)
            times.append(time.perf_counter() - started)
        same = statistics.median(times)
        started = time.perf_counter()
        try:
            engine.search(request_of({**params, "page": "2"}))
            next_page = ms(time.perf_counter() - started)
        except InputError:
            next_page = "-"
        started = time.perf_counter()
        engine.search(request_of({**params, "kind": "News"}))
        click = time.perf_counter() - started
        speedups.append(first / same)
        print(f"{label:28} {ms(first):>8} {ms(same):>8} {first / same:7.0f}x "
              f"{next_page:>8} {ms(click):>10}")
    print(f"repeated page speedup: min {min(speedups):.0f}x (target >= 20x)")
    return {"min_speedup": min(speedups), "speedups": speedups}


# -- HTTP ------------------------------------------------------------------------------


def minimal_app(index_dir: str, page_cache: int):
    """A WSGI app: GET /search?<the request parameters> -> ResultPage.to_dict() as JSON."""
    engine = Engine(Path(index_dir), page_cache=page_cache)

    def app(environ, start_response):
        params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""),
                                       keep_blank_values=True)
        try:
            body, status = engine.search(parse_request(params)).to_dict(), "200 OK"
        except InputError as error:
            body, status = {"error": error.message, "param": error.param}, "400 Bad Request"
        data = json.dumps(body).encode("utf-8")
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(data)))])
        return [data]

    return app


def serve(index_dir: str, port: int, threads: int, page_cache: int) -> None:
    """The server process (run by `http_benchmark` through --serve)."""
    import logging

    import waitress

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # 16 clients > 8 threads
    app, kind = None, "minimal"
    try:
        from webui import create_app

        # The same page-cache size as the minimal app, so that cycling through
        # the mix measures searching, not the cache.
        candidate = create_app({"INDEX_DIR": index_dir, "PAGE_CACHE": page_cache})
        if any(rule.endpoint != "static" for rule in candidate.url_map.iter_rules()):
            app, kind = candidate, "webui"
    except Exception:  # the UI is optional here: fall back to the minimal app
        app = None
    if app is None:
        app = minimal_app(index_dir, page_cache)
    print(kind, flush=True)
    waitress.serve(app, host="127.0.0.1", port=port, threads=threads, ident="bench",
                   _quiet=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_mb(pid: int) -> dict[str, float]:
    """VmHWM (peak RSS), RssAnon (heap) and Pss (shared pages counted once), in MB.

    Whoosh maps index files with mmap and every thread's searcher maps them
    again, so RSS counts the same page-cache pages once per thread; Pss and
    RssAnon say what the server really holds.
    """
    figures: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                name = line.split(":")[0]
                if name in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                    figures[name] = int(line.split()[1]) / 1024
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    figures["Pss"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return figures


def http_benchmark(index_dir: Path, mix, seconds: float, clients: int, threads: int,
                   page_cache: int, path: str) -> dict[str, object]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(index_dir), "--port", str(port),
         "--threads", str(threads), "--page-cache", str(page_cache)],
        stdout=subprocess.PIPE, text=True)
    try:
        app_kind = server.stdout.readline().strip() if server.stdout else "?"
        if path == "auto":  # the UI's search page, or the minimal app's JSON
            path = "/" if app_kind == "webui" else "/search"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        urls = [f"{path}?{urllib.parse.urlencode(params)}" for _, params in mix]
        for url in urls:  # warm-up, as in-process
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", url)
            connection.getresponse().read()
            connection.close()
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def client(number: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            position = number * 7
            mine, failed = [], []
            while time.monotonic() < stop:
                url = urls[position % len(urls)]
                position += 1
                started = time.perf_counter()
                try:
                    connection.request("GET", url)
                    response = connection.getresponse()
                    response.read()
                    if response.status != 200:
                        failed.append(f"{response.status} {url}")
                except (OSError, http.client.HTTPException) as error:
                    failed.append(f"{error.__class__.__name__} {url}")
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                mine.append(time.perf_counter() - started)
            connection.close()
            with lock:
                latencies.extend(mine)
                errors.extend(failed)

        peaks: dict[str, float] = {}

        def sample() -> None:
            while time.monotonic() < stop + 1:
                for name, value in memory_mb(server.pid).items():
                    peaks[name] = max(peaks.get(name, 0.0), value)
                time.sleep(0.25)

        started = time.perf_counter()
        sampler = threading.Thread(target=sample)
        sampler.start()
        workers = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - started
        sampler.join()
        memory = {**peaks, "VmHWM": memory_mb(server.pid).get("VmHWM", float("nan"))}
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures = {"app": app_kind, "requests": len(latencies), "seconds": elapsed,
               "rps": len(latencies) / elapsed, "errors": len(errors),
               "median_ms": statistics.median(latencies) * 1000 if latencies else None,
               "p95_ms": p95(latencies) * 1000 if latencies else None,
               "server_memory_mb": memory, "page_cache": page_cache}
    print(f"\nHTTP ({app_kind} app, GET {path}, waitress {threads} threads, page cache "
          f"{'off' if not page_cache else page_cache}): {clients} clients for {elapsed:.0f} s: "
          f"{figures['rps']:.1f} requests/s, median {figures['median_ms']:.0f} ms, "
          f"p95 {figures['p95_ms']:.0f} ms, {len(errors)} errors (target 0)")
    print(f"server memory, peak MB: RSS (VmHWM) {memory.get('VmHWM', 0):.0f}, sampled every "
          f"0.25 s: Pss {memory.get('Pss', 0):.0f}, RssAnon (heap) {memory.get('RssAnon', 0):.0f}, "
          f"RssFile (mmapped index, counted per thread) {memory.get('RssFile', 0):.0f}")
    for error in errors[:5]:
        print("  error:", error)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="corpus size")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of every page")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse indexes already built for this size (no build figures)")
    parser.add_argument("--no-mix", action="store_true", help="skip the query mix")
    parser.add_argument("--no-repeat", action="store_true", help="skip repeated pages")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP part")
    parser.add_argument("--http-seconds", type=float, default=30.0, help="HTTP run length")
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--http-cache", type=int, default=0,
                        help="page cache size in the HTTP server (default 0: every "
                             "request searches)")
    parser.add_argument("--http-path", default="auto",
                        help="search URL path (auto: / of the web UI, else the minimal "
                             "app's /search)")
    parser.add_argument("--serve", metavar="INDEX", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--page-cache", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.threads, args.page_cache)
        return
    if args.items < 100:
        parser.error("--items must be at least 100")
    print(f"news-search vs SQLite FTS5, {args.items:,} synthetic items, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"SQLite {fts5.sqlite3.sqlite_version}", flush=True)
    corpus = make_corpus(args.items, args.seed)
    index_dir, database, figures = build_both(corpus, args.items, args.reuse)
    results: dict[str, object] = {"items": args.items, "build": figures}
    mix = query_mix(args.seed)
    engine = Engine(index_dir)
    if not args.no_mix:
        fts = fts5.Fts5Search(database)
        results["mix"] = run_mix(engine, fts, mix, args.rounds)
        fts.close()
    if not args.no_repeat:
        results["repeat"] = run_repeats(engine, mix)
    engine.close()
    results["bench_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if not args.no_http:
        results["http"] = http_benchmark(index_dir, mix, args.http_seconds, args.clients,
                                         args.threads, args.http_cache, args.http_path)
    out = OUT / f"results-{args.items}.json"
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\nfigures written to {out}")


if __name__ == "__main__":
    main()
