"""The `news-search` command line: fetch, index, search, stats and serve.

A thin front end over the `corpus` and `search` packages, like the web UI.
User errors become `click.ClickException`s that say what to do next; with
`--json` anywhere on the command line they are printed as JSON on stdout
(`{"error": ..., "param": ..., "exit_code": ...}`, as the web API's errors),
so a script reading the output reads the error too.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import textwrap
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import click

from corpus import BUNDLED_CORPUS, ReadResult, report_lines, stream_sources
from search import (
    SORTS,
    BuildFailed,
    BuildReport,
    Hit,
    IndexBusy,
    IndexMissing,
    IndexOutdated,
    InputError,
    build_index,
    facet,
    open_engine,
    parse_request,
    resolve_index_dir,
    term_facets,
    warm_up,
)
from webui.accesslog import WSGIApp
from webui.longwork import LongWork
from webui.longwork import default_workers as default_long_workers
from webui.marks import to_html, to_terminal
from webui.priority import supported as priority_supported
from webui.server import SERVERS, ServeOptions, usable_cores
from webui.settings import SettingError, check_config, load_settings, parse_base_url

SERVE_DEFAULTS = ServeOptions()

INDEX_HELP = ("Index directory (default: $NEWS_SEARCH_INDEX, else "
              "~/.local/share/news-search/index).")
SUMMARY_CHARS = 300


class FacetedCommand(click.Command):
    """A command with a `--<facet>` option (repeatable) for each declared facet, read from
    the registry when the command runs (`search.facets`); their values reach the callback
    as `facets={name: values}`."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        options: list[click.Parameter] = [
            click.Option([f"--{declared.name.replace('_', '-')}", f"facet_{declared.name}"],
                         multiple=True, help=declared.help or f"Only items with this "
                         f"{declared.label.lower()} (repeatable: any of them).")
            for declared in term_facets()]
        return [*super().get_params(ctx)[:-1], *options, super().get_params(ctx)[-1]]

    def invoke(self, ctx: click.Context) -> object:
        chosen = {name[len("facet_"):]: ctx.params.pop(name)
                  for name in list(ctx.params) if name.startswith("facet_")}
        ctx.params["facets"] = chosen
        return super().invoke(ctx)


class ParamError(click.ClickException):
    """A user error that names the parameter at fault (`--from`, `query`)."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


def _error_param(error: click.ClickException) -> str | None:
    if isinstance(error, ParamError):
        return error.param
    param = getattr(error, "param", None)
    if isinstance(param, click.Parameter):
        return (param.opts[0] if param.opts else param.name) if isinstance(
            param, click.Option) else param.name
    return None


class JsonErrorsGroup(click.Group):
    """The command group: errors as JSON when `--json` was given (see the module)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["news_search.json"] = "--json" in args
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            if not ctx.meta.get("news_search.json"):
                raise
            click.echo(json.dumps({"error": error.format_message(),
                                   "param": _error_param(error),
                                   "exit_code": error.exit_code}, ensure_ascii=False))
            ctx.exit(error.exit_code)


@click.group(cls=JsonErrorsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="news-search")
def main() -> None:
    """Full-text search over news items: build an index, search it, serve it."""


