"""The HTTP part of `bench.py`: a server process on loopback and concurrent clients.

`http_benchmark` starts this file as the server (`--serve INDEX --port P`),
with keep-alive clients cycling through the query mix for a fixed time, and
reports requests per second, latency, errors and the server's peak memory.

The server is the web UI's `create_app` when it has routes (clients then GET
its HTML search page `/`), else (the UI not merged yet) a minimal WSGI app
that calls `Engine.search` and returns `ResultPage.to_dict()` as JSON under
waitress; the output says which.
"""

from __future__ import annotations

import argparse
import http.client
import json
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

from report import p95

from search import Engine, InputError, parse_request


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
    except Exception:  # noqa: BLE001 (the UI is optional here: fall back to the minimal app)
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
    parser = argparse.ArgumentParser(description="The server process of bench.py's HTTP part.")
    parser.add_argument("--serve", metavar="INDEX", required=True, help="index directory")
    parser.add_argument("--port", type=int, required=True, help="port on 127.0.0.1")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--page-cache", type=int, default=0, help="page cache size")
    args = parser.parse_args()
    serve(args.serve, args.port, args.threads, args.page_cache)


if __name__ == "__main__":
    main()
