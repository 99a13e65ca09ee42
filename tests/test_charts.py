"""The charts as SVG: round ticks, distinct markers, gaps for 0 of 0, the baseline's own
axis, the items behind every point, a note on thin points, labels kept inside, titles and
axis labels, and the same picture downloaded as SVG and PNG. Tested by parsing the SVG."""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from search.research.timeline import Series, Timeline
from webui.chart import CHAR_WIDTH, label_step, labelled, nice_ticks, tick_text
from webui.chartfiles import png_available
from webui.compare import FEW, build_compare_chart

SVG = "{http://www.w3.org/2000/svg}"


def href(query: str, period: str) -> str:
    return f"/?q={query}&period={period}"


@pytest.mark.parametrize(("top", "whole", "expected"), [
    (1, True, [0, 1]), (2.5, True, [0, 1, 2, 3]), (3.75, True, [0, 1, 2, 3, 4]),
    (0, True, [0, 1]), (7, True, [0, 2, 4, 6, 8]), (130, True, [0, 50, 100, 150]),
    (0.0375, False, [0, 0.01, 0.02, 0.03, 0.04]), (0.5, False, [0, 0.1, 0.2, 0.3, 0.4, 0.5]),
])
def test_nice_ticks_are_round_and_never_a_fraction_of_an_item(top, whole, expected) -> None:
    ticks = nice_ticks(top, whole)
    assert ticks == pytest.approx(expected)
    labels = [tick_text(t, share=not whole) for t in ticks]
    assert len(set(labels)) == len(labels)  # never "0, 0, 0, 1, 1"


def test_labels_keep_a_calendar_rhythm_and_do_not_touch() -> None:
    quarters = [f"{y}-Q{q}" for y in range(2016, 2022) for q in range(1, 5)]
    step = label_step(quarters, "quarter", room=600)
    shown = [k for k, on in zip(quarters, labelled(quarters, "quarter", step)) if on]
    assert step in (2, 4, 8) and all(k.endswith("Q1") or step == 2 for k in shown)
    assert len(shown) * (7 * CHAR_WIDTH + 10) <= 600
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    assert label_step(months, "month", room=600) in (1, 2, 3)


def _timeline(counts: list[list[int]], baseline: list[int], granularity: str = "year",
              periods: list[str] | None = None) -> Timeline:
    periods = periods or [str(2015 + i) for i in range(len(baseline))]
    return Timeline(granularity, periods,
                    [Series(f"q{i}", c) for i, c in enumerate(counts)], baseline)


@functools.cache
def _app():  # type: ignore[no-untyped-def]
    from webui import create_app
    return create_app({"INDEX_DIR": "/nonexistent", "TESTING": True})


def _svg(chart, standalone: bool = False) -> BeautifulSoup:
    with _app().test_request_context():
        from flask import render_template
        markup = render_template("research/_compare_svg.html", chart=chart,
                                 standalone=standalone)
    return BeautifulSoup(markup, "html.parser")


def test_coinciding_series_stay_visible_with_distinct_markers() -> None:
    same = [1, 2, 1, 3]
    chart = build_compare_chart(_timeline([same, same, same, same], [10] * 4), "count",
                                False, href)
    soup = _svg(chart)
    groups = soup.select("g.series")
    assert len({g["data-marker"] for g in groups}) == 4
    assert len({g.select_one("polyline")["stroke"] for g in groups}) == 4
    assert len({g.select_one("polyline").get("stroke-dasharray", "") for g in groups}) == 4
    shapes = [g.select("path.marker")[0]["d"] for g in groups]
    assert len(set(shapes)) == 4  # a circle, a square, a triangle, a diamond
    y_labels = [t.get_text() for t in soup.select("text.ytick")]
    assert y_labels == ["0", "1", "2", "3"]


def test_nothing_published_is_a_gap_not_a_zero() -> None:
    chart = build_compare_chart(_timeline([[2, 0, 0, 3]], [10, 0, 0, 12]), "share", True,
                                href)
    soup = _svg(chart)
    assert len(soup.select("g.series polyline")) == 2  # broken where nothing was published
    titles = [p.find("title").get_text() for p in soup.select("path.marker")]
    assert titles == ["q0, 2015: 2 of 10 items (20%)", "q0, 2018: 3 of 12 items (25%)"]
    assert [row.cells[0] for row in chart.rows] == ["2 of 10 (20.0%)", "no items",
                                                    "no items", "3 of 12 (25.0%)"]
    assert "left as gaps" in chart.description


