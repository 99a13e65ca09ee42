"""`news-search fetch` (corpus.fetch) against a site served on 127.0.0.1 by the test itself.

The site has a robots.txt that disallows /private/, an RSS feed with an ETag,
a sitemap (with a page that is gone and one that fails once), and a listing
page with a next page; its article pages carry a kind-and-date line. Delays
are zero, back-off a millisecond: nothing here waits or touches the network.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import webpages as w
from click.testing import CliRunner

from corpus import read_sources
from corpus.fetch import ClientOptions, FetchEvent, FetchOptions, PoliteClient, fetch
from corpus.fetch.store import STATE_FILE
from webui.cli import main

QUICK = ClientOptions(delay=0, backoff=0.001, timeout=5)
TITLES = {"a1": "Worker cooperatives hire again", "a2": "Credit unions open branches",
          "a3": "Housing cooperatives build homes", "a4": "A new story in the feed",
          "l1": "Listing story one", "l2": "Listing story two", "l3": "Listing story three",
          "flaky": "A page that fails once", "secret": "Private page"}


@dataclass
class Site:
    """The fixture site's pages and a log of every request it answered."""

    base: str = ""
    feed_items: list[str] = field(default_factory=lambda: ["a1", "a2", "secret"])
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    flaky_failures: int = 1
    robots_missing: bool = False

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def feed(self) -> tuple[str, str]:
        items = [{"title": TITLES[name],
                  "link": f"{self.base}/{'private' if name == 'secret' else 'news'}/{name}.html",
                  "date": "Tue, 06 Feb 2024 10:00:00 GMT", "description": f"About {name}."}
                 for name in self.feed_items]
        return w.rss20(items), f'"v{len(self.feed_items)}"'


def article(name: str) -> str:
    return w.article_page(title=TITLES[name], date_line="News | 6 February 2024", url="",
                          body=f"<p>{w.PARAGRAPH * 2} The page {name} says hello.</p>")


def listing(items: list[str], next_page: str) -> str:
    cards = "".join(f'<li><p>News</p><h3><a href="/news/{name}.html">{TITLES[name]}</a></h3>'
                    f"<p>6 February 2024</p><p>Summary of {name}.</p></li>" for name in items)
    following = f'<p><a href="{next_page}">Next</a></p>' if next_page else ""
    return f"<!DOCTYPE html><html><body><ul>{cards}</ul>{following}</body></html>"


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # the name http.server calls
            site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            host = self.headers.get("Host", "")
            if self.path == "/robots.txt":
                if site.robots_missing:
                    return self.answer(404, "no robots.txt here", "text/plain")
                if host.startswith("localhost"):
                    return self.answer(503, "down", "text/plain")
                return self.answer(200, "User-agent: *\nDisallow: /private/\n", "text/plain")
            if self.path == "/feed.xml":
                body, etag = site.feed()
                if self.headers.get("If-None-Match") == etag:
                    return self.answer(304, "", "application/rss+xml", {"ETag": etag})
                return self.answer(200, body, "application/rss+xml", {"ETag": etag})
            if self.path == "/sitemap.xml":
                locs = "".join(f"<url><loc>{site.base}/news/{n}.html</loc></url>"
                               for n in ("a3", "missing", "flaky"))
                return self.answer(200, '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps'
                                   f'.org/schemas/sitemap/0.9">{locs}</urlset>', "application/xml")
            if self.path == "/listing.html":
                return self.answer(200, listing(["a1", "l1"], "/listing-2.html"), "text/html")
            if self.path == "/listing-2.html":
                return self.answer(200, listing(["l2", "l3"], ""), "text/html")
            name = self.path.rsplit("/", 1)[-1].removesuffix(".html")
            if name == "flaky" and site.flaky_failures > 0:
                site.flaky_failures -= 1
                return self.answer(503, "busy", "text/plain", {"Retry-After": "0"})
            if name in TITLES:
                return self.answer(200, article(name), "text/html; charset=utf-8")
            return self.answer(404, "not here", "text/plain")

        def answer(self, status: int, body: str, content_type: str,
                   headers: dict[str, str] | None = None) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if status != 304:
                self.wfile.write(data)

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def run(site: Site, folder: Path, *paths: str, **options: object) -> tuple[object, list[FetchEvent]]:
    events: list[FetchEvent] = []
    report = fetch([site.base + path for path in paths], folder,
                   FetchOptions(client=QUICK, **options), on_event=events.append)  # type: ignore[arg-type]
    return report, events


