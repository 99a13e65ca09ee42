"""Facets that scale: the side panel shows ten values with counts, then "more"; the form
has no wall of checkboxes; the heading of a filtered search states the filter."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests_support import request

from search import Engine


def test_ten_values_then_more_all_with_counts(page_of, ilo_engine: Engine) -> None:
    query = "cooperative OR co-operators OR economy OR newsupdate OR finance OR youth"
    soup = page_of(f"/?q={query}")
    expected = ilo_engine.search(request(q=query)).facet_counts("kind")
    assert len(expected) > 10
    top = soup.select("#kind-facets > li")
    more = soup.select("#kind-more li")
    assert len(top) == 10 and len(more) == len(expected) - 10
    shown = [(li.select_one(".label").get_text(" ", strip=True),
              int(li.select_one(".count").get_text())) for li in top + more]
    assert shown == [(value or "(no kind)", count) for value, count in expected]
    assert soup.select_one("#kind-more summary").get_text() == f"{len(more)} more kinds"
    assert not soup.select("form.search input[type=checkbox][name=kind]")


def test_a_chosen_value_beyond_ten_stays_in_view(page_of, ilo_engine: Engine) -> None:
    query = "cooperative OR co-operators OR economy OR newsupdate OR finance OR youth"
    counts = ilo_engine.search(request(q=query)).facet_counts("kind")
    rare = counts[-1][0]
    soup = page_of(f"/?q={query}&kind={rare}")
    active = soup.select_one("#kind-facets a[aria-current]")
    assert active is not None and rare in active.get_text()
    assert "kind" not in parse_qs(urlsplit(active["href"]).query)


def test_the_heading_states_the_filter_not_the_span(page_of, ilo_engine: Engine) -> None:
    assert page_of("/?q=cooperatives&from=2024-02&to=2024-02").select_one(
        "#total").get_text().endswith("in February 2024")
    assert page_of("/?q=cooperatives&from=2019&to=2021").select_one(
        "#total").get_text().endswith("from 2019 to 2021")
    assert page_of("/?q=cooperatives&kind=News").select_one(
        "#total").get_text().endswith("(kind News)")
    # Without a filter it gives the span of the results.
    years = [year for year, _ in ilo_engine.search(request(q="cooperatives")).years]
    assert page_of("/?q=cooperatives").select_one("#total").get_text().endswith(
        f", {years[0]}–{years[-1]}")
