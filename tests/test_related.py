"""Ranking that generalises: places inside a place, word forms, people apart from enterprises."""

from __future__ import annotations

from tests_support import request

from search import Engine


def titles(engine: Engine, query: str) -> list[str]:
    return [hit.article.title for hit in engine.search(request(q=query, per_page=100)).hits]


def test_a_country_finds_items_naming_only_its_cities(ilo_engine: Engine) -> None:
    found = titles(ilo_engine, "korea")
    assert "Worker cooperatives in Busan and Incheon" in found      # cities only
    assert "Meet the co-operators: a taxi driver from Seoul" in found
    # The items that name the country itself rank above those that name its cities.
    assert found.index("Statistics on cooperatives: country in focus, Republic of Korea") < \
        found.index("Worker cooperatives in Busan and Incheon")
    lines = ilo_engine.explain(request(q="korea")).lines
    assert any(line.startswith("\u201ckorea\u201d also finds items naming places in it: ")
               and "Seoul" in line for line in lines)


def test_a_demonym_and_a_city_count_for_the_country(ilo_engine: Engine) -> None:
    assert "Lima workshop on cooperative law" in titles(ilo_engine, "peru")
    assert "Peru: quinoa producers organise" in titles(ilo_engine, "peruvian")


def test_a_region_finds_its_countries(ilo_engine: Engine) -> None:
    asia = titles(ilo_engine, "asia")
    assert "Japan's consumer cooperatives and the care economy" in asia
    assert "Statistics on cooperatives: country in focus, Republic of Korea" in asia
    assert "Waste pickers' cooperatives in Brazil" not in asia
    africa = titles(ilo_engine, "africa cooperatives")
    assert "Youth-led cooperatives create jobs in rural Rwanda" in africa
    assert africa[0] == "Cooperatives in Africa: a new research initiative"


def test_a_word_shared_with_a_place_name_stem_finds_no_place(ilo_engine: Engine) -> None:
    # Thiès (Senegal) stems like "this": only names that items write count.
    lines = " ".join(ilo_engine.explain(request(q="senegal")).lines)
    assert "Thi" not in lines


def test_word_forms_the_stemmer_leaves_apart(ilo_engine: Engine, tmp_path) -> None:
    from corpus import read_sources
    from search import build_index, open_engine
    source = tmp_path / "items.jsonl"
    source.write_text(
        '{"title": "Entrepreneurship for women", "date": "2020-01-01"}\n'
        '{"title": "Young entrepreneurs start cooperatives", "date": "2021-01-01"}\n'
        '{"title": "An entrepreneurial approach to care", "date": "2022-01-01"}\n'
        '{"title": "Membership grows", "date": "2022-02-01"}\n'
        '{"title": "Members meet", "date": "2022-03-01"}\n', encoding="utf-8")
    build_index(read_sources([source]), tmp_path / "ix")
    engine = open_engine(tmp_path / "ix")
    found = titles(engine, "entrepreneurship")
    assert found[0] == "Entrepreneurship for women" and len(found) == 3
    assert len(titles(engine, "entrepreneurs")) == 3
    assert titles(engine, "membership") == ["Membership grows", "Members meet"]


def test_people_words_are_kept_apart_from_enterprise_words(ilo_engine: Engine) -> None:
    people = titles(ilo_engine, "co-operators")
    assert set(people) == {"Meet the co-operators: a dairy farmer from Kerala",
                           "Meet the co-operators: a taxi driver from Seoul",
                           "Young co-operators lead a digital platform cooperative"}
    enterprises = titles(ilo_engine, "cooperatives")
    assert len(enterprises) > len(people)
    # Items about cooperatives come first, not those about people in them.
    assert not any("co-operators" in title for title in enterprises[:5])
