"""Answers over a result set: top terms, co-occurrence, the world map, and collections.

Every page takes the search page's parameters (`q`, `from`, `to`, the facets,
`exact`) and has a JSON twin under `/api/` with the same parameters:

- `/terms`, `/api/terms`: the words and two-word phrases the results hold more
  than the rest of the corpus; `by=year|quarter|month` adds the same per period
  against the rest of the results; `limit`, `min` (items a term needs);
- `/cooccurrence`, `/api/cooccurrence`, `/cooccurrence.csv`: the words in the
  same items as the query's, and their table (`limit`, `table`);
- `/map`, `/api/map`: items per country (and region) of the result set;
- `/api/compare`, `/api/kwic`, `/api/explain`: the JSON of the compare and
  keyword-in-context pages and of the search page's "Interpreted as";
- `/collection?id=...&id=...` and its files `/collection.bib`, `.ris`,
  `/collection.csl.json`, `/collection.csv`, `/collection.jsonl`, and
  `/api/collection`: gathered items, with a search restricted to them (`q` and
  the filters) and a search to find more to add (`add`).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from corpus import Article
from corpus.jsonl import PROVENANCE_KEY
from search import (
    MAX_IDS,
    InputError,
    SearchRequest,
    clean_ids,
    collection,
    cooccurrence,
    parse_request,
    term_facets,
    terms_by_period,
    top_terms,
    value_counts,
)
from search.research.terms import DEFAULT_LIMIT, MAX_LIMIT
from webui.answers import (
    add_to_query,
    co_view,
    collected,
    collection_link,
    map_json,
    map_view,
    terms_view,
)
from webui.baseurl import absolute, external_url
from webui.bulkcite import bibtex_file, csl_json, ris_file
from webui.conditional import conditional
from webui.context import make_form
from webui.csvresponse import companion, csv_path, csv_response
from webui.engine_ext import get_engine
from webui.errors import WebError
from webui.links import SearchParams
from webui.provenance import provenance
from webui.views.common import facet_values, setting
from webui.views.exports import columns, export_columns
from webui.views.items import cited
from webui.views.research import _compare as research_compare
from webui.views.research import _filters as research_filters
from webui.views.research import _kwic as research_kwic

bp = Blueprint("answers", __name__)

PERIODS = ("year", "quarter", "month")
ADD_RESULTS = 20  # search results offered to add on the collection page


def _number(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    text = (args.getlist(name) or [""])[-1].strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise InputError(f"{name} must be a whole number from {low} to {high}, "
                         f"not '{text[:20]}'", name) from None
    if not low <= value <= high:
        raise InputError(f"{name} must be from {low} to {high}", name)
    return value


def _by(args: MultiDict[str, str]) -> str:
    value = (args.getlist("by") or [""])[-1].strip().lower()
    if value and value not in PERIODS:
        raise InputError(f"by must be one of {', '.join(PERIODS)}, not '{value[:20]}'", "by")
    return value


def _searched(args: MultiDict[str, str]) -> tuple[SearchParams, SearchRequest]:
    params = SearchParams.from_args(args).for_export()
    return params, parse_request(params.raw())


def _links(params: SearchParams) -> dict[str, str]:
    return {name: params.url(url_for(endpoint)) for name, endpoint in (
        ("search", "search.index"), ("terms", "answers.terms"),
        ("cooccurrence", "answers.cooccurrence_page"), ("map", "answers.map_page"))}


def _page(template: str, title: str, params: SearchParams, status: int = 200,
          **context: object) -> tuple[str, int]:
    form = make_form(params, facet_values(get_engine()), context.get("invalid"))  # type: ignore[arg-type]
    return render_template(template, params=params, form=form, links=_links(params),
                           page_title=f"{title} – {setting('SITE_TITLE')}",
                           **context), status


# -- top terms --------------------------------------------------------------------------------

def _terms(args: MultiDict[str, str]):  # type: ignore[no-untyped-def]
    params, search_request = _searched(args)
    limit = _number(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    min_items = _number(args, "min", 0, 0, 1_000_000) or None
    by = _by(args)
    engine = get_engine()
    found = top_terms(engine, search_request, limit=limit, min_items=min_items)
    periods = terms_by_period(engine, search_request, by, limit=min(limit, 10),
                              min_items=min_items) if by else None
    return params, found, periods, by


@bp.get("/terms")
def terms() -> tuple[str, int]:
    """The words and phrases the results hold more than the rest of the corpus."""
    params = SearchParams.from_args(request.args)
    try:
        params, found, periods, by = _terms(request.args)
    except InputError as error:
        return _page("answers/terms.html", "Top terms", params, 400, error=error.message,
                     invalid=error.param, view=None, by="")
    view = terms_view(params, found, periods, by, url_for("search.index"),
                      url_for("answers.terms"))
    return _page("answers/terms.html", "Top terms", params, view=view, by=by,
                 api_href=params.url(url_for("answers.terms_api")) +
                 (f"&by={by}" if by and params.pairs() else f"?by={by}" if by else ""),
                 period_links=[(p, params.url(url_for("answers.terms")) +
                                ("&" if params.pairs() else "?") + f"by={p}")
                               for p in PERIODS])


@bp.get("/api/terms")
@conditional
def terms_api() -> Response:
    """Top terms as JSON (with `periods` when `by` is given)."""
    params, found, periods, by = _terms(request.args)
    body: dict[str, object] = {"query": params.q, "request": _echo(params), **found.to_dict()}
    if by:
        body["by"] = by
        body["periods"] = [p.to_dict() for p in periods or ()]
    body["links"] = {"html": params.url(external_url("answers.terms"))}
    return jsonify(body)


def _echo(params: SearchParams) -> dict[str, object]:
    return {"q": params.q, "from": params.date_from, "to": params.date_to,
            **{f.api_key: list(params.selected(f.name)) for f in term_facets()},
            "exact": bool(params.exact)}


# -- co-occurrence ----------------------------------------------------------------------------

def _co(args: MultiDict[str, str]):  # type: ignore[no-untyped-def]
    params, search_request = _searched(args)
    limit = _number(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    table = _number(args, "table", 10, 1, 30)
    return params, cooccurrence(get_engine(), search_request, limit=limit, table=table)


@bp.get("/cooccurrence")
def cooccurrence_page() -> tuple[str, int]:
    """The words in the same items as the query's words, and their table."""
    params = SearchParams.from_args(request.args)
    if not params.q:
        return _page("answers/cooccurrence.html", "Co-occurrence", params, view=None,
                     error=None, invalid=None)
    try:
        params, found = _co(request.args)
    except InputError as error:
        return _page("answers/cooccurrence.html", "Co-occurrence", params, 400, view=None,
                     error=error.message, invalid=error.param)
    suffix = "?" + request.query_string.decode("utf-8", "replace")
    return _page("answers/cooccurrence.html", "Co-occurrence", params,
                 view=co_view(params, found, url_for("search.index")), error=None,
                 invalid=None, csv_href=url_for("answers.cooccurrence_csv") + suffix,
                 api_href=url_for("answers.cooccurrence_api") + suffix)


