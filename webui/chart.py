"""The results-over-time chart: bar geometry for an SVG, computed here, and the axis rules.

Buckets are years, or months when the results sit inside one year (the same
buckets as the date facets). Empty buckets between the first and the last are
drawn as gaps, since a gap in time is part of the picture. The chart has its
title, a y axis of round ticks (`nice_ticks`: 1, 2 or 5 times a power of ten,
never a fraction of an item), axis labels, and x labels thinned to a regular
step (`label_step`) and kept inside the picture. The template
(`search/_chart_svg.html`) only prints the numbers: every bar is a link to its
bucket with a label for screen readers, and the same data goes into a
visually hidden table. The same SVG, standalone (its own size, fonts and
colours as attributes), is what `/chart.svg` and `/chart.png` download.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

WIDTH = 520
LEFT = 44          # the y axis: its ticks and its label
RIGHT = 12
TOP = 30           # the title
PLOT_HEIGHT = 120
BOTTOM = 38        # the x labels and the x axis label
HEIGHT = TOP + PLOT_HEIGHT + BOTTOM
MAX_BAR = 56
COUNT_ROOM = 14    # above the tallest bar, for its count
MAX_LABELS = 12
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_KEY = re.compile(r"(\d{4})-(\d{2})")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
CHAR_WIDTH = 7.0   # a label character at the charts' 12px type, for keeping labels inside


def nice_ticks(top: float, whole: bool, most: int = 6) -> list[float]:
    """Round ticks from 0 up to at least `top`: a step of 1, 2 or 5 times a power of ten,
    at most `most` ticks; with `whole`, steps of at least 1 (counts of items)."""
    top = max(top, 1.0 if whole else 1e-9)
    for power in range(-6, 12):
        for factor in (1, 2, 5):
            step = factor * 10.0 ** power
            if whole and step < 1:
                continue
            count = math.ceil(top / step - 1e-9)
            if count + 1 <= most:
                return [round(i * step, 10) for i in range(count + 1)]
    return [0.0, top]


def label_step(keys: list[str], unit: str, room: float = 0.0, most: int = MAX_LABELS,
               label: int = 0) -> int:
    """Every how many buckets to label: a step that keeps a calendar rhythm (years 1, 2,
    5, 10...; quarters 1, 2, 4, 8...; months 1, 2, 3, 6, 12, 24...), with at most `most`
    labels and, given the `room` (pixels) and the longest `label` (characters), labels
    that do not touch."""
    steps = {"year": (1, 2, 5, 10, 20, 50, 100), "quarter": (1, 2, 4, 8, 20, 40, 100),
             "month": (1, 2, 3, 6, 12, 24, 60, 120, 240)}[unit]
    longest = label or max((len(key) for key in keys), default=4)
    for step in steps:
        count = math.ceil(len(keys) / step)
        fits = not room or count * (longest * CHAR_WIDTH + 10) <= room
        if count <= most and fits:
            return step
    return steps[-1]


def labelled(keys: list[str], unit: str, step: int) -> list[bool]:
    """Which buckets carry a label: every `step`-th, counted from a calendar boundary
    (a year divisible by the step, the first quarter, January) where there is one."""
    def position(key: str) -> int:
        if unit == "year":
            return int(key[:4])
        if unit == "quarter":
            return int(key[:4]) * 4 + int(key[-1]) - 1
        return int(key[:4]) * 12 + int(key[5:7]) - 1
    try:
        numbers = [position(key) for key in keys]
    except ValueError:
        return [i % step == 0 for i in range(len(keys))]
    return [n % step == 0 for n in numbers] if any(n % step == 0 for n in numbers) \
        else [i % step == 0 for i in range(len(keys))]


def fit_label(x: float, text: str, left: float, right: float) -> tuple[float, str]:
    """(x, text-anchor) for a label centred at `x` that stays between `left` and `right`."""
    half = len(text) * CHAR_WIDTH / 2
    if x - half < left:
        return left, "start"
    if x + half > right:
        return right, "end"
    return x, "middle"


def tick_text(value: float, share: bool = False) -> str:
    """A tick's label: '1,200', '5%', '2.5%'."""
    if share:
        percent = value * 100
        return f"{percent:.0f}%" if abs(percent - round(percent)) < 1e-9 else f"{percent:.1f}%"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


