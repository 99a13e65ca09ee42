"""One log line per request, for `news-search serve`, and log text that cannot lie.

`AccessLog` is a WSGI middleware: it logs when the response is finished, so a
streamed export is logged once, with its status, bytes sent and the time it
took. The server logs the requests it answers itself (a malformed request line,
headers too large) in the same form (`webui/gunicorn_worker.py`, `webui/server.py`).

Whatever a client sends stays on one line and cannot pass for something else:
`printable` escapes control characters (a `%0A` in a URL cannot forge a second
line, an ESC cannot reach a terminal), the request is logged as sent (still
percent-encoded) and cut past `MAX_URL` characters with its length noted, so a
256 KiB URL costs a line of a few hundred bytes. `SafeFormatter` applies the
same escaping to every other log message (the servers' own included).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import quote

log = logging.getLogger("webui.access")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
MAX_URL = 500  # characters of a request target kept in its log line
LINE_FORMAT = "%(asctime)s [%(process)d] %(message)s"
DATE_FORMAT = "[%Y-%m-%d %H:%M:%S %z]"  # gunicorn's, so its lines and ours read alike


def printable(text: str, limit: int | None = None, *, backslashes: bool = True) -> str:
    """`text` with every character that is not printable (controls, line and paragraph
    separators, format characters such as bidi overrides) written as a Python escape, and
    (with `backslashes`) backslashes doubled, so that an escape a client typed cannot pass
    for one of these. With `limit`, at most that many characters of `text` are kept and
    the cut is noted with the whole length."""
    cut = limit is not None and len(text) > limit
    kept = text[:limit] if cut else text
    special = "\\" if backslashes else ""
    if kept.isprintable() and not (special and special in kept):
        escaped = kept
    else:
        escaped = "".join(char if char.isprintable() and char != special else _escape(char)
                          for char in kept)
    return f"{escaped}…[{len(text):,} characters]" if cut else escaped


def _escape(char: str) -> str:
    if char == "\\":
        return "\\\\"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 \
        else f"\\U{code:08x}"


def close_body(body: Iterable[bytes]) -> None:
    """Close a WSGI answer's body if it can be closed (PEP 3333: the server must)."""
    close = getattr(body, "close", None)
    if close is not None:
        close()


def request_target(environ: dict[str, Any]) -> str:
    """The request's path and query as the client sent them (percent-encoded)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    # PEP 3333 gives PATH_INFO decoded, as latin-1: encode it back.
    path = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).encode("latin-1",
                                                                                  "replace")
    query = environ.get("QUERY_STRING", "")
    return quote(path, safe="/:@!$&'()*+,;=~") + (f"?{query}" if query else "")


def request_line(method: str, target: str) -> str:
    """`"GET /?q=kenya"`, escaped and cut, quotes inside it escaped too."""
    text = f"{printable(method, 20)} {printable(target, MAX_URL)}"
    return '"' + text.replace('"', "\\x22") + '"'


def log_request(logger: logging.Logger, remote: str, method: str, target: str,
                status: str, sent: int, milliseconds: float, note: str = "") -> None:
    """Write one access line: `127.0.0.1 "GET /?q=kenya" 200 5123 B 12.3 ms`."""
    logger.info("%s %s %s %d B %.1f ms%s", printable(remote or "-", 64),
                request_line(method or "-", target), printable(status, 40), sent, milliseconds,
                f" ({printable(note, 200)})" if note else "")


class SafeFormatter(logging.Formatter):
    """A Formatter whose messages are escaped with `printable` (tracebacks stay as they are).

    Backslashes are left alone: access lines are escaped already (doubling them again
    would garble them), and what matters here is that no message spans two lines."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        escaped = printable(message, backslashes=False)
        if escaped != message:
            record = logging.makeLogRecord({**record.__dict__, "msg": escaped, "args": None})
        return super().format(record)


class AccessLog:
    """Wrap a WSGI app: `127.0.0.1 "GET /?q=kenya" 200 5123 B 12.3 ms`."""

    def __init__(self, app: WSGIApp, logger: logging.Logger = log) -> None:
        self.app = app
        self.logger = logger

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        status = ["-"]

        def recording_start(code: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            status[0] = code.split(" ", 1)[0]
            return start_response(code, headers, *args)

        try:
            body = self.app(environ, recording_start)
        except BaseException:
            self._log(environ, "500" if status[0] == "-" else status[0], 0, started,
                      "the application failed")
            raise
        return _Logged(body, lambda sent, complete: self._log(
            environ, status[0], sent, started,
            "" if complete else "cut short: the client left or the response failed"))

    def _log(self, environ: dict[str, Any], status: str, sent: int, started: float,
             note: str) -> None:
        log_request(self.logger, environ.get("REMOTE_ADDR", "-"),
                    environ.get("REQUEST_METHOD", "-"), request_target(environ), status, sent,
                    (time.perf_counter() - started) * 1000, note)


class _Logged:
    """The response body, counted as it is sent; logged once when the server closes it
    (PEP 3333 servers always do, even when the client left before the first byte)."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int, bool], None]) -> None:
        self.body = body
        self.done = done
        self.sent = 0
        self.complete = False
        self.logged = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.sent += len(chunk)
            yield chunk
        self.complete = True

    def close(self) -> None:
        try:
            close_body(self.body)
        finally:
            if not self.logged:
                self.logged = True
                self.done(self.sent, self.complete)
