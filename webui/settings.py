"""The web UI's settings, declared once: name, type, default, environment variable, help.

`create_app(config)` reads each setting from its environment variable when set,
then applies `config` on top. The README's "Web UI and API" section lists them
all (a test checks that none is undocumented).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from search import BUDGET_LIMITS, Budget


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


SETTINGS: tuple[Setting, ...] = (
    Setting("INDEX_DIR", str, None, "NEWS_SEARCH_INDEX",
            "Index directory to serve (default: ~/.local/share/news-search/index, "
            "or $XDG_DATA_HOME/news-search/index)."),
    Setting("SITE_TITLE", str, "news-search", "NEWS_SEARCH_SITE_TITLE",
            "Name shown in the page header, page titles and the Atom feed."),
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


class SettingError(ValueError):
    """A setting's value from the environment cannot be used."""


def _convert(setting: Setting, raw: str) -> Any:
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
