"""`news-search serve`, the per-request log, and `flask --app webui run` without an index."""

from __future__ import annotations

import logging
from pathlib import Path

from click.testing import CliRunner
from flask.cli import ScriptInfo

from webui.accesslog import AccessLog
from webui.cli import main


class FakeServer:
    """Stands in for waitress's server: records what it was built with, serves nothing."""

    def __init__(self, served: dict, app, options) -> None:
        served["app"], served["options"] = app, options

    def run(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_serve_builds_the_bundled_index_first_and_says_so(tmp_path: Path, monkeypatch):
    served: dict = {}
    monkeypatch.setattr("waitress.create_server",
                        lambda app, **options: FakeServer(served, app, options))
    # Nothing listens: no port of this machine is probed or bound (8123, 8000).
    monkeypatch.setattr("webui.cli._check_can_listen", lambda host, port: None)
    index = tmp_path / "index"
    result = CliRunner().invoke(main, ["serve", "--index", str(index), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert f"No index at {index}: building one from the bundled corpus first." in result.output
    assert (index / "CURRENT").exists()
    assert served["options"]["port"] == 8123 and served["options"]["host"] == "127.0.0.1"
    assert isinstance(served["app"], AccessLog)
    again = CliRunner().invoke(main, ["serve", "--index", str(index)])
    assert again.exit_code == 0 and "building" not in again.output


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
