"""The results-over-time chart's geometry (webui/chart.py)."""

from __future__ import annotations

from webui.chart import HEIGHT, WIDTH, build_chart


def href(key: str) -> str:
    return f"/?from={key}&to={key}"


def test_gaps_between_years_are_drawn_as_empty_bars():
    chart = build_chart([("2008", 3), ("2011", 6)], "year", href, "items")
    assert [(b.key, b.count) for b in chart.bars] == [("2008", 3), ("2009", 0), ("2010", 0),
                                                      ("2011", 6)]
    assert [b.href for b in chart.bars] == [href("2008"), "", "", href("2011")]
    assert chart.bars[3].height == 2 * chart.bars[0].height
    assert chart.bars[1].height == 0
    assert "2008 to 2011" in chart.description and "6, in 2011" in chart.description


def test_bars_stay_inside_the_picture_and_do_not_overlap():
    counts = [(str(year), (year * 7) % 13 + 1) for year in range(1990, 2025)]
    chart = build_chart(counts, "year", href, "results for 'x'")
    for bar, following in zip(chart.bars, chart.bars[1:]):
        assert bar.x + bar.width <= following.x
    assert chart.bars[0].x >= 0 and chart.bars[-1].x + chart.bars[-1].width <= WIDTH
    assert all(0 <= b.y and b.y + b.height <= HEIGHT for b in chart.bars)
    labelled = [b.short for b in chart.bars if b.short]
    assert 1 < len(labelled) <= 16 and labelled[0] == "1990"  # thinned, never crowded


def test_months_inside_one_year():
    chart = build_chart([("2024-01", 5), ("2024-03", 4)], "month", href, "items")
    assert [(b.key, b.short, b.name) for b in chart.bars] == [
        ("2024-01", "Jan", "January 2024"), ("2024-02", "Feb", "February 2024"),
        ("2024-03", "Mar", "March 2024")]
    assert chart.title == "Items per month"


def test_nothing_to_draw():
    assert build_chart([], "year", href, "items") is None


def test_bucket_names():
    from webui.chart import bucket_name
    assert bucket_name("2024-02") == "February 2024"
    assert bucket_name("2024") == "2024"
    for typed in ("Feb2024", "6/02/24", "2024-13", "2024-2", "6 Feb 2024"):
        assert bucket_name(typed) == typed
