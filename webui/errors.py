"""The one error type users see, and the one handler that renders it as HTML or JSON.

Views raise `WebError(message, status, param=...)`; an `InputError` from the
engine (a bad parameter) is a 400 naming the parameter; HTTP errors from Flask
(unknown URL, wrong method) and anything unexpected are turned into one too,
so every error page looks the same and none shows a traceback. The API
(`/api/...`) and clients asking for JSON get `{"error": ..., "param": ...}`.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search import IndexMissing, InputError, OverBudget

log = logging.getLogger("webui")

TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed",
          500: "Something went wrong", 503: "No index to search"}


class WebError(Exception):
    """An error for the user: a short sentence, an HTTP status, and the parameter at fault."""

    def __init__(self, message: str, status: int = 400, param: str | None = None,
                 title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.param = param
        self.title = title or TITLES.get(status, "Error")


def wants_json() -> bool:
    """JSON for the API and for clients that prefer it to HTML."""
    if request.path.startswith("/api/") or request.path.endswith((".json", ".jsonl")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > \
        request.accept_mimetypes["text/html"]


def render_error(error: WebError) -> Response:
    """The error as JSON or as an HTML page, with its status."""
    if wants_json():
        response = jsonify({"error": error.message, "param": error.param})
    else:
        response = Response(render_template("errors/error.html", error=error),
                            mimetype="text/html")
    response.status_code = error.status
    return response


def _from_http(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status == 404:
        message = (f"There is no page at {request.path[:200]}. Start a new search from the "
                   "home page.")
    elif status == 405:
        message = f"{request.method} is not allowed here; use GET."
    else:
        message = exc.description or TITLES.get(status, "Error")
    response = render_error(WebError(message, status))
    if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    return response


def _bad_input(exc: InputError) -> Response:
    return render_error(WebError(exc.message, 400, param=exc.param))


def _over_budget(exc: OverBudget) -> Response:
    """Too costly: 503 with Retry-After when the server was busy (the time ran out), else
    400 naming what to change."""
    if exc.retry_after is None:
        return render_error(WebError(exc.message, 400, param=exc.param))
    response = render_error(WebError(exc.message, 503, param=exc.param, title="Too busy"))
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _index_gone(exc: Exception) -> Response:
    # The index was removed or replaced by an incompatible one while the site ran.
    log.warning("index unavailable: %s", exc)
    message = str(exc)
    return render_error(WebError(message[:1].upper() + message[1:] + ". Then reload this page.",
                                 503))


def _unexpected(exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.full_path)
    return render_error(WebError("Something went wrong on our side. The error has been "
                                 "logged; try again, or simplify the search.", 500))


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(WebError, render_error)
    app.register_error_handler(InputError, _bad_input)
    app.register_error_handler(OverBudget, _over_budget)
    app.register_error_handler(HTTPException, _from_http)
    app.register_error_handler(IndexMissing, _index_gone)
    app.register_error_handler(Exception, _unexpected)
