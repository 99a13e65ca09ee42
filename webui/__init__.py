"""The web front end of news-search (Flask), and the `news-search` command line.

`create_app(config)` builds the app: settings (`settings.py`, each with a
default and an environment variable), the shared engine (`engine_ext.py`), the
one error handler (`errors.py`), the security headers (`security.py`) and six
blueprints in `views/`: the search page and help, item permalinks, the JSON
API, exports with the Atom feed, the research pages (compare, keyword in
context), and the answers (top terms, co-occurrence, the world map, collections). Views build a ready context (`context.py`, `itemview.py`,
`chart.py`, `compare.py`, `cite.py`, `links.py`, `marks.py`); templates under
`templates/<blueprint>/` only print it. The search logic itself is the
`search` package's: this package only reads parameters and renders answers.
Around every answer: gzip (Flask-Compress), the security and CORS headers,
and the site's address (`baseurl.py`: the base URL and declared proxies, as
WSGI wrappers, so they work under any server).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, request
from flask_compress import Compress

from search import IndexMissing, OverBudget
from search.build.store import Generation
from webui.longwork import Target
from webui.priority import BUSY, Priority
from webui.publishers import load_publishers
from webui.security import CSP  # noqa: F401  (kept importable from webui)
from webui.settings import check_config, load_settings

# Text answers are gzipped for clients that accept it (Flask-Compress), streamed exports
# too; gzip alone, which every HTTP client reads (pandas, curl, feed readers, browsers).
COMPRESSION = {"COMPRESS_ALGORITHM": ["gzip"], "COMPRESS_ALGORITHM_STREAMING": ["gzip"],
               "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/plain", "text/csv",
                                      "text/javascript", "application/json",
                                      "application/csvm+json", "application/jsonl",
                                      "application/atom+xml", "image/svg+xml"],
               "COMPRESS_MIN_SIZE": 500}


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
    from webui import baseurl, engine_ext, errors, security
    from webui.views import answers, api, exports, items, research, search

    app = Flask(__name__)
    app.config.from_mapping(load_settings())
    app.config.from_mapping(COMPRESSION)
    if config:
        app.config.update(check_config(config))
    app.json.sort_keys = False  # type: ignore[attr-defined]
    errors.init_app(app)
    for blueprint in (search.bp, items.bp, api.bp, api.spec, exports.bp, research.bp,
                      answers.bp):
        app.register_blueprint(blueprint)

    @app.context_processor
    def site() -> dict[str, Any]:
        return {"site_title": app.config["SITE_TITLE"], "index_generation": _generation()}

    # After-request hooks run last-registered first: compression sees the final headers.
    Compress(app)
    security.init_app(app)
    baseurl.wrap(app)
    # Long answers (exports, keyword in context, comparisons...) in the long-answer
    # workers when serve started them, else in low-priority threads, so that searches
    # answer first on a busy machine (webui/priority.py, webui/longwork.py).
    app.wsgi_app = Priority(app.wsgi_app,  # type: ignore[method-assign]
                            elsewhere=Target.from_environment())

    @app.before_request
    def long_answers_busy() -> None:
        at_once = request.environ.get(BUSY)
        if at_once:
            raise OverBudget(f"This worker is already making {at_once} long answer"
                             f"{'s' if at_once > 1 else ''} (exports, keyword in context, "
                             "comparisons, top terms), as many as it takes on at once so that "
                             "searches keep answering: try again in a few seconds.",
                             param=None, retry_after=5)

    app.extensions[items.PUBLISHERS] = load_publishers(
        Path(app.config["PUBLISHERS_FILE"]) if app.config.get("PUBLISHERS_FILE") else None)
    engine_ext.init_app(app)
    return app
