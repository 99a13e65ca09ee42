"""The production server (`news-search serve`, `webui/server.py`), run for real on an
ephemeral loopback port: several gunicorn workers (and waitress, its fallback).

Idle, slow and runaway clients cannot hold the others; the server's own error
answers carry the security headers; every request is one escaped log line;
nothing of the index is open in the master; and a rebuild under load reaches
every worker (each answer is traced to the worker that gave it by its log line).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError, URLError

import pytest
from test_reliability_load import index as build
from test_reliability_load import write_items

from corpus import BUNDLED_CORPUS
from webui import longwork
from webui.security import HEADERS
from webui.server import usable_cores

READY = re.compile(r"Serving news-search on (http://\S+?)/? ")
WORKER = re.compile(r"Booting worker with pid: (\d+)")


class Served:
    """A server process, its address and its log (stderr, read from a file)."""

    def __init__(self, command: list[str], log_path: Path) -> None:
        self.name = ""
        self.log_path = log_path
        self.handle = log_path.open("w")
        # Its own process group, so that stop() can end the workers too if the master
        # has to be killed (a hung worker once outlived its killed master).
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=self.handle,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while not (found := READY.search(self.log())):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the server did not start:\n{self.log()}")
            time.sleep(0.05)
        self.url = found.group(1)
        self.port = int(self.url.rsplit(":", 1)[1])

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def workers(self, count: int) -> set[int]:
        """The pids of the workers booted so far, once there are `count` of them."""
        deadline = time.monotonic() + 60
        while len(pids := {int(p) for p in WORKER.findall(self.log())}) < count:
            assert time.monotonic() < deadline, self.log()
            time.sleep(0.05)
        return pids

    def get(self, path: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def raw(self, data: bytes) -> bytes:
        """Send raw bytes on a new connection and read the answer until it closes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.sendall(data)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def stop(self) -> int:
        """Ctrl-C, as a person would; the exit status (-9: it had to be killed)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        returncode = self.process.returncode
        with contextlib.suppress(ProcessLookupError):  # any worker left behind
            os.killpg(self.process.pid, signal.SIGKILL)
        self.handle.close()
        return returncode


def serve_command(index_dir: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "webui.cli", "serve", "--index", str(index_dir), "--port", "0",
            *options]


# One server of each kind for the module's quick tests, over the bundled corpus.
MODULE_SERVERS = {"gunicorn": ("--workers", "2", "--threads", "2"),
                  "waitress": ("--server", "waitress", "--threads", "2")}


@pytest.fixture(scope="module")
def module_servers(bundled_index: Path, tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[dict[str, Served]]:
    started: dict[str, Served] = {}
    try:
        for name, options in MODULE_SERVERS.items():
            started[name] = Served(serve_command(bundled_index, *options),
                                   tmp_path_factory.mktemp(name) / "server.log")
            started[name].name = name
        yield started
    finally:
        for served in started.values():
            served.stop()


@pytest.fixture
def gunicorn_server(module_servers: dict[str, Served]) -> Served:
    return module_servers["gunicorn"]


@pytest.fixture(params=["gunicorn", "waitress"])
def server(request: pytest.FixtureRequest, module_servers: dict[str, Served]) -> Served:
    return module_servers[request.param]


def head_of(answer: bytes) -> tuple[str, dict[str, str]]:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    return head[0], {k.strip(): v.strip() for k, _, v in (line.partition(":")
                                                            for line in head[1:])}


def wait_for_log(served: Served, pattern: str, timeout: float = 10) -> list[str]:
    deadline = time.monotonic() + timeout
    while not (lines := [line for line in served.log().splitlines() if re.search(pattern, line)]):
        assert time.monotonic() < deadline, f"no log line matching {pattern!r}:\n{served.log()}"
        time.sleep(0.05)
    return lines


# -- answers, headers and log lines -------------------------------------------------


def test_the_app_is_served_with_its_headers(server: Served) -> None:
    status, headers, body = server.get("/api/search?q=cooperative")
    assert status == 200 and json.loads(body)["total"] > 0
    for name, value in HEADERS.items():
        assert headers[name] == value


@pytest.mark.parametrize("raw, status", [
    (b"GET /\x1b[2J HTTP/1.1 junk\r\nHost: x\r\n\r\n", "400"),  # a malformed request line
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 70_000 + b"\r\n\r\n", "431"),
])
def test_the_servers_own_error_answers_carry_the_security_headers(server: Served, raw: bytes,
                                                                   status: str) -> None:
    if server.name == "waitress" and status == "431":
        pytest.skip("waitress answers 431 but closes with the rest of the request unread, "
                    "so the client sees a reset instead")
    line, headers = head_of(server.raw(raw))
    assert line.split()[1] == status, line
    for name, value in HEADERS.items():
        assert headers[name] == value, (line, headers)
    assert wait_for_log(server, rf'"- -" {status} .*refused by the server|{status} .*refused')


def test_a_request_line_past_the_limit_is_a_414_with_the_headers(gunicorn_server: Served
                                                                 ) -> None:
    line, headers = head_of(gunicorn_server.raw(b"GET /?q=" + b"a" * 9000 + b" HTTP/1.1\r\n"
                                                b"Host: x\r\n\r\n"))
    assert line.startswith("HTTP/1.1 414") and headers["X-Frame-Options"] == "DENY"


def test_a_forged_log_line_stays_on_its_own_line(server: Served) -> None:
    tag = f"forged{time.monotonic_ns()}"
    status, _, _ = server.get(f"/items/{tag}%0A2026-12-01%20127.0.0.1%20%22GET%20/admin%22%20"
                              "200%20%1b[31m")
    assert status == 404
    lines = wait_for_log(server, tag)
    assert len(lines) == 1, lines
    assert f'"GET /items/{tag}%0A2026-12-01%20127.0.0.1%20%22GET%20/admin%22%20200%20%1b[31m"' \
           ' 404' in lines[0]
    # Raw control bytes in the request line itself never reach the log either.
    server.raw(f"GET /items/{tag}raw\x1b[2J\x07 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
               "\r\n".encode())
    assert "\x1b" not in server.log() and "\x07" not in server.log()


def test_a_long_url_is_cut_in_the_log_with_its_length(server: Served) -> None:
    tag = f"long{time.monotonic_ns()}"
    path = f"/?q={tag}&seed=" + "9" * 7000
    server.get(path)
    (line,) = wait_for_log(server, tag)
    assert f"…[{len(path):,} characters]" in line
    assert len(line) < 800


def test_nothing_of_the_index_is_open_in_the_master(gunicorn_server: Served,
                                                    bundled_index: Path) -> None:
    """Workers open their own engines after the fork: the master (which checked the
    index before starting them) holds none of its files, so none is shared."""
    fds = Path(f"/proc/{gunicorn_server.process.pid}/fd")
    if not fds.exists():
        pytest.skip("needs Linux's /proc")
    gunicorn_server.get("/?q=kenya")
    for worker in gunicorn_server.workers(2):
        if any(str(bundled_index) in path for path in open_files(worker)):
            break
    else:
        pytest.fail("no worker has the index open: the check below would prove nothing")
    in_master = open_files(gunicorn_server.process.pid)
    assert not [path for path in in_master if str(bundled_index) in path], in_master


def open_files(pid: int) -> list[str]:
    """What the process `pid` has open; nothing once it has exited. A file it closes
    while they are read (a connection just answered) is left out, not an error."""
    found = []
    with contextlib.suppress(FileNotFoundError):  # (the process has exited)
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(FileNotFoundError):  # (closed meanwhile)
                found.append(os.readlink(fd))
    return found


# -- long answers in processes of their own (webui/longwork.py) --------------------------


def long_workers(served: Served, count: int) -> list[int]:
    """The server's long-answer processes (those of its tree running at a lower priority),
    their master first, once there are `count` of them."""
    deadline = time.monotonic() + 60
    while True:
        found = []
        for pid in process_tree(served.process.pid):
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                if stat[0] != "Z" and int(stat[16]) >= longwork.NICE:  # 19: the nice value
                    found.append(pid)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def process_tree(root: int) -> list[int]:
    pids, queue = [], [root]
    while queue:
        pid = queue.pop()
        pids.append(pid)
        with contextlib.suppress(OSError):
            queue += [int(child) for child in
                      Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return pids


def socket_folder(pid: int) -> Path:
    """The private folder of a long-answer master's socket, from its command line."""
    spec = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[3]
    return Path(json.loads(spec)["socket"]).parent


