"""`fetch`: save what a researcher points at (feeds, sitemaps, listing pages, articles) into a folder.

The URLs named are *sources*: each run asks for them again (conditionally, so
an unchanged feed costs a 304) and follows what they link to: a feed's
entries (their article pages, when the feed carries no full text), a
sitemap's pages, a listing's items and its next pages. Everything found is
fetched once: a page saved in an earlier run is never asked for again. The
page limit bounds the requests of one run; what it leaves is recorded as
pending and fetched first by the next run, as is whatever an interrupted
run had found. A failure names the URL and the status and the run goes on.

A named article page is saved like any other; named again, it is already
there. What is saved reads back with `news-search index FOLDER`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.fetch.client import ClientOptions, FetchFailed, PoliteClient
from corpus.fetch.discover import classify
from corpus.fetch.store import Entry, FetchStore, digest
from corpus.records import WEB_LINK

SOURCE_KINDS = frozenset({"feed", "sitemap", "listing"})


@dataclass
class FetchOptions:
    """How much to fetch and how politely (see `ClientOptions`)."""

    limit: int = 500  # requests for pages in one run (robots.txt not counted)
    follow: bool = True  # fetch the pages that feeds, sitemaps and listings link to
    client: ClientOptions = field(default_factory=ClientOptions)


@dataclass(frozen=True, slots=True)
class FetchEvent:
    """One step, for progress: `action` is saved, unchanged, failed, skipped or pending."""

    action: str
    url: str
    status: int | None = None
    file: str = ""
    message: str = ""
    kind: str = ""


@dataclass
class FetchReport:
    """What a run did, counted by outcome."""

    requests: int = 0
    saved: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    pending: int = 0
    already: int = 0  # found again but fetched in an earlier run
    failures: list[FetchEvent] = field(default_factory=list)


def fetch(urls: Iterable[str], folder: Path, options: FetchOptions | None = None,
          on_event: Callable[[FetchEvent], None] | None = None,
          client: PoliteClient | None = None) -> FetchReport:
    """Fetch `urls` and what they lead to into `folder`; see the module docstring."""
    options = options or FetchOptions()
    client = client or PoliteClient(options.client)
    store = FetchStore(folder)
    report = FetchReport()

    def tell(event: FetchEvent) -> None:
        if event.action == "failed":
            report.failed += 1
            report.failures.append(event)
        elif event.action == "skipped":
            report.skipped += 1
        if on_event is not None:
            on_event(event)

    queue: deque[tuple[str, str]] = deque()
    for url in urls:
        url = url.strip()
        if WEB_LINK.match(url):
            queue.append((url, "start"))
        else:
            tell(FetchEvent("failed", url, message="not an http:// or https:// address"))
    queue.extend((entry.url, entry.kind or "article") for entry in store.entries.values()
                 if entry.state == "pending")
    seen: set[str] = set()
    while queue:
        url, role = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        known = store.entries.get(url)
        asked_again = role in {"start", "source"} and (known is None or known.kind in SOURCE_KINDS)
        if known is not None and known.state == "done" and not asked_again:
            report.already += 1
            continue
        if report.requests >= options.limit:
            _leave_pending(store, report, [(url, role), *queue], seen, tell, options.limit)
            break
        if not client.allowed(url):
            failure = client.robots_failure(url)
            if failure is None:
                tell(FetchEvent("skipped", url, message="robots.txt disallows it"))
            else:
                store.record(Entry(url, "failed", role, note=failure.reason))
                tell(FetchEvent("failed", url, failure.status, message=f"{failure.reason} "
                                "(for its site's robots.txt, so nothing there is fetched this "
                                "run)"))
            continue
        report.requests += 1
        revisit = known is not None and known.state == "done"
        try:
            response = client.get(url, known.etag if revisit and known else "",
                                  known.last_modified if revisit and known else "")
        except FetchFailed as failure:
            store.record(Entry(url, "failed", role if role != "start" else "start",
                               note=failure.reason))
            tell(FetchEvent("failed", url, failure.status, message=failure.reason))
            continue
        if response.not_modified and known is not None:
            store.record(Entry(**{**_fields(known), "at": ""}))
            report.unchanged += 1
            tell(FetchEvent("unchanged", url, 304, known.file, "not modified", known.kind))
            continue
        found = classify(response.body, response.url, response.content_type)
        body_digest = digest(response.body)
        conditions = {"etag": response.headers.get("etag", ""),
                      "last_modified": response.headers.get("last-modified", "")}
        if found.kind == "other":
            store.record(Entry(url, "done", "other", note=found.note, **conditions))
            tell(FetchEvent("skipped", url, response.status, message=found.note + "; not saved"))
            continue
        if known is not None and known.digest == body_digest:
            store.record(Entry(url, "done", found.kind, known.file, digest=body_digest,
                               **conditions))
            report.unchanged += 1
            tell(FetchEvent("unchanged", url, response.status, known.file, "the same as before",
                            found.kind))
        else:
            saved = store.save(response.url, response.body, found.extension,
                               snapshot=found.kind in SOURCE_KINDS) if found.extension else ""
            store.record(Entry(url, "done", found.kind, saved, digest=body_digest,
                               note=found.note, **conditions))
            if response.url != url and response.url not in store.entries:
                store.record(Entry(response.url, "done", found.kind, saved, digest=body_digest))
            if saved:
                report.saved += 1
            tell(FetchEvent("saved" if saved else "read", url, response.status, saved,
                            found.note, found.kind))
        if not options.follow:
            continue
        for link, link_role in [*((a, "article") for a in found.articles),
                                *((s, "source" if found.kind == "sitemap" else "next")
                                  for s in found.sources)]:
            if link in seen:
                continue
            entry = store.entries.get(link)
            if entry is None or entry.state == "failed":
                store.record(Entry(link, "pending", link_role))
            queue.append((link, link_role))
    return report


def _leave_pending(store: FetchStore, report: FetchReport, rest: list[tuple[str, str]],
                   seen: set[str], tell: Callable[[FetchEvent], None], limit: int) -> None:
    left = 0
    for url, role in rest:
        entry = store.entries.get(url)
        if entry is not None and entry.state == "done" and role not in {"start", "source"}:
            continue
        if entry is None or entry.state != "pending":
            store.record(Entry(url, "pending", "article" if role == "start" else role))
        left += 1
    report.pending = left
    tell(FetchEvent("pending", "", message=f"stopped at the page limit ({limit}); {left} pages "
                    "left for the next run (run the same command again, or raise --limit)"))


def _fields(entry: Entry) -> dict[str, str]:
    return {name: getattr(entry, name) for name in Entry.__slots__}
