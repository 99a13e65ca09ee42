"""The compare page's context: up to four queries over time, as a line chart and a table.

`build_compare_chart()` turns a `search.Timeline` into what the template
prints (`research/_compare_svg.html`, the same SVG inline and as a download):

- one line per query, counts or shares of everything published in the period,
  on a left axis of round ticks (`chart.nice_ticks`: never "0, 0, 0, 1, 1");
- each series its own colour, dash and marker (circle, square, triangle,
  diamond), the later markers smaller, so series that coincide stay visible;
- a period with no items at all (0 of 0) is a gap in the line, not a zero;
- a point resting on fewer than `FEW` items (the period's items for a share,
  the query's for a count) is drawn hollow, and a note under the chart says
  what that means;
- every point a link to that query's results in that period, its label and
  the table giving the items behind it ("3 of 25 items, 12%");
- the whole corpus as faint bars on their own right-hand axis, labelled, so a
  gap in coverage is not mistaken for a fall in attention;
- a title, axis labels, and x labels at a calendar rhythm kept inside the
  picture.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.research.timeline import Timeline
from webui.chart import fit_label, label_step, labelled, nice_ticks, tick_text

WIDTH = 680
LEFT = 58
RIGHT = 16
RIGHT_AXIS = 58    # room for the baseline's own axis
TOP = 34
PLOT_HEIGHT = 200
BOTTOM = 42
HEIGHT = TOP + PLOT_HEIGHT + BOTTOM
LEGEND = 22        # the standalone file's legend row, below the picture
MEASURES = ("count", "share")
FEW = 5            # a point resting on fewer items than this is drawn hollow
COLOURS = ("#0b5cad", "#b4490c", "#1d7a3a", "#6d28a8")
DASHES = ("", "7 3", "2 3", "10 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")
SIZES = (5.5, 4.8, 4.6, 4.0)   # later series smaller, so a coinciding one shows around it
_PERIOD_UNIT = {"year": "year", "quarter": "quarter", "month": "month"}


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    period: str
    label: str   # "kenya, 2024-Q1: 3 of 25 items (12%)"
    href: str
    few: bool    # rests on fewer than FEW items: drawn hollow
    shape: str   # the SVG path of its marker, centred on (x, y)


@dataclass(frozen=True, slots=True)
class Line:
    index: int          # 0-3: the series' colour, dash and marker
    query: str
    points: list[Point]
    segments: list[str]  # "x,y x,y ..." per stretch between gaps
    total: int
    colour: str
    dash: str
    marker: str
    swatch: str          # the marker's path for the legend, centred on (0, 0)


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
    anchor: str


@dataclass(frozen=True, slots=True)
class Row:
    period: str
    baseline: int
    cells: list[str]    # per series: "3", "3 of 25 (12.0%)", or "no items"


@dataclass(frozen=True, slots=True)
class CompareChart:
    width: int
    height: int
    lines: list[Line]
    base_bars: list[BaseBar]
    ticks: list[Tick]
    base_ticks: list[Tick]   # the baseline's own axis, on the right ([] without bars)
    labels: list[AxisLabel]
    label_y: float
    axis_y: float
    plot_top: float
    plot_left: int
    plot_right: int
    y_label: str
    x_label: str
    base_label: str
    title: str
    description: str
    few_note: str            # "" when no point rests on few items
    rows: list[Row]

    @property
    def file_height(self) -> int:
        """The standalone file's height: the picture and a legend row."""
        return self.height + LEGEND + (LEGEND if self.few_note else 0)


def _marker(shape: str, x: float, y: float, size: float) -> str:
    """An SVG path for a marker centred on (x, y)."""
    s = size
    if shape == "circle":
        return (f"M{x - s:.2f},{y:.2f} a{s},{s} 0 1,0 {2 * s:.2f},0 "
                f"a{s},{s} 0 1,0 {-2 * s:.2f},0 Z")
    if shape == "square":
        t = s * 0.85
        return f"M{x - t:.2f},{y - t:.2f} h{2 * t:.2f} v{2 * t:.2f} h{-2 * t:.2f} Z"
    if shape == "triangle":
        return (f"M{x:.2f},{y - s * 1.1:.2f} L{x + s:.2f},{y + s * 0.75:.2f} "
                f"L{x - s:.2f},{y + s * 0.75:.2f} Z")
    return (f"M{x:.2f},{y - s * 1.15:.2f} L{x + s:.2f},{y:.2f} L{x:.2f},{y + s * 1.15:.2f} "
            f"L{x - s:.2f},{y:.2f} Z")


def _percent(value: float) -> str:
    percent = value * 100
    return f"{percent:.0f}%" if percent >= 10 or percent == 0 else f"{percent:.1f}%"


