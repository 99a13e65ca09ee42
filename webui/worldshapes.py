"""Country shapes for the world map: Natural Earth 1:110m, decoded and projected once.

The shapes are `data/countries-110m.json` from the npm package world-atlas
2.0.2 (Mike Bostock's TopoJSON of Natural Earth 4.1.0; ISC licence in
`data/world-atlas-LICENSE`, the Natural Earth data itself is public domain).
TopoJSON stores each shared border once as an arc of quantised, delta-encoded
points; a polygon is a list of rings, a ring a list of arc indexes (`~i`, i.e.
`-i - 1`, for arc `i` walked backwards). Decoding it is short, so it is done
here rather than with a GIS library.

The projection is Equal Earth (Šavrič, Patterson and Jenny, 2018): equal-area,
so a big country does not look bigger than it is, with the familiar rounded
outline. Antarctica is left out: it has no items and takes a sixth of the map.

A geometry's id is its ISO 3166-1 numeric code; three shapes have none and are
matched by name (Kosovo -> XK; Somaliland -> SO, Northern Cyprus -> CY, as
ISO counts them). Countries too small for this scale (Singapore, Bahrain,
Malta...) have no shape; the map draws them as a dot at their position.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from corpus.places import all_countries
from corpus.places.countries import country_info

WIDTH = 1920               # map units: half a pixel on a 960-pixel-wide map
# Equal Earth's constants and its extent for this width.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2
_X_MAX = 2 * math.sqrt(3) * math.pi / (3 * _A1)       # x at the equator, 180 degrees east
_THETA_MAX = math.asin(_M)
_Y_MAX = _THETA_MAX * (_A1 + _A2 * _THETA_MAX ** 2
                       + _THETA_MAX ** 6 * (_A3 + _A4 * _THETA_MAX ** 2))
SCALE = WIDTH / (2 * _X_MAX)
SOUTH_LIMIT = -58.0          # the map's lower edge (Tierra del Fuego is at -55.9)
TOP = SCALE * _Y_MAX         # y of the north pole is 0 after this shift
_BY_NAME = {"Kosovo": "XK", "Somaliland": "SO", "N. Cyprus": "CY"}
_LEFT_OUT = {"010"}          # Antarctica


def project(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth: degrees to map units (x right, y down, the map WIDTH wide); x is linear
    in longitude, so a longitude past 180 degrees lands past the edge."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = 2 * math.sqrt(3) * lam * math.cos(theta) / (
        3 * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return SCALE * x + WIDTH / 2, TOP - SCALE * y


HEIGHT = math.ceil(project(0, SOUTH_LIMIT)[1])


@dataclass(frozen=True, slots=True)
class Shape:
    code: str        # ISO 3166-1 alpha-2
    name: str        # Natural Earth's name, for reference
    path: str        # SVG path data in map units


@dataclass(frozen=True, slots=True)
class Dot:
    code: str
    x: float
    y: float


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]],
          indexes: Iterable[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])   # arcs share their end points
    return points


def _unwrap(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses the antimeridian (Russia's Chukotka, Fiji) made continuous, with
    a copy shifted by 360 degrees: each copy runs past the map's edge on one side, and the
    map clips both to the globe's outline."""
    out = [ring[0]]
    shift = 0.0
    for (lon0, _), (lon, lat) in itertools.pairwise(ring):
        if lon - lon0 > 180:
            shift -= 360
        elif lon0 - lon > 180:
            shift += 360
        out.append((lon + shift, lat))
    lons = [lon for lon, _ in out]
    if max(lons) <= 180 and min(lons) >= -180:
        return [ring]
    back = -360 if max(lons) > 180 else 360
    return [out, [(lon + back, lat) for lon, lat in out]]


def _path(rings: list[list[tuple[float, float]]]) -> str:
    """Path data with whole-unit relative moves (half a pixel on a map drawn 960 wide): short,
    and exact at this scale; points that round onto the previous one are dropped."""
    parts = []
    for ring in (piece for whole in rings for piece in _unwrap(whole)):
        pixels = [(round(x), round(y)) for x, y in (project(lon, lat) for lon, lat in ring)]
        kept = [pixels[0]]
        for point in pixels[1:]:
            if point != kept[-1]:
                kept.append(point)
        if len(kept) < 3:
            continue
        x0, y0 = kept[0]
        steps = [f"{bx - ax} {by - ay}" for (ax, ay), (bx, by) in itertools.pairwise(kept)]
        parts.append(f"M{x0} {y0}l" + " ".join(steps) + "z")
    return "".join(parts).replace(" -", "-")


@functools.cache
def shapes() -> tuple[Shape, ...]:
    """Every country shape of the 1:110m map, sorted by code (parts of one country merged)."""
    data = resources.files("webui").joinpath("data", "countries-110m.json").read_text("utf-8")
    topology = json.loads(data)
    arcs = _decode_arcs(topology)
    by_numeric = {c.numeric: c.code for c in all_countries().values() if c.numeric}
    rings_by_code: dict[str, list[list[tuple[float, float]]]] = {}
    names: dict[str, str] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        number = geometry.get("id")
        name = geometry.get("properties", {}).get("name", "")
        if number in _LEFT_OUT:
            continue
        code = by_numeric.get(number or "") or _BY_NAME.get(name)
        if not code:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = rings_by_code.setdefault(code, [])
        names.setdefault(code, name)
        for polygon in polygons:
            rings.extend(_ring(arcs, ring) for ring in polygon)
    return tuple(Shape(code, names[code], _path(rings_by_code[code]))
                 for code in sorted(rings_by_code))


@functools.cache
def dots() -> dict[str, Dot]:
    """A position for each country without a shape at this scale (from countryinfo)."""
    drawn = {shape.code for shape in shapes()}
    found = {}
    for code in sorted(all_countries()):
        latlng: list[float] = country_info(code).get("latlng") or []
        if code in drawn or len(latlng) != 2 or latlng[0] < SOUTH_LIMIT:
            continue
        x, y = project(float(latlng[1]), float(latlng[0]))
        found[code] = Dot(code, round(x, 1), round(y, 1))
    return found