@bp.get("/api/cooccurrence")
@conditional
def cooccurrence_api() -> Response:
    """Co-occurrence as JSON: the words, and the table as labels and counts."""
    params, found = _co(request.args)
    return jsonify({"request": _echo(params), **found.to_dict(),
                    "links": {"html": params.url(external_url("answers.cooccurrence_page"))}})


CO_COLUMNS = (("word", "string", "a word: the query's own first, then those co-occurring"),)


def _co_columns(labels: list[str]) -> list[tuple[str, str, str]]:
    return [*CO_COLUMNS, *((label, "integer",
                            f"items of the set holding both the row's word and '{label}'")
                           for label in labels)]


@bp.get("/cooccurrence.csv")
@conditional
def cooccurrence_csv() -> Response:
    """The co-occurrence table as CSV: a row and a column per word, items holding both."""
    _, found = _co(request.args)
    rows = ([label, *row] for label, row in zip(found.labels, found.counts))
    return csv_response("co-occurrence", [name for name, _, _ in _co_columns(found.labels)],
                        rows, provenance(csv_path(), get_engine().generation),
                        "news-search-cooccurrence.csv")


@bp.get("/cooccurrence.csv.json")
@conditional
def cooccurrence_csv_metadata() -> Response:
    """The co-occurrence table's columns and provenance (CSVW metadata)."""
    _, found = _co(request.args)
    return companion("Co-occurrence", _co_columns(found.labels),
                     provenance(csv_path(), get_engine().generation))


