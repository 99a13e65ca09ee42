"""The web front end of news-search (Flask), and the `news-search` command line."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app; `config` overrides the defaults and the environment."""
    app = Flask(__name__)
    app.config.from_mapping(INDEX_DIR=None)
    app.config.from_prefixed_env("NEWS_SEARCH")
    if config:
        app.config.update(config)
    return app
