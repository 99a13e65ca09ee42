"""The results-over-time chart: bar geometry for an inline SVG, computed here.

Buckets are years, or months when the results sit inside one year (the same
buckets as the date facets). Empty buckets between the first and the last are
drawn as gaps, since a gap in time is part of the picture. The template only
prints the numbers: every bar is a link to its bucket, with a label for
screen readers, and the same data goes into a visually hidden table.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

WIDTH = 480
MAX_BAR = 56
PLOT_TOP = 18      # room for the count above the tallest bar
PLOT_HEIGHT = 110
LABEL_HEIGHT = 20
HEIGHT = PLOT_TOP + PLOT_HEIGHT + LABEL_HEIGHT
MAX_LABELS = 16
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_KEY = re.compile(r"(\d{4})-(\d{2})")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


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
    label_x: float
    count_y: float


@dataclass(frozen=True, slots=True)
class Chart:
    """A bar chart of counts over time, ready for `search/_chart.html`."""

    unit: str          # "year" or "month"
    unit_heading: str  # "Year" or "Month", for the table
    bars: list[Bar]
    width: int
    height: int
    label_y: float
    baseline_y: float
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
    most = max(count for _, count in filled)
    slot = WIDTH / len(filled)
    gap = max(min(slot * 0.2, 8.0), slot - MAX_BAR)
    step = max(1, math.ceil(len(filled) / MAX_LABELS))
    bars = []
    for index, (key, count) in enumerate(filled):
        height = PLOT_HEIGHT * count / most if count else 0.0
        if count:
            height = max(height, 2.0)
        x = index * slot + gap / 2
        short = key if unit == "year" else MONTHS[int(key[5:]) - 1]
        bars.append(Bar(
            key=key, name=bucket_name(key), short=short if index % step == 0 else "",
            count=count, href=href_for(key) if count else "",  # type: ignore[operator]
            x=round(x, 2), y=round(PLOT_TOP + PLOT_HEIGHT - height, 2),
            width=round(slot - gap, 2), height=round(height, 2),
            label_x=round(x + (slot - gap) / 2, 2),
            count_y=round(PLOT_TOP + PLOT_HEIGHT - height - 4, 2)))
    span = bars[0].name if len(bars) == 1 else f"{bars[0].name} to {bars[-1].name}"
    busiest = max(bars, key=lambda bar: bar.count)
    description = (f"Bar chart of {what} per {unit}, {span}. The most, {busiest.count}, "
                   f"in {busiest.name}. Each bar links to its {unit}.")
    return Chart(unit=unit, unit_heading=unit.capitalize(), bars=bars, width=WIDTH, height=HEIGHT,
                 label_y=PLOT_TOP + PLOT_HEIGHT + LABEL_HEIGHT - 5,
                 baseline_y=PLOT_TOP + PLOT_HEIGHT,
                 title=f"{what.capitalize()} per {unit}", description=description)
