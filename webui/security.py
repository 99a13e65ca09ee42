"""Headers that every response carries, whatever route or error produced it.

Security: the site is read-only and shares links widely, so the browser is told
to run no script but the site's own static files, never to guess a content
type, never to show the site inside another site's frame (clickjacking), and to
send at most the origin as a referrer to other sites. Each header is set only
when a view has not set its own.

Cross-origin reads (CORS), off by default: `NEWS_SEARCH_CORS` names the
origins whose pages may read the site's answers from a browser (`*` for any).
Nothing is sent with credentials and nothing can be written, so `*` exposes no
more than the site already shows anyone who can reach it. The answer names the
headers a client may read (the validators, the provenance, `Link`) and answers
the preflight a conditional request (`If-None-Match`) needs. Errors carry the
same headers, so a notebook on another origin reads the error's message.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

# No inline script or style anywhere: scripts and styles come from /static only.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
}

CORS_METHODS = "GET, HEAD, OPTIONS"
CORS_REQUEST_HEADERS = "Accept, If-None-Match, If-Modified-Since"
CORS_EXPOSED = ("ETag, Last-Modified, Link, Content-Disposition, X-Index-Generation, "
                "X-Retrieved-At")
CORS_MAX_AGE = "86400"


def add_headers(response: Response) -> Response:
    """Add the security headers a response lacks."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _vary(response: Response, name: str) -> None:
    present = [part.strip().lower() for part in response.headers.get("Vary", "").split(",")]
    if name.lower() not in present:
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), name]))


def add_cors(response: Response) -> Response:
    """Allow the configured origins to read the answer (and to send the preflight)."""
    allowed: tuple[str, ...] = current_app.config.get("CORS") or ()
    if not allowed:
        return response
    origin = request.headers.get("Origin", "")
    if allowed == ("*",):
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        _vary(response, "Origin")  # the answer differs by origin: caches must know
        if origin.lower() not in allowed:
            return response
        response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSED
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
        response.headers["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
        response.headers["Access-Control-Max-Age"] = CORS_MAX_AGE
    return response


def init_app(app: Flask) -> None:
    """Register the headers on every response of `app`."""
    app.after_request(add_headers)
    app.after_request(add_cors)