def run_build(sources: tuple[Path, ...], index_dir: Path, *, update: bool = False,
              strict: bool = False, quiet: bool = False) -> None:
    """Read the sources and build (or update) the index, reporting progress and problems."""
    names = [str(s) for s in sources] if sources else [f"bundled corpus ({BUNDLED_CORPUS.name})"]
    echo = (lambda *a, **k: None) if quiet else click.echo
    echo(f"Reading {', '.join(names)} ...", err=True)
    def moving(count: int) -> None:
        echo(f"  {count:,} items read ...", err=True)

    try:
        with stream_sources(sources or (BUNDLED_CORPUS,), on_items=moving) as result:
            for line in report_lines(result):
                echo(f"  {line}", err=True)
            report = _build(result, index_dir, update=update, strict=strict, quiet=quiet)
    except OSError as error:  # the temporary folder full while staging what was read
        raise click.ClickException(
            f"cannot hold what was read in the temporary folder: {error.strerror or error} "
            "(set TMPDIR to a folder with more space; the existing index is unchanged)")
    action = "Updated" if report.updated else "Built"
    near = f", {result.near_duplicates} near-duplicates" if result.near_duplicates else ""
    echo(f"{action} index generation {report.generation} at {report.index_path}", err=True)
    echo(f"  read {report.read}, indexed {report.indexed}, skipped {report.skipped} "
         f"({report.duplicates} duplicates{near} merged); {report.total_items} items in the "
         f"index; {report.seconds:.1f} s", err=True)
    for reason, count in result.lost_reasons.most_common():
        echo(f"  skipped {count}: {reason}", err=True)


def _build(result: ReadResult, index_dir: Path, *, update: bool, strict: bool,
           quiet: bool) -> BuildReport:
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if quiet:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Indexing", file=sys.stderr,
                                    show_pos=True, show_eta=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        return build_index(result, index_dir, update=update, strict=strict, progress=progress)
    except BuildFailed as error:
        raise click.ClickException(f"{error} (the existing index, if any, is unchanged)")
    except IndexBusy as error:
        raise click.ClickException(str(error))
    except OSError as error:  # disk full, permissions, a vanished directory
        raise click.ClickException(
            f"cannot write the index at {index_dir}: {error.strerror or error} (the existing "
            "index, if any, is unchanged; free some space or choose another --index)")
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--index", "index", type=click.Path(path_type=Path), help=INDEX_HELP)
@click.option("--update", is_flag=True, help="Add and replace items by id in the existing index "
              "instead of building a new one.")
@click.option("--strict", is_flag=True, help="Fail, indexing nothing, if any record is bad.")
def index(sources: tuple[Path, ...], index: Path | None, update: bool, strict: bool) -> None:
    """Build the index from SOURCES (files or folders: .txt, .jsonl, .csv, .html, feeds, .warc).

    With no SOURCES, indexes the bundled ILO cooperatives corpus. The new index
    is built aside and swapped in whole: searches keep working meanwhile, and a
    failed build leaves the old index as it was.
    """
    with _interrupts_as_keyboard_interrupt():
        try:
            run_build(sources, resolve_index_dir(index), update=update, strict=strict)
        except KeyboardInterrupt:
            click.echo("\nInterrupted: the build was abandoned and its files removed; the "
                       "existing index, if any, is unchanged.", err=True)
            sys.exit(130)


@main.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--into", "into", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder to save into (created if need be); `news-search index` reads it.")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1, 1_000_000),
              help="Most pages to request in this run; the rest wait for the next run.")
@click.option("--delay", default=1.0, show_default=True, type=click.FloatRange(0, 3600),
              help="Seconds between two requests to one site (robots.txt's Crawl-delay, "
              "if longer, wins).")
@click.option("--retries", default=3, show_default=True, type=click.IntRange(0, 10),
              help="Tries again after no answer, 429 or 5xx, waiting twice as long each time.")
@click.option("--backoff", default=2.0, show_default=True, type=click.FloatRange(0, 600),
              help="Seconds before the first retry.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(0.1, 600),
              help="Seconds to wait for a server's answer.")
@click.option("--no-follow", is_flag=True, help="Save only the URLs named, not the pages "
              "their feeds, sitemaps and listings link to.")
