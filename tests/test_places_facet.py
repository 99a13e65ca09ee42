"""The country and region facets: places found at index time, regions derived from them.

The country facet's values come from `corpus.places` over each item's title, summary and
body when the index is built; the region facet's from the country column when it loads
(UN M49 and ILO regions). Both reach the page, the API, the exports and the CLI through
their declarations; a code that is no country or region is a 400 naming the nearest.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from answers_support import ITEMS
from bs4 import BeautifulSoup
from click.testing import CliRunner
from tests_support import request

from corpus import Article
from corpus.places import places, region_countries
from search import InputError
from search.facets import COUNTRY, REGION


def _expected_countries() -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in ITEMS:
        text = "\n".join(item.get(k, "") for k in ("title", "summary", "body"))
        for code in places(text):
            counts[code] = counts.get(code, 0) + 1
    return counts


def test_countries_are_found_at_index_time_in_title_summary_and_body(answers_engine) -> None:
    page = answers_engine.search(request(per_page=50))
    counts = dict(page.facet_counts("country"))
    assert counts == _expected_countries()
    assert counts["KE"] == 1 and counts["JO"] == 1  # Jordan is named in the body only
    body_only = answers_engine.search(request(country="JO")).hits[0]
    assert body_only.article.title == "Cooperatives after the pandemic"
    assert set(body_only.facets["country"]) == {"JO", "LB"}


def test_regions_are_those_of_the_countries_each_item_counted_once(answers_engine) -> None:
    counts = dict(answers_engine.search(request()).facet_counts("region"))
    east = set(region_countries("eastern-africa"))
    expected = sum(1 for item in ITEMS if places(
        "\n".join(item.get(k, "") for k in ("title", "summary", "body"))) & east)
    assert counts["eastern-africa"] == expected == 4  # Kenya, Uganda, Ethiopia, Rwanda
    # Jordan and Lebanon are both Arab States: the item counts once.
    assert counts["ilo-arab-states"] == 1
    filtered = answers_engine.search(request(region="ilo-africa", per_page=50))
    assert {h.article.title for h in filtered.hits} == {
        item["title"] for item in ITEMS if places(item["title"] + "\n" + item["summary"])
        & set(region_countries("ilo-africa"))}
    assert all("ilo-africa" in hit.facets["region"] for hit in filtered.hits)


def test_filters_combine_as_the_other_facets_do(answers_engine) -> None:
    either = answers_engine.search(request(country=["ke", "UG"]))  # any of them, any case
    assert either.total == 2
    both = answers_engine.search(request(country="KE", region="eastern-africa"))
    assert both.total == 1
    # A real country no item is about selects nothing: not an error.
    assert answers_engine.search(request(country="IS")).total == 0


@pytest.mark.parametrize(("params", "param", "near"), [
    ({"country": "Kenya"}, "country", "country=KE"),
    ({"country": "ZZ"}, "country", "ZW (Zimbabwe)"),
    ({"country": "KEN"}, "country", "KE (Kenya)"),
    ({"region": "east-africa"}, "region", "eastern-africa"),
])
def test_unknown_codes_name_the_valid_ones_near_them(answers_engine, params, param,
                                                     near) -> None:
    with pytest.raises(InputError) as raised:
        answers_engine.search(request(**params))
    assert raised.value.param == param and near in raised.value.message


def test_web_api_and_exports_carry_places(answers_client) -> None:
    soup = BeautifulSoup(answers_client.get("/?country=KE").get_data(as_text=True),
                         "html.parser")
    panel = soup.find(id="country-facets")
    assert panel is not None
    labels = [a.find(class_="label").get_text(" ", strip=True) for a in panel.find_all("a")]
    assert any("Kenya" in label for label in labels)  # the name, not the code
    chips = [a.get_text(" ", strip=True) for a in soup.select("ul.chips a.chip")]
    assert any("Country: Kenya" in chip for chip in chips)
    assert soup.find(id="region-facets") is not None

    bad = answers_client.get("/?country=Kenia")
    assert bad.status_code == 400
    assert "Kenya" in BeautifulSoup(bad.data, "html.parser").find(id="form-error").get_text()
    api = answers_client.get("/api/search?region=eastern-africa&per_page=50").get_json()
    assert api["regions"] == ["eastern-africa"] and api["total"] == 4
    assert {c for hit in api["hits"] for c in hit["countries"].split("; ")} == \
        {"KE", "UG", "ET", "RW"}
    error = answers_client.get("/api/search?country=XY")
    assert error.status_code == 400 and error.get_json()["param"] == "country"

    text = answers_client.get("/export.csv?country=VN").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1 and rows[0]["countries"] == "IN; PH; VN"
    assert "south-eastern-asia" in rows[0]["regions"].split("; ")


def test_item_page_shows_the_places_and_the_words_that_named_them(answers_client,
                                                                 answers_engine) -> None:
    hit = answers_engine.search(request(country="KE")).hits[0]
    soup = BeautifulSoup(answers_client.get(f"/items/{hit.article.id}").data, "html.parser")
    place = soup.select_one("#places li")
    assert place.select_one("a.place")["href"] == "/?country=KE"
    evidence = place.select_one(".evidence").get_text()
    assert "Kenya" in evidence and "Nairobi" in evidence and "Kenyan" in evidence
    assert "/?region=eastern-africa" in [a["href"] for a in place.select("a.region")]


def test_cli_filters_by_country_and_region(answers_index) -> None:
    from webui.cli import main

    result = CliRunner().invoke(main, ["search", "", "--region", "ilo-arab-states", "--json",
                                       "--index", str(answers_index)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["regions"] == ["ilo-arab-states"] and data["total"] == 1
    bad = CliRunner().invoke(main, ["search", "", "--country", "Jordan",
                                    "--index", str(answers_index)])
    assert bad.exit_code != 0 and "country=JO" in bad.output
    assert "--country" in CliRunner().invoke(main, ["search", "--help"]).output


def test_the_declarations() -> None:
    article = Article.create(title="Nairobi meeting", date=date(2024, 1, 1),
                             summary="", body="Delegates from Senegal came.")
    assert COUNTRY.item_values(article) == ("KE", "SN")
    assert set(REGION.item_values(article)) >= {"eastern-africa", "western-africa",
                                                "ilo-africa"}
    assert REGION.derived and not COUNTRY.derived
    assert COUNTRY.check is not None and COUNTRY.check("ke") is None
    assert COUNTRY.display("KE") == "Kenya" and REGION.display("ilo-africa") == \
        "Africa (ILO region)"


def test_the_form_shows_names_and_keeps_long_lists_to_the_chosen() -> None:
    from corpus.places import all_countries
    from webui.context import make_form
    from webui.links import SearchParams

    codes = sorted(all_countries())[:40]
    params = SearchParams(filters=(("country", (codes[3],)),))
    boxes = {g.name: g.boxes for g in make_form(params, {"country": codes}, None).facets}
    assert [(b.value, b.checked) for b in boxes["country"]] == [(codes[3], True)]
    assert boxes["country"][0].label == all_countries()[codes[3]].name
    every = {g.name: g.boxes for g in make_form(params, {"country": codes}, None,
                                                  max_boxes=None).facets}
    assert len(every["country"]) == 40
