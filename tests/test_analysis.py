"""The analyzer: variants, spellings, accents, quotes, compounds and joins meet their twins."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.variants import british, read_variants
from search.query.synonyms import SynonymTable, read_synonyms
from search.text.analysis import analyze, news_analyzer

TWINS = [
    ("cooperative", "co-operative"), ("cooperator", "Co-operators"), ("cooperative", "co-op"),
    ("cooperatives", "Coops"), ("cooperative", "COOPERATIVE"), ("co-operator", "cooperators"),
    ("women", "woman"), ("children", "child"),
    ("labour", "labor"), ("labourers", "laborers"), ("Labour's", "labor"),
    ("organisation", "organization"), ("organisations", "Organizations"),
    ("formalisation", "formalization"), ("formalising", "formalizing"),
    ("programme", "program"), ("programmes", "programs"), ("centre", "center"),
    ("centres", "centers"), ("dialogue", "dialog"), ("favourite", "favorite"),
    ("neighbourhood", "neighborhood"), ("analyse", "analyze"), ("fertiliser", "fertilizer"),
    ("travelled", "traveled"), ("judgement", "judgment"),
    ("Vietnam", "Viet Nam"), ("selfhelp", "self-help"), ("selfhelp", "self help"),
    ("eNews", "e-News"), ("enews", "e-newsletter"), ("ITCILO", "ITC-ILO"),
    ("Şanlıurfa", "Sanliurfa"), ("Jürgen", "Jurgen"), ("Nguyễn Văn An", "Nguyen Van An"),
    ("Søren", "Soren"), ("Côte d’Ivoire", "Cote d'Ivoire"), ("Jeun’ess", "jeun'ess"),
    ("ILO’s", "ILO's"), ("ILO‘s", "ILO"), ("co\u2010operative", "cooperative"),
    ("co\u00adoperative", "cooperative"),
]


@pytest.mark.parametrize(("one", "other"), TWINS)
def test_twins_give_the_same_terms(one: str, other: str) -> None:
    assert analyze(one) == analyze(other)
    assert analyze(one, mode="index")[0] == analyze(other, mode="index")[0]


@pytest.mark.parametrize(("one", "other"), [
    ("cooperative", "cooperation"), ("cooperative", "cooper"), ("organisation", "organic"),
    ("laboratory", "labour"), ("size", "sise"), ("coop", "co"), ("enews", "news"),
    # People-words stay apart from enterprise-words.
    ("cooperatives", "co-operators"), ("cooperative", "cooperator"),
])
def test_different_words_stay_apart(one: str, other: str) -> None:
    assert analyze(one) != analyze(other)


def test_british_spelling_rules() -> None:
    assert british("labor") == "labour"
    assert british("laborers") == "labourers"
    assert british("organizations") == "organisations"
    assert british("analyzed") == "analysed"
    # Words that only look like the patterns are left as they are.
    for word in ("laboratory", "size", "prize", "citizen", "honorary", "humorous"):
        assert british(word) == word


def positions(text: str) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in news_analyzer()(text, mode="index", positions=True)]


def test_compound_parts_share_the_position_of_the_joined_word() -> None:
    got = positions("ITC-ILO Turin")
    assert got[:3] == [("itcilo", 0), ("itc", 0), ("ilo", 0)]
    assert got[3] == ("turin", 1)


def test_prefix_compounds_index_no_parts() -> None:
    assert [text for text, _ in positions("Savvy Co-op shop")] == ["savvi", "cooperative",
                                                                   "shop"]


def test_two_word_variant_is_joined_and_later_positions_move_up() -> None:
    got = positions("cooperatives in Viet Nam grow")
    assert ("vietnam", 1) in got and ("viet", 1) in got and ("nam", 1) in got
    assert ("grow", 2) in got
    # A query phrase through the joined word meets both spellings.
    assert analyze("Viet Nam grow") == analyze("Vietnam grow") == ["vietnam", "grow"]


def test_joined_word_highlight_span_covers_both_words() -> None:
    text = "Coops in Viet Nam"
    spans = [(t.text, text[t.startchar:t.endchar])
             for t in news_analyzer()(text, mode="query", chars=True)]
    assert spans == [("cooperative", "Coops"), ("vietnam", "Viet Nam")]


def test_bad_variants_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "variants.txt"
    path.write_text("# comment\ncooperative: coop\nnothing here\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"variants.txt:3"):
        read_variants(path)


def test_variants_file_kinds_of_line(tmp_path: Path) -> None:
    path = tmp_path / "variants.txt"
    path.write_text("widget: widgets, wid get\ncolour*: color*\n", encoding="utf-8")
    variants = read_variants(path)
    assert variants.words["widgets"] == "widget"
    assert variants.joins[("wid", "get")] == "widget"
    assert variants.stems == {"color": "colour"}


def test_synonym_groups_are_read_and_keyed_by_analysed_words(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("# acronyms\nSSE = social and solidarity economy\n", encoding="utf-8")
    groups = read_synonyms(path)
    assert groups == [["SSE", "social and solidarity economy"]]
    table = SynonymTable(groups, news_analyzer())
    assert table.alternatives[("sse",)] == [("social", "solidar", "economi")]
    assert table.alternatives[("social", "solidar", "economi")] == [("sse",)]


def test_bad_synonym_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_text("SSE\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"synonyms.txt:1"):
        read_synonyms(path)


def test_shipped_data_files_parse() -> None:
    assert read_variants().words["co-operators".replace("-", "")] == "cooperator"
    assert read_variants().words["coops"] == "cooperative"
    assert len(read_synonyms()) > 40


@pytest.mark.parametrize("text", ["ʼ", "ʼʼ", "' '", "\u00ad"])
def test_lone_apostrophes_give_no_terms(text: str) -> None:
    assert analyze(text) == [] and analyze(text, mode="index") == []


def test_respelling_checks_only_words_that_start_with_a_stem() -> None:
    """`respell` looks at the endings only for a word that starts with one of the stems:
    the same answers as trying every ending on every word."""
    from corpus.variants import _IZE, ENDINGS, VARIANTS_FILE, read_variants, respell

    stems = read_variants(VARIANTS_FILE).stems

    def every_ending(word: str) -> str:
        for ending in ENDINGS:
            stem = word[:len(word) - len(ending)] if ending else word
            if (not ending or word.endswith(ending)) and stem in stems:
                return stems[stem] + ending
        match = _IZE.match(word)
        return f"{match[1]}{match[2]}s{match[3]}" if match else word

    words = [stem + ending for stem in stems for ending in ENDINGS]
    words += [word[:-1] for word in words] + ["x" + word for word in words[:50]]
    words += ["organize", "organizations", "realized", "analyze", "size", "zone", "labour",
              "cooperative", "coop", "", "z"]
    assert sum(respell(word) != word for word in words) > len(stems) * 10
    assert [respell(word) for word in words] == [every_ending(word) for word in words]