def build_compare_chart(timeline: Timeline, measure: str, show_baseline: bool,
                        href_for) -> CompareChart | None:  # type: ignore[no-untyped-def]
    """The chart and table for `timeline`; None when there are no periods."""
    periods = timeline.periods
    if not periods or not timeline.series:
        return None
    share = measure == "share"
    baseline = timeline.baseline
    values: list[list[float | None]] = [
        timeline.shares(s) if share else
        [float(c) if baseline[i] else None for i, c in enumerate(s.counts)]
        for s in timeline.series]
    highest = max((v for series in values for v in series if v is not None), default=0.0)
    tick_values = nice_ticks(highest, whole=not share)
    top = tick_values[-1] or 1.0
    most = max(baseline, default=0)
    with_bars = show_baseline and most > 0
    plot_left = LEFT
    plot_right = WIDTH - (RIGHT_AXIS if with_bars else RIGHT)
    slot = (plot_right - plot_left) / len(periods)
    axis_y = TOP + PLOT_HEIGHT

    def x_of(index: int) -> float:
        return round(plot_left + slot * (index + 0.5), 2)

    def y_of(value: float) -> float:
        return round(axis_y - PLOT_HEIGHT * value / top, 2)

    lines = []
    any_few = False
    for index, (series, series_values) in enumerate(zip(timeline.series, values, strict=True)):
        points: list[Point] = []
        segments: list[str] = []
        stretch: list[str] = []
        for i, (period, count, value) in enumerate(zip(periods, series.counts, series_values,
                                                       strict=True)):
            base = baseline[i]
            if value is None:  # no items at all in the period: a gap, not a zero
                if stretch:
                    segments.append(" ".join(stretch))
                stretch = []
                continue
            resting = base if share else count
            few = resting < FEW
            any_few = any_few or few
            detail = (f"{count:,} of {base:,} item{'s' if base != 1 else ''} ({_percent(value)})" if share
                      else f"{count:,} item{'s' if count != 1 else ''} (of {base:,} in all)")
            x, y = x_of(i), y_of(value)
            stretch.append(f"{x},{y}")
            points.append(Point(x, y, period, f"{series.query}, {period}: {detail}",
                                href_for(series.query, period), few,
                                _marker(MARKERS[index], x, y, SIZES[index])))
        if stretch:
            segments.append(" ".join(stretch))
        lines.append(Line(index, series.query, points, segments, series.total,
                          COLOURS[index], DASHES[index], MARKERS[index],
                          _marker(MARKERS[index], 0, 0, 6)))
    base_bars: list[BaseBar] = []
    base_ticks: list[Tick] = []
    if with_bars:
        base_values = nice_ticks(most, whole=True)
        base_top = base_values[-1]
        width = max(slot * 0.8, 1.0)
        for i, (period, base) in enumerate(zip(periods, baseline, strict=True)):
            height = round(PLOT_HEIGHT * base / base_top, 2)
            base_bars.append(BaseBar(round(x_of(i) - width / 2, 2), round(axis_y - height, 2),
                                     round(width, 2), height, f"{period}: {base:,} items in all"))
        base_ticks = [Tick(round(axis_y - PLOT_HEIGHT * v / base_top, 2), tick_text(v))
                      for v in base_values]
    ticks = [Tick(y_of(v), tick_text(v, share)) for v in tick_values]
    unit = _PERIOD_UNIT.get(timeline.granularity, "year")
    step = label_step(periods, unit, plot_right - plot_left)
    shown = labelled(periods, unit, step)
    labels = []
    for i, period in enumerate(periods):
        if shown[i]:
            x, anchor = fit_label(x_of(i), period, 2, WIDTH - 2)
            labels.append(AxisLabel(x, period, anchor))
    what = "share of all items" if share else "items"
    names = ", ".join(f"\u201c{s.query}\u201d" for s in timeline.series)
    span = periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
    peaks = "; ".join(
        f"\u201c{line.query}\u201d peaks in {min(line.points, key=lambda p: p.y).period}"
        for line in lines if line.total and line.points)
    gaps = [p for p, b in zip(periods, baseline) if not b]
    few_note = ""
    if any_few:
        few_note = (f"Hollow markers rest on fewer than {FEW} items "
                    + ("in the period" if share else "found in the period")
                    + ": a change there may be chance.")
    description = (f"Line chart of {what} per {timeline.granularity} for {names}, {span}. "
                   + (peaks + ". " if peaks else "No matches. ")
                   + (f"No items at all in {len(gaps)} period(s), left as gaps. " if gaps
                      else "")
                   + ("Grey bars show all items per period on the right-hand axis."
                      if base_bars else ""))
    rows = []
    for i, period in enumerate(periods):
        cells = []
        for series, series_values in zip(timeline.series, values, strict=True):
            count, value = series.counts[i], series_values[i]
            if value is None:
                cells.append("no items")
            elif share:
                cells.append(f"{count:,} of {baseline[i]:,} ({value * 100:.1f}%)")
            else:
                cells.append(f"{count:,}")
        rows.append(Row(period, baseline[i], cells))
    return CompareChart(
        width=WIDTH, height=HEIGHT, lines=lines, base_bars=base_bars, ticks=ticks,
        base_ticks=base_ticks, labels=labels, label_y=axis_y + 16, axis_y=axis_y,
        plot_top=TOP, plot_left=plot_left, plot_right=round(plot_right),
        y_label="Share of all items in the period" if share else "Items",
        x_label=timeline.granularity.capitalize(), base_label="All items (bars)",
        title=f"{what.capitalize()} per {timeline.granularity}", description=description,
        few_note=few_note, rows=rows)
