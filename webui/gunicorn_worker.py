"""The gunicorn worker of `news-search serve` (see `server.py`), and its logger.

`Worker` is gunicorn's threaded worker with these changes, each for a client
that would otherwise hold a thread or mislead the log:

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

- once a request is answered, the memory it freed goes back to the system
  when the worker's heap has grown by 64 MB (`memory.Releaser`): glibc would
  otherwise keep every heavy request's peak;
- it accepts a connection only while one of its threads is free, so that
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
import threading
import time
from functools import partial
from typing import Any

from gunicorn import glogging
from gunicorn.workers.gthread import TConn, ThreadWorker

from webui.accesslog import SafeFormatter, log_request
from webui.memory import Releaser
from webui.security import HEADERS
from webui.server import ServeOptions, raise_file_limit

access = logging.getLogger("webui.access")
RESTART_GRACE = 2.0  # seconds a worker stopping for a runaway request gives the others
EXIT_RUNAWAY = 75  # a worker's exit status after stopping a request past --timeout
_SECURITY_HEADERS = "".join(f"{name}: {value}\r\n" for name, value in HEADERS.items()).encode(
    "latin-1")


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
        self.releaser: Releaser | None = None

    def init_process(self) -> None:
        raise_file_limit(self.cfg.worker_connections + 64)
        self.releaser = Releaser()  # here, in the forked worker: its own heap
        super().init_process()  # runs the worker's loop until it exits

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
            if self.releaser is not None:  # the answer is sent: give back what it freed
                self.releaser.after_request()

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
