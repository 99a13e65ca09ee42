"""The JSON API: `/api/search` (the search page's parameters) and `/api/items/<id>`.

Errors are `{"error": "...", "param": "..."}` with status 400 (404 for an
unknown item), from the app's one error handler.
"""

from __future__ import annotations

from typing import cast

from flask import Blueprint, jsonify, request, url_for
from werkzeug.wrappers import Response

from search import InputError, parse_request
from webui.engine_ext import get_engine
from webui.errors import WebError
from webui.links import SearchParams
from webui.provenance import GENERATION_PARAM, change_notice
from webui.views.items import find_item

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search() -> Response:
    """One page of results as JSON: total, page, hits, facets, suggestion, links."""
    params = SearchParams.from_args(request.args)
    try:
        page = get_engine().search(parse_request(params.raw()))
    except InputError as error:
        raise WebError(error.message, 400, param=error.param) from None
    body = page.to_dict()
    engine = get_engine()
    cited_id = request.args.get(GENERATION_PARAM, "")[:64]
    cited, answered = engine.generation_since(cited_id, answered=page.generation)
    body["generation"] = answered.to_dict()
    body["generation_notice"] = change_notice(cited_id, cited, answered)
    for hit in cast(list[dict[str, object]], body["hits"]):
        hit["href"] = url_for("items.item", item_id=hit["id"], _external=True)
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
    article, similar = find_item(item_id)
    return jsonify({**article.to_dict(),
                    "href": url_for("items.item", item_id=article.id, _external=True),
                    "more_like_this": [{"id": other.id, "title": other.title,
                                        "date": other.date.isoformat(),
                                        "href": url_for("items.item", item_id=other.id,
                                                        _external=True)}
                                       for other in similar]})
