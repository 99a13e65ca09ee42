"""The world map of a result set: an SVG choropleth of items per country, drawn here.

`world_map(counts, href_for)` takes item counts by ISO 3166-1 alpha-2 code and
a function giving each country's link (the search filtered to it), and returns
a `WorldMap`: the SVG, ready to inline in a page, and the same numbers as rows
for the table that must go with it (the caller renders that table; screen
readers and keyboards get the links in both).

The map is Natural Earth 1:110m in the Equal Earth projection (`worldshapes`).
Each country with items is filled by its count class and is a link with a
`<title>` ("Kenya: 12 items") and an `aria-label`; the others are grey and
hidden from assistive technology. Countries too small for this scale are dots.
Classes are at most five, even steps of the logarithm of the largest count
(1, 2-3, 4-9, 10-24, 25-61 for a largest count of 61), since a few countries
usually hold most of the items; their colours are ColorBrewer's Blues. No
script, no style attribute (the page's Content Security Policy allows none),
no fetch: colours are presentation attributes, and the same counts always give
the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from corpus.places import all_countries
from webui.worldshapes import HEIGHT, SOUTH_LIMIT, WIDTH, dots, project, shapes

MAX_CLASSES = 5
PALETTES = {   # ColorBrewer Blues without its lightest step, which is too close to grey
    1: ("#3182bd",),
    2: ("#9ecae1", "#3182bd"),
    3: ("#9ecae1", "#4292c6", "#08519c"),
    4: ("#9ecae1", "#6baed6", "#3182bd", "#08519c"),
    5: ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"),
}
NO_ITEMS = "#e3e3e3"
BORDER = "#ffffff"
SPHERE = "#f4f8fb"
SPHERE_EDGE = "#c9d5df"
TEXT = "#222222"
DOT_RADIUS = 7
LEGEND_X, LEGEND_ROW, SWATCH_W, SWATCH_H, FONT = 40, 40, 44, 28, 26


@dataclass(frozen=True, slots=True)
class LegendClass:
    low: int
    high: int
    colour: str
    label: str           # "1", "2–3"


@dataclass(frozen=True, slots=True)
class MapCountry:
    """One country of the result set, as the map draws it and the table lists it."""

    code: str
    name: str
    count: int
    href: str
    colour: str
    drawn: str           # "shape", "dot", or "" when the map cannot show it


@dataclass(frozen=True, slots=True)
class WorldMap:
    svg: Markup                          # escaped throughout; inline it as it is
    countries: tuple[MapCountry, ...]    # most items first, then by name: the table's rows
    legend: tuple[LegendClass, ...]
    unknown: tuple[str, ...]             # codes in the counts that name no country
    title: str
    description: str


def count_classes(largest: int) -> list[tuple[int, int]]:
    """The count classes for a largest count: one per value up to five, else five even
    steps of its logarithm ([(1, 2), (3, 5), (6, 12), (13, 27), (28, 61)] for 61)."""
    if largest <= 0:
        return []
    if largest <= MAX_CLASSES:
        return [(v, v) for v in range(1, largest + 1)]
    uppers: list[int] = []
    for step in range(1, MAX_CLASSES + 1):
        upper = max(1, round(largest ** (step / MAX_CLASSES)))
        if not uppers or upper > uppers[-1]:
            uppers.append(upper)
    uppers[-1] = largest
    lows = [1] + [u + 1 for u in uppers[:-1]]
    return list(zip(lows, uppers))


def _label(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}\u2013{high}"


def _noun(count: int, what: str, one: str) -> str:
    return f"{count} {one if count == 1 else what}"


def world_map(counts: Mapping[str, int], href_for: Callable[[str], str], *,
              what: str = "items", one: str = "item", title: str = "Items per country",
              element_id: str = "worldmap", items: int | None = None) -> WorldMap:
    """The map and table rows for these counts (alpha-2 code -> items; zeros are ignored).

    :param href_for: the link of a country's code (e.g. the search with country=KE).
    :param what: the plural noun for the counts ("items", "results"); `one` its singular.
    :param element_id: prefix of the ids inside the SVG, unique within the page.
    :param items: how many items name at least one of these countries, when known (an
        item about two countries is counted under each, so the counts add up to more).
    """
    known = all_countries()
    unknown = tuple(sorted(code for code, n in counts.items() if n > 0 and code not in known))
    kept = {code: n for code, n in counts.items() if n > 0 and code in known}
    ranges = count_classes(max(kept.values(), default=0))
    palette = PALETTES.get(len(ranges), ())
    legend = tuple(LegendClass(low, high, palette[i], _label(low, high))
                   for i, (low, high) in enumerate(ranges))

    def colour(n: int) -> str:
        return next(c.colour for c in legend if c.low <= n <= c.high)

    drawn = {shape.code for shape in shapes()}
    small = dots()
    rows = tuple(MapCountry(code, known[code].name, n, href_for(code), colour(n),
                            "shape" if code in drawn else "dot" if code in small else "")
                 for code, n in sorted(kept.items(), key=lambda kv: (-kv[1], known[kv[0]].name)))
    description = _describe(rows, what, one, items)
    svg = _svg(rows, legend, title, description, what, one, element_id)
    return WorldMap(svg, rows, legend, unknown, title, description)


def _describe(rows: tuple[MapCountry, ...], what: str, one: str, items: int | None) -> str:
    if not rows:
        return f"World map: no {what} name a country."
    top = ", ".join(f"{r.name} ({r.count})" for r in rows[:3])
    countries = "one country" if len(rows) == 1 else f"{len(rows)} countries"
    # Without the number of items, the counts of the countries are all there is to say:
    # an item about several countries is in several of them.
    said = (f"{_noun(items, what, one)} about {countries}" if items is not None
            else f"{countries}")
    return (f"World map of {said}; the most in {top}. "
            f"Each country with {what} links to them; the others are grey.")


def _sphere() -> str:
    """The outline of the projected globe, cut at the map's southern edge."""
    east = [project(180, lat) for lat in range(int(SOUTH_LIMIT), 91, 2)]
    west = [project(-180, lat) for lat in range(90, int(SOUTH_LIMIT) - 1, -2)]
    points = east + west
    return "M" + "L".join(f"{x:.0f} {y:.0f}" for x, y in points) + "z"


