"""Long answers in processes of their own, at a lower priority (`news-search serve`).

`priority.Priority` answers the long pages (exports, keyword in context,
comparisons, top terms...) in threads whose priority is lowered. That is not
enough within one process: the threads of a worker share its interpreter lock,
and a search waiting for the lock behind an export waits up to the switch
interval (5 ms) each time it lets the lock go, whatever the threads' priorities.
Measured at 100k items with two cores, a cheap search's p95 rose from 8.1 ms alone
to 28.8 ms beside four clients asking for long answers (3.56x).

So, with gunicorn on Linux, `serve` also starts a second, smaller gunicorn (the
*long-answer workers*, `--long-workers`, by default one process per two cores)
on a Unix socket in a private folder, at a lower priority (nice 10). The
workers that answer searches hand every long page to it (`forward`), only
relaying the bytes (waiting on a socket holds no lock), so a search has its
worker's interpreter to itself and the operating system gives the searches'
processes the CPU first. The long-answer workers run the same app over the same
index (a rebuild reaches them as it reaches every worker) and answer at whatever
pace the cores left over allow. The request is relayed as the client sent it,
with what the app reads of the connection (scheme, client address, server
address) in one header the front always sets itself, so links, citations and
conditional answers come out the same. When the long-answer workers cannot be
reached (not yet started, or stopped), the worker answers the page itself in a
low-priority thread, as before: a long page never fails for it.
"""

from __future__ import annotations

import contextlib
import ctypes
import http.client
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from webui.accesslog import WSGIApp, request_target

log = logging.getLogger("webui.longwork")

ENVIRONMENT = "NEWS_SEARCH_LONG_WORK"  # set by serve's master for its workers
FRONT_HEADER = "X-News-Search-Front"  # what the front worker knows of the connection
NICE = 10  # how much lower long answers run, here and in priority.py's threads (0-19)
PIECE = 65536  # bytes relayed at a time
STARTER = "import sys; from webui.longwork import main; main(sys.argv[1:])"
START_SECONDS = 60  # how long `start` waits for the socket before going on without it
# Headers of one connection, not of the request (RFC 9110, 7.6.1): never relayed.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer",
                        "transfer-encoding", "upgrade", "proxy-authenticate",
                        "proxy-authorization"})


