"""A polite HTTP client: robots.txt, one request at a time per host with a delay, retries.

Built on the standard library (`urllib.request`, `urllib.robotparser`), so
fetching needs no other package. What makes it polite:

- every request names news-search in its User-Agent;
- robots.txt is read once per host and obeyed (its `Crawl-delay` too): a
  missing one (any 4xx) allows everything, an unreachable one (5xx or no
  answer) allows nothing for this run, as RFC 9309 asks;
- requests go one at a time, at least `delay` seconds apart on each host;
- conditional requests (`If-None-Match`, `If-Modified-Since`) when a page was
  fetched before, so an unchanged feed costs a `304 Not Modified`;
- a failure that may pass (no answer, 429, 500, 502, 503, 504) is tried again
  after a back-off that doubles each time (or the server's `Retry-After`).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.client import HTTPException
from urllib.parse import urlsplit

USER_AGENT = "news-search/0.1 (a research search engine; fetches only what its user names)"
ROBOTS_AGENT = "news-search"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0  # seconds; a server asking for longer is as good as down


class FetchFailed(Exception):
    """A request that did not give the page: the URL, the HTTP status (None when the server
    never answered) and why, in words."""

    def __init__(self, url: str, status: int | None, reason: str,
                 retry_after: float | None = None) -> None:
        super().__init__(f"{url}: {f'HTTP {status} ' if status else ''}{reason}")
        self.url, self.status, self.reason = url, status, reason
        self.retry_after = retry_after  # seconds, when the server said


@dataclass(frozen=True, slots=True)
class Response:
    """What a request gave: the final URL (after redirects), the status, headers, body.
    `not_modified` is a 304 answer to a conditional request (the body is empty)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class ClientOptions:
    """How polite and how patient to be; tests shrink the delays."""

    delay: float = 1.0  # seconds between two requests to one host
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 2.0  # seconds before the first retry; doubled each time
    max_bytes: int = 64 * 1024 * 1024
    user_agent: str = USER_AGENT


@dataclass
class PoliteClient:
    """One request at a time, each host at its own pace; see the module docstring."""

    options: ClientOptions = field(default_factory=ClientOptions)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    requests: int = 0
    _last: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)
    _robots_failures: dict[str, FetchFailed] = field(default_factory=dict)

    def allowed(self, url: str) -> bool:
        """Whether the host's robots.txt lets news-search fetch `url`."""
        host = _host(url)
        if host not in self._robots:
            self._robots[host] = self._read_robots(url)
        rules = self._robots[host]
        return rules is not None and rules.can_fetch(ROBOTS_AGENT, url)

    def get(self, url: str, etag: str = "", last_modified: str = "") -> Response:
        """GET `url` (conditionally, with what an earlier fetch gave); raises FetchFailed."""
        headers = {"User-Agent": self.options.user_agent, "Accept": "text/html,"
                   "application/xhtml+xml,application/atom+xml,application/rss+xml,"
                   "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            try:
                return self._once(url, headers)
            except FetchFailed as failure:
                retry_in = self._retry_in(failure, attempt)
                if retry_in is None:
                    raise
                attempt += 1
                self.sleep(retry_in)

    def _retry_in(self, failure: FetchFailed, attempt: int) -> float | None:
        if attempt >= self.options.retries:
            return None
        if failure.status is not None and failure.status not in RETRY_STATUSES:
            return None
        wait = self.options.backoff * 2 ** attempt
        if failure.retry_after is not None:
            if failure.retry_after > MAX_RETRY_AFTER:
                return None
            wait = max(wait, failure.retry_after)
        return wait

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        self._wait_turn(url)
        request = urllib.request.Request(url, headers=headers)
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.options.timeout) as answer:
                body = answer.read(self.options.max_bytes + 1)
                if len(body) > self.options.max_bytes:
                    raise FetchFailed(url, answer.status, f"the answer is over "
                                      f"{self.options.max_bytes // 2**20} MiB; not saved")
                return Response(answer.geturl(), answer.status, _headers(answer.headers), body)
        except urllib.error.HTTPError as error:
            error.close()
            if error.code == 304:
                return Response(url, 304, _headers(error.headers), b"", not_modified=True)
            raise FetchFailed(url, error.code, str(error.reason or "error"),
                              _retry_after(error.headers)) from None
        except urllib.error.URLError as error:
            raise FetchFailed(url, None, f"no answer ({_reason(error.reason)})") from None
        except (TimeoutError, ConnectionError, HTTPException, OSError) as error:
            raise FetchFailed(url, None, f"no answer ({_reason(error)})") from None
        finally:
            self._last[_host(url)] = self.clock()

    def _wait_turn(self, url: str) -> None:
        host = _host(url)
        last = self._last.get(host)
        if last is None:
            return
        delay = self.options.delay
        rules = self._robots.get(host)
        if rules is not None:
            crawl_delay = rules.crawl_delay(ROBOTS_AGENT)
            if crawl_delay is not None:
                delay = max(delay, float(crawl_delay))
        wait = last + delay - self.clock()
        if wait > 0:
            self.sleep(wait)

    def _read_robots(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        parts = urlsplit(url)
        address = f"{parts.scheme}://{parts.netloc}/robots.txt"
        rules = urllib.robotparser.RobotFileParser(address)
        try:
            answer = self.get(address)
        except FetchFailed as failure:
            if failure.status is not None and 400 <= failure.status < 500:
                rules.parse([])  # no rules: everything is allowed
                return rules
            # Unreachable: assume nothing is allowed (RFC 9309, 2.3.1.4).
            self._robots_failures[_host(url)] = failure
            return None
        rules.parse(answer.body.decode("utf-8", "replace").splitlines())
        return rules

    def robots_failure(self, url: str) -> FetchFailed | None:
        """Why the host's robots.txt could not be read (so nothing there is fetched), if so."""
        return self._robots_failures.get(_host(url))


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _headers(message: Message) -> dict[str, str]:
    return {name.lower(): value for name, value in message.items()}


def _retry_after(headers: Message | None) -> float | None:
    value = (headers or Message()).get("Retry-After", "")
    try:
        return float(value)
    except ValueError:
        return None  # an HTTP date: the doubling back-off stands


def _reason(reason: object) -> str:
    text = str(reason)
    if "Connection refused" in text:
        return "connection refused"
    if "timed out" in text.lower():
        return "timed out"
    return text or type(reason).__name__
