"""Exports of the whole result set (`/export.csv`, `/export.jsonl`) and an Atom feed.

The exports take the search page's parameters, ignore paging, and stream every
matching item in the search's order, so a large result set never sits in
memory. The CSV follows the site's CSV rules (`csvresponse.py`: the header row
first, provenance in the headers and at `/export.csv.json`, `provenance=1` and
`bom=1`), with a `permalink` column beside the original `url`. The JSON Lines
form starts with a `{"_provenance": ...}` line and is the one `news-search
index` reads back (as is the CSV). The feed carries the newest matches, so a
researcher can follow a query in a feed reader; its ids are the items'
permalinks on the site's address (`NEWS_SEARCH_BASE_URL`), or, when no address
can be trusted, `urn:uuid:` ids made from the item ids, which never change.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

from flask import Blueprint, Response, render_template, request, url_for

from corpus.jsonl import PROVENANCE_KEY
from search import Generation, Hit, SearchRequest, parse_request, term_facets
from webui.baseurl import absolute, external_url, public_root
from webui.conditional import conditional
from webui.csvresponse import companion, csv_response
from webui.engine_ext import get_engine
from webui.links import SearchParams
from webui.provenance import provenance
from webui.views.common import setting

bp = Blueprint("exports", __name__)

# The record's columns (name, CSVW datatype, description), `permalink` after `url`.
RECORD_COLUMNS = (
    ("id", "string", "the item's stable id"),
    ("date", "date", "publication date (ISO 8601)"),
    ("kind", "string", "the kind of item (News, Statement, ...)"),
    ("title", "string", "title"),
    ("summary", "string", "summary or standfirst"),
    ("date_end", "date", "for an item dated by a range (a project), its last day"),
    ("collection", "string", "the section of the source it was listed in"),
    ("url", "anyURI", "the original, where it was published (when known)"),
    ("permalink", "anyURI", "the item's page on this site"),
    ("source", "string", "where the item was read when the index was built"),
)


def export_columns() -> tuple[tuple[str, str, str], ...]:
    """The export's columns: the record's, then each derived facet's."""
    return (*RECORD_COLUMNS, *((f.export, "string", f"{f.label} ('; ' between values)")
                               for f in term_facets() if f.export))


def columns() -> tuple[str, ...]:
    """The names of the export's columns, in order."""
    return tuple(name for name, _, _ in export_columns())


# Characters XML 1.0 does not allow, whatever the escaping.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
    return provenance(params.url(external_url("search.index")), generation, search)


def _provenance_headers(provenance: dict[str, object]) -> dict[str, str]:
    return {"X-Index-Generation": str(provenance["generation"]),
            "X-Retrieved-At": str(provenance["retrieved"])}


def _filename(params: SearchParams, extension: str) -> str:
    words = re.findall(r"[a-z0-9]+", params.q.lower())[:6]
    return "news-search" + ("-" + "-".join(words) if words else "") + f".{extension}"


def _permalinks() -> tuple[str, str]:
    """The permalink of an item is `prefix + id + suffix`: built once per export."""
    marker = "ITEM-ID"
    link = absolute(url_for("items.item", item_id=marker))
    prefix, _, suffix = link.partition(marker)
    return prefix, suffix


@bp.get("/export.csv", endpoint="csv")
@conditional
def csv_export() -> Response:
    """Every matching item as CSV (a header row, the record's columns and the permalink)."""
    params, search_request = _checked(SearchParams.from_args(request.args))
    generation, hits = _hits(search_request)
    record = _provenance(params, generation)
    names = columns()
    prefix, suffix = _permalinks()

    def rows() -> Iterator[list[object]]:
        for hit in hits:
            fields = hit.record()
            fields["permalink"] = prefix + hit.article.id + suffix
            yield [fields[column] for column in names]

    return csv_response("export", names, rows(), record, _filename(params, "csv"))


@bp.get("/export.csv.json", endpoint="csv_metadata")
@conditional
def csv_metadata() -> Response:
    """The CSV export's columns and provenance (CSVW metadata), without the rows."""
    params, search_request = _checked(SearchParams.from_args(request.args))
    generation, _ = _hits(search_request)  # checks the search as the export does
    record = _provenance(params, generation)
    return companion(f"{setting('SITE_TITLE')} export: {params.q or 'all items'}",
                     export_columns(), record)


@bp.get("/export.jsonl")
@conditional
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


def feed_id(path: str) -> str:
    """An Atom id: the absolute URL of `path` on the trusted root, else a `urn:uuid:` made
    from the path alone (Atom ids must be absolute and should never change)."""
    if public_root() is not None:
        return absolute(path)
    return uuid.uuid5(uuid.NAMESPACE_URL, "news-search:" + path).urn


@bp.get("/feed.atom")
@conditional
def feed() -> Response:
    """An Atom feed of the newest items matching the search."""
    params = SearchParams.from_args(request.args).for_export()
    raw = params.raw()
    raw["sort"], raw["per_page"] = ["newest"], [str(setting("FEED_SIZE"))]
    page = get_engine().search(parse_request(raw))
    site = str(setting("SITE_TITLE"))
    what = f"'{params.q}'" if params.q else "all items"
    entries = []
    for hit in page.hits:
        path = url_for("items.item", item_id=hit.article.id)
        entries.append({"title": _xml_text(hit.article.title),
                        "summary": _xml_text(hit.article.summary),
                        "kind": _xml_text(hit.article.kind),
                        "updated": f"{hit.article.date.isoformat()}T00:00:00Z",
                        "id": feed_id(path), "href": absolute(path),
                        "original": hit.article.url})
    newest = entries[0]["updated"] if entries else \
        datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    self_path = params.url(url_for("exports.feed"))
    body = render_template(
        "exports/feed.xml", title=_xml_text(f"{site}: {what}"), updated=newest,
        feed_id=feed_id(self_path), self_href=absolute(self_path),
        html_href=params.url(external_url("search.index")), entries=entries,
        site=_xml_text(site))
    return Response(body, mimetype="application/atom+xml")
