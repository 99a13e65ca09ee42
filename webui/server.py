"""Serve the web app on every core: gunicorn's threaded workers, or waitress where gunicorn
cannot run (it needs POSIX). `news-search serve` (`cli.py`) is the front end.

With gunicorn, several worker processes accept from one listening socket, each
with a few threads: a heavy request holds one interpreter, not the site. Each
worker builds its own app and opens its own engine after the fork (nothing of
the index is open in the master), and the engine notices a new CURRENT on every
request, so a rebuild reaches every worker without a restart. The index files
are memory-mapped by every worker; the kernel keeps one copy of their pages.

`Worker` is gunicorn's threaded worker with four changes, each for a client
that would otherwise hold a thread:

- a new connection waits on the poller, not in a thread, until it sends
  something (gunicorn gives it a thread for 5 s first), and is closed after
  `--keepalive` seconds of silence: idle connections cost a file descriptor;
- a request whose line and headers take longer than `--header-timeout` to
  arrive is closed (logged as 408);
- a request still running after `--timeout` seconds is stopped the only way
  Python can stop a thread: the worker stops accepting, lets its other requests
  finish for a moment, logs what it stops, and exits; gunicorn starts a new
  worker at once. (Gunicorn's own timeout only notices a worker whose main loop
  is stuck, which a thread never makes it.)
- the answers gunicorn writes itself (400 for a malformed request line, 414,
  431 for headers too large, ...) carry the app's security headers and an
  access-log line, like the app's own answers.

It also accepts a connection only while one of its threads is free, so that
connections wait in the listen backlog for a worker that can start them, not
behind the long requests of a busy one.

These lean on gunicorn 27's threaded worker (`accept`, `pending_conns`,
`enqueue_req`, `finish_request`, `set_accept_enabled`, `handle`,
`handle_request`): pinned in pyproject.toml, and each change has a
test that fails when an upgrade breaks it.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import selectors
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from webui.accesslog import DATE_FORMAT, LINE_FORMAT, SafeFormatter, WSGIApp, log_request
from webui.security import HEADERS

access = logging.getLogger("webui.access")
Server = Literal["auto", "gunicorn", "waitress"]
SERVERS: tuple[str, ...] = ("auto", "gunicorn", "waitress")
RESTART_GRACE = 2.0  # seconds a worker stopping for a runaway request gives the others
EXIT_RUNAWAY = 75  # a worker's exit status after stopping a request past --timeout
# The longest request line gunicorn allows (it takes no more than 8190): a 1,000-character
# query, percent-encoded, fits; beyond it gunicorn answers 414.
MAX_REQUEST_LINE = 8190
MAX_HEADER_BYTES = 65536  # waitress: request line and headers together (431 beyond)
_SECURITY_HEADERS = "".join(f"{name}: {value}\r\n" for name, value in HEADERS.items()).encode(
    "latin-1")


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
    timeout: int = 120  # seconds a request may run before its worker is replaced
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
          stopped: Callable[[], None] = lambda: None) -> None:
    """Serve the app `factory` builds (once per worker process) until interrupted.

    `ready(url)` is called once the server listens, with the address it got
    (`--port 0` picks a free port); `stopped()` when it has stopped.
    """
    configure_logging()
    if chosen_server(server) == "gunicorn":
        _serve_gunicorn(factory, options, ready, stopped)
    else:
        _serve_waitress(factory(), options, ready, stopped)


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


# -- gunicorn -----------------------------------------------------------------------


def _serve_gunicorn(factory: Callable[[], WSGIApp], options: ServeOptions,
                    ready: Callable[[str], None], stopped: Callable[[], None]) -> None:
    from gunicorn.app.base import BaseApplication

    def when_ready(arbiter: Any) -> None:
        host, port = arbiter.LISTENERS[0].sock.getsockname()[:2]
        ready(_url(host, port))

    settings: dict[str, Any] = {
        "bind": [_url(options.host, options.port)[7:-1]],
        "workers": options.workers,
        "threads": options.threads,
        "worker_class": "webui.server.Worker",
        "worker_connections": options.connections,
        # The master kills a worker whose main loop stops answering for this long:
        # a backstop for the per-request timeout Worker enforces itself.
        "timeout": options.timeout,
        "keepalive": options.keepalive,
        "limit_request_line": MAX_REQUEST_LINE,
        "logger_class": "webui.server.Logger",
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "news-search",
        # No ~/.gunicorn/gunicorn.ctl: two servers would fight over it, and
        # nothing here needs runtime control.
        "control_socket_disable": True,
        "when_ready": when_ready,
        "on_exit": lambda arbiter: stopped(),
    }

    class Application(BaseApplication):  # type: ignore[misc]
        """gunicorn's application: our settings, and the app built in each worker."""

        limits = options

        def load_config(self) -> None:
            for name, value in settings.items():
                self.cfg.set(name, value)

        def load(self) -> WSGIApp:
            return factory()

    Application().run()