# -- the map ----------------------------------------------------------------------------------

def _map_counts(args: MultiDict[str, str]):  # type: ignore[no-untyped-def]
    params, search_request = _searched(args)
    engine = get_engine()
    return (params, value_counts(engine, search_request, "country"),
            value_counts(engine, search_request, "region"))


@bp.get("/map")
def map_page() -> tuple[str, int]:
    """A world map of the result set: items per country, each a link to them; a table."""
    params = SearchParams.from_args(request.args)
    try:
        params, countries, region_counts = _map_counts(request.args)
    except InputError as error:
        return _page("answers/map.html", "World map", params, 400, view=None,
                     error=error.message, invalid=error.param)
    view = map_view(params, countries, region_counts, url_for("search.index"))
    return _page("answers/map.html", "World map", params, view=view, error=None,
                 invalid=None, api_href=params.url(url_for("answers.map_api")))


@bp.get("/api/map")
@conditional
def map_api() -> Response:
    """The map's numbers as JSON: items per country and per region of the result set."""
    params, countries, region_counts = _map_counts(request.args)
    base = external_url("search.index")
    return jsonify({"request": _echo(params), **map_json(
        countries, region_counts,
        lambda code: params.with_values("country", (code,)).url(base),
        lambda code: params.with_values("region", (code,)).url(base))})


# -- collections ------------------------------------------------------------------------------

def _ids(args: MultiDict[str, str]) -> tuple[str, ...]:
    return clean_ids(args.getlist("id"))


def _collection(args: MultiDict[str, str]):  # type: ignore[no-untyped-def]
    ids = _ids(args)
    params, search_request = _searched(args)
    return ids, params, collection(get_engine(), ids, search_request)


@bp.get("/collection")
def collection_page() -> tuple[str, int]:
    """The items gathered (named by `id`), a search within them, and more to add."""
    params = SearchParams.from_args(request.args)
    adding = (request.args.getlist("add") or [""])[-1].strip()
    try:
        ids, params, found = _collection(request.args)
        candidates = []
        if adding:
            page = get_engine().search(parse_request({"q": [adding], "per_page":
                                                      [str(ADD_RESULTS)]}))
            have = set(ids)
            candidates = [hit for hit in page.hits if hit.article.id not in have]
    except InputError as error:
        status = 400
        return _page("answers/collection.html", "Collection", params, status, found=None,
                     error=error.message, invalid=error.param, ids=[], adding=adding,
                     max_ids=MAX_IDS)
    base = url_for("answers.collection_page")
    files = {label: collection_link(url_for(endpoint), ids) for label, endpoint in (
        ("BibTeX", "answers.collection_bib"), ("RIS", "answers.collection_ris"),
        ("CSL-JSON", "answers.collection_csl"), ("CSV", "answers.collection_csv"),
        ("JSON Lines", "answers.collection_jsonl"), ("JSON API", "answers.collection_api"))}
    item_href = lambda item_id: url_for("items.item", item_id=item_id)
    return _page("answers/collection.html", "Collection", params, found=found,
                 items=collected(found.hits, item_href),
                 candidates=collected(candidates, item_href), adding=adding,
                 ids=list(ids), files=files, error=None, invalid=None, max_ids=MAX_IDS,
                 share=absolute(collection_link(base, ids)),
                 without_missing=collection_link(
                     base, [i for i in ids if i not in set(found.missing)]))


