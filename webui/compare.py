"""The compare page's context: up to four queries over time, as a line chart and a table.

`build_compare_chart()` turns a `search.Timeline` into what the template
prints: one line per query (counts, or shares of everything published in the
period), the whole corpus as faint bars scaled to its busiest period (so a gap
in coverage is not mistaken for a fall in attention; the bars have no axis of
their own, the table gives their numbers), every point a link to that query's
results in that period, and the same numbers as a table.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.research.timeline import Timeline

WIDTH = 640
LEFT = 48
RIGHT = 12
TOP = 14
PLOT_HEIGHT = 180
LABEL_HEIGHT = 22
HEIGHT = TOP + PLOT_HEIGHT + LABEL_HEIGHT
MAX_LABELS = 14
MEASURES = ("count", "share")


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    period: str
    label: str   # "kenya, 2024-Q1: 3 (12% of 25 items)"
    href: str


@dataclass(frozen=True, slots=True)
class Line:
    index: int          # 0-3: the series' colour and marker class
    query: str
    points: list[Point]
    polyline: str       # "x,y x,y ..."
    total: int


@dataclass(frozen=True, slots=True)
class BaseBar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True, slots=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class AxisLabel:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Row:
    period: str
    baseline: int
    cells: list[str]    # per series: "3" or "3 (12.0%)"


@dataclass(frozen=True, slots=True)
class CompareChart:
    width: int
    height: int
    lines: list[Line]
    base_bars: list[BaseBar]
    ticks: list[Tick]
    labels: list[AxisLabel]
    label_y: float
    axis_y: float
    plot_left: int
    plot_right: int
    title: str
    description: str
    rows: list[Row]


def _nice_max(value: float, share: bool) -> float:
    """A round top for the y axis (1, 2, 2.5 or 5 times a power of ten), at or above `value`."""
    floor = 0.01 if share else 1.0
    value = max(value, floor)
    return min(step * 10.0 ** power for power in range(-4, 10) for step in (1, 2, 2.5, 5)
               if step * 10.0 ** power >= value)


def _format(value: float, share: bool) -> str:
    if share:
        percent = value * 100
        return f"{percent:.0f}%" if percent >= 10 or percent == 0 else f"{percent:.1f}%"
    return f"{value:,.0f}"


def build_compare_chart(timeline: Timeline, measure: str, show_baseline: bool,
                        href_for) -> CompareChart | None:
    """The chart and table for `timeline`; None when there are no periods."""
    periods = timeline.periods
    if not periods or not timeline.series:
        return None
    share = measure == "share"
    values = [timeline.shares(s) if share else [float(c) for c in s.counts]
              for s in timeline.series]
    top = _nice_max(max((v or 0.0) for series in values for v in series), share)
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / len(periods)
    axis_y = TOP + PLOT_HEIGHT

    def x_of(index: int) -> float:
        return round(LEFT + slot * (index + 0.5), 2)

    def y_of(value: float) -> float:
        return round(axis_y - PLOT_HEIGHT * value / top, 2)

    lines = []
    for index, (series, series_values) in enumerate(zip(timeline.series, values, strict=True)):
        points = []
        for i, (period, count, value) in enumerate(zip(periods, series.counts, series_values,
                                                       strict=True)):
            base = timeline.baseline[i]
            detail = f"{count:,}" + (f" ({_format(value or 0.0, True)} of {base:,} items)"
                                     if share and base else "")
            points.append(Point(x_of(i), y_of(value or 0.0), period,
                                f"{series.query}, {period}: {detail}",
                                href_for(series.query, period)))
        lines.append(Line(index, series.query, points,
                          " ".join(f"{p.x},{p.y}" for p in points), series.total))
    base_bars = []
    most = max(timeline.baseline, default=0)
    if show_baseline and most:
        width = max(slot * 0.8, 1.0)
        for i, (period, base) in enumerate(zip(periods, timeline.baseline, strict=True)):
            height = round(PLOT_HEIGHT * base / most, 2)
            base_bars.append(BaseBar(round(x_of(i) - width / 2, 2), round(axis_y - height, 2),
                                     round(width, 2), height, f"{period}: {base:,} items in all"))
    ticks = [Tick(y_of(top * f), _format(top * f, share)) for f in (0, 0.25, 0.5, 0.75, 1)]
    step = max(1, -(-len(periods) // MAX_LABELS))
    labels = [AxisLabel(x_of(i), period) for i, period in enumerate(periods) if i % step == 0]
    what = "share of all items" if share else "items"
    names = ", ".join(f"\u201c{s.query}\u201d" for s in timeline.series)
    span = periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
    peaks = "; ".join(
        f"\u201c{line.query}\u201d peaks in {min(line.points, key=lambda p: p.y).period}"
        for line in lines if line.total)
    description = (f"Line chart of {what} per {timeline.granularity} for {names}, {span}. "
                   + (peaks + ". " if peaks else "No matches. ")
                   + ("Grey bars show all items per period on their own scale."
                      if base_bars else ""))
    rows = []
    for i, period in enumerate(periods):
        cells = []
        for series, series_values in zip(timeline.series, values, strict=True):
            count = series.counts[i]
            cells.append(f"{count:,}" + (f" ({_format(series_values[i] or 0.0, True)})"
                                         if share and timeline.baseline[i] else ""))
        rows.append(Row(period, timeline.baseline[i], cells))
    return CompareChart(width=WIDTH, height=HEIGHT, lines=lines, base_bars=base_bars,
                        ticks=ticks, labels=labels, label_y=axis_y + LABEL_HEIGHT - 6,
                        axis_y=axis_y, plot_left=LEFT, plot_right=WIDTH - RIGHT,
                        title=f"{what.capitalize()} per {timeline.granularity}",
                        description=description, rows=rows)
