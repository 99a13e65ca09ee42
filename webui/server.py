"""Serve the web app on every core: gunicorn's threaded workers, or waitress where gunicorn
cannot run (it needs POSIX). `news-search serve` (`cli.py`) is the front end.

With gunicorn, several worker processes accept from one listening socket, each
with a few threads: a heavy request holds one interpreter, not the site. Each
worker builds its own app and opens its own engine after the fork (nothing of
the index is open in the master), and the engine notices a new CURRENT on every
request, so a rebuild reaches every worker without a restart. The index files
are memory-mapped by every worker; the kernel keeps one copy of their pages.

`gunicorn_worker.Worker` is the worker: idle, slow and runaway clients cannot hold
it, and the server's own error answers carry the security headers.

The long answers (exports, keyword in context, ...) go on to a second, smaller
gunicorn of the same app at a lower priority, on a Unix socket, which the master
starts before its workers and stops after them (`longwork.py`): a search then
never waits for its worker's interpreter behind one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from webui.accesslog import DATE_FORMAT, LINE_FORMAT, SafeFormatter, WSGIApp, log_request
from webui.security import HEADERS

if TYPE_CHECKING:
    from webui.longwork import LongWork

access = logging.getLogger("webui.access")
Server = Literal["auto", "gunicorn", "waitress"]
SERVERS: tuple[str, ...] = ("auto", "gunicorn", "waitress")
# The longest request line gunicorn allows (it takes no more than 8190): a 1,000-character
# query, percent-encoded, fits; beyond it gunicorn answers 414.
MAX_REQUEST_LINE = 8190
MAX_HEADER_BYTES = 65536  # waitress: request line and headers together (431 beyond)
HEARTBEAT_SECONDS = 60  # a worker's main loop runs every second; booting takes a few


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How to serve: where, how many processes and threads, and the limits on clients."""

    host: str = "127.0.0.1"
    port: int = 8000  # 0: any free port (the one chosen is printed)
    workers: int = 2  # processes (gunicorn); waitress serves in one
    threads: int = 4  # per worker
    connections: int = 1000  # open connections per worker, idle ones included
    # Seconds a request may run before its worker is replaced: a last resort, above the
    # cost model's budgets (an export's matching may take 300 s, then it streams at the
    # client's pace), for work no budget meters.
    timeout: int = 600
    keepalive: int = 5  # seconds a connection may stay silent (before or between requests)
    header_timeout: int = 10  # seconds a client may take to send its request line and headers


def gunicorn_usable() -> bool:
    """Whether gunicorn can serve here: a POSIX system with gunicorn installed."""
    if os.name != "posix":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def chosen_server(server: Server) -> Literal["gunicorn", "waitress"]:
    """The server `auto` stands for here; ValueError when gunicorn is asked for but unusable."""
    if server == "waitress":
        return "waitress"
    if gunicorn_usable():
        return "gunicorn"
    if server == "gunicorn":
        raise ValueError("gunicorn cannot run here (it needs a POSIX system such as Linux or "
                         "macOS, and the gunicorn package): use --server waitress")
    return "waitress"


