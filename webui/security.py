"""Security headers that every response carries, whatever route or error produced it.

The site is read-only and shares links widely, so the browser is told to run no
script but the site's own static files, never to guess a content type, never to
show the site inside another site's frame (clickjacking), and to send at most the
origin as a referrer to other sites. Each header is set only when a view has not
set its own.
"""

from __future__ import annotations

from flask import Flask, Response

# No inline script or style anywhere: scripts and styles come from /static only.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
}


def add_headers(response: Response) -> Response:
    """Add the security headers a response lacks."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Register the headers on every response of `app`."""
    app.after_request(add_headers)
