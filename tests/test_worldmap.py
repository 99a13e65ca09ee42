"""The world map (webui/worldmap.py, webui/worldshapes.py): the SVG parsed as XML."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from webui.worldmap import count_classes, world_map
from webui.worldshapes import HEIGHT, WIDTH, project, shapes

SVG = "{http://www.w3.org/2000/svg}"


def href(code: str) -> str:
    return f"/?q=cooperative&country={code}"


def parse(counts: dict[str, int]):
    result = world_map(counts, href)
    return result, ET.fromstring(str(result.svg))


def links(root: ET.Element) -> dict[str, ET.Element]:
    return {a.get("href", ""): a for a in root.iter(f"{SVG}a")}


def test_countries_with_items_are_links_with_a_title_and_a_count():
    result, root = parse({"KE": 12, "TZ": 3, "BR": 1})
    found = links(root)
    assert set(found) == {href("KE"), href("TZ"), href("BR")}
    kenya = found[href("KE")]
    assert kenya.find(f"{SVG}title").text == "Kenya: 12 items"
    assert kenya.get("aria-label") == "Kenya: 12 items"
    assert found[href("BR")].find(f"{SVG}title").text == "Brazil: 1 item"
    assert kenya.find(f"{SVG}path").get("d").startswith("M")
    assert [(r.code, r.count) for r in result.countries] == [("KE", 12), ("TZ", 3), ("BR", 1)]


def test_every_other_country_is_drawn_grey_and_hidden_from_screen_readers():
    _, root = parse({"KE": 2})
    hidden = [g for g in root.iter(f"{SVG}g") if g.get("aria-hidden") == "true"]
    assert len(hidden) == 1
    titles = [p.find(f"{SVG}title").text for p in hidden[0].iter(f"{SVG}path")]
    assert "Chad: no items" in titles and not any(t.startswith("Kenya") for t in titles)
    assert len(titles) == len(shapes()) - 1


def test_the_fill_of_a_country_is_its_count_class():
    result, root = parse({"KE": 61, "UG": 1, "TZ": 20})
    by_label = {c.label: c.colour for c in result.legend}
    assert list(by_label) == ["1–2", "3–5", "6–12", "13–27", "28–61"]
    fills = {a.get("href"): a.find(f"{SVG}path").get("fill") for a in root.iter(f"{SVG}a")}
    assert fills[href("KE")] == by_label["28–61"]
    assert fills[href("UG")] == by_label["1–2"]
    assert fills[href("TZ")] == by_label["13–27"]
    assert len(set(by_label.values())) == 5


def test_the_legend_shows_each_class_and_no_items():
    result, root = parse({"KE": 3, "UG": 1})
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "worldmap-legend")
    texts = [t.text for t in legend.iter(f"{SVG}text")]
    assert texts == ["Items", "1", "2", "3", "none"]
    swatches = [r.get("fill") for r in legend.iter(f"{SVG}rect")]
    assert swatches[:3] == [c.colour for c in result.legend]


def test_it_is_labelled_for_assistive_technology():
    result, root = parse({"KE": 4, "IN": 9})
    assert root.get("role") == "group"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == desc_id
    assert desc.text == result.description
    # An item may be about both countries: the counts do not add up to a number of items.
    assert "map of 2 countries" in desc.text and "India (9)" in desc.text
    told = world_map({"KE": 4, "IN": 9}, lambda code: f"/?country={code}", items=11)
    assert "World map of 11 items about 2 countries" in told.description


def test_small_countries_are_dots_and_unknown_codes_are_reported():
    result, root = parse({"SG": 2, "ZZ": 4, "KE": 0})
    assert [(r.code, r.drawn) for r in result.countries] == [("SG", "dot")]
    assert result.unknown == ("ZZ",)
    circle = links(root)[href("SG")].find(f"{SVG}circle")
    x, y = project(103.8, 1.35)
    assert abs(float(circle.get("cx")) - x) < 40 and abs(float(circle.get("cy")) - y) < 40


def test_no_items_draws_a_grey_map_without_links():
    result, root = parse({})
    assert result.countries == () and result.legend == ()
    assert not links(root)
    assert "no items" in result.description


def test_the_output_is_deterministic_and_self_contained():
    first = str(world_map({"KE": 3, "FR": 8, "XK": 1}, href).svg)
    second = str(world_map({"XK": 1, "FR": 8, "KE": 3}, href).svg)
    assert first == second
    assert "<script" not in first and "style=" not in first
    assert "http" not in first.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert len(first) < 80_000


def test_links_and_names_are_escaped():
    result = world_map({"KE": 1}, lambda code: f"/?q=a&b\"<{code}>")
    root = ET.fromstring(str(result.svg))
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ['/?q=a&b"<KE>']
    assert "&amp;" in str(result.svg)


@pytest.mark.parametrize("largest, classes", [
    (0, []),
    (1, [(1, 1)]),
    (3, [(1, 1), (2, 2), (3, 3)]),
    (61, [(1, 2), (3, 5), (6, 12), (13, 27), (28, 61)]),
])
def test_count_classes(largest, classes):
    assert count_classes(largest) == classes


def test_count_classes_cover_every_count_without_gaps():
    for largest in (6, 7, 10, 99, 1000, 123456):
        ranges = count_classes(largest)
        assert ranges[0][0] == 1 and ranges[-1][1] == largest and len(ranges) <= 5
        assert all(a[1] + 1 == b[0] for a, b in itertools.pairwise(ranges))


def test_shapes_cover_the_big_countries_inside_the_map():
    codes = {s.code for s in shapes()}
    assert {"KE", "BR", "IN", "RU", "US", "CN", "XK", "SO"} <= codes
    assert "AQ" not in codes
    assert 170 <= len(codes) <= 180
    x, y = project(0, 0)
    assert (x, round(y)) == (WIDTH / 2, round(project(180, 0)[1]))
    assert 0 < y < HEIGHT
