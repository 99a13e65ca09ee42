"""The JSON API: `/api/search` (the search page's parameters) and `/api/items/<id>`.

Errors are `{"error": "...", "param": "..."}` with status 400 (404 for an
unknown item), from the app's one error handler. Each hit carries the spans of
its matched words (`title_marks`, `summary_marks`) and the same marked up as
`title_html` and `summary_html`.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from werkzeug.wrappers import Response

from search import Hit, parse_request
from webui.engine_ext import get_engine
from webui.links import SearchParams
from webui.marks import to_html
from webui.provenance import GENERATION_PARAM, change_notice
from webui.views.items import find_item

bp = Blueprint("api", __name__, url_prefix="/api")


def hit_json(hit: Hit) -> dict[str, object]:
    """A hit as the API gives it: record, score, spans, marked HTML and permalink."""
    article = hit.article
    return {**hit.to_dict(),
            "title_html": str(to_html(article.title, hit.title_spans)),
            "summary_html": str(to_html(article.summary, hit.summary_spans)),
            "href": url_for("items.item", item_id=article.id, _external=True)}


@bp.get("/search")
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
    base = url_for("api.search", _external=True)
    current = page.request.page
    body["links"] = {
        "self": params.url(base),
        "html": params.url(url_for("search.index", _external=True)),
        "next": params.with_page(current + 1).url(base) if current < page.pages else None,
        "prev": params.with_page(current - 1).url(base) if current > 1 else None,
    }
    return jsonify(body)


@bp.get("/items/<item_id>")
def item(item_id: str) -> Response:
    """One item as JSON, with its permalink and similar items."""
    hit, similar = find_item(item_id)
    article = hit.article
    return jsonify({**hit.record(),
                    "href": url_for("items.item", item_id=article.id, _external=True),
                    "more_like_this": [{"id": other.id, "title": other.title,
                                        "date": other.date.isoformat(),
                                        "href": url_for("items.item", item_id=other.id,
                                                        _external=True)}
                                       for other in similar]})
