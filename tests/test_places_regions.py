"""Countries and regions (corpus/places/countries.py): codes, names, schemes, suggestions."""

from __future__ import annotations

import re

import pytest

from corpus.places import (
    ILO_SCHEME,
    M49_SCHEME,
    all_countries,
    country,
    country_name,
    near_countries,
    near_regions,
    region,
    region_countries,
    regions,
    regions_of,
    resolve_country,
    unknown_country_message,
    unknown_region_message,
)


def test_country_codes_and_display_names():
    assert country_name("KE") == "Kenya"
    assert country_name("ke") == "Kenya"
    assert country_name("KR") == "South Korea"
    assert country_name("CD") == "Democratic Republic of the Congo"
    assert country_name("ZZ") == "ZZ"
    assert country("XK") is not None and country("XK").name == "Kosovo"
    assert country("ZZ") is None
    kenya = country("KE")
    assert kenya and (kenya.alpha3, kenya.numeric) == ("KEN", "404")
    assert len(all_countries()) == 250   # ISO 3166-1 and Kosovo


def test_region_codes_are_url_safe_and_unique():
    table = regions()
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", code) for code in table)
    assert {r.scheme for r in table.values()} == {M49_SCHEME, ILO_SCHEME}
    assert len(regions(ILO_SCHEME)) == 5


def test_un_m49_regions_nest():
    eastern = region("eastern-africa")
    assert eastern and eastern.m49 == "014" and eastern.parent == "sub-saharan-africa"
    assert "KE" in eastern.countries and "EG" not in eastern.countries
    assert region("Sub-Saharan-Africa") == region("sub-saharan-africa")
    assert [r.code for r in regions_of("KE", M49_SCHEME)] == [
        "africa", "sub-saharan-africa", "eastern-africa"]
    assert set(region_countries("sub-saharan-africa")) >= set(region_countries("eastern-africa"))
    assert region_countries("nowhere") == ()


@pytest.mark.parametrize("code, ilo_region", [
    ("JO", "ilo-arab-states"), ("PS", "ilo-arab-states"), ("SA", "ilo-arab-states"),
    ("EG", "ilo-africa"), ("MA", "ilo-africa"), ("KE", "ilo-africa"),
    ("TR", "ilo-europe-central-asia"), ("KZ", "ilo-europe-central-asia"),
    ("IL", "ilo-europe-central-asia"), ("FR", "ilo-europe-central-asia"),
    ("IR", "ilo-asia-pacific"), ("IN", "ilo-asia-pacific"), ("FJ", "ilo-asia-pacific"),
    ("BR", "ilo-americas"), ("CA", "ilo-americas"),
])
def test_ilo_regions(code, ilo_region):
    assert [r.code for r in regions_of(code, ILO_SCHEME)] == [ilo_region]


def test_every_inhabited_country_has_one_region_in_each_scheme():
    for code in all_countries():
        if code in ("AQ", "HM"):   # Antarctica and Heard Island: in no region
            continue
        assert len(regions_of(code, ILO_SCHEME)) == 1, code
        assert regions_of(code, M49_SCHEME)[0].level == "region", code
    assert region("ilo-arab-states").label == "Arab States (ILO region)"
    assert region("western-asia").label == "Western Asia"


@pytest.mark.parametrize("typed, code", [
    ("KE", "KE"), ("ke", "KE"), ("KEN", "KE"), ("404", "KE"), ("Kenya", "KE"),
    ("viet nam", "VN"), ("Republic of Korea", "KR"), ("Côte d'Ivoire", "CI"),
])
def test_resolve_country(typed, code):
    assert resolve_country(typed) == code


def test_resolve_country_rejects_what_names_no_one_country():
    assert resolve_country("") is None
    assert resolve_country("Nowhere") is None
    assert resolve_country("Africa") is None


def test_near_countries_for_an_error_message():
    assert near_countries("UK")[0].code == "GB"       # the EU's code for the UK
    assert "KE" in [c.code for c in near_countries("Kenia")]
    assert "KE" in [c.code for c in near_countries("KEN")]
    assert len(near_countries("Q")) <= 5


def test_the_messages_for_unknown_codes_name_the_nearest_valid_ones():
    message = unknown_country_message("UK")
    assert "'UK'" in message and "GB (United Kingdom)" in message
    assert unknown_country_message("kenya") == (
        "country='kenya': use the two-letter ISO 3166-1 code, country=KE (Kenya).")
    assert "eastern-africa (Eastern Africa)" in unknown_region_message("east-africa")
    assert "ilo-arab-states (Arab States (ILO region))" in unknown_region_message("arab-states")


def test_near_regions_for_an_error_message():
    assert "eastern-africa" in [r.code for r in near_regions("east-africa")]
    assert near_regions("arab")[0].code == "ilo-arab-states"
    assert near_regions("asia-pacific")[0].code == "ilo-asia-pacific"
