"""The permalink page of one item: `/items/<id>`, with citations and similar items."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, url_for

from corpus import Article
from search import Hit, place_evidence
from webui.baseurl import absolute
from webui.cite import Cited
from webui.engine_ext import get_engine
from webui.errors import WebError
from webui.itemview import item_view
from webui.publishers import credit
from webui.views.common import setting

bp = Blueprint("items", __name__, url_prefix="/items")

MAX_ID = 200
PUBLISHERS = "news_search_publishers"


def unknown_item(item_id: str) -> WebError:
    shown = item_id if len(item_id) <= 80 else item_id[:80] + "…"
    return WebError(f"There is no item with the id '{shown}'. It may have been removed from "
                    "the index; search for its title instead.", 404, param="id")


def find_item(item_id: str) -> tuple[Hit, list[Article]]:
    """The item with this id (with its facet values) and the items most like it;
    WebError 404 when there is none."""
    engine = get_engine()
    hit = engine.item(item_id) if len(item_id) <= MAX_ID else None
    if hit is None:
        raise unknown_item(item_id)
    limit = int(setting("MORE_LIKE_THIS"))  # type: ignore[call-overload]
    return hit, engine.more_like_this(hit.article.id, limit=limit)


def cited(article: Article, accessed: date | None = None) -> Cited:
    """What a citation of `article` says, with this site's permalink (absolute when the
    site's address is known) and the publisher the rules and settings give."""
    who = credit(article, current_app.extensions[PUBLISHERS], str(setting("PUBLISHER")),
                 str(setting("AUTHOR")))
    return Cited(article=article, credit=who, original=article.url,
                 permalink=absolute(url_for("items.item", item_id=article.id)),
                 accessed=accessed or date.today())


@bp.get("/<item_id>")
def item(item_id: str) -> str:
    """One item: title, date, kind, summary, source, original link, citations, more like it."""
    hit, similar = find_item(item_id)
    article = hit.article
    view = item_view(hit, similar, cited(article), search_base=url_for("search.index"),
                     item_href=lambda other: url_for("items.item", item_id=other),
                     api_href=url_for("api.item", item_id=article.id),
                     site=str(setting("SITE_TITLE")),
                     evidence=place_evidence(get_engine(), article.id))
    return render_template("items/item.html", item=view, page_title=view.page_title)
