"""Rebuilds under load: a real waitress server on loopback answers concurrent clients
while `news-search index` rebuilds (full, then --update, then full again) in another
process. No request fails, every answer is wholly the old index or wholly the new one
(its generation, its total and its items agree), and new items show up without a
restart. Bounded: a few seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError, URLError

import pytest
import waitress
from waitress import wasyncore

from corpus import BUNDLED_CORPUS
from search.build.store import current_generation
from webui import create_app

pytestmark = pytest.mark.slow  # the quick loop (pytest -m "not slow") skips this module

CLIENTS = 4
SETTLE_SECONDS = 30  # the longest a new generation may take to show (it takes milliseconds)


@dataclass(frozen=True)
class Answer:
    generation: str
    total: int
    ids: frozenset[str]


def write_items(path: Path, prefix: str, count: int) -> Path:
    """Synthetic items (clearly labelled so), dated apart from the bundled corpus."""
    path.write_text("".join(json.dumps({"title": f"{prefix} synthetic item {n}",
                                        "date": f"2021-{n % 12 + 1:02d}-15", "kind": "News",
                                        "summary": f"Synthetic {prefix.lower()} text."}) + "\n"
                            for n in range(count)), encoding="utf-8")
    return path


def index(index_dir: Path, *args: str) -> str:
    """Run `news-search index` in its own process; return the generation it published."""
    done = subprocess.run([sys.executable, "-m", "webui.cli", "index", *args,
                           "--index", str(index_dir)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return current_generation(index_dir).id


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A waitress server in a thread on a free loopback port, over a fresh index."""
    index_dir = tmp_path / "index"
    index(index_dir, str(BUNDLED_CORPUS))
    app = create_app({"INDEX_DIR": str(index_dir)})
    srv = waitress.create_server(app, host="127.0.0.1", port=0, threads=CLIENTS + 2)
    stopping = threading.Event()

    def run() -> None:
        try:
            srv.run()
        except OSError:  # its sockets closed under the loop: how a threaded waitress stops
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.effective_port}", index_dir
    stopping.set()
    srv.task_dispatcher.shutdown()
    wasyncore.close_all(srv._map, ignore_all=True)  # the server and its open connections
    thread.join(timeout=10)


class Clients:
    """Threads that search in a loop and keep every answer (or failure) they get."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.stop = threading.Event()
        self.answers: list[Answer] = []
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(CLIENTS)]

    def fetch(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as response:
                return response.status, response.read()
        except HTTPError as error:
            return error.code, error.read()

    def run(self, number: int) -> None:
        paths = ["/api/search?per_page=100", "/?q=synthetic", "/export.jsonl?q=synthetic",
                 "/feed.atom"]
        turn = 0
        while not self.stop.is_set():
            path = paths[0] if turn % 2 == 0 else paths[(turn // 2 + number) % len(paths)]
            turn += 1
            try:
                status, body = self.fetch(path)
            except (URLError, OSError) as error:
                with self.lock:
                    self.failures.append(f"{path}: {error}")
                continue
            if status != 200:
                with self.lock:
                    self.failures.append(f"{path}: {status} {body[:200]!r}")
                continue
            if path == paths[0]:
                page = json.loads(body)
                generation = page["generation"]
                if generation["items"] != page["total"]:  # browsing all: the two must agree
                    with self.lock:
                        self.failures.append(f"{path}: {generation} but total {page['total']}")
                answer = Answer(generation["id"], page["total"],
                                frozenset(hit["id"] for hit in page["hits"]))
                with self.lock:
                    self.answers.append(answer)

    def latest(self) -> Answer | None:
        with self.lock:
            return self.answers[-1] if self.answers else None

    def __enter__(self) -> Clients:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def wait_for(clients: Clients, generation: str) -> Answer:
    """The first answer from `generation`, which must come without a restart."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        latest = clients.latest()
        if latest is not None and latest.generation == generation:
            return latest
        time.sleep(0.02)
    pytest.fail(f"generation {generation} never showed; last answer {clients.latest()}")


def test_rebuilds_while_clients_search(server, tmp_path: Path) -> None:
    base, index_dir = server
    first = current_generation(index_dir).id
    zebras = write_items(tmp_path / "zebras.jsonl", "Zebra", 20)
    updates = write_items(tmp_path / "updates.jsonl", "Update", 10)
    finals = write_items(tmp_path / "finals.jsonl", "Final", 5)
    expected: dict[str, int] = {first: 10}

    with Clients(base) as clients:
        wait_for(clients, first)
        full = index(index_dir, str(BUNDLED_CORPUS), str(zebras))
        expected[full] = 30
        assert wait_for(clients, full).total == 30
        updated = index(index_dir, str(updates), "--update")
        expected[updated] = 40
        assert wait_for(clients, updated).total == 40
        again = index(index_dir, str(BUNDLED_CORPUS), str(finals))
        expected[again] = 15
        assert wait_for(clients, again).total == 15
        time.sleep(0.2)  # a few more answers from the last generation

    assert clients.failures == []
    assert len(clients.answers) > 20
    contents: dict[str, frozenset[str]] = {}
    for answer in clients.answers:
        assert answer.generation in expected, answer.generation
        assert answer.total == expected[answer.generation] == len(answer.ids), answer
        # One generation, one content: never a mix of two indexes under one name.
        assert contents.setdefault(answer.generation, answer.ids) == answer.ids
    assert contents[updated] > contents[full]  # the update added, and removed nothing
    assert not any("Zebra" in item for item in contents[again])