def _svg(rows: tuple[MapCountry, ...], legend: tuple[LegendClass, ...], title: str,
         description: str, what: str, one: str, element_id: str) -> Markup:
    ident = escape(element_id, quote=True)
    by_code = {r.code: r for r in rows}
    height = HEIGHT
    sphere = _sphere()
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'width="100%" class="worldmap" role="group" '
            f'aria-labelledby="{ident}-title {ident}-desc">'),
           f'<title id="{ident}-title">{escape(title)}</title>',
           f'<desc id="{ident}-desc">{escape(description)}</desc>',
           f'<defs><clipPath id="{ident}-clip"><path d="{sphere}"/></clipPath></defs>',
           f'<path d="{sphere}" fill="{SPHERE}" stroke="{SPHERE_EDGE}" stroke-width="2"/>',
           (f'<g fill="{NO_ITEMS}" stroke="{BORDER}" stroke-width="1.2" aria-hidden="true" '
            f'clip-path="url(#{ident}-clip)">')]
    for shape in shapes():
        if shape.code not in by_code:
            name = escape(all_countries()[shape.code].name)
            out.append(f'<path d="{shape.path}"><title>{name}: no {escape(what)}</title></path>')
    out.append("</g>")
    out.append(f'<g stroke="{BORDER}" stroke-width="1.2" clip-path="url(#{ident}-clip)">')
    paths = {shape.code: shape.path for shape in shapes()}
    small = dots()
    for row in sorted(rows, key=lambda r: r.code):
        label = escape(f"{row.name}: {_noun(row.count, what, one)}", quote=True)
        if row.drawn == "shape":
            mark = f'<path d="{paths[row.code]}" fill="{row.colour}"/>'
        elif row.drawn == "dot":
            dot = small[row.code]
            mark = (f'<circle cx="{dot.x:g}" cy="{dot.y:g}" r="{DOT_RADIUS}" '
                    f'fill="{row.colour}" stroke="{TEXT}" stroke-width="1.5"/>')
        else:
            continue
        out.append(f'<a href="{escape(row.href, quote=True)}" class="worldmap-country" '
                   f'aria-label="{label}"><title>{label}</title>{mark}</a>')
    out.append("</g>")
    out.append(_legend(legend, what, height))
    out.append("</svg>")
    return Markup("\n".join(out))


def _legend(legend: tuple[LegendClass, ...], what: str, height: int) -> str:
    """Swatches for the classes and for 'no items', bottom left, where the map is sea."""
    rows = len(legend) + 1
    top = height - 24 - (rows + 1) * LEGEND_ROW
    out = [(f'<g class="worldmap-legend" font-family="sans-serif" font-size="{FONT}" '
            f'fill="{TEXT}">'),
           (f'<text x="{LEGEND_X}" y="{top + FONT}" font-weight="bold">'
            f'{escape(what.capitalize())}</text>')]
    entries = [(c.colour, c.label) for c in legend] + [(NO_ITEMS, "none")]
    for index, (fill, label) in enumerate(entries, start=1):
        y = top + index * LEGEND_ROW
        out.append(f'<rect x="{LEGEND_X}" y="{y + 4}" width="{SWATCH_W}" height="{SWATCH_H}" '
                   f'fill="{fill}" stroke="#888888" stroke-width="1"/>')
        out.append(f'<text x="{LEGEND_X + SWATCH_W + 12}" y="{y + 4 + SWATCH_H - 6}">'
                   f'{escape(label)}</text>')
    out.append("</g>")
    return "\n".join(out)


__all__ = ["LegendClass", "MapCountry", "WorldMap", "count_classes", "world_map"]