def fetch(urls: tuple[str, ...], into: Path, limit: int, delay: float, retries: int,
          backoff: float, timeout: float, no_follow: bool) -> None:
    """Save URLS (feeds, sitemaps, listing pages, article pages) into a folder to index.

    \b
    A feed gives its entries (and their pages when it has no full text), a
    sitemap its pages, a listing page its items and its next pages. Run it
    again to fetch only what is new: the URLs named are asked again (an
    unchanged one costs a "304 Not Modified"), pages saved before never are.
    It obeys robots.txt, asks one site at a time, --delay apart, and names
    news-search in its User-Agent. Then: news-search index FOLDER
    """
    from corpus.fetch import ClientOptions, FetchEvent, FetchOptions
    from corpus.fetch import fetch as run_fetch

    options = FetchOptions(limit=limit, follow=not no_follow, client=ClientOptions(
        delay=delay, timeout=timeout, retries=retries, backoff=backoff))

    def show(event: FetchEvent) -> None:
        status = f"{event.status} " if event.status else ""
        if event.action in {"saved", "read"}:
            target = f" -> {event.file}" if event.file else f" ({event.kind})"
            click.echo(f"  {event.action:<9} {status}{event.url}{target}", err=True)
        elif event.action == "pending":
            click.echo(f"  {event.message}", err=True)
        elif event.action == "failed":
            click.echo(f"  failed    {event.url}: {status and 'HTTP ' + status}"
                       f"{event.message}", err=True)
        else:
            click.echo(f"  {event.action:<9} {status}{event.url}: {event.message}", err=True)

    click.echo(f"Fetching into {into} ...", err=True)
    try:
        report = run_fetch(urls, into, options, on_event=show)
    except OSError as error:
        raise click.ClickException(f"cannot write into {into}: {error.strerror or error} "
                                   "(choose another --into)")
    click.echo(f"Done: {report.requests} requests; saved {report.saved}, unchanged "
               f"{report.unchanged}, failed {report.failed}, skipped {report.skipped}, "
               f"{report.already} fetched before, {report.pending} left for the next run.",
               err=True)
    if report.saved:
        click.echo(f"Next: news-search index {into}   (or --update to add to the index)",
                   err=True)
    if report.failed and not report.saved and not report.unchanged:
        sys.exit(1)