def test_long_pages_are_answered_by_low_priority_processes_of_their_own(
        gunicorn_server: Served, bundled_index: Path) -> None:
    """While the long-answer processes are stopped (SIGSTOP), a keyword-in-context page
    waits for them and a search does not; once they go on, both answers are the app's."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs Linux's /proc")
    pids = long_workers(gunicorn_server, 1 + longwork.default_workers(usable_cores()))
    assert len(pids) == 1 + longwork.default_workers(usable_cores())  # a master, its workers
    waited: list[object] = []
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        waiter = threading.Thread(target=lambda: waited.append(
            gunicorn_server.get("/kwic?q=cooperative", timeout=60)[0]))
        waiter.start()
        time.sleep(1.5)
        assert waiter.is_alive() and not waited  # waiting for the stopped processes
        started = time.monotonic()
        assert gunicorn_server.get("/api/search?q=cooperative")[0] == 200
        assert time.monotonic() - started < 5
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    waiter.join(timeout=60)
    assert waited == [200]
    # The same answer as the app's own, links included (the Host is relayed), and a
    # client cannot pass for the front worker to change the scheme of the links.
    from werkzeug.test import Client

    from webui import create_app

    host = f"127.0.0.1:{gunicorn_server.port}"
    own = Client(create_app({"INDEX_DIR": str(bundled_index)}))
    expected = own.get("/export.csv?q=cooperative", headers={"Host": host}).get_data()
    request = urllib.request.Request(gunicorn_server.url + "/export.csv?q=cooperative", headers={
        "X-News-Search-Front": json.dumps({"scheme": "https", "remote": "1.2.3.4",
                                           "server": ["evil.example", "443"]})})
    with urllib.request.urlopen(request, timeout=30) as response:
        relayed = response.read()
    assert relayed == expected and f"http://{host}/items/".encode() in relayed
    assert b"https://" + host.encode() not in relayed and b"evil.example" not in relayed


@pytest.mark.slow
def test_a_worker_takes_on_only_so_many_long_answers_and_keeps_answering_searches(
        bundled_index: Path, tmp_path: Path) -> None:
    """With 2 threads, one worker relays one long answer at once: while it waits (the
    long-answer processes stopped), another long page is a 503 with Retry-After at once,
    a search is answered, and once the first is done the slot is free again."""
    served = Served(serve_command(bundled_index, "--workers", "1", "--threads", "2"),
                    tmp_path / "server.log")
    pids = long_workers(served, 2)
    waited: list[int] = []
    try:
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        waiter = threading.Thread(target=lambda: waited.append(
            served.get("/kwic?q=cooperative", timeout=60)[0]))
        waiter.start()
        time.sleep(1)
        status, headers, body = served.get("/export.csv?q=cooperative", timeout=10)
        assert status == 503 and headers["Retry-After"] == "5"
        assert b"already making 1 long answer" in body and b"try again" in body
        assert served.get("/api/search?q=cooperative", timeout=10)[0] == 200
        assert not waited
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
        waiter.join(timeout=60)
        assert waited == [200]
        # The slot is freed when the server closes the first answer, which can be a
        # moment after its client has read it.
        deadline = time.monotonic() + 10
        while (status := served.get("/export.csv?q=cooperative", timeout=30)[0]) == 503:
            assert time.monotonic() < deadline, "the long-answer slot was never freed"
            time.sleep(0.1)
        assert status == 200
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        served.stop()


@pytest.mark.slow
def test_long_pages_are_answered_without_the_long_workers_and_they_leave_nothing(
        bundled_index: Path, tmp_path: Path) -> None:
    """Killed, the long-answer processes are done without: the workers answer long pages
    themselves. Stopping the server stops them and removes their socket's folder."""
    served = Served(serve_command(bundled_index, "--workers", "2", "--long-workers", "2"),
                    tmp_path / "server.log")
    try:
        pids = long_workers(served, 3)
        assert len(pids) == 3  # their master and two workers, as asked
        folder = socket_folder(pids[0])
        assert folder.exists() and oct(folder.stat().st_mode & 0o777) == "0o700"
        assert served.get("/kwic?q=cooperative")[0] == 200
        # Until none is left: a worker may leave with its master before it is reached
        # here, and one the master replaced in the meantime has a new pid.
        deadline = time.monotonic() + 30
        while (left := long_workers(served, 0)) and time.monotonic() < deadline:
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)
        assert not left
        status, _, body = served.get("/kwic?q=cooperative")
        assert status == 200 and b"ooperative" in body
        assert wait_for_log(served, r"the long-answer workers did not answer /kwic .*answered "
                                    r"here instead")
    finally:
        assert served.stop() == 0
    again = Served(serve_command(bundled_index, "--workers", "1"), tmp_path / "again.log")
    try:
        pids = long_workers(again, 2)
        folder = socket_folder(pids[0])
    finally:
        again.stop()
    deadline = time.monotonic() + 10  # the long-answer master removes it as it leaves
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.exists()
    assert not [pid for pid in pids if Path(f"/proc/{pid}").exists()]


