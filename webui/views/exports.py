"""Exports of the whole result set (`/export.csv`, `/export.jsonl`) and an Atom feed.

Each export starts with its provenance (the search, the index generation and
the time, as a `# ` comment line in CSV and a `{"_provenance": ...}` line in
JSON Lines; news-search's own readers skip both) and repeats the generation
in `X-Index-Generation`. The exports take the search page's parameters, ignore paging, and stream every
matching item in the search's order, so a large result set never sits in
memory. The JSON Lines form is the one `news-search index` reads back. CSV
cells that a spreadsheet would run as a formula (starting with = + - @, or a
tab or carriage return) get a leading apostrophe. The feed carries the newest
matches, so a researcher can follow a query in a feed reader.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from flask import Blueprint, Response, render_template, request, url_for

from corpus.jsonl import PROVENANCE_KEY
from search import Generation, Hit, SearchRequest, parse_request, term_facets
from webui.engine_ext import get_engine
from webui.links import SearchParams
from webui.provenance import csv_comment, provenance
from webui.views.common import setting

bp = Blueprint("exports", __name__)

RECORD_COLUMNS = ("id", "date", "kind", "title", "summary", "url", "source")


def columns() -> tuple[str, ...]:
    """The export's columns: the record's, then each derived facet's."""
    return (*RECORD_COLUMNS, *(f.export for f in term_facets() if f.export))
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 does not allow, whatever the escaping.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def _checked(params: SearchParams) -> tuple[SearchParams, SearchRequest]:
    params = params.for_export()
    return params, parse_request(params.raw())


def _hits(search_request: SearchRequest) -> tuple[Generation, Iterator[Hit]]:
    """The whole result set in order, and the generation it comes from; the request is
    checked now (InputError), before streaming starts."""
    return get_engine().export(search_request)


def _provenance(params: SearchParams, generation: Generation) -> dict[str, object]:
    """The export's provenance: the search, the index generation its items come from,
    the time."""
    search = {"query": params.q, "from": params.date_from, "to": params.date_to,
              **{f.api_key: list(params.selected(f.name)) for f in term_facets()},
              "exact": bool(params.exact), "sort": params.sort}
    return provenance(params.url(url_for("search.index", _external=True)), generation,
                      search)


def _provenance_headers(provenance: dict[str, object]) -> dict[str, str]:
    return {"X-Index-Generation": str(provenance["generation"]),
            "X-Retrieved-At": str(provenance["retrieved"])}


def _filename(params: SearchParams, extension: str) -> str:
    words = re.findall(r"[a-z0-9]+", params.q.lower())[:6]
    return "news-search" + ("-" + "-".join(words) if words else "") + f".{extension}"


@bp.get("/export.csv", endpoint="csv")
def csv_export() -> Response:
    """Every matching item as CSV (UTF-8, a header row, the columns of the JSON Lines form)."""
    params, search_request = _checked(SearchParams.from_args(request.args))
    generation, hits = _hits(search_request)
    record = _provenance(params, generation)
    names = columns()

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        buffer.write(csv_comment("export", record))
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        for number, hit in enumerate(hits, start=1):
            fields = hit.record()
            writer.writerow([neutralise(str(fields[column])) for column in names])
            if number % 200 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(rows(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{_filename(params, "csv")}"',
        **_provenance_headers(record)})


@bp.get("/export.jsonl")
def jsonl() -> Response:
    """Every matching item as JSON Lines (readable back by `news-search index`)."""
    params, search_request = _checked(SearchParams.from_args(request.args))
    generation, hits = _hits(search_request)
    record = _provenance(params, generation)

    def lines() -> Iterator[str]:
        # A first line of provenance (news-search's JSON Lines reader skips it).
        yield json.dumps({PROVENANCE_KEY: record}, ensure_ascii=False) + "\n"
        for hit in hits:
            yield json.dumps(hit.record(), ensure_ascii=False) + "\n"

    return Response(lines(), mimetype="application/jsonl", headers={
        "Content-Disposition": f'attachment; filename="{_filename(params, "jsonl")}"',
        **_provenance_headers(record)})


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


@bp.get("/feed.atom")
def feed() -> Response:
    """An Atom feed of the newest items matching the search."""
    params = SearchParams.from_args(request.args).for_export()
    raw = params.raw()
    raw["sort"], raw["per_page"] = ["newest"], [str(setting("FEED_SIZE"))]
    page = get_engine().search(parse_request(raw))
    site = str(setting("SITE_TITLE"))
    what = f"'{params.q}'" if params.q else "all items"
    entries = [{"title": _xml_text(hit.article.title), "summary": _xml_text(hit.article.summary),
                "kind": _xml_text(hit.article.kind),
                "updated": f"{hit.article.date.isoformat()}T00:00:00Z",
                "href": url_for("items.item", item_id=hit.article.id, _external=True),
                "original": hit.article.url}
               for hit in page.hits]
    newest = entries[0]["updated"] if entries else \
        datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = render_template(
        "exports/feed.xml", title=_xml_text(f"{site}: {what}"), updated=newest,
        self_href=params.url(url_for("exports.feed", _external=True)),
        html_href=params.url(url_for("search.index", _external=True)), entries=entries,
        site=_xml_text(site))
    return Response(body, mimetype="application/atom+xml")
