"""The `news-search` command line: index, search, stats and serve.

A thin front end over the `corpus` and `search` packages, like the web UI.
User errors become `click.ClickException`s that say what to do next.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import click

from corpus import BUNDLED_CORPUS, ReadResult, report_lines, stream_sources
from search import (
    BuildFailed,
    BuildReport,
    IndexBusy,
    IndexMissing,
    Hit,
    InputError,
    build_index,
    open_engine,
    parse_request,
    resolve_index_dir,
)
from search.request import SORTS
from search.store import IndexOutdated

INDEX_HELP = ("Index directory (default: $NEWS_SEARCH_INDEX, else "
              "~/.local/share/news-search/index).")


def _strip_marks(html_text: str) -> str:
    import html
    import re
    return html.unescape(re.sub(r"</?mark[^>]*>", "", html_text))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="news-search")
def main() -> None:
    """Full-text search over news items: build an index, search it, serve it."""


def run_build(sources: tuple[Path, ...], index_dir: Path, *, update: bool = False,
              strict: bool = False, quiet: bool = False) -> None:
    """Read the sources and build (or update) the index, reporting progress and problems."""
    names = [str(s) for s in sources] if sources else [f"bundled corpus ({BUNDLED_CORPUS.name})"]
    echo = (lambda *a, **k: None) if quiet else click.echo
    echo(f"Reading {', '.join(names)} ...", err=True)
    try:
        with stream_sources(sources or (BUNDLED_CORPUS,)) as result:
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
    """Build the index from SOURCES (files or folders: .txt listings, .jsonl, .csv).

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


@main.command()
@click.argument("query", default="")
@click.option("--from", "date_from", default="", help="Earliest date: 2024-02-06, "
              "'6 Feb 2024', 'Feb 2024', 2024-02 or 2023 (a partial date covers its period).")
@click.option("--to", "date_to", default="", help="Latest date, in the same forms "
              "('--to 2023' ends on 2023-12-31).")
@click.option("--kind", "kinds", multiple=True, help="Only items of this kind (repeatable).")
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
def search(query: str, date_from: str, date_to: str, kinds: tuple[str, ...], sort: str | None,
           seed: str, exact: bool, page: str, limit: str, as_json: bool,
           index: Path | None) -> None:
    """Search the index for QUERY (Whoosh syntax; empty browses everything, newest first).

    \b
    Words are ANDed: kenya cooperative
    Either word:     kenya OR senegal
    Exclude:         cooperative NOT kenya
    Exact phrase:    "social and solidarity economy"
    One field:       title:kenya  summary:workshop  kind:spotlight
    Prefix:          cooperat*
    """
    params = {"q": [query], "from": [date_from], "to": [date_to], "kind": list(kinds),
              "sort": [sort or ""], "page": [page], "per_page": [limit], "seed": [seed],
              "exact": ["1" if exact else ""]}
    engine = _engine(index)
    try:
        result = engine.search(parse_request(params))
    except InputError as error:
        message = error.message
        if error.param == "per_page":
            message = message.replace("per_page", "--limit")
        raise click.ClickException(message)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    request = result.request
    span = ""
    if request.date_from or request.date_to:
        span = (f", {request.date_from.isoformat() if request.date_from else '…'} to "
                f"{request.date_to.isoformat() if request.date_to else '…'}")
    what = f"for '{request.query}'" if request.query else "(all items)"
    click.echo(f"{result.total} result{'s' if result.total != 1 else ''} {what}{span}; "
               f"page {request.page} of {result.pages}, {result.elapsed_ms:.0f} ms")
    if result.respelt:
        for typed, used in result.respelt:
            click.echo(f"No item contains '{typed}': searched for '{used}' instead.")
    elif result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    for number, hit in enumerate(result.hits, start=result.first):
        _echo_hit(number, hit, summary=True)
    if result.partial:
        click.echo(f"\nWith all but one of the words ({len(result.partial)}):")
    for number, hit in enumerate(result.partial, start=result.last + 1):
        _echo_hit(number, hit, summary=False)
    if result.total == 0 and not result.partial:
        click.echo("Nothing matched. Try fewer words, OR between words, a wider date range, "
                   "or no --kind filter.")


def _echo_hit(number: int, hit: Hit, summary: bool) -> None:
    article = hit.article
    kind = f" [{article.kind}]" if article.kind else ""
    click.echo(f"\n{number:>3}. {_strip_marks(hit.title_html)}")
    click.echo(f"     {article.date.isoformat()}{kind}  id: {article.id}")
    if summary and article.summary:
        text = textwrap.shorten(_strip_marks(hit.summary_html), 300, placeholder=" …")
        click.echo(textwrap.indent(textwrap.fill(text, 75), "     "))


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
    click.echo("Per kind:")
    for kind, count in info["kinds"].items():
        click.echo(f"  {count:>7}  {kind or '(no kind)'}")


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
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--index", "index", type=click.Path(path_type=Path), help=INDEX_HELP)
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads.")
def serve(host: str, port: int, index: Path | None, threads: int) -> None:
    """Serve the web UI with waitress (builds the bundled corpus first if there is no index)."""
    import logging

    import waitress

    from webui import create_app

    index_dir = resolve_index_dir(index)
    try:
        open_engine(index_dir).close()
    except IndexOutdated as error:  # never overwrite someone's own corpus unasked
        raise click.ClickException(str(error))
    except IndexMissing:
        click.echo(f"No index at {index_dir}: building one from the bundled corpus first.",
                   err=True)
        run_build((), index_dir)
    from webui.accesslog import AccessLog

    app = create_app({"INDEX_DIR": str(index_dir)})
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        # Try the address first: waitress leaks its sockets when its own bind fails.
        _check_can_listen(host, port)
        # waitress logs no requests itself: AccessLog writes one line per request.
        server = waitress.create_server(AccessLog(app), host=host, port=port, threads=threads,
                                        ident="news-search")
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {host}:{port} ({error.strerror or error}): is another program "
            f"(another news-search?) using that port? Try --port {port + 1 if port < 65535 else 8000}"
            ", or check --host") from None
    click.echo(f"Serving news-search on http://{host}:{port}/ (index {index_dir}); "
               "Ctrl-C stops.", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.close()


if __name__ == "__main__":
    main()
