"""The search page (`/`) and the query-syntax help page (`/help`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from search import InputError, OverBudget, parse_request
from webui.context import error_view, search_view
from webui.engine_ext import get_engine
from webui.links import SearchParams, has_empty_values
from webui.provenance import GENERATION_PARAM, SearchCitation, change_notice
from webui.views.common import facet_values, setting, urls

bp = Blueprint("search", __name__)


@bp.get("/")
def index() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]] | str:
    """Search results for the parameters in the URL (browse everything without `q`)."""
    if has_empty_values(request.args):
        # A submitted form sends its empty fields: redirect to the short URL.
        return redirect(SearchParams.from_args(request.args).url(url_for("search.index")))
    params = SearchParams.from_args(request.args)
    engine = get_engine()
    values = facet_values(engine)
    site = str(setting("SITE_TITLE"))
    try:
        search_request = parse_request(params.raw())
        page = engine.search(search_request)
        reading = engine.explain(search_request)
    except (InputError, OverBudget) as error:
        view = error_view(params, values, error.message, error.param, site, urls())
        status, headers = 400, {}
        if isinstance(error, OverBudget) and error.retry_after is not None:
            status, headers = 503, {"Retry-After": str(error.retry_after)}
        return (render_template("search/index.html", view=view, page_title=view.page_title),
                status, headers)
    view = search_view(params, page, values, urls(), site)
    if view.exports is not None:
        answered = params.for_export()
        view.exports = replace(view.exports, terms=answered.url(url_for("answers.terms")),
                               cooccurrence=answered.url(url_for("answers.cooccurrence_page")),
                               map=answered.url(url_for("answers.map_page")))
    view.reading, view.reading_notes = reading.lines, reading.notes
    cited_id = request.args.get(GENERATION_PARAM, "")[:64]
    cited, current = engine.generation_since(cited_id, answered=page.generation)
    view.change_notice = change_notice(cited_id, cited, current)
    share = view.exports.share if view.exports else ""
    view.cite_url = f"{share}{'&' if '?' in share else '?'}{GENERATION_PARAM}={current.id}"
    view.citations = SearchCitation(
        url=view.cite_url, total=page.total, generation=current,
        retrieved=datetime.now(UTC), description=f"{site}: {view.summary}").forms()
    return render_template("search/index.html", view=view, page_title=view.page_title)


@bp.get("/help")
def help() -> str:
    """How to write a query, with examples that link to their results."""
    examples = [
        ("kenya cooperative", "items with both words (AND is the default)"),
        ("kenya OR senegal", "items with either word"),
        ("cooperative NOT kenya", "the first word without the second"),
        ("cooperative -kenya", "the same, as web search engines write it (+word: must have)"),
        ('"social and solidarity economy"', "the exact phrase"),
        ("title:kenya", "the word in the title (also summary:, kind: and body:, the full text)"),
        ("cooperat*", "words starting with cooperat (two letters at least before *)"),
        ("(kenya OR senegal) AND workshop", "brackets group alternatives"),
    ]
    base = url_for("search.index")
    rows = [(text, meaning, SearchParams(q=text).url(base)) for text, meaning in examples]
    dates = [("2024-02-06", "that day"), ("6 Feb 2024", "that day"),
             ("Feb 2024 or 2024-02", "that month: from its first day, to its last"),
             ("2023", "that year: from=2023 starts on 1 January, to=2023 ends on 31 December")]
    return render_template("search/help.html", examples=rows, dates=dates,
                           page_title=f"Query syntax – {setting('SITE_TITLE')}")
