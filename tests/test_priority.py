"""Long answers run in low-priority threads, relayed piece by piece (webui/priority.py), or
in the long-answer processes, relayed likewise (webui/longwork.py)."""

from __future__ import annotations

import json
import os
import threading

import pytest

from webui import longwork
from webui.longwork import Target
from webui.priority import BUSY, NICE, Priority, is_long, supported

pytestmark = pytest.mark.skipif(not supported(), reason="a thread's priority is Linux's")


def app_recording(seen: list[tuple[str, int]], pieces: int = 3):  # type: ignore[no-untyped-def]
    def app(environ, start_response):  # type: ignore[no-untyped-def]
        def body():  # type: ignore[no-untyped-def]
            for number in range(pieces):
                me = threading.current_thread()
                seen.append((me.name, os.getpriority(os.PRIO_PROCESS, me.native_id)))
                yield f"piece {number}\n".encode()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body()
    return app


def call(app, path: str) -> tuple[str, bytes]:  # type: ignore[no-untyped-def]
    status: list[str] = []
    body = app({"PATH_INFO": path, "REQUEST_METHOD": "GET"},
               lambda s, headers, exc_info=None: status.append(s))
    data = b"".join(body)
    getattr(body, "close", lambda: None)()
    return status[0], data


def test_long_pages_run_at_a_lower_priority_and_stream_in_order() -> None:
    seen: list[tuple[str, int]] = []
    wrapped = Priority(app_recording(seen))
    status, data = call(wrapped, "/export.csv")
    assert status == "200 OK" and data == b"piece 0\npiece 1\npiece 2\n"
    assert {name.startswith("news-search-long") for name, _ in seen} == {True}
    assert all(nice >= NICE for _, nice in seen)
    seen.clear()
    call(wrapped, "/api/search")  # a search: answered by the server's own thread
    assert [name for name, _ in seen] == [threading.current_thread().name] * 3


def test_an_error_of_the_app_reaches_the_server() -> None:
    def failing(environ, start_response):  # type: ignore[no-untyped-def]
        raise RuntimeError("broken")
    with pytest.raises(RuntimeError, match="broken"):
        call(Priority(failing), "/kwic")


def test_a_client_that_goes_away_stops_the_making() -> None:
    seen: list[tuple[str, int]] = []
    body = Priority(app_recording(seen, pieces=10_000))(
        {"PATH_INFO": "/export.jsonl"}, lambda *a: None)
    first = next(iter(body))
    body.close()
    assert first == b"piece 0\n" and len(seen) < 100


@pytest.mark.parametrize(("path", "long"), [("/export.csv", True), ("/kwic.csv", True),
                                            ("/compare", True), ("/terms", True),
                                            ("/collection.bib", True), ("/", False),
                                            ("/api/search", False), ("/items/x", False),
                                            ("/collection", False)])
def test_which_pages_are_long(path: str, long: bool) -> None:
    assert is_long(path) is long


def test_a_long_page_is_answered_here_when_the_long_workers_cannot_be_reached(
        tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, int]] = []
    wrapped = Priority(app_recording(seen), elsewhere=Target(str(tmp_path / "none.sock"), 5))
    status, data = call(wrapped, "/kwic")
    assert status == "200 OK" and data == b"piece 0\npiece 1\npiece 2\n"
    assert all(nice >= NICE for _, nice in seen)  # in a low-priority thread, as without them
    assert "the long-answer workers did not answer /kwic" in caplog.text


def test_the_request_is_relayed_with_its_headers_and_the_fronts_own() -> None:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/kwic", "QUERY_STRING": "q=a",
               "HTTP_HOST": "example.org:8000", "HTTP_ACCEPT_ENCODING": "gzip",
               "HTTP_IF_NONE_MATCH": '"abc"', "HTTP_CONNECTION": "keep-alive",
               "HTTP_X_NEWS_SEARCH_FRONT": '{"scheme": "https"}', "wsgi.url_scheme": "http",
               "REMOTE_ADDR": "192.0.2.1", "SERVER_NAME": "0.0.0.0", "SERVER_PORT": "8000"}
    headers = longwork.request_headers(environ)
    names = [name for name, _ in headers]
    assert ("Accept-Encoding", "gzip") in headers and ("If-None-Match", '"abc"') in headers
    assert ("Connection", "keep-alive") not in headers and names.count("Connection") == 1
    assert names.count(longwork.FRONT_HEADER) == 1  # the client's own is dropped
    front = json.loads(dict(headers)[longwork.FRONT_HEADER])
    assert front == {"scheme": "http", "remote": "192.0.2.1", "server": ["0.0.0.0", "8000"]}
    # The long-answer worker sees the connection as the front did.
    received: dict = {}
    app = longwork.AsFronted(lambda env, start: received.update(env) or [])
    app({"HTTP_X_NEWS_SEARCH_FRONT": dict(headers)[longwork.FRONT_HEADER],
         "wsgi.url_scheme": "http", "REMOTE_ADDR": ""}, lambda *a: None)
    assert (received["wsgi.url_scheme"], received["REMOTE_ADDR"], received["SERVER_NAME"],
            received["SERVER_PORT"]) == ("http", "192.0.2.1", "0.0.0.0", "8000")
    assert "HTTP_X_NEWS_SEARCH_FRONT" not in received


def test_a_worker_holds_only_so_many_long_answers_at_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, int]] = []
    busy: list[object] = []

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        busy.append(environ.get(BUSY))
        return app_recording(seen)(environ, start_response)

    wrapped = Priority(app, elsewhere=Target(str(tmp_path / "none.sock"), 5, at_once=1))
    environ = {"PATH_INFO": "/export.csv", "REQUEST_METHOD": "GET"}
    first = wrapped(dict(environ), lambda *a: None)  # held: not read, not closed
    call(wrapped, "/kwic")  # a second, meanwhile: the app is told the worker is busy
    assert busy == [None, 1]
    assert b"".join(first) == b"piece 0\npiece 1\npiece 2\n"
    first.close()  # the server closes the first: its slot is free again
    call(wrapped, "/kwic")
    assert busy == [None, 1, None]


def test_a_header_http_client_will_not_send_is_answered_here(tmp_path) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, int]] = []
    wrapped = Priority(app_recording(seen), elsewhere=Target(str(tmp_path / "none.sock"), 5))
    status: list[str] = []
    body = wrapped({"PATH_INFO": "/kwic", "REQUEST_METHOD": "GET", "HTTP_X_ODD": "a\rb"},
                   lambda s, headers, exc_info=None: status.append(s))
    assert b"".join(body) == b"piece 0\npiece 1\npiece 2\n" and status == ["200 OK"]


def test_an_interrupted_start_stops_the_long_workers_and_leaves_no_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Ctrl-C while the long-answer workers start: they are stopped, their folder goes."""
    monkeypatch.setattr(longwork.tempfile, "tempdir", str(tmp_path))

    def interrupted(path: str) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(longwork, "_listening", interrupted)
    work = longwork.LongWork({"INDEX_DIR": str(tmp_path / "none")}, 1, 2, 30)
    with pytest.raises(KeyboardInterrupt):
        work.start()
    assert work.process is not None and work.process.poll() is not None
    assert not list(tmp_path.glob("news-search-*"))
    assert longwork.ENVIRONMENT not in os.environ
