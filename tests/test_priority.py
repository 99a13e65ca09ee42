"""Long answers run in low-priority threads, relayed piece by piece (webui/priority.py)."""

from __future__ import annotations

import os
import threading

import pytest

from webui.priority import NICE, Priority, is_long, supported

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
