"""The JSON API: `/api/search` (the search page's parameters), `/api/items/<id>`, and its
description, `/openapi.json` (OpenAPI 3.1, `webui/openapi.py`).

Errors are `{"error": "...", "param": "..."}` with status 400 (404 for an
unknown item), from the app's one error handler. Each hit carries the spans of
its matched words (`title_marks`, `summary_marks`) and the same marked up as
`title_html` and `summary_html`. Links (`href`, `links`) are absolute on the
site's address when it is known (`NEWS_SEARCH_BASE_URL`, a declared proxy, or
this machine), else relative to the site.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from werkzeug.wrappers import Response

from search import Hit, parse_request
from webui.baseurl import external_url
from webui.conditional import conditional
from webui.engine_ext import get_engine
from webui.links import SearchParams
from webui.marks import to_html
from webui.openapi import describe
from webui.provenance import GENERATION_PARAM, change_notice
from webui.views.items import find_item

bp = Blueprint("api", __name__, url_prefix="/api")
spec = Blueprint("openapi", __name__)


def hit_json(hit: Hit) -> dict[str, object]:
    """A hit as the API gives it: record, score, spans, marked HTML and permalink."""
    article = hit.article
    return {**hit.to_dict(),
            "title_html": str(to_html(article.title, hit.title_spans)),
            "summary_html": str(to_html(article.summary, hit.summary_spans)),
            "snippet_html": str(to_html(hit.snippet, hit.snippet_spans)),
            "href": external_url("items.item", item_id=article.id)}


@bp.get("/search")
@conditional
def search() -> Response:
    """One page of results as JSON: total, page, hits, facets, suggestion, links."""
    params = SearchParams.from_args(request.args)
    engine = get_engine()
    page = engine.search(parse_request(params.raw()))
    body = page.to_dict()
    cited_id = request.args.get(GENERATION_PARAM, "")[:64]
    cited, answered = engine.generation_since(cited_id, answered=page.generation)
    body["generation"] = answered.to_dict()
    body["generation_notice"] = change_notice(cited_id, cited, answered)
    body["hits"] = [hit_json(hit) for hit in page.hits]
    body["partial"] = [hit_json(hit) for hit in page.partial]
    base = external_url("api.search")
    current = page.request.page
    body["links"] = {
        "self": params.url(base),
        "html": params.url(external_url("search.index")),
        "next": params.with_page(current + 1).url(base) if current < page.pages else None,
        "prev": params.with_page(current - 1).url(base) if current > 1 else None,
    }
    return jsonify(body)


@bp.get("/items/<item_id>")
@conditional
def item(item_id: str) -> Response:
    """One item as JSON, with its permalink and similar items."""
    hit, similar = find_item(item_id)
    article = hit.article
    return jsonify({**hit.record(),
                    "href": external_url("items.item", item_id=article.id),
                    "more_like_this": [{"id": other.id, "title": other.title,
                                        "date": other.date.isoformat(),
                                        "href": external_url("items.item", item_id=other.id)}
                                       for other in similar]})


@spec.get("/openapi.json")
def openapi() -> Response:
    """The API's description (OpenAPI 3.1), with the server it is served from."""
    return jsonify(describe(server=url_for("search.index").rstrip("/") or "/"))
