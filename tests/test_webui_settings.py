"""Settings: each declared once with a type, default, environment variable and help text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from webui.settings import SETTINGS, SettingError, load_settings

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_setting_is_declared_and_documented():
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## Web UI and API", 1)[1]
    for setting in SETTINGS:
        assert setting.help.strip().endswith(")") or setting.help.strip().endswith(".")
        assert re.fullmatch(r"NEWS_SEARCH_[A-Z_]+", setting.env)
        assert f"`{setting.env}`" in section, f"{setting.env} is not in the README"
    assert len({s.env for s in SETTINGS}) == len(SETTINGS)


def test_defaults_apply_without_environment():
    values = load_settings({})
    assert values == {s.name: s.default for s in SETTINGS}


def test_environment_overrides_defaults_and_config_overrides_environment(monkeypatch,
                                                                         bundled_index):
    from webui import create_app
    monkeypatch.setenv("NEWS_SEARCH_SITE_TITLE", "Coop archive")
    monkeypatch.setenv("NEWS_SEARCH_FEED_SIZE", "4")
    monkeypatch.setenv("NEWS_SEARCH_INDEX", str(bundled_index))
    app = create_app()
    assert app.config["SITE_TITLE"] == "Coop archive" and app.config["FEED_SIZE"] == 4
    assert app.config["INDEX_DIR"] == str(bundled_index)
    assert app.test_client().get("/").status_code == 200
    assert create_app({"FEED_SIZE": 7}).config["FEED_SIZE"] == 7


@pytest.mark.parametrize("value", ["many", "0", "1000", "2.5"])
def test_a_bad_number_in_the_environment_says_which_variable(value):
    with pytest.raises(SettingError, match="NEWS_SEARCH_FEED_SIZE"):
        load_settings({"NEWS_SEARCH_FEED_SIZE": value})


@pytest.mark.parametrize("size, repeats_cached", [("0", False), ("8", True)])
def test_page_cache_size_comes_from_the_environment(monkeypatch, bundled_index, size: str,
                                                    repeats_cached: bool):
    from webui import create_app
    from webui.engine_ext import get_engine
    monkeypatch.setenv("NEWS_SEARCH_PAGE_CACHE", size)
    app = create_app({"INDEX_DIR": str(bundled_index)})
    client = app.test_client()
    for _ in range(2):
        assert client.get("/?q=cooperative").status_code == 200
    with app.app_context():
        assert (get_engine()._pages.hits > 0) is repeats_cached
