"""The permalink page of one item: `/items/<id>`, with citations and similar items."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request, url_for

from webui.chart import bucket_name
from webui.cite import citations
from webui.context import long_date
from webui.engine_ext import get_engine
from webui.errors import WebError
from webui.links import SearchParams
from webui.views.common import setting

bp = Blueprint("items", __name__, url_prefix="/items")

MAX_ID = 200


def unknown_item(item_id: str) -> WebError:
    shown = item_id if len(item_id) <= 80 else item_id[:80] + "…"
    return WebError(f"There is no item with the id '{shown}'. It may have been removed from "
                    "the index; search for its title instead.", 404, param="id")


@bp.get("/<item_id>")
def item(item_id: str) -> str:
    """One item: title, date, kind, summary, source, original link, citations, more like it."""
    engine = get_engine()
    article = engine.get(item_id) if len(item_id) <= MAX_ID else None
    if article is None:
        raise unknown_item(item_id)
    permalink = request.host_url.rstrip("/") + url_for("items.item", item_id=article.id)
    similar = [(other, url_for("items.item", item_id=other.id), long_date(other.date))
               for other in engine.more_like_this(article.id,
                                                  limit=int(setting("MORE_LIKE_THIS")))]  # type: ignore[call-overload]
    base = url_for("search.index")
    month = article.date.strftime("%Y-%m")
    browse = [(bucket_name(month), SearchParams(date_from=month, date_to=month).url(base))]
    if article.kind:
        browse.append((f"all {article.kind}", SearchParams(kinds=(article.kind,)).url(base)))
    return render_template(
        "items/item.html", browse=browse, article=article, date_text=long_date(article.date),
        permalink=permalink, citations=citations(article, article.url or permalink, date.today()),
        similar=similar, api_href=url_for("api.item", item_id=article.id),
        page_title=f"{article.title} – {setting('SITE_TITLE')}")
