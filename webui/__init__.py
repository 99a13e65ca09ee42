"""The web front end of news-search (Flask), and the `news-search` command line.

`create_app(config)` builds the app: settings (`settings.py`, each with a
default and an environment variable), the shared engine (`engine_ext.py`), the
one error handler (`errors.py`) and four blueprints in `views/`: the search
page and help, item permalinks, the JSON API, and exports with the Atom feed.
Views build a ready context (`context.py`, `chart.py`, `cite.py`, `links.py`);
templates under `templates/<blueprint>/` only print it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response

from search import IndexMissing
from search.store import Generation
from webui.settings import load_settings

# No inline script or style anywhere: scripts and styles come from /static only.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def _generation() -> Generation | None:
    """The generation served, for the footer (None while there is no index)."""
    from webui.engine_ext import get_engine
    from webui.errors import WebError

    try:
        return get_engine().generation
    except (WebError, IndexMissing):
        return None


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app; `config` overrides the environment, which overrides defaults."""
    from webui import engine_ext, errors
    from webui.views import api, exports, items, research, search

    app = Flask(__name__)
    app.config.from_mapping(load_settings())
    if config:
        app.config.update(config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    errors.init_app(app)
    for blueprint in (search.bp, items.bp, api.bp, exports.bp, research.bp):
        app.register_blueprint(blueprint)

    @app.context_processor
    def site() -> dict[str, Any]:
        return {"site_title": app.config["SITE_TITLE"], "index_generation": _generation()}

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    engine_ext.init_app(app)
    return app
