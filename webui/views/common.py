"""Helpers the views share: the URL bases of a view, the app's settings, facet values."""

from __future__ import annotations

from flask import current_app, url_for

from search import Engine, term_facets
from webui.baseurl import absolute
from webui.chartfiles import png_available
from webui.context import Urls


def urls() -> Urls:
    """The URL bases a page links to, for the app as mounted."""
    return Urls(search=url_for("search.index"), api=url_for("api.search"),
                csv=url_for("exports.csv"), jsonl=url_for("exports.jsonl"),
                feed=url_for("exports.feed"), help=url_for("search.help"),
                item=lambda item_id: url_for("items.item", item_id=item_id),
                absolute=absolute,
                chart_svg=url_for("research.chart_svg"),
                chart_png=url_for("research.chart_png") if png_available() else "")


def setting(name: str) -> object:
    return current_app.config[name]


def facet_values(engine: Engine) -> dict[str, list[str]]:
    """Each facet's values in the index, for the forms."""
    return {declared.name: engine.values(declared.name) for declared in term_facets()}