@contextlib.contextmanager
def _interrupts_as_keyboard_interrupt() -> Iterator[None]:
    """Let SIGTERM (and SIGINT, even if the shell ignored it) stop a build like Ctrl-C,
    so the half-written generation is removed on the way out."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _engine(index_dir: Path | None):
    try:
        return open_engine(resolve_index_dir(index_dir))
    except IndexMissing as error:
        raise click.ClickException(str(error))


@main.command(cls=FacetedCommand)
@click.argument("query", default="")
@click.option("--from", "date_from", default="", help="Earliest date: 2024-02-06, "
              "'6 Feb 2024', 'Feb 2024', 2024-02, 2023 or 20240206 (a partial date covers "
              "its period).")
@click.option("--to", "date_to", default="", help="Latest date, in the same forms "
              "('--to 2023' ends on 2023-12-31).")
@click.option("--sort", type=click.Choice(SORTS), default=None,
              help="Order (default: relevance with a query, newest without).")
@click.option("--seed", default="", help="With --sort random: the sample's seed (same seed, "
              "same index generation: same sample).")
@click.option("--exact", is_flag=True, help="Literal words only: no stemming, spelling "
              "variants, acronyms or accent folding.")
@click.option("--page", default="1", help="Page number, from 1.")
@click.option("--limit", default="10", help="Results per page (1-100).")
@click.option("--json", "as_json", is_flag=True, help="Print the result page as JSON.")
@click.option("--index", "index", type=click.Path(path_type=Path), help=INDEX_HELP)
def search(query: str, date_from: str, date_to: str, sort: str | None,
           seed: str, exact: bool, page: str, limit: str, as_json: bool,
           index: Path | None, facets: dict[str, tuple[str, ...]]) -> None:
    """Search the index for QUERY (Whoosh syntax; empty browses everything, newest first).

    \b
    Words are ANDed: kenya cooperative
    Either word:     kenya OR senegal
    Exclude:         cooperative NOT kenya
    Exact phrase:    "social and solidarity economy"
    One field:       title:kenya  summary:workshop  kind:spotlight  body:honey
    Prefix:          cooperat*
    """
    params = {"q": [query], "from": [date_from], "to": [date_to],
              **{name: list(values) for name, values in facets.items()},
              "sort": [sort or ""], "page": [page], "per_page": [limit], "seed": [seed],
              "exact": ["1" if exact else ""]}
    engine = _engine(index)
    try:
        result = engine.search(parse_request(params))
    except InputError as error:
        message = error.message
        option = {"q": "query", "per_page": "--limit"}.get(error.param or "",
                                                         f"--{error.param}" if error.param
                                                         else None)
        if error.param == "per_page":
            message = message.replace("per_page", "--limit")
        raise ParamError(message, option)
    if as_json:
        body = result.to_dict()
        for key, hits in (("hits", result.hits), ("partial", result.partial)):
            body[key] = [{**found.to_dict(),
                          "title_html": str(to_html(found.article.title, found.title_spans)),
                          "summary_html": str(to_html(found.article.summary,
                                                      found.summary_spans))}
                         for found in hits]
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    request = result.request
    span = ""
    if request.date_from or request.date_to:
        span = (f", {request.date_from.isoformat() if request.date_from else '…'} to "
                f"{request.date_to.isoformat() if request.date_to else '…'}")
    for name, values in request.filters:
        declared = facet(name)
        span += f", {declared.label.lower()} {' or '.join(map(declared.display, values))}"
    what = f"for '{request.query}'" if request.query else "(all items)"
    click.echo(f"{result.total} result{'s' if result.total != 1 else ''} {what}{span}; "
               f"page {request.page} of {result.pages}, {result.elapsed_ms:.0f} ms")
    for note in request.date_notes:
        click.echo(f"Note: {note}.")
    if result.respelt:
        for typed, used in result.respelt:
            click.echo(f"No item contains '{typed}': searched for '{used}' instead.")
    elif result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    colour = sys.stdout.isatty()
    for number, hit in enumerate(result.hits, start=result.first):
        _echo_hit(number, hit, summary=True, colour=colour)
    if result.partial:
        click.echo(f"\nWith all but one of the words ({len(result.partial)}):")
    for number, hit in enumerate(result.partial, start=result.last + 1):
        _echo_hit(number, hit, summary=False, colour=colour)
    if result.total == 0 and not result.partial:
        click.echo("Nothing matched. Try fewer words, OR between words, a wider date range, "
                   "or no --kind filter.")


def _echo_hit(number: int, hit: Hit, summary: bool, colour: bool) -> None:
    article = hit.article
    kind = f" [{article.kind}]" if article.kind else ""
    click.echo(f"\n{number:>3}. {to_terminal(article.title, hit.title_spans, colour)}")
    click.echo(f"     {article.date.isoformat()}{kind}  id: {article.id}")
    if summary and article.summary:
        text = textwrap.shorten(article.summary, SUMMARY_CHARS, placeholder=" …")
        kept = text.removesuffix(" …")
        wrapped = textwrap.fill(text, 75)
        # Mark the words still shown, where the cut and the wrapping kept every offset
        # (wrapping replaces spaces with line breaks; a break after a hyphen adds one).
        spans = [span for span in hit.summary_spans if span[1] <= len(kept)] \
            if article.summary.startswith(kept) and len(wrapped) == len(text) else []
        click.echo(textwrap.indent(to_terminal(wrapped, spans, colour), "     "))
    if summary and hit.snippet:
        wrapped = textwrap.fill(hit.snippet, 75)
        spans = list(hit.snippet_spans) if len(wrapped) == len(hit.snippet) else []
        click.echo(textwrap.indent(to_terminal(wrapped, spans, colour), "     | "))


@main.command()
@click.option("--index", "index", type=click.Path(path_type=Path), help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
def stats(index: Path | None, as_json: bool) -> None:
    """Items, date span, counts per year and kind, and index size."""
    info = _engine(index).stats()
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    generation = info["generation"]
    click.echo(f"Index:      {info['index_path']}")
    click.echo(f"Generation: {generation['id']} (built {generation['built_at']})")
    click.echo(f"Items:      {info['items']}, {info['first']} to {info['last']}")
    click.echo(f"Size:       {info['index_bytes'] / 1024:.0f} KiB")
    click.echo("Per year:")
    for year, count in info["years"].items():
        click.echo(f"  {year}  {count:>7}")
    for declared in term_facets():
        click.echo(f"Per {declared.label.lower()}:")
        for value, count in info[declared.api_key].items():  # type: ignore[attr-defined]
            click.echo(f"  {count:>7}  {declared.display(value) if value else declared.empty_label}")


def _check_can_listen(host: str, port: int) -> None:
    """Raise OSError when nothing could listen on host:port (in use, or no such address)."""
    import socket

    for family, kind, proto, _, address in socket.getaddrinfo(host, port,
                                                              type=socket.SOCK_STREAM):
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
        return


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Only 127.0.0.1 is private to this machine; "
              "0.0.0.0 lets any machine on the network search (read-only).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port; the one chosen is printed).")
@click.option("--index", "index", type=click.Path(path_type=Path), help=INDEX_HELP)
@click.option("--server", "server_name", type=click.Choice(SERVERS), default="auto",
              show_default=True, help="auto: gunicorn where it runs (Linux, macOS, other "
              "POSIX systems), else waitress, which serves in one process and enforces "
              "neither --timeout nor --header-timeout.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes, each with its own engine over the shared index "
              f"(default: one per usable core, here {usable_cores()}).")
@click.option("--threads", default=SERVE_DEFAULTS.threads, show_default=True,
              type=click.IntRange(1, 64), help="Threads per worker.")
@click.option("--long-workers", type=click.IntRange(0, 64), default=None,
              help="Processes of their own, at a lower priority, for the long answers "
              "(exports, keyword in context, comparisons, top terms), so that searches do "
              "not wait behind them (gunicorn on Linux; 0: the workers answer them in "
              "low-priority threads; default: one per two usable cores, here "
              f"{default_long_workers(usable_cores())}).")
@click.option("--connections", default=SERVE_DEFAULTS.connections, show_default=True,
              type=click.IntRange(1, 100_000), help="Open connections each worker holds "
              "at once, idle ones included; more wait to be accepted.")
@click.option("--timeout", default=SERVE_DEFAULTS.timeout, show_default=True,
              type=click.IntRange(1, 86_400), help="Seconds a request may run (a streamed "
              "export included); past it, its worker is stopped and replaced, ending the "
              "requests it was serving. A last resort: keep it above the export budget "
              "(NEWS_SEARCH_BUDGET_EXPORT_SECONDS).")
@click.option("--keepalive", default=SERVE_DEFAULTS.keepalive, show_default=True,
              type=click.IntRange(1, 3600), help="Seconds a connection may stay silent, "
              "before its first request or between two, before it is closed.")
@click.option("--header-timeout", default=SERVE_DEFAULTS.header_timeout, show_default=True,
              type=click.IntRange(1, 3600), help="Seconds a client may take to send a "
              "request line and headers once it has begun.")
@click.option("--base-url", default=None, help="The site's public address "
              "(https://example.org/news): every absolute link, citation and feed id is "
              "built on it, whatever Host header a request carries (default: "
              "$NEWS_SEARCH_BASE_URL).")
@click.option("--proxy-headers", "proxy_hops", default=None, type=click.IntRange(0, 10),
              help="Trust the X-Forwarded-For/-Proto/-Host/-Prefix headers of this many "
              "reverse proxies in front (default: $NEWS_SEARCH_PROXY_HOPS, else 0: none).")
def serve(host: str, port: int, index: Path | None, server_name: str, workers: int | None,
          threads: int, long_workers: int | None, connections: int, timeout: int, keepalive: int,
          header_timeout: int, base_url: str | None, proxy_hops: int | None) -> None:
    """Serve the web UI on every core (builds the bundled corpus first if there is no index).

    Logs one line per request to stderr. Ctrl-C stops it.
    """
    from webui import server

    index_dir = resolve_index_dir(index)
    try:  # before anything is built
        base_url = parse_base_url(base_url, "--base-url") if base_url is not None else None
    except SettingError as error:
        raise click.ClickException(str(error)) from None
    try:
        chosen = server.chosen_server(server_name)  # type: ignore[arg-type]
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    try:
        open_engine(index_dir).close()
    except IndexOutdated as error:  # never overwrite someone's own corpus unasked
        raise click.ClickException(str(error))
    except IndexMissing:
        click.echo(f"No index at {index_dir}: building one from the bundled corpus first.",
                   err=True)
        run_build((), index_dir)
    config = serve_config(index_dir, base_url, proxy_hops)
    try:  # the settings each worker's app will read, checked once here
        settings = load_settings()
        check_config(config)
    except SettingError as error:
        raise click.ClickException(str(error)) from None
    options = ServeOptions(host=host, port=port, workers=workers or usable_cores(),
                           threads=threads, connections=connections, timeout=timeout,
                           keepalive=keepalive, header_timeout=header_timeout)
    try:
        # Try the address first: a clear message now, rather than gunicorn's retries
        # or waitress leaking its sockets when its own bind fails.
        _check_can_listen(host, port)
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {host}:{port} ({error.strerror or error}): is another program "
            f"(another news-search?) using that port? Try --port {port + 1 if port < 65535 else 8000}"
            ", or check --host") from None
    export_seconds = settings["BUDGET_EXPORT_SECONDS"]
    if chosen == "gunicorn" and timeout <= export_seconds:
        click.echo(f"Note: --timeout {timeout} is not above the export budget "
                   f"(NEWS_SEARCH_BUDGET_EXPORT_SECONDS, {export_seconds:g} s): a long export "
                   "may be stopped by --timeout first.", err=True)
    workers_text = (f"{options.workers} worker{'s' if options.workers > 1 else ''} of "
                    f"{threads} threads" if chosen == "gunicorn" else f"{threads} threads")
    long_count = default_long_workers(usable_cores()) if long_workers is None else long_workers
    long_work = (LongWork(config, long_count, threads, timeout)
                 if chosen == "gunicorn" and long_count and priority_supported() else None)
    if long_work is not None:
        workers_text += (f", and {long_count} for long answers at a lower priority")

    # The place tables, built once here and shared by the forked workers, so that no
    # visitor's first query waits a second for them.
    warm_up()

    def ready(url: str) -> None:
        click.echo(f"Serving news-search on {url} with {chosen}, {workers_text} (index "
                   f"{index_dir}); Ctrl-C stops.", err=True)

    server.serve(partial(_web_app, config), options, server=chosen, ready=ready,
                 stopped=lambda: click.echo("Stopped.", err=True), long_work=long_work)


def _web_app(config: dict[str, object]) -> WSGIApp:
    """The app one worker serves: built in that worker, so its engine is its own."""
    from webui import create_app
    from webui.accesslog import AccessLog

    return AccessLog(create_app(config))


def serve_config(index_dir: Path, base_url: str | None,
                 proxy_hops: int | None) -> dict[str, object]:
    """The app's settings from `serve`'s options (an option not given leaves the
    environment's value)."""
    config: dict[str, object] = {"INDEX_DIR": str(index_dir)}
    if base_url is not None:
        config["BASE_URL"] = base_url
    if proxy_hops is not None:
        config["PROXY_HOPS"] = proxy_hops
    return config


if __name__ == "__main__":
    main()