def test_fetch_saves_what_it_is_pointed_at_and_index_reads_it(site: Site, tmp_path: Path) -> None:
    report, events = run(site, tmp_path, "/feed.xml", "/sitemap.xml", "/listing.html")
    paths = site.paths()
    assert paths.count("/robots.txt") == 1
    assert not [p for p in paths if p.startswith("/private/")]  # robots.txt obeyed
    assert all("news-search" in headers["user-agent"] for _, headers in site.requests)
    for name in ("a1", "a2", "a3", "l1", "l2", "l3"):
        assert paths.count(f"/news/{name}.html") == 1, name  # a1 is in the feed and the listing
    assert paths.count("/news/flaky.html") == 2  # a 503, then tried again
    [failed] = [e for e in events if e.action == "failed"]
    assert (failed.url, failed.status) == (f"{site.base}/news/missing.html", 404)
    [skipped] = [e for e in events if e.action == "skipped"]
    assert skipped.url == f"{site.base}/private/secret.html"
    assert skipped.message == "robots.txt disallows it"
    assert report.failed == 1 and report.saved == 10  # feed, 2 listing pages, 7 articles

    result = read_sources([tmp_path])
    assert not [p for p in result.problems if p.lost_item]
    by_title = {a.title: a for a in result.articles}
    assert set(by_title) == {TITLES[n] for n in ("a1", "a2", "a3", "l1", "l2", "l3", "flaky",
                                                   "secret")}
    page = by_title[TITLES["a3"]]
    assert page.url == f"{site.base}/news/a3.html"  # from the saved-from comment fetch wrote
    assert "The page a3 says hello." in page.body
    # The feed's entry and the page are one item: of their summaries the longer (the page's
    # standfirst, rather than the feed's "About a1."), the body from the page.
    merged = by_title[TITLES["a1"]]
    assert merged.summary.startswith("An oral history initiative")
    assert "The page a1 says hello." in merged.body
    assert by_title[TITLES["secret"]].body == ""  # the feed's entry only; its page is private


def test_a_second_run_asks_again_and_fetches_only_what_is_new(site: Site, tmp_path: Path) -> None:
    run(site, tmp_path, "/feed.xml")
    first = len(site.requests)
    report, _ = run(site, tmp_path, "/feed.xml")
    again = site.requests[first:]
    assert [p for p, _ in again] == ["/robots.txt", "/feed.xml"]
    assert again[1][1]["if-none-match"] == '"v3"'
    assert report.unchanged == 1 and report.saved == 0 and report.requests == 1

    site.feed_items.append("a4")
    before = len(site.requests)
    report, _ = run(site, tmp_path, "/feed.xml")
    assert [p for p, _ in site.requests[before:]] == ["/robots.txt", "/feed.xml",
                                                       "/news/a4.html"]
    assert report.saved == 2  # the feed's new version, and the new page
    snapshots = sorted(tmp_path.glob("127.0.0.1-*/feed-xml-*.rss"))
    assert len(snapshots) == 2  # the old version stays: its entries may leave the feed
    result = read_sources([tmp_path])
    assert sorted(a.title for a in result.articles) == sorted(
        TITLES[n] for n in ("a1", "a2", "a4", "secret"))