# -- clients that must not hold the others ---------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["gunicorn", "waitress"])
def test_101_idle_connections_do_not_block_a_search(bundled_index: Path, tmp_path: Path,
                                                    name: str) -> None:
    served = Served(serve_command(bundled_index, "--server", name, "--workers", "2",
                                  "--threads", "2", "--keepalive", "60"),
                    tmp_path / "server.log")
    idle: list[socket.socket] = []
    try:
        for _ in range(101):
            idle.append(socket.create_connection(("127.0.0.1", served.port), timeout=10))
        time.sleep(0.5)  # let the server accept them all
        started = time.monotonic()
        status, _, body = served.get("/api/search?q=kenya", timeout=30)
        took = time.monotonic() - started
        assert status == 200 and json.loads(body)["total"] > 0
        # Generous (it takes milliseconds; benchmarks/soak.py measures it): blocked
        # requests wait for --keepalive (60 s) or, before this fix, 5 s per thread.
        assert took < 5, took
        for sock in idle:  # and the idle connections are all still open
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)
    finally:
        for sock in idle:
            sock.close()
        # Stops on Ctrl-C with them all closing at once (a worker once deadlocked here).
        assert served.stop() == 0, served.log()


@pytest.mark.slow
def test_headers_sent_too_slowly_are_cut_off(bundled_index: Path, tmp_path: Path) -> None:
    served = Served(serve_command(bundled_index, "--workers", "1", "--threads", "2",
                                  "--header-timeout", "2"), tmp_path / "server.log")
    slow = []
    try:
        for _ in range(4):  # twice the threads: each would hold one for good
            sock = socket.create_connection(("127.0.0.1", served.port), timeout=30)
            sock.sendall(b"GET /?q=kenya HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
            slow.append(sock)
        started = time.monotonic()
        status, _, _ = served.get("/?q=cooperative", timeout=30)
        assert status == 200
        assert time.monotonic() - started < 15
        for sock in slow:
            assert sock.recv(1) == b""  # closed by the server
        assert len(wait_for_log(served, r'"- -" 408 .*not received within 2 s')) == 4
    finally:
        for sock in slow:
            sock.close()
        served.stop()


TEST_APP = textwrap.dedent("""
    import json, sys, time
    from webui.accesslog import AccessLog
    from webui.server import ServeOptions, serve

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/spin":
            while True:  # a runaway request: pure Python, never returns
                pass
        if environ["PATH_INFO"] == "/sleep":
            time.sleep(float(environ["QUERY_STRING"]))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    serve(lambda: AccessLog(app), ServeOptions(port=0, **json.loads(sys.argv[1])),
          ready=lambda url: print(f"Serving news-search on {url} ", file=sys.stderr,
                                  flush=True))
""")


def tiny_server(tmp_path: Path, **options: int) -> Served:
    """A server of a tiny app with a runaway route (/spin) and a slow one (/sleep?SECONDS)."""
    return Served([sys.executable, "-c", TEST_APP, json.dumps(options)],
                  tmp_path / "server.log")


@pytest.mark.slow
def test_a_busy_worker_leaves_new_connections_to_a_free_one(tmp_path: Path) -> None:
    served = tiny_server(tmp_path, workers=2, threads=1)
    try:
        served.workers(2)
        sleeper = threading.Thread(target=served.get, args=("/sleep?6",))
        sleeper.start()
        time.sleep(0.5)  # the sleep is running in one worker, with its only thread
        for n in range(8):  # each would have a fair chance to land behind it
            assert served.get(f"/fine?{n}")[0] == 200
            assert sleeper.is_alive(), f"request {n} waited for the sleeping one"
        sleeper.join()
        wait_for_log(served, r'"GET /sleep\?6" 200')  # written just after its answer
        by = {path: pid for pid, path in re.findall(r'\[(\d+)\] \S+ "GET (/fine\?\d|/sleep\?6)"',
                                                   served.log())}
        assert len(by) == 9 and by["/sleep?6"] not in {by[f"/fine?{n}"] for n in range(8)}
    finally:
        served.stop()


@pytest.mark.slow
def test_a_runaway_request_is_stopped_and_its_worker_replaced(tmp_path: Path) -> None:
    served = tiny_server(tmp_path, workers=2, threads=2, timeout=2)
    try:
        before = served.workers(2)
        started = time.monotonic()
        with pytest.raises((URLError, OSError, ConnectionError)):
            served.get("/spin", timeout=30)  # the connection closes with no answer
        assert time.monotonic() - started < 20
        assert served.get("/fine")[0] == 200
        assert len(served.workers(3)) == 3  # a new worker took the stopped one's place
        (line,) = wait_for_log(served, r'"GET /spin" - 0 B .*stopped after \d+ s, past '
                                       r'--timeout 2 s; the worker was replaced')
        assert str(before) and line
        assert served.process.poll() is None  # the server itself goes on
    finally:
        served.stop()


# -- a rebuild reaches every worker -----------------------------------------------------


@pytest.mark.slow
def test_a_rebuild_under_load_reaches_every_worker(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = build(index_dir, str(BUNDLED_CORPUS))
    served = Served(serve_command(index_dir, "--workers", "3", "--threads", "2"),
                    tmp_path / "server.log")
    answers: dict[str, str] = {}  # probe -> generation it saw
    failures: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()
    counter = iter(range(10**9))

    def client() -> None:
        while not stop.is_set():
            with lock:
                probe = f"p{next(counter)}x"
            try:
                status, _, body = served.get(f"/api/search?per_page=100&probe={probe}")
            except (URLError, OSError) as error:
                failures.append(f"{probe}: {error}")
                continue
            if status != 200:
                failures.append(f"{probe}: {status}")
                continue
            page = json.loads(body)
            if page["generation"]["items"] != page["total"] or len(page["hits"]) != min(
                    100, page["total"]):
                failures.append(f"{probe}: {page['generation']} but {page['total']} items")
            answers[probe] = page["generation"]["id"]

    def served_by() -> dict[str, set[int]]:
        """generation -> the workers (pids) that answered with it, from the log lines."""
        found: dict[str, set[int]] = {}
        for pid, probe in re.findall(r"\[(\d+)\] \S+ \"GET /api/search\?per_page=100&probe="
                                     r"(p\d+x)\" 200", served.log()):
            if probe in answers:
                found.setdefault(answers[probe], set()).add(int(pid))
        return found

    threads = [threading.Thread(target=client) for _ in range(4)]
    try:
        workers = served.workers(3)
        for thread in threads:
            thread.start()
        time.sleep(1)
        second = build(index_dir, str(BUNDLED_CORPUS),
                       str(write_items(tmp_path / "zebras.jsonl", "Zebra", 20)))
        third = build(index_dir, str(write_items(tmp_path / "more.jsonl", "Update", 5)),
                      "--update")
        deadline = time.monotonic() + 60
        while not served_by().get(third, set()) >= workers:
            assert time.monotonic() < deadline, (workers, served_by())
            time.sleep(0.2)
        # The long-answer processes, too, answer from the newest generation.
        status, _, kwic = served.get("/kwic.csv?q=update")
        ids = {line.split(b",")[0] for line in kwic.splitlines()[1:]}
        assert status == 200 and ids == {f"2021-{n + 1:02d}-15-update-synthetic-item-{n}"
                                         .encode() for n in range(5)}, kwic[:500]
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        served.stop()
    assert failures == []
    assert served_by()[third] >= workers  # the newest items, from every worker
    assert set(answers.values()) <= {first, second, third}
    status_lines = re.findall(r'"GET /api/search\?per_page=100&probe=p\d+x" (\S+)', served.log())
    assert len(status_lines) == len(answers)  # one log line per request