def configure_logging() -> None:
    """Log to stderr, every message escaped (`SafeFormatter`), one line per request."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter(LINE_FORMAT, DATE_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def serve(factory: Callable[[], WSGIApp], options: ServeOptions, *, server: Server = "auto",
          ready: Callable[[str], None] = lambda url: None,
          stopped: Callable[[], None] = lambda: None,
          long_work: LongWork | None = None) -> None:
    """Serve the app `factory` builds (once per worker process) until interrupted.

    `ready(url)` is called once the server listens, with the address it got
    (`--port 0` picks a free port); `stopped()` when it has stopped. With gunicorn,
    `long_work` (the long-answer workers, `longwork.py`) is started before the workers
    and stopped after them.
    """
    configure_logging()
    if chosen_server(server) == "gunicorn":
        serve_gunicorn(factory, options, ready=ready, stopped=stopped, long_work=long_work)
    else:
        _serve_waitress(factory(), options, ready, stopped)


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


# -- gunicorn -----------------------------------------------------------------------


def serve_gunicorn(factory: Callable[[], WSGIApp], options: ServeOptions, *,
                   ready: Callable[[str], None] = lambda url: None,
                   stopped: Callable[[], None] = lambda: None, long_work: LongWork | None = None,
                   bind: str = "", name: str = "news-search", quiet: bool = False) -> None:
    """gunicorn on options.host and options.port, or on `bind` (`unix:PATH`); `quiet` logs
    warnings only (the long-answer workers: their master's log says what they serve)."""
    from gunicorn.app.base import BaseApplication

    def on_starting(arbiter: Any) -> None:
        if long_work is not None:
            long_work.start()

    def when_ready(arbiter: Any) -> None:
        address = arbiter.LISTENERS[0].sock.getsockname()
        if isinstance(address, tuple):
            ready(_url(*address[:2]))

    def on_exit(arbiter: Any) -> None:
        if long_work is not None:
            long_work.stop()
        stopped()

    settings: dict[str, Any] = {
        "bind": [bind or _url(options.host, options.port)[7:-1]],
        "workers": options.workers,
        "threads": options.threads,
        "worker_class": "webui.gunicorn_worker.Worker",
        "worker_connections": options.connections,
        # The master kills a worker whose main loop has not run for this long (a request
        # holding the interpreter in C code, a deadlock): a backstop for the per-request
        # timeout the worker enforces itself, which needs that loop.
        "timeout": HEARTBEAT_SECONDS,
        "keepalive": options.keepalive,
        "limit_request_line": MAX_REQUEST_LINE,
        "logger_class": "webui.gunicorn_worker.Logger",
        "errorlog": "-",
        "loglevel": "warning" if quiet else "info",
        "proc_name": name,
        # No ~/.gunicorn/gunicorn.ctl: two servers would fight over it, and
        # nothing here needs runtime control.
        "control_socket_disable": True,
        "on_starting": on_starting,
        "when_ready": when_ready,
        "on_exit": on_exit,
    }

    class Application(BaseApplication):  # type: ignore[misc]
        """gunicorn's application: our settings, and the app built in each worker."""

        limits = options

        def load_config(self) -> None:
            for setting, value in settings.items():
                self.cfg.set(setting, value)

        def load(self) -> WSGIApp:
            return factory()

    Application().run()


def raise_file_limit(wanted: int) -> None:
    """Let this process open `wanted` files, within the hard limit (1024 is a common
    default: too few for a thousand connections and the index's files)."""
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


# -- waitress -----------------------------------------------------------------------


def _serve_waitress(app: WSGIApp, options: ServeOptions, ready: Callable[[str], None],
                    stopped: Callable[[], None]) -> None:
    import waitress
    from waitress.server import BaseWSGIServer

    if options.workers > 1:
        logging.getLogger("webui.server").warning(
            "waitress serves in one process: --workers %d is ignored, and --timeout and "
            "--header-timeout are not enforced (gunicorn does both, on POSIX systems)",
            options.workers)
    raise_file_limit(options.connections + 64)
    server = waitress.create_server(
        app, host=options.host, port=options.port, threads=options.threads,
        connection_limit=options.connections, channel_timeout=options.keepalive,
        cleanup_interval=max(1, options.keepalive // 2), max_request_header_size=MAX_HEADER_BYTES,
        # poll(), not select(): select() cannot watch more than 1024 connections.
        asyncore_use_poll=True, ident="news-search")
    listeners = getattr(server, "map", None) or getattr(server, "_map", {})
    for listener in [server, *listeners.values()]:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = _waitress_channel()
    ready(_url(options.host, server.effective_port))
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        stopped()


def _waitress_channel() -> type:
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    class SecuredErrorTask(ErrorTask):  # type: ignore[misc]
        """waitress's own error answer, with the security headers and an access line."""

        def execute(self) -> None:
            started = time.perf_counter()
            self.response_headers.extend(HEADERS.items())
            super().execute()
            request = self.request
            log_request(access, str(self.channel.addr[0]) if self.channel.addr else "-",
                        getattr(request, "command", "") or "-",
                        getattr(request, "path", "") or "-", self.status.split(" ", 1)[0],
                        self.content_length or 0, (time.perf_counter() - started) * 1000,
                        f"refused by the server: {getattr(request.error, 'body', '')}")

    class SecuredChannel(HTTPChannel):  # type: ignore[misc]
        error_task_class = SecuredErrorTask

    return SecuredChannel