def test_the_page_limit_leaves_the_rest_for_the_next_run(site: Site, tmp_path: Path) -> None:
    report, events = run(site, tmp_path, "/listing.html", limit=2)
    assert report.requests == 2 and report.pending == 2  # l1 and the next page left over
    assert "stopped at the page limit (2)" in events[-1].message
    assert '"state": "pending"' in (tmp_path / STATE_FILE).read_text(encoding="utf-8")
    before = len(site.requests)
    report, _ = run(site, tmp_path, "/listing.html")
    fetched = [p for p, _ in site.requests[before:]]
    assert fetched.count("/news/a1.html") == 0  # saved in the first run
    assert {"/news/l1.html", "/listing-2.html", "/news/l2.html", "/news/l3.html"} <= set(fetched)
    assert len({a.title for a in read_sources([tmp_path]).articles}) == 4


def test_an_unreachable_robots_txt_fetches_nothing_from_that_host(site: Site,
                                                                   tmp_path: Path) -> None:
    port = site.base.rsplit(":", 1)[1]
    events: list[FetchEvent] = []
    report = fetch([f"http://localhost:{port}/feed.xml"], tmp_path,
                   FetchOptions(client=ClientOptions(delay=0, backoff=0.001, retries=1)),
                   on_event=events.append)
    assert "/feed.xml" not in site.paths()
    [failed] = events
    assert report.failed == 1 and failed.status == 503
    assert failed.message == ("Service Unavailable (for its site's robots.txt, so nothing there "
                              "is fetched this run)")


def test_a_missing_robots_txt_allows_everything(site: Site, tmp_path: Path) -> None:
    site.robots_missing = True
    report, _ = run(site, tmp_path, "/private/secret.html")
    assert report.saved == 1 and site.paths() == ["/robots.txt", "/private/secret.html"]


def test_no_answer_is_a_failure_naming_the_url_after_the_retries(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port with nothing listening on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits: list[float] = []
    client = PoliteClient(ClientOptions(delay=0, backoff=0.5, retries=2, timeout=2),
                          sleep=waits.append)
    events: list[FetchEvent] = []
    url = f"http://127.0.0.1:{port}/page.html"
    report = fetch([url, "ftp://example.org/x"], tmp_path, on_event=events.append,
                   client=client)
    assert report.failed == 2
    bad, unreachable = events
    assert bad.url == "ftp://example.org/x" and "not an http" in bad.message
    assert (unreachable.url, unreachable.status) == (url, None)
    assert unreachable.message.startswith("no answer (connection refused)")
    assert waits == [0.5, 1.0]  # robots.txt tried again after 0.5 s, then 1 s


def test_the_client_keeps_its_delay_per_host(site: Site) -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        now[0] += seconds

    client = PoliteClient(ClientOptions(delay=2.0), sleep=sleep, clock=lambda: now[0])
    port = site.base.rsplit(":", 1)[1]
    client.get(f"{site.base}/news/a1.html")
    now[0] += 0.5
    client.get(f"{site.base}/news/a2.html")  # same host, 0.5 s later: waits 1.5 s
    client.get(f"http://localhost:{port}/news/a3.html")  # another host: no wait
    assert waits == [1.5]


def test_the_fetch_command_shows_progress_and_index_reads_the_folder(site: Site,
                                                                      tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    runner = CliRunner()
    result = runner.invoke(main, ["fetch", f"{site.base}/sitemap.xml", "--into", str(folder),
                                  "--delay", "0", "--backoff", "0"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    port = site.base.rsplit(":", 1)[1]
    assert f"saved     200 {site.base}/news/a3.html -> 127.0.0.1-{port}/news-a3-html-" \
        in result.output
    assert f"failed    {site.base}/news/missing.html: HTTP 404 Not Found" in result.output
    assert "Done: " in result.output and "failed 1" in result.output
    built = runner.invoke(main, ["index", str(folder), "--index", str(tmp_path / "ix")])
    assert built.exit_code == 0, built.output
    assert "read 2, indexed 2, skipped 0" in built.output