def default_workers(cores: int) -> int:
    """One long-answer process per two cores: on two cores the searches keep one whole."""
    return max(1, cores // 2)


@dataclass(frozen=True, slots=True)
class Target:
    """Where the long-answer workers listen, how long to wait for an answer, and how many
    long answers one worker relays at once (its other threads are kept for searches)."""

    socket: str
    timeout: float
    at_once: int = 1

    @classmethod
    def from_environment(cls) -> Target | None:
        value = os.environ.get(ENVIRONMENT)
        if not value:
            return None
        try:
            fields = json.loads(value)
            return cls(str(fields["socket"]), float(fields["timeout"]),
                       max(1, int(fields["at_once"])))
        except (ValueError, KeyError, TypeError):
            log.warning("%s is not what serve sets (%r): long pages are answered in "
                        "low-priority threads instead", ENVIRONMENT, value[:200])
            return None


# -- the master: start and stop the long-answer workers ------------------------------


class LongWork:
    """The long-answer workers of one `serve`: started by its master before its own
    workers fork (they find the socket in the environment), stopped when it exits."""

    def __init__(self, config: dict[str, object], workers: int, threads: int,
                 timeout: int) -> None:
        # `threads`: the front workers' (and so the long-answer workers' too).
        self.config, self.workers, self.threads, self.timeout = config, workers, threads, timeout
        self.folder = ""
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def socket_path(self) -> str:
        return os.path.join(self.folder, "long.sock")

    def start(self) -> None:
        """Start them and wait (a little) until they listen; the workers forked after
        this forward long pages there."""
        self.folder = tempfile.mkdtemp(prefix="news-search-")  # mode 0700: ours alone
        spec = {"socket": self.socket_path, "config": self.config, "workers": self.workers,
                "threads": self.threads, "timeout": self.timeout, "parent": os.getpid()}
        environment = {name: value for name, value in os.environ.items() if name != ENVIRONMENT}
        self.process = subprocess.Popen([sys.executable, "-c", STARTER, json.dumps(spec)],
                                        env=environment, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_SECONDS
        try:
            while not _listening(self.socket_path):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log.warning("the long-answer workers did not start (exit %s): long pages "
                                "are answered in low-priority threads instead",
                                self.process.poll())
                    break
                time.sleep(0.05)
        except BaseException:  # Ctrl-C while they start: stop them, leave no folder
            self.stop()
            raise
        target = Target(self.socket_path, self.timeout, at_once=max(1, self.threads - 1))
        os.environ[ENVIRONMENT] = json.dumps(asdict(target))

    def stop(self) -> None:
        """Stop them (gunicorn's graceful stop, then a kill) and remove the socket's folder."""
        os.environ.pop(ENVIRONMENT, None)
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def _listening(path: str) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(path)
        except OSError:
            return False
    return True


# -- a worker that answers searches: hand a long page over ---------------------------


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


def forward(target: Target, environ: dict[str, Any],
            start_response: Callable[..., Any]) -> Iterable[bytes] | None:
    """The long-answer workers' answer to this request, relayed piece by piece; None when
    they could not be asked or did not answer (the caller then answers it itself)."""
    connection = _UnixConnection(target.socket, target.timeout)
    try:
        connection.putrequest(environ.get("REQUEST_METHOD") or "GET", request_target(environ),
                              skip_host=True, skip_accept_encoding=True)
        for name, value in request_headers(environ):
            connection.putheader(name, value)
        connection.endheaders(_request_body(environ))
        response = connection.getresponse()
    # (ValueError: a header http.client refuses to send; the worker then answers it.)
    except (OSError, http.client.HTTPException, ValueError) as error:
        connection.close()
        log.warning("the long-answer workers did not answer %s (%s): answered here instead",
                    environ.get("PATH_INFO", ""), error)
        return None
    start_response(f"{response.status} {response.reason}",
                   [(name, value) for name, value in response.getheaders()
                    if name.lower() not in HOP_BY_HOP])
    return _Relay(connection, response)


def request_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The request's own headers from a WSGI environ, and the front's header (set here,
    whatever the client sent under that name)."""
    headers = [(key[5:].replace("_", "-").title(), str(value)) for key, value in environ.items()
               if key.startswith("HTTP_") and key[5:].replace("_", "-").lower() not in HOP_BY_HOP
               and key != _ENVIRON_KEY]
    headers += [(name, str(environ[key])) for key, name in
                (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length"))
                if environ.get(key)]
    if "HTTP_HOST" not in environ:  # HTTP/1.0 without Host: the app reads the server's
        headers.append(("Host", _server_address(environ)))
    front = {"scheme": environ.get("wsgi.url_scheme", "http"),
             "remote": environ.get("REMOTE_ADDR", ""),
             "server": [environ.get("SERVER_NAME", ""), str(environ.get("SERVER_PORT", ""))]}
    headers.append((FRONT_HEADER, json.dumps(front)))
    headers.append(("Connection", "close"))
    return headers


_ENVIRON_KEY = "HTTP_" + FRONT_HEADER.upper().replace("-", "_")


def _server_address(environ: dict[str, Any]) -> str:
    return f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"


def _request_body(environ: dict[str, Any]) -> bytes | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    return stream.read(length) if length > 0 and stream is not None else None


class _Relay:
    """A forwarded answer's body, read as the client takes it; closing it (the client
    went away) closes the connection, which stops the long-answer worker making it."""

    def __init__(self, connection: http.client.HTTPConnection,
                 response: http.client.HTTPResponse) -> None:
        self.connection, self.response = connection, response

    def __iter__(self) -> Iterator[bytes]:
        while piece := self.response.read1(PIECE):
            yield piece

    def close(self) -> None:
        self.response.close()
        self.connection.close()


# -- the long-answer workers: the app as the front sent it ------------------------------


class AsFronted:
    """WSGI middleware of the long-answer workers: the connection as the front worker saw
    it (scheme, client address, server address), from the header only it sets."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        with contextlib.suppress(ValueError, TypeError, KeyError):
            front = json.loads(environ.pop(_ENVIRON_KEY, ""))
            environ["wsgi.url_scheme"] = "https" if front["scheme"] == "https" else "http"
            environ["REMOTE_ADDR"] = str(front["remote"])
            environ["SERVER_NAME"], environ["SERVER_PORT"] = map(str, front["server"])
        return self.app(environ, start_response)


def long_app(config: dict[str, object]) -> WSGIApp:
    """The app one long-answer worker serves (its searchers its own, as every worker's)."""
    from webui import create_app

    return AsFronted(create_app(config))


def _die_with(parent: int) -> None:
    """Be sent SIGTERM when the master that started us dies, even by kill -9 (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before we asked
        os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str]) -> None:
    """The long-answer workers' own gunicorn (run by `LongWork.start`)."""
    from search import warm_up
    from webui import server

    spec = json.loads(argv[0])
    me = os.getpid()
    # Until gunicorn installs its own: SIGTERM (the front gone, or stopping it) still
    # leaves through the `finally` below, which removes the socket's folder.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(0))
    try:
        _die_with(int(spec["parent"]))
        os.nice(NICE)  # the workers forked below inherit it
        os.environ.pop(ENVIRONMENT, None)  # they answer long pages themselves
        server.configure_logging()
        warm_up()  # the place tables, shared by its forked workers as by the front's
        options = server.ServeOptions(workers=int(spec["workers"]),
                                      threads=int(spec["threads"]), timeout=int(spec["timeout"]))
        server.serve_gunicorn(partial(long_app, spec["config"]), options,
                              bind=f"unix:{spec['socket']}", name="news-search-long", quiet=True)
    finally:  # the front's master may have been killed without a word: leave nothing
        if os.getpid() == me:  # (a forked worker leaves through here too)
            shutil.rmtree(os.path.dirname(spec["socket"]), ignore_errors=True)