def test_the_baseline_has_its_own_labelled_axis() -> None:
    chart = build_compare_chart(_timeline([[1, 2, 3]], [40, 120, 80]), "count", True, href)
    soup = _svg(chart)
    right = [t.get_text() for t in soup.select("text.base-tick")]
    assert right == ["0", "50", "100", "150"]
    labels = [t.get_text() for t in soup.select("text.axis-label")]
    assert labels == ["Items", "All items (bars)", "Year"]
    tallest = max(soup.select("rect.base"), key=lambda r: float(r["height"]))
    assert tallest.find("title").get_text() == "2016: 120 items in all"


def test_a_point_on_few_items_is_hollow_and_noted() -> None:
    chart = build_compare_chart(_timeline([[1, 2, 30]], [2, 3, 100]), "share", False, href)
    soup = _svg(chart)
    markers = soup.select("path.marker")
    assert [("few" in m["class"]) for m in markers] == [True, True, False]
    assert markers[0]["fill"] == "#ffffff" and markers[2]["fill"] != "#ffffff"
    assert chart.few_note.startswith(f"Hollow markers rest on fewer than {FEW} items")
    plenty = build_compare_chart(_timeline([[10, 20, 30]], [20, 30, 100]), "share", False, href)
    assert plenty.few_note == ""


def test_labels_stay_inside_and_the_chart_has_a_title_and_axis_labels() -> None:
    periods = [f"{y}-Q{q}" for y in range(2010, 2025) for q in range(1, 5)]
    counts = [[(i * 7) % 5 for i in range(len(periods))]]
    chart = build_compare_chart(_timeline(counts, [9] * len(periods), "quarter", periods),
                                "count", True, href)
    soup = _svg(chart, standalone=True)
    width = chart.width
    for text in soup.select("text.tick"):
        x, size = float(text["x"]), len(text.get_text()) * CHAR_WIDTH
        left = {"start": x, "end": x - size}.get(text["text-anchor"], x - size / 2)
        assert 0 <= left and left + size <= width, text
    assert soup.select_one("text.chart-title").get_text() == "Items per quarter"
    assert soup.select_one("svg")["height"] == str(chart.file_height)


def test_the_pages_offer_the_charts_as_files(client, page) -> None:
    soup = page("/compare?q=kenya&q=cooperative&by=month")
    caption = soup.select_one("figure.compare-chart figcaption")
    links = {a.get_text(): a["href"] for a in caption.find_all("a")}
    assert links["the chart (SVG)"] == "/compare.svg?q=kenya&q=cooperative&by=month"
    response = client.get(links["the chart (SVG)"])
    assert response.mimetype == "image/svg+xml"
    assert "attachment" in response.headers["Content-Disposition"]
    root = ET.fromstring(response.get_data(as_text=True))
    assert root.tag == f"{SVG}svg" and root.get("width") and root.get("height")
    # Styled as on the page: colours as attributes, nothing left to a stylesheet.
    for element in root.iter(f"{SVG}rect"):
        assert element.get("fill"), element.attrib
    for element in root.iter(f"{SVG}polyline"):
        assert element.get("stroke") and element.get("fill") == "none"
    bars = page("/?q=cooperative").select_one("figure.chart figcaption")
    svg_link = bars.find("a", string="SVG")["href"]
    chart = client.get(svg_link)
    assert chart.mimetype == "image/svg+xml"
    assert ET.fromstring(chart.get_data(as_text=True)).find(f"{SVG}title").text \
        == "Results for 'cooperative' per year"
    assert client.get("/chart.svg?q=zzzqqq").status_code == 404


@pytest.mark.skipif(not png_available(), reason="the cairo library is not installed")
def test_png_downloads(client) -> None:
    for url in ("/compare.png?q=kenya", "/chart.png?q=kenya"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