def _gunicorn_classes() -> tuple[type, type]:
    """Worker and Logger, defined when gunicorn is importable (it is not on Windows)."""
    from gunicorn import glogging
    from gunicorn.workers.gthread import TConn, ThreadWorker

    class Logger(glogging.Logger):  # type: ignore[misc]
        """gunicorn's logger with escaped messages: its error log quotes what clients send."""

        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            for handler in self.error_log.handlers:
                handler.setFormatter(SafeFormatter(self.error_fmt, self.datefmt))

    class Worker(ThreadWorker):  # type: ignore[misc]
        """gunicorn's threaded worker that idle, slow and runaway clients cannot hold."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.limits: ServeOptions = self.app.limits
            # Per thread: when it began reading a request, and the connection.
            self.reading: dict[int, tuple[float, Any]] = {}
            # Per thread: when its request began, the request, the connection.
            self.running: dict[int, tuple[float, Any, Any]] = {}
            self.served = threading.local()  # whether the app answered this thread's request
            self.restart_at: float | None = None
            self.in_flight = 0  # connections handed to the threads and not finished

        def init_process(self) -> None:
            _raise_file_limit(self.cfg.worker_connections + 64)
            super().init_process()

        def accept(self, listener: socket.socket) -> None:
            """Accept, and wait on the poller (no thread) until the client sends something."""
            try:
                client, address = listener.accept()
            except OSError as error:
                if error.errno in (errno.EMFILE, errno.ENFILE):
                    # Out of file descriptors: hold no more connections than now, rather
                    # than spin on a listener that stays readable.
                    self.worker_connections = max(self.nr_conns, 1)
                    self.log.warning("out of file descriptors: this worker now holds at "
                                     "most %d connections", self.worker_connections)
                    return
                if error.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                    return
                raise
            self.nr_conns += 1
            conn = TConn(self.cfg, client, address, listener.getsockname())
            conn.timeout = time.monotonic() + self.cfg.keepalive
            self.pending_conns.append(conn)
            self.poller.register(client, selectors.EVENT_READ,
                                 partial(self.on_pending_socket_readable, conn))

        # Accept only with a thread free: gunicorn accepts whatever arrives, so a worker
        # busy with long requests kept taking connections that then waited behind them
        # while other workers sat idle. Left in the listen backlog, they go to a worker
        # that can start them. (Counted in the main loop, which alone runs these three.)
        def enqueue_req(self, conn: Any) -> None:
            self.in_flight += 1
            if self.in_flight >= self.cfg.threads and self._accepting:
                super().set_accept_enabled(False)
            super().enqueue_req(conn)

        def finish_request(self, conn: Any, fs: Any) -> None:
            self.in_flight -= 1
            super().finish_request(conn, fs)

        def set_accept_enabled(self, enabled: bool) -> None:
            super().set_accept_enabled(enabled and self.in_flight < self.cfg.threads)

        def handle(self, conn: Any) -> Any:
            me = threading.get_ident()
            self.served.done = False
            self.reading[me] = (time.monotonic(), conn)
            try:
                return super().handle(conn)
            finally:
                self.reading.pop(me, None)

        def handle_request(self, req: Any, conn: Any) -> Any:
            me = threading.get_ident()
            self.reading.pop(me, None)
            self.served.done = True
            self.running[me] = (time.monotonic(), req, conn)
            try:
                return super().handle_request(req, conn)
            finally:
                self.running.pop(me, None)

        def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
            """gunicorn's own error answer, with the security headers and an access line."""
            started = time.perf_counter()
            secured = _SecuredSocket(client)
            super().handle_error(req, secured, addr, exc)
            if not getattr(self.served, "done", False):  # the app logged its own requests
                log_request(access, (addr or ("-",))[0], getattr(req, "method", None) or "-",
                            getattr(req, "uri", None) or "-", secured.status, secured.sent,
                            (time.perf_counter() - started) * 1000,
                            f"refused by the server: {exc}")

        def notify(self) -> None:
            """The heartbeat, run by the main loop about once a second: close slow
            headers, and stop this worker when a request runs past --timeout."""
            now = time.monotonic()
            for me, (began, conn) in self.reading.copy().items():
                if now - began > self.limits.header_timeout:
                    self.reading.pop(me, None)
                    log_request(access, _client(conn), "-", "-", "408", 0,
                                (now - began) * 1000, "request line and headers not received "
                                f"within {self.limits.header_timeout} s: connection closed")
                    with contextlib.suppress(OSError):
                        conn.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread reading it
            running = self.running.copy()
            overdue = {me for me, (began, _, _) in running.items()
                       if now - began > self.limits.timeout}
            if overdue and self.restart_at is None:
                self.log.error("a request has run for more than %d s (--timeout): this "
                               "worker stops accepting and will be replaced",
                               self.limits.timeout)
                self.alive = False  # the other workers take the new connections
                self.restart_at = now + RESTART_GRACE
            if self.restart_at is not None and (now >= self.restart_at
                                                or set(running) <= overdue):
                self._stop(running, overdue, now)
            super().notify()

        def handle_quit(self, sig: int, frame: Any) -> None:
            """A quick shutdown (SIGQUIT, or Ctrl-C to the master): exit now. gunicorn's own
            shuts its thread pool down from this signal handler, which deadlocks when the
            signal lands while the main loop is inside the pool's submit() (holding the
            pool's lock): seen with a hundred connections closing at once."""
            self.alive = False
            self.cfg.worker_int(self)
            _flush_logs(self.log)
            os._exit(0)

        def _stop(self, running: dict[int, tuple[float, Any, Any]], overdue: set[int],
                  now: float) -> None:
            for me, (began, req, conn) in running.items():
                why = (f"stopped after {now - began:.0f} s, past --timeout "
                       f"{self.limits.timeout} s" if me in overdue else
                       "cut short: its worker stopped for a request past --timeout")
                log_request(access, _client(conn), req.method, req.uri, "-", 0,
                            (now - began) * 1000, f"{why}; the worker was replaced")
            _flush_logs(self.log)
            os._exit(EXIT_RUNAWAY)  # a thread cannot be stopped; its process can

    return Worker, Logger


