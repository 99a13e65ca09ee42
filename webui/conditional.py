"""Validators for what changes only with the index: ETag, Last-Modified and 304s.

The API's answers, the exports and the feed depend on the request's URL, the
index generation and the site's address and settings, nothing else, so a
client that asks again (a feed reader polling, a notebook re-running a cell,
a cache) sends `If-None-Match` or `If-Modified-Since` and gets a `304 Not
Modified` without the work being done again. The ETag is weak (`W/"..."`):
two answers with the same tag say the same, though a retrieval time in them
may differ. `Cache-Control: no-cache` lets a cache keep the answer and
revalidate it each time, so a rebuild shows at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from importlib import metadata
from typing import Any, TypeVar

from flask import Response, current_app, make_response, request

from search import Generation
from webui.baseurl import public_root
from webui.engine_ext import get_engine

CACHE_CONTROL = "no-cache"
# Settings that change what an answer says.
_SETTINGS = ("SITE_TITLE", "FEED_SIZE", "MORE_LIKE_THIS", "PUBLISHER", "AUTHOR",
             "PUBLISHERS_FILE")

View = TypeVar("View", bound=Callable[..., Any])


def _version() -> str:
    try:
        return metadata.version("news-search")
    except metadata.PackageNotFoundError:
        return "0"


def etag(generation: Generation) -> str:
    """The tag of this request's answer on `generation` (without quotes or W/)."""
    config = current_app.config
    key = "\n".join([_version(), generation.id, request.script_root + request.full_path,
                     public_root() or "", *(str(config.get(name)) for name in _SETTINGS)])
    return f"{generation.id}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}"


def last_modified(generation: Generation) -> datetime | None:
    """When the generation was built (None when its metadata has no readable time)."""
    try:
        built = datetime.fromisoformat(generation.built_at)
    except ValueError:
        return None
    return (built if built.tzinfo else built.replace(tzinfo=UTC)).replace(microsecond=0)


def _validators(response: Response, tag: str, modified: datetime | None) -> Response:
    response.set_etag(tag, weak=True)
    if modified is not None:
        response.last_modified = modified
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def _unchanged(tag: str, modified: datetime | None) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains_weak(tag)
    since = request.if_modified_since
    return bool(modified and since and since >= modified)


def conditional(view: View) -> View:
    """Give a view's answers validators from the index generation, and answer 304 to a
    request that already has the current one (before the view does any work)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        generation = get_engine().generation
        tag, modified = etag(generation), last_modified(generation)
        if _unchanged(tag, modified):
            return _validators(Response(status=304), tag, modified)
        response = make_response(view(*args, **kwargs))
        if 200 <= response.status_code < 300:
            _validators(response, tag, modified)
        return response

    return wrapped  # type: ignore[return-value]
