"""`news-search serve`, the per-request log, and `flask --app webui run` without an index."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from search import Budget, parse_request
from webui.accesslog import AccessLog, SafeFormatter, printable, request_target
from webui.cli import main
from webui.server import ServeOptions, usable_cores


def test_serve_builds_the_bundled_index_first_and_says_so(tmp_path: Path, monkeypatch):
    served: dict = {}

    def fake_serve(factory, options, *, server, ready, stopped, long_work):
        served.update(factory=factory, options=options, server=server, long_work=long_work)
        ready(f"http://{options.host}:{options.port}/")

    monkeypatch.setattr("webui.server.serve", fake_serve)
    # Nothing listens: no port of this machine is probed or bound (8123, 8000).
    monkeypatch.setattr("webui.cli._check_can_listen", lambda host, port: None)
    index = tmp_path / "index"
    result = CliRunner().invoke(main, ["serve", "--index", str(index), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert f"No index at {index}: building one from the bundled corpus first." in result.output
    assert (index / "CURRENT").exists()
    options = served["options"]
    assert options.port == 8123 and options.host == "127.0.0.1"
    assert options.workers == usable_cores() and options.threads == 4
    assert (options.connections, options.timeout, options.keepalive,
            options.header_timeout) == (1000, 600, 5, 10)
    assert "Note: --timeout" not in result.output
    assert served["server"] == "gunicorn"
    assert "Serving news-search on http://127.0.0.1:8123/ with gunicorn, " in result.output
    app = served["factory"]()  # what each worker builds for itself
    assert isinstance(app, AccessLog)
    long_work = served["long_work"]  # long answers in processes of their own (longwork.py)
    assert long_work.workers == max(1, usable_cores() // 2) and long_work.threads == 4
    assert long_work.config == {"INDEX_DIR": str(index)} and long_work.timeout == 600
    assert f"and {long_work.workers} for long answers at a lower priority" in result.output
    none = CliRunner().invoke(main, ["serve", "--index", str(index), "--long-workers", "0"])
    assert none.exit_code == 0 and served["long_work"] is None
    assert "for long answers" not in none.output
    again = CliRunner().invoke(main, ["serve", "--index", str(index), "--server", "waitress",
                                      "--workers", "3", "--threads", "7", "--connections", "50",
                                      "--timeout", "9", "--keepalive", "2",
                                      "--header-timeout", "4"])
    assert again.exit_code == 0 and "building" not in again.output
    assert "Note: --timeout 9 is not above the export budget" not in again.output  # waitress
    assert served["server"] == "waitress" and served["long_work"] is None  # one process
    assert served["options"] == ServeOptions(port=8000, workers=3, threads=7, connections=50,
                                             timeout=9, keepalive=2, header_timeout=4)
    short = CliRunner().invoke(main, ["serve", "--index", str(index), "--timeout", "9"])
    assert short.exit_code == 0
    assert ("Note: --timeout 9 is not above the export budget (NEWS_SEARCH_BUDGET_EXPORT_SECONDS"
            ", 300 s)") in short.output


def test_gunicorn_is_refused_clearly_where_it_cannot_run(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("webui.server.gunicorn_usable", lambda: False)
    from webui.server import chosen_server
    assert chosen_server("auto") == "waitress"
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path / "i"),
                                       "--server", "gunicorn"])
    assert result.exit_code == 1
    assert "gunicorn cannot run here" in result.output and "--server waitress" in result.output
    assert not (tmp_path / "i").exists()  # refused before building anything


def test_access_log_writes_one_line_per_request(app, caplog):
    from werkzeug.test import Client
    client = Client(AccessLog(app))
    with caplog.at_level(logging.INFO, logger="webui.access"):
        for url in ("/?q=kenya", "/export.csv?q=cooperative", "/nowhere"):
            client.get(url, buffered=True)
    lines = [r.getMessage() for r in caplog.records if r.name == "webui.access"]
    assert len(lines) == 3
    assert '"GET /?q=kenya" 200' in lines[0]
    assert '"GET /export.csv?q=cooperative" 200' in lines[1]
    assert '"GET /nowhere" 404' in lines[2]
    assert all(line.endswith(" ms") for line in lines)


def test_flask_run_finds_the_factory_and_a_missing_index_is_a_clear_page(tmp_path: Path,
                                                                        monkeypatch):
    monkeypatch.setenv("NEWS_SEARCH_INDEX", str(tmp_path / "missing"))
    app = ScriptInfo(app_import_path="webui").load_app()
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert "news-search index" in response.get_data(as_text=True)


def test_serve_on_a_port_in_use_says_so_without_a_traceback(bundled_index: Path):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--index", str(bundled_index),
                                           "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert f"Try --port {port + 1}" in result.output
    assert "Traceback" not in result.output


# -- the access log: escaped, cut, one line per request ---------------------------------


@pytest.mark.parametrize("text, logged", [
    ("plain /?q=kenya&from=2024", "plain /?q=kenya&from=2024"),
    ("two\nlines\r\n", "two\\x0alines\\x0d\\x0a"),
    ("\x1b[31mred\x07", "\\x1b[31mred\\x07"),
    ("line\u2028separator, \u202eoverride, \x85next",
     "line\\u2028separator, \\u202eoverride, \\x85next"),
    ("a typed \\x0a stays \\x0a", "a typed \\\\x0a stays \\\\x0a"),
    ("Şanlıurfa coöperatie", "Şanlıurfa coöperatie"),
])
def test_printable_escapes_what_could_forge_or_hide_a_line(text: str, logged: str) -> None:
    assert printable(text) == logged


def test_printable_cuts_long_text_and_says_how_long_it_was() -> None:
    assert printable("x" * 300_000, 10) == "xxxxxxxxxx…[300,000 characters]"
    assert printable("short", 10) == "short"


def test_the_request_is_logged_as_sent_even_without_the_raw_uri() -> None:
    environ = {"PATH_INFO": "/items/zzz\n2026-12-01 \x1b[31m\u00e9", "QUERY_STRING": "q=a%0Ab"}
    assert request_target(environ) == "/items/zzz%0A2026-12-01%20%1B%5B31m%E9?q=a%0Ab"


def access_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "webui.access"]


def test_a_forged_line_in_a_url_stays_in_its_own_line(app, caplog):
    from werkzeug.test import Client
    client = Client(AccessLog(app))
    forged = '/items/zzz%0A2026-12-01 127.0.0.1 "GET /admin" 200 1 B 1.0 ms%1b[2J'
    with caplog.at_level(logging.INFO, logger="webui.access"):
        client.get(forged, buffered=True)
        client.get("/?q=" + "kenya+" * 50_000, buffered=True)  # 300 KB
    forged_line, long_line = access_lines(caplog)
    assert "\n" not in forged_line and "\x1b" not in forged_line
    assert forged_line.count('"') == 2 and "\\x22GET /admin\\x22" in forged_line
    assert forged_line.endswith(" ms") and " 404 " in forged_line
    assert len(long_line) < 700 and "…[300,004 characters]" in long_line


def test_a_response_the_client_abandons_is_logged_once(app, caplog):
    body_started = {}

    def streaming(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        body_started["yes"] = True
        return iter([b"first", b"second", b"third"])

    with caplog.at_level(logging.INFO, logger="webui.access"):
        response = AccessLog(streaming)({"REQUEST_METHOD": "GET", "PATH_INFO": "/export.csv",
                                         "REMOTE_ADDR": "127.0.0.1"}, lambda *a: None)
        chunks = iter(response)
        assert next(chunks) == b"first"
        response.close()  # the client left after the first chunk
        response.close()
        never = AccessLog(streaming)({"REQUEST_METHOD": "GET", "PATH_INFO": "/x"},
                                     lambda *a: None)
        never.close()  # closed before the first byte: still one line
    first, second = access_lines(caplog)
    assert '"GET /export.csv" 200 5 B' in first and "cut short" in first
    assert '"GET /x" 200 0 B' in second


def test_every_log_message_is_one_line(capsys) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("test.safe")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("Invalid request from ip=%s: %s", "127.0.0.1", "GET /\nFORGED \x1b[2J")
    finally:
        logger.removeHandler(handler)
    assert capsys.readouterr().err == "WARNING Invalid request from ip=127.0.0.1: GET /\\x0aFORGED" \
        " \\x1b[2J\n"


def test_a_forked_worker_opens_its_own_engine(bundled_index: Path, monkeypatch) -> None:
    """An engine opened before a fork (its files, their offsets, its locks) is never used
    by the child: the holder sees the new pid and opens the child's own."""
    import os

    from webui.engine_ext import EngineHolder

    holder = EngineHolder(bundled_index, page_cache=0, budget=Budget.defaults())
    parents = holder.get()
    assert holder.get() is parents
    parent_pid = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: parent_pid + 1)
    child = holder.get()
    assert child is not parents and holder.get() is child
    assert child.search(parse_request({"q": ["cooperative"]})).total > 0
    parents.close()
    child.close()


