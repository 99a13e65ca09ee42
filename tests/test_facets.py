"""A facet declared once, in a test, works everywhere: the checklist of docs/architecture.md.

Two facets are declared here and nowhere else: `initial` (the first letter of the
title, one per item, with an export column) and `word` (the capitalised words of
the title, several per item). Built into an index of the bundled corpus, each
gives its counts, its URL parameter and filter, its chip, its panel and form
boxes, its API key, its export column and its command-line option.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from corpus import BUNDLED_CORPUS, Article, read_sources
from search import Engine, Facet, InputError, build_index, open_engine, registered
from tests_support import csv_provenance, request

INITIAL = Facet(name="initial", label="Initial", heading="Initials", api_key="initials",
                values=lambda article: (article.title[:1].upper(),), export="initial",
                help="Only items whose title starts with this letter.")
WORD = Facet(name="word", label="Capitalised word", heading="Capitalised words",
             api_key="words", multi=True,
             values=lambda article: tuple(w.strip(":,") for w in article.title.split()
                                          if w[:1].isupper() and w.isalpha()))


def _articles() -> list[Article]:
    return read_sources([BUNDLED_CORPUS]).articles


@pytest.fixture(scope="module")
def faceted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Engine]]:
    """The bundled corpus indexed while the two facets are declared."""
    with registered(INITIAL), registered(WORD):
        path = tmp_path_factory.mktemp("faceted") / "index"
        build_index(read_sources([BUNDLED_CORPUS]), path)
        engine = open_engine(path, page_cache=0)
        yield path, engine
        engine.close()


@pytest.fixture
def client(faceted: tuple[Path, Engine]):  # type: ignore[no-untyped-def]
    from webui import create_app
    return create_app({"INDEX_DIR": str(faceted[0]), "TESTING": True}).test_client()


def test_counts_and_filter_come_from_the_declaration(faceted: tuple[Path, Engine]) -> None:
    _, engine = faceted
    expected = Counter(a.title[:1].upper() for a in _articles())
    page = engine.search(request())
    assert dict(page.facet_counts("initial")) == dict(expected)
    letter, count = expected.most_common(1)[0]
    filtered = engine.search(request(initial=letter.lower()))  # values match without case
    assert filtered.total == count
    assert all(hit.article.title.startswith(letter) for hit in filtered.hits)
    assert all(hit.facets["initial"] == (letter,) for hit in filtered.hits)
    # A facet is counted under the other filters but not its own: its other values stay.
    assert dict(filtered.facet_counts("initial")) == dict(expected)
    with pytest.raises(InputError, match="unknown initial 'Q': initials in this index are"):
        engine.search(request(initial="Q"))


def test_a_multi_valued_facet_counts_and_filters_each_value(
        faceted: tuple[Path, Engine]) -> None:
    _, engine = faceted
    articles = _articles()
    # Values that differ only in case are one value (COOPERATIVE, Cooperative).
    expected = Counter(v for a in articles
                       for v in dict.fromkeys(w.casefold() for w in WORD.item_values(a)))
    counts = dict(engine.search(request()).facet_counts("word"))
    assert {value.casefold(): n for value, n in counts.items()} == dict(expected)
    assert counts["Cooperative"] == 2 and "COOPERATIVE" not in counts and counts["ILO"] >= 3
    both = engine.search(request(word=["ILO", "Interview"], per_page=50))  # any of them
    assert both.total == sum(1 for a in articles
                             if {"ILO", "Interview"} & set(WORD.item_values(a)))
    narrowed = engine.search(request(word="ILO", initial="I", per_page=50))
    assert narrowed.total == sum(1 for a in articles if "ILO" in WORD.item_values(a)
                                 and a.title.startswith("I"))


def test_web_page_has_its_panel_chip_and_boxes(client) -> None:  # type: ignore[no-untyped-def]
    soup = BeautifulSoup(client.get("/?initial=I").get_data(as_text=True), "html.parser")
    panel = soup.find(id="initial-facets")
    assert panel is not None and panel.find_previous("h2").get_text() == "Initials"
    labels = [a.find(class_="label").get_text(" ", strip=True) for a in panel.find_all("a")]
    assert any("I" in label for label in labels)
    chips = {a.get_text(" ", strip=True): a["href"] for a in soup.select("ul.chips a.chip")}
    chip = next(text for text in chips if "Initial: I" in text)
    assert "initial=" not in chips[chip]  # removing the chip removes the filter
    kept = soup.select("form.search input[type=hidden][name=initial]")
    assert [b["value"] for b in kept] == ["I"]  # the form keeps the value chosen
    assert soup.find(id="word-facets") is not None


def test_api_export_and_cli_carry_the_facet(client, faceted) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/search?initial=I&word=ILO").get_json()
    assert body["initials"] == ["I"] and body["words"] == ["ILO"]
    assert body["facets"]["initials"]["I"] == body["total"]
    assert all(hit["initial"] == "I" for hit in body["hits"])
    provenance = csv_provenance(client, "/export.csv?initial=I")
    text = client.get("/export.csv?initial=I").get_data(as_text=True)
    assert provenance["initials"] == ["I"]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(row["initial"] == "I" and row["title"].startswith("I") for row in rows)
    from webui.cli import main

    path, _ = faceted
    result = CliRunner().invoke(main, ["search", "--initial", "C", "--json",
                                       "--index", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["initials"] == ["C"]
    assert data["hits"] and all(h["title"].startswith("C") for h in data["hits"])
    assert "--initial" in CliRunner().invoke(main, ["search", "--help"]).output


def test_the_declaration_is_gone_after_the_test() -> None:
    from search import term_facets

    assert [f.name for f in term_facets()][:1] == ["kind"]


def test_columns_from_the_stored_codes_are_a_walk_over_every_document(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A facet's column is made from each stored column's distinct values (codes into a
    table, per segment), not document by document: across the segments an update adds,
    every document has the values a walk over the stored values gives it, and each value
    is named as most documents write it (the first met, on a tie)."""
    from search.build.store import current_generation
    from search.postings.columns import SEPARATOR, load_columns
    from search.postings.reader import open_index

    def items(prefix: str, count: int) -> list[dict[str, object]]:
        kinds = ["News", "news", "Statement", "NEWS", "Feature story"]
        return [{"title": f"{prefix} {'ILO Kenya' if n % 4 else 'Ilo'} item {n}",
                 "date": f"2021-{n % 12 + 1:02d}-{n % 27 + 1:02d}", "kind": kinds[n % 5],
                 "summary": f"Text {n}.", "url": f"https://example.org/{prefix}/{n}"}
                for n in range(count)]

    capital = Facet(name="capital", label="Capital", heading="Capitals", api_key="capitals",
                    multi=True, values=WORD.values)
    with registered(capital):
        source = tmp_path / "a.jsonl"
        source.write_text("".join(json.dumps(i) + "\n" for i in items("Alpha", 40)))
        build_index(read_sources([source]), tmp_path / "index")
        more = tmp_path / "b.jsonl"
        more.write_text("".join(json.dumps(i) + "\n" for i in items("Beta", 23)))
        monkeypatch.setattr("search.build.update.SEGMENT_MIN_ITEMS", 1)  # keep the first
        build_index(read_sources([more]), tmp_path / "index", update=True)
        reader = open_index(current_generation(tmp_path / "index").path).reader()
        assert len(getattr(reader, "readers", [reader])) == 2  # two segments
        columns = load_columns(reader)
        for name in ("kind", "capital"):
            column = columns.facets[name]
            facet = column.facet
            walked = [[v for v in text.decode().split(SEPARATOR) if v] if facet.multi
                      else [text.decode()] for text in reader.value_column(facet.column)]
            forms: dict[str, Counter[str]] = {}
            for values in walked:
                for value in values:
                    forms.setdefault(facet.key(value) if value else "", Counter())[value] += 1
            expected = {key: counted.most_common(1)[0][0] for key, counted in forms.items()}
            assert {column.names[code]: key for key, code in column.code_of.items()} == \
                {expected[key]: key for key in column.code_of}
            assert list(column.code_of) == list(forms)  # codes in the order values are met
            for doc, values in enumerate(walked):
                if column.single is not None:
                    got = [column.names[column.single[doc]]]
                else:
                    got = [column.names[c] for c in column.pair_codes[column.pair_docs == doc]]
                assert got == [expected[facet.key(v) if v else ""] for v in values], doc
        kinds = columns.facets["kind"].names  # News, news, NEWS: one value
        assert [name.casefold() for name in kinds].count("news") == 1 and len(kinds) == 3