@dataclass(frozen=True, slots=True)
class Bar:
    """One bucket drawn as a bar (a link when it has results)."""

    key: str           # "2024" or "2024-02": the from/to values of its link
    name: str          # "2024" or "February 2024"
    short: str         # the axis label, "" when skipped to avoid crowding
    count: int
    href: str
    x: float
    y: float
    width: float
    height: float
    label_x: float     # the axis label's x and anchor (kept inside the picture)
    label_anchor: str
    count_x: float
    count_y: float


@dataclass(frozen=True, slots=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    """A bar chart of counts over time, ready for `search/_chart_svg.html`."""

    unit: str          # "year" or "month"
    unit_heading: str  # "Year" or "Month", for the table and the x axis
    bars: list[Bar]
    ticks: list[Tick]
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    label_y: float
    baseline_y: float
    y_label: str       # "Results" or "Items"
    title: str
    description: str


def bucket_name(key: str) -> str:
    """'2024-02' -> 'February 2024'; anything else (a year, a date as typed) as it is."""
    match = _MONTH_KEY.fullmatch(key)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{MONTH_NAMES[int(match.group(2)) - 1]} {match.group(1)}"
    return key


def _fill(counts: dict[str, int], unit: str) -> list[tuple[str, int]]:
    """Every bucket from the first to the last, zero where nothing was found."""
    keys = sorted(counts)
    if unit == "year":
        first, last = int(keys[0]), int(keys[-1])
        return [(str(y), counts.get(str(y), 0)) for y in range(first, last + 1)]
    year = keys[0][:4]
    first, last = int(keys[0][5:]), int(keys[-1][5:])
    return [(f"{year}-{m:02d}", counts.get(f"{year}-{m:02d}", 0)) for m in range(first, last + 1)]


def build_chart(counts: list[tuple[str, int]], unit: str, href_for: object,
                what: str) -> Chart | None:
    """The chart for these bucket counts; None when there is nothing to draw.

    `href_for(key)` gives the link of a bucket; `what` describes the search
    ("results for 'kenya'") for the chart's title.
    """
    counts_by_key = {key: count for key, count in counts if count}
    if not counts_by_key:
        return None
    filled = _fill(counts_by_key, unit)
    values = nice_ticks(max(count for _, count in filled), whole=True)
    top = values[-1]
    plot_right = WIDTH - RIGHT
    plot_width = plot_right - LEFT
    bottom = TOP + PLOT_HEIGHT
    slot = plot_width / len(filled)
    gap = max(min(slot * 0.2, 8.0), slot - MAX_BAR)
    keys = [key for key, _ in filled]
    step = label_step(keys, unit, plot_width, label=4 if unit == "year" else 3)
    shown = labelled(keys, unit, step)
    bars = []
    for index, (key, count) in enumerate(filled):
        height = (PLOT_HEIGHT - COUNT_ROOM) * count / top if count else 0.0
        if count:
            height = max(height, 2.0)
        x = LEFT + index * slot + gap / 2
        centre = x + (slot - gap) / 2
        short = key if unit == "year" else MONTHS[int(key[5:]) - 1]
        label_x, anchor = fit_label(centre, short, 0, WIDTH)
        bars.append(Bar(
            key=key, name=bucket_name(key), short=short if shown[index] else "",
            count=count, href=href_for(key) if count else "",  # type: ignore[operator]
            x=round(x, 2), y=round(bottom - height, 2),
            width=round(slot - gap, 2), height=round(height, 2),
            label_x=round(label_x, 2), label_anchor=anchor, count_x=round(centre, 2),
            count_y=round(bottom - height - 4, 2)))
    ticks = [Tick(round(bottom - (PLOT_HEIGHT - COUNT_ROOM) * value / top, 2), tick_text(value))
             for value in values]
    span = bars[0].name if len(bars) == 1 else f"{bars[0].name} to {bars[-1].name}"
    busiest = max(bars, key=lambda bar: bar.count)
    description = (f"Bar chart of {what} per {unit}, {span}. The most, {busiest.count}, "
                   f"in {busiest.name}. Each bar links to its {unit}.")
    return Chart(unit=unit, unit_heading=unit.capitalize(), bars=bars, ticks=ticks,
                 width=WIDTH, height=HEIGHT, plot_left=LEFT, plot_right=plot_right,
                 plot_top=TOP, label_y=bottom + 16, baseline_y=bottom,
                 y_label="Results" if what.startswith("results") else "Items",
                 title=f"{what[:1].upper()}{what[1:]} per {unit}", description=description)
