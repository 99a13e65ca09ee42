"""One log line per request, for `news-search serve` (waitress itself logs none).

A WSGI middleware: it logs when the response is finished, so a streamed
export is logged once, with its status, bytes sent and the time it took.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

log = logging.getLogger("webui.access")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


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

        body = self.app(environ, recording_start)
        return self._finish(body, environ, status, started)

    def _finish(self, body: Iterable[bytes], environ: dict[str, Any], status: list[str],
                started: float) -> Iterator[bytes]:
        sent = 0
        try:
            for chunk in body:
                sent += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            query = environ.get("QUERY_STRING", "")
            path = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
            self.logger.info('%s "%s %s" %s %d B %.1f ms', environ.get("REMOTE_ADDR", "-"),
                             environ.get("REQUEST_METHOD", "-"), path, status[0], sent,
                             (time.perf_counter() - started) * 1000)
