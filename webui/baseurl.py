"""The site's public address: which links are absolute, and what they are built on.

Three cases, from the most trusted:

1. `BASE_URL` (`NEWS_SEARCH_BASE_URL`, `serve --base-url`) names the public
   address, path prefix included (`https://example.org/news`). `BaseURL`, a WSGI
   wrapper, writes it into every request's environ (scheme, host, port and
   `SCRIPT_NAME`), so `url_for` and `request.url_root` give it whatever Host
   header came in; a path that still carries the prefix (a proxy that does not
   strip it) is served all the same.
2. `PROXY_HOPS` > 0 (`serve --proxy-headers N`): werkzeug's `ProxyFix` reads the
   X-Forwarded-For/-Proto/-Host/-Prefix headers of that many proxies, which the
   operator has declared to be there.
3. Neither: the Host header is the client's to choose, so it is trusted only
   when it names this machine (`localhost`, 127.0.0.0/8, `[::1]`), which is
   how a local install is reached. For any other Host, links that can be
   relative are (every page link, the API's `links`, the feed's links); what must
   be absolute (a citation, an Atom id, a CSV permalink column) says where it
   is on the site without naming a host.

`public_root()` is the root absolute links use (None when there is none to
trust) and `absolute(path)` / `external_url(endpoint)` build on it. Both
wrappers act on the WSGI environ, so they work under any server.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class BaseURL:
    """A WSGI wrapper that makes every request look as if it came to `base`."""

    def __init__(self, app: WSGIApp, base: str) -> None:
        self.app = app
        parts = urlsplit(base)
        self.scheme = parts.scheme
        self.host = parts.netloc
        self.server_name = parts.hostname or ""
        self.port = str(parts.port or (443 if parts.scheme == "https" else 80))
        self.prefix = parts.path.rstrip("/")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        environ["news_search.original_host"] = environ.get("HTTP_HOST", "")
        environ["wsgi.url_scheme"] = self.scheme
        environ["HTTP_HOST"] = self.host
        environ["SERVER_NAME"] = self.server_name
        environ["SERVER_PORT"] = self.port
        environ.pop("HTTP_X_FORWARDED_HOST", None)
        if self.prefix:
            path = environ.get("PATH_INFO", "")
            # A proxy that passes the prefix on, or a request made to the server directly
            # with the public path: either way the app sees its own paths.
            if path == self.prefix or path.startswith(self.prefix + "/"):
                path = path[len(self.prefix):]
            environ["PATH_INFO"] = path or "/"
            environ["SCRIPT_NAME"] = self.prefix
        return self.app(environ, start_response)


def wrap(app: Flask) -> None:
    """Put the configured wrappers around the app's WSGI callable (the base URL inside
    the proxy headers, so the base URL wins where both are set)."""
    base = app.config.get("BASE_URL") or ""
    hops = int(app.config.get("PROXY_HOPS") or 0)
    wsgi: WSGIApp = app.wsgi_app
    if base:
        wsgi = BaseURL(wsgi, base)
    if hops:
        wsgi = ProxyFix(wsgi, x_for=hops, x_proto=hops, x_host=hops, x_port=hops,
                        x_prefix=hops)
    app.wsgi_app = wsgi  # type: ignore[method-assign, assignment]


def _local_host(host: str) -> bool:
    """True for a Host header that names this machine: localhost, 127.x.x.x, [::1]."""
    if host.startswith("["):
        name, _, port = host[1:].partition("]")
        port = port[1:] if port.startswith(":") else port or ""
    else:
        name, _, port = host.partition(":")
    if port and not port.isdigit():
        return False
    name = name.lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def public_root() -> str | None:
    """The root that absolute links are built on ('https://example.org/news', no trailing
    slash), or None when the request's Host header cannot be trusted."""
    config = current_app.config
    if config.get("BASE_URL") or config.get("PROXY_HOPS") or _local_host(request.host):
        return request.url_root.rstrip("/")
    return None


def absolute(path: str) -> str:
    """`path` (from `url_for`, so with the site's prefix) as an absolute URL when the
    root is trusted, else as it is."""
    root = public_root()
    if root is None:
        return path
    # url_for's path already starts with the prefix that url_root ends with.
    return request.host_url.rstrip("/") + path


def external_url(endpoint: str, **values: Any) -> str:
    """The URL of `endpoint`: absolute on the trusted root, else relative."""
    return absolute(url_for(endpoint, **values))