def _file(body: str, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Index-Generation": get_engine().generation.id})


def _articles(args: MultiDict[str, str]) -> list[Article]:
    ids, _, found = _collection(args)
    if not ids:
        raise WebError("a collection needs at least one item: add ?id=... for each", 400,
                       param="id")
    return [hit.article for hit in found.hits]


@bp.get("/collection.bib")
@conditional
def collection_bib() -> Response:
    """The collection's items as BibTeX entries."""
    return _file(bibtex_file(cited(a) for a in _articles(request.args)),
                 "application/x-bibtex", "news-search-collection.bib")


@bp.get("/collection.ris")
@conditional
def collection_ris() -> Response:
    """The collection's items as RIS records."""
    return _file(ris_file(cited(a) for a in _articles(request.args)),
                 "application/x-research-info-systems", "news-search-collection.ris")


@bp.get("/collection.csl.json")
@conditional
def collection_csl() -> Response:
    """The collection's items as CSL-JSON (Zotero, Pandoc, citeproc)."""
    return _file(csl_json(cited(a) for a in _articles(request.args)),
                 "application/vnd.citationstyles.csl+json", "news-search-collection.json")


def _collection_record(ids: tuple[str, ...]) -> dict[str, object]:
    return provenance(csv_path(), get_engine().generation, {"ids": list(ids)})


@bp.get("/collection.csv")
@conditional
def collection_csv() -> Response:
    """The collection's items as CSV, with the columns of the search export."""
    ids, _, found = _collection(request.args)
    names = columns()

    rows = []  # made now: the body is streamed after the request context has gone
    for hit in found.hits:
        fields = hit.record()
        fields["permalink"] = absolute(url_for("items.item", item_id=hit.article.id))
        rows.append([fields[column] for column in names])
    return csv_response("export", names, rows, _collection_record(ids),
                        "news-search-collection.csv")


@bp.get("/collection.csv.json")
@conditional
def collection_csv_metadata() -> Response:
    """The collection CSV's columns and provenance (CSVW metadata)."""
    ids, _, _ = _collection(request.args)
    return companion(f"{setting('SITE_TITLE')} collection of {len(ids)} items",
                     export_columns(), _collection_record(ids))


@bp.get("/collection.jsonl")
@conditional
def collection_jsonl() -> Response:
    """The collection's items as JSON Lines (readable back by `news-search index`)."""
    ids, _, found = _collection(request.args)
    lines = [json.dumps({PROVENANCE_KEY: provenance(
        absolute(collection_link(url_for("answers.collection_page"), ids)),
        get_engine().generation, {"ids": list(ids)})}, ensure_ascii=False)]
    lines += [json.dumps(hit.record(), ensure_ascii=False) for hit in found.hits]
    return _file("\n".join(lines) + "\n", "application/jsonl", "news-search-collection.jsonl")


@bp.get("/api/collection")
@conditional
def collection_api() -> Response:
    """The collection as JSON: the items found (or those matching the search), the ids
    missing from the index."""
    ids, params, found = _collection(request.args)
    body = {"request": _echo(params), **found.to_dict()}
    body["links"] = {"html": absolute(collection_link(url_for("answers.collection_page"),
                                                      ids))}
    return jsonify(body)


__all__ = ["add_to_query", "bp"]


# -- JSON twins of the research pages and of "interpreted as" --------------------------------

@bp.get("/api/compare")
@conditional
def compare_api() -> Response:
    """The compare page's numbers as JSON (its parameters: `q` up to four times, or `each`,
    `by`, the filters): periods, each series' counts and shares, the baseline."""
    form, result, error, param = research_compare(request.args)
    if error:
        raise WebError(error, 400, param=param)
    if result is None:
        raise WebError("give at least one query (q=kenya&q=senegal) or a facet to compare "
                       "(each=country)", 400, param="q")
    return jsonify({"by": form.by, "each": form.each or None,
                    "filters": _echo(_filters_of(request.args)), **result.to_dict()})


def _filters_of(args: MultiDict[str, str]) -> SearchParams:
    return research_filters(args)


@bp.get("/api/kwic")
@conditional
def kwic_api() -> Response:
    """Keyword in context as JSON (the page's parameters: q, width, order, the filters)."""
    params, lines, total, order, width, note = research_kwic(request.args)
    return jsonify({"request": _echo(params), "order": order, "width": width,
                    "items": total, "lines": [line.to_dict() for line in lines],
                    "note": note or None})


@bp.get("/api/explain")
@conditional
def explain_api() -> Response:
    """How the query is read ("Interpreted as" on the search page), as JSON."""
    params = SearchParams.from_args(request.args)
    reading = get_engine().explain(parse_request(params.raw()))
    return jsonify({"request": _echo(params), **reading.to_dict()})
