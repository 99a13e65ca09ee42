"""The web UI's settings, declared once: name, type, default, environment variable, help.

`create_app(config)` reads each setting from its environment variable when set,
then applies `config` on top. The README's "Web UI and API" section lists them
all (a test checks that none is undocumented). A setting with a `parse`
function is read by it (a URL, a list of origins), which raises `SettingError`
with the variable's name when the value cannot be used.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from search import BUDGET_LIMITS, Budget


class SettingError(ValueError):
    """A setting's value from the environment cannot be used."""


def parse_base_url(raw: str, where: str = "NEWS_SEARCH_BASE_URL") -> str:
    """The public address of the site, as `https://example.org/news` (no trailing slash):
    an http(s) URL with a host, and no query, fragment or user name."""
    text = raw.strip()
    if not text:
        return ""
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname \
            or parts.query or parts.fragment or parts.username or "@" in parts.netloc \
            or any(ch.isspace() for ch in text):
        raise SettingError(f"{where}={text[:100]!r}: must be the site's public address, an "
                           "http or https URL such as https://example.org/news (no query, "
                           "fragment or user name)")
    del port
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def parse_origins(raw: str, where: str = "NEWS_SEARCH_CORS") -> tuple[str, ...]:
    """Origins allowed to call the API from a browser: `*`, or origins such as
    `https://notebook.example.org` separated by spaces or commas; empty: none."""
    items = tuple(dict.fromkeys(part for part in raw.replace(",", " ").split() if part))
    if items == ("*",):
        return items
    for origin in items:
        parts = urlsplit(origin)
        if origin == "*" or parts.scheme not in ("http", "https") or not parts.netloc \
                or parts.path or parts.query or parts.fragment:
            raise SettingError(f"{where}: {origin[:100]!r} is not an origin; give * alone, or "
                               "origins such as https://example.org or http://localhost:8888 "
                               "(scheme, host and port; no path) separated by spaces")
    return tuple(origin.lower() for origin in items)


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its config key, type, default, environment variable and help text."""

    name: str
    type: type
    default: Any
    env: str
    help: str
    low: float = 1
    high: float = 1_000
    parse: Callable[[str], Any] | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("INDEX_DIR", str, None, "NEWS_SEARCH_INDEX",
            "Index directory to serve (default: ~/.local/share/news-search/index, "
            "or $XDG_DATA_HOME/news-search/index)."),
    Setting("SITE_TITLE", str, "news-search", "NEWS_SEARCH_SITE_TITLE",
            "Name shown in the page header, page titles and the Atom feed."),
    Setting("BASE_URL", str, "", "NEWS_SEARCH_BASE_URL",
            "The site's public address (https://example.org/news): every absolute link, "
            "citation, feed id and API link is built on it, whatever Host header a request "
            "carries (`serve --base-url` sets it).", parse=parse_base_url),
    Setting("PROXY_HOPS", int, 0, "NEWS_SEARCH_PROXY_HOPS",
            "How many reverse proxies in front of the site set X-Forwarded-For, -Proto, "
            "-Host and -Prefix; their values are trusted for that many hops (0: none "
            "trusted; `serve --proxy-headers N` sets it; 0-10).", 0, 10),
    Setting("CORS", tuple, (), "NEWS_SEARCH_CORS",
            "Origins whose pages may call the API, exports and feed from a browser: `*` "
            "for any, or origins separated by spaces (default: none).", parse=parse_origins),
    Setting("PUBLISHER", str, "", "NEWS_SEARCH_PUBLISHER",
            "The publisher citations name for an item whose source names none (e.g. the "
            "organisation whose archive this is)."),
    Setting("AUTHOR", str, "", "NEWS_SEARCH_AUTHOR",
            "The author citations name for every item (default: the publisher, as a "
            "corporate author)."),
    Setting("PUBLISHERS_FILE", str, None, "NEWS_SEARCH_PUBLISHERS",
            "A file of `web host or source file = publisher` lines, read after the bundled "
            "webui/data/publishers.txt (its lines win)."),
    Setting("FEED_SIZE", int, 20, "NEWS_SEARCH_FEED_SIZE",
            "How many of the newest matches the Atom feed carries (1-100).", 1, 100),
    Setting("MORE_LIKE_THIS", int, 5, "NEWS_SEARCH_MORE_LIKE_THIS",
            "How many similar items an item page lists (1-20).", 1, 20),
    Setting("PAGE_CACHE", int, 512, "NEWS_SEARCH_PAGE_CACHE",
            "How many recent result pages the server keeps for instant repeats "
            "(0 turns the cache off; 0-100000).", 0, 100_000),
    # What one request may spend (search.budget): each limit of the cost model.
    *(Setting(f"BUDGET_{limit.name.upper()}", float if "seconds" in limit.name else int,
              limit.default if "seconds" in limit.name else int(limit.default),
              f"NEWS_SEARCH_BUDGET_{limit.name.upper()}",
              f"{limit.help} Default {limit.default:g}.", limit.low, limit.high)
      for limit in BUDGET_LIMITS),
)


def budget_of(config: Mapping[str, Any]) -> Budget:
    """The request budget the settings give."""
    return Budget.defaults(**{limit.name: config[f"BUDGET_{limit.name.upper()}"]
                              for limit in BUDGET_LIMITS})


def _convert(setting: Setting, raw: str) -> Any:
    if setting.parse is not None:
        return setting.parse(raw)
    if setting.type in (int, float):
        try:
            value = setting.type(raw.strip())
        except ValueError:
            what = "a whole number" if setting.type is int else "a number"
            raise SettingError(f"{setting.env}={raw!r}: must be {what} from "
                               f"{setting.low:g} to {setting.high:g}") from None
        if not setting.low <= value <= setting.high:
            raise SettingError(f"{setting.env}={value}: must be from {setting.low:g} to "
                               f"{setting.high:g}")
        return value
    return raw.strip() or setting.default


def load_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting's value: its environment variable when set, else its default."""
    environ = os.environ if environ is None else environ
    values = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        values[setting.name] = setting.default if raw is None else _convert(setting, raw)
    return values


def check_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The settings given in code (`create_app(config)`, `serve --base-url`) read by the
    same rules as the environment's: a string for a setting with a parser is parsed."""
    checked = dict(config)
    for setting in SETTINGS:
        value = checked.get(setting.name)
        if setting.parse is not None and isinstance(value, str):
            checked[setting.name] = setting.parse(value)
    return checked