def _flush_logs(gunicorn_log: Any) -> None:
    for handler in logging.getLogger().handlers + gunicorn_log.error_log.handlers:
        with contextlib.suppress(Exception):
            handler.flush()


def _client(conn: Any) -> str:
    client = getattr(conn, "client", None)
    return str(client[0]) if isinstance(client, tuple) and client else "-"


class _SecuredSocket:
    """A client socket that adds the security headers to the response gunicorn writes
    itself (`util.write_error`), and remembers its status and size for the access log."""

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self.status = "-"
        self.sent = 0

    def sendall(self, data: bytes) -> None:
        head, newline, rest = data.partition(b"\r\n")
        if head.startswith(b"HTTP/") and newline and self.status == "-":
            parts = head.split()
            self.status = parts[1].decode("latin-1") if len(parts) > 1 else "-"
            data = head + newline + _SECURITY_HEADERS + rest
        self.sent += len(data)
        self._sock.sendall(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def _raise_file_limit(wanted: int) -> None:
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


def __getattr__(name: str) -> Any:
    # gunicorn imports "webui.server.Worker" and "webui.server.Logger" by name; defined
    # lazily so that importing this module needs no gunicorn (waitress-only systems).
    if name in ("Worker", "Logger"):
        worker, logger = _gunicorn_classes()
        globals().update(Worker=worker, Logger=logger)
        return globals()[name]
    raise AttributeError(name)


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
    _raise_file_limit(options.connections + 64)
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