def test_the_address_and_proxy_settings_reach_every_workers_app(bundled_index: Path,
                                                                 monkeypatch, caplog) -> None:
    """`--base-url` and `--proxy-headers` are checked once in the master and given to the
    app each worker builds; with a proxy trusted, the log names the client it passes on."""
    from werkzeug.test import Client

    served: dict = {}
    monkeypatch.setattr("webui.server.serve",
                        lambda factory, options, **kw: served.update(factory=factory))
    monkeypatch.setattr("webui.cli._check_can_listen", lambda host, port: None)
    result = CliRunner().invoke(main, ["serve", "--index", str(bundled_index), "--base-url",
                                       "https://example.org/news", "--proxy-headers", "1"])
    assert result.exit_code == 0, result.output
    app = served["factory"]()
    assert app.app.config["BASE_URL"] == "https://example.org/news"
    with caplog.at_level(logging.INFO, logger="webui.access"):
        Client(app).get("/?q=kenya", headers={"X-Forwarded-For": "203.0.113.7"},
                        buffered=True)
    (line,) = access_lines(caplog)
    assert line.startswith('203.0.113.7 "GET /?q=kenya" 200')


def test_a_bad_setting_stops_serve_before_any_worker_starts(bundled_index: Path,
                                                             monkeypatch) -> None:
    monkeypatch.setattr("webui.server.serve", lambda *a, **k: pytest.fail("served"))
    monkeypatch.setenv("NEWS_SEARCH_BUDGET_SECONDS", "soon")
    result = CliRunner().invoke(main, ["serve", "--index", str(bundled_index)])
    assert result.exit_code == 1 and "NEWS_SEARCH_BUDGET_SECONDS" in result.output
    assert "Traceback" not in result.output
