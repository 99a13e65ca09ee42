"""Relevance behaviour of the engine over the judged test corpus (tests/relevance/).

Variants find their twins, acronyms their expansions (both ways), titles rank
above summaries, words standing together above scattered ones, quoted phrases
stay exact, ties go to the newer item, the kind is searchable, the variant that
matched is highlighted, and a slip of the keyboard still finds the item.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests_support import request, summary_html, title_html

from corpus import read_sources
from search import Engine, build_index, open_engine

RELEVANCE = Path(__file__).resolve().parent / "relevance"


@pytest.fixture(scope="module")
def judged_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path = tmp_path_factory.mktemp("relevance") / "index"
    build_index(read_sources([RELEVANCE / "corpus-a.txt", RELEVANCE / "corpus-b.txt"]), path)
    return open_engine(path)


def titles(engine: Engine, query: str, **params: object) -> list[str]:
    return [hit.article.title for hit in engine.search(request(q=query, per_page=100,
                                                               **params)).hits]


def marked(html_text: str) -> list[str]:
    return [mark.get_text() for mark in BeautifulSoup(html_text, "html.parser").find_all("mark")]


# -- variants find their twins -----------------------------------------------------

@pytest.mark.parametrize(("query", "twin"), [
    ("cooperative housing", "Housing co-ops and the right to adequate housing"),
    ("co-op housing", "Housing cooperatives in Uruguay: mutual aid builds homes"),
    ("coops", "Worker co-ops in the United States: a growing movement"),
    ("labour unions", "Labor unions and cooperatives: allies for decent work"),
    ("labor market", ("Türkiye: cooperatives help refugee and host community women enter the "
                     "labour market")),
    ("employers organisations", "Employers’ organizations and cooperatives: a dialogue"),
    ("formalization", "Formalising the informal economy through cooperatives in Senegal"),
    ("milk chilling centres", "Dairy co-operatives in Kenya: milk chilling centers raise incomes"),
    ("decent work country program", "ILO and Viet Nam sign new Decent Work Country Programme"),
    ("Vietnam", "Cooperatives in Viet Nam mark twenty years of the Cooperative Law"),
    ("Viet Nam", "Vietnam's cooperatives go digital: e-commerce training for farmer groups"),
    ("selfhelp", "Self-help groups in India federate into producer companies"),
    ("self-help", "Selfhelp and mutual aid: a history of the cooperative idea"),
    ("self help", "Self help groups and microfinance in Bangladesh"),
    ("enews", "Cooperatives & SSE e-News, July 2023"),
    ("e-news", "New eNews on cooperatives and the SSE"),
    ("Sanliurfa", ("Interview with Ayşe Demir, founder of a women’s bakery cooperative in "
                  "Şanlıurfa")),
    ("Şanlıurfa", ("Türkiye: cooperatives help refugee and host community women enter the "
                  "labour market")),
    ("Jurgen", "Interview with Jürgen Neumann, board member of an energy cooperative in Bavaria"),
    ("Soren Lund", "Interview with Søren Lund, Danish co-op housing pioneer"),
    ("Côte d’Ivoire", "Cooperatives in Côte d'Ivoire train youth in cashew processing"),
    ("Cote d'Ivoire", "Côte d’Ivoire: cocoa cooperatives commit to eliminating child labour"),
    ("ITCILO", "ITC-ILO and ICA launch course on cooperative governance"),
    ("Jeun'ess", "Jeun’ess: SSE and youth employment in North Africa"),
])
def test_variant_finds_its_twin(judged_engine: Engine, query: str, twin: str) -> None:
    assert twin in titles(judged_engine, query)


# -- acronyms and synonyms, both ways, below the literal words ---------------------

@pytest.mark.parametrize(("query", "expansion_only"), [
    ("SSE", "UNTFSSE launches knowledge hub on the social and solidarity economy"),
    ("social and solidarity economy", "SSE in Asia: a regional network is born"),
    ("OSH", "Occupational safety and health training for construction co-operatives in Nepal"),
    ("occupational safety and health", "OSH in agriculture: a guide for cooperatives"),
    ("ICA", "International Cooperative Alliance and ILO renew memorandum of understanding"),
    ("International Co-operative Alliance", ("ITC-ILO and ICA launch course on cooperative "
                                            "governance")),
    ("COPAC", ("Joint statement of COPAC members on the role of cooperatives in the COVID-19 "
              "recovery")),
    ("UNTFSSE", "UNTFSSE launches knowledge hub on the social and solidarity economy"),
    ("ITC-ILO", ("Two new courses on the social and solidarity economy at the International "
                "Training Centre")),
    ("ICLS", "Guidelines concerning statistics of cooperatives: one year on"),
    ("SACCO", "Financial cooperatives in Africa: building inclusive finance"),
    ("Ivory Coast", "Cooperatives in Côte d'Ivoire train youth in cashew processing"),
    ("Turkey", ("Türkiye: cooperatives help refugee and host community women enter the "
               "labour market")),
    ("Kenya", "Occupational safety and health in Kenyan tea cooperatives: a pilot"),
])
def test_acronym_or_synonym_finds_the_other_form(judged_engine: Engine, query: str,
                                                  expansion_only: str) -> None:
    assert expansion_only in titles(judged_engine, query)


def test_literal_word_ranks_above_its_expansion(judged_engine: Engine) -> None:
    page = judged_engine.search(request(q="SSE", per_page=100))
    literal = ["sse" in f"{h.article.title} {h.article.summary}".lower() for h in page.hits]
    assert literal[0] and not literal[-1]
    # Every item with SSE in its title comes before any item whose title only spells it out.
    in_title = [i for i, h in enumerate(page.hits) if "SSE" in h.article.title.split()]
    spelled = [i for i, h in enumerate(page.hits) if "SSE" not in h.article.title
               and "solidarity economy" in h.article.title.lower()]
    assert in_title and spelled and max(in_title) < min(spelled)


def test_quoted_phrase_is_exact_and_not_expanded(judged_engine: Engine) -> None:
    quoted = titles(judged_engine, '"social and solidarity economy"')
    assert "SSE in Asia: a regional network is born" not in quoted
    assert "Turin: Academy on the Social and Solidarity Economy 2024" in quoted
    assert titles(judged_engine, '"OSH"') == ["OSH in agriculture: a guide for cooperatives",
                                              ("Occupational safety and health in Kenyan tea "
                                              "cooperatives: a pilot")]


def test_exact_words_switch_does_not_expand(judged_engine: Engine) -> None:
    exact = titles(judged_engine, "SSE", exact="1")
    assert exact and all("UNTFSSE launches" not in t for t in exact)


# -- ranking -------------------------------------------------------------------------

LISTING = """Ranking test listing

  1. News

    Kenya dairy farmers

    01 March 2020

    A note on milk prices.

  2. News

    Milk prices in the region

    02 March 2022

    Dairy farmers in Kenya sell milk.

  3. News

    Social economy policy for the region

    05 May 2021

    A policy note.

  4. News

    Social protection in the informal economy of the region

    05 May 2023

    A policy note.

  5. News

    Cooperative statistics update

    10 June 2019

    Counting members.

  6. News

    Cooperative statistics update

    10 June 2021

    Counting members.

  7. Spotlight Interviews with Co-operators

    Interview with a dairy farmer

    10 June 2018
"""


@pytest.fixture(scope="module")
def ranking_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    folder = tmp_path_factory.mktemp("ranking")
    (folder / "ranking.txt").write_text(LISTING, encoding="utf-8")
    build_index(read_sources([folder / "ranking.txt"]), folder / "index")
    return open_engine(folder / "index")


def test_title_match_outranks_summary_only_match(ranking_engine: Engine) -> None:
    # The summary-only item is newer, so only the field weights put the title first.
    assert titles(ranking_engine, "kenya dairy")[:2] == ["Kenya dairy farmers",
                                                         "Milk prices in the region"]


def test_words_together_outrank_scattered_words(ranking_engine: Engine) -> None:
    assert titles(ranking_engine, "social economy")[:2] == [
        "Social economy policy for the region",
        "Social protection in the informal economy of the region"]


def test_ties_go_to_the_newer_item(ranking_engine: Engine) -> None:
    page = ranking_engine.search(request(q="cooperative statistics"))
    assert [h.article.date.year for h in page.hits] == [2021, 2019]
    assert page.hits[0].score == page.hits[1].score


def test_kind_is_searchable(ranking_engine: Engine, judged_engine: Engine) -> None:
    assert titles(ranking_engine, "spotlight interview") == ["Interview with a dairy farmer"]
    found = titles(judged_engine, "spotlight interview")
    assert len(found) == 7 and all(t.startswith("Interview with") for t in found)


# -- highlighting the variant that matched ---------------------------------------------

def test_highlight_marks_the_variant_that_matched(engine: Engine) -> None:
    page = engine.search(request(q="cooperative"))
    interview = next(h for h in page.hits if "Epperson" in h.article.title)
    assert "Co-op" in marked(title_html(interview))
    # People-words are their own family: co-operators are not cooperatives.
    assert not {"Co-operators", "co-operators"} & set(marked(summary_html(interview)))
    page = engine.search(request(q="co-operator"))
    interview = next(h for h in page.hits if "Epperson" in h.article.title)
    assert {"Co-operators", "co-operators"} <= set(marked(summary_html(interview)))


def test_highlight_marks_joined_and_accented_forms(judged_engine: Engine) -> None:
    page = judged_engine.search(request(q="Vietnam Sanliurfa OR Vietnam", per_page=50))
    marks = {m for hit in page.hits for m in marked(title_html(hit)) + marked(summary_html(hit))}
    assert {"Viet Nam", "Vietnam's"} <= marks
    page = judged_engine.search(request(q="Sanliurfa"))
    marks = {m for hit in page.hits for m in marked(title_html(hit)) + marked(summary_html(hit))}
    assert {"Şanlıurfa", "Sanliurfa"} <= marks


# -- misspellings ------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "found"), [
    ("Senagal", "Formalising the informal economy through cooperatives in Senegal"),
    ("Phillipines", "Cooperatives in the Philippines: the fastest growing sector"),
    ("cooperatve housing", "Housing co-ops and the right to adequate housing"),
    ("Guatamala weavers", "Cooperatives and indigenous women in Guatemala"),
])
def test_unknown_word_is_respelt_to_the_nearest_index_word(judged_engine: Engine, query: str,
                                                           found: str) -> None:
    assert found in titles(judged_engine, query)


def test_known_words_are_never_respelt(judged_engine: Engine) -> None:
    # "sea" is a word of the index: no item about "tea" or "seas" sneaks in.
    page = judged_engine.search(request(q="sea"))
    assert page.total == 1
    assert "sea" in page.hits[0].article.summary.split()


# -- the explanation says what was added ---------------------------------------------------

def test_explanation_names_synonyms_joins_and_respellings(judged_engine: Engine) -> None:
    lines = judged_engine.explain(request(q="SSE Viet Nam")).lines
    assert any(line.startswith("“SSE” also finds “social and solidarity economy”")
               for line in lines)
    assert "“Viet Nam” is also searched as one word, “vietnam”." in lines
    lines = judged_engine.explain(request(q="Senagal")).lines
    assert "Must contain: “Senegal” (for “Senagal”, which no item contains)." in lines
    quoted = judged_engine.explain(request(q='"SSE"')).lines
    assert not any("also finds" in line for line in quoted)


def test_respelt_search_says_what_it_searched_once(judged_engine: Engine) -> None:
    page = judged_engine.search(request(q="Phillipines"))
    assert page.total >= 3 and page.respelt == [("Phillipines", "Philippines")]
    assert page.suggestion is None  # searched instead, so no "did you mean" as well
    assert judged_engine.search(request(q="Philippines")).suggestion is None


def test_not_excludes_the_literal_word_only(judged_engine: Engine) -> None:
    # Under NOT nothing is expanded: items that only spell SSE out stay in.
    found = titles(judged_engine, "solidarity NOT SSE")
    assert "UNTFSSE launches knowledge hub on the social and solidarity economy" in found
    assert not any("SSE" in t.split() for t in found)


def test_bad_synonyms_file_is_a_clear_error_not_a_crash(
        judged_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from search.query import synonyms
    from search.query.request import InputError

    bad = tmp_path / "synonyms.txt"
    bad.write_text("SSE = social and solidarity economy\nOSH\n", encoding="utf-8")
    monkeypatch.setattr(synonyms, "SYNONYMS_FILE", bad)
    synonyms.default_table.cache_clear()
    try:
        with pytest.raises(InputError, match=r"synonyms.txt:2.*fix or remove that line"):
            judged_engine.search(request(q="SSE"))
    finally:
        monkeypatch.undo()
        synonyms.default_table.cache_clear()
    assert judged_engine.search(request(q="SSE")).total > 0


# -- items with all but one of the words, after a short first page ------------------------

def test_all_but_one_of_the_words_follow_a_short_first_page(judged_engine: Engine) -> None:
    page = judged_engine.search(request(q="women's empowerment"))
    assert page.total == len(page.hits) == 2
    assert page.partial, "items with 'women' only should follow"
    full = {h.article.id for h in page.hits}
    assert not full & {h.article.id for h in page.partial}
    for hit in page.partial:
        words = f"{hit.article.title} {hit.article.summary}".lower()
        assert "women" in words and "empowerment" not in words
    assert len(page.hits) + len(page.partial) <= page.request.per_page
    assert page.to_dict()["partial"][0]["id"] == page.partial[0].article.id


def test_all_but_one_respects_filters_and_not(judged_engine: Engine) -> None:
    page = judged_engine.search(request(q="green jobs", kind="News", date_from="2023"))
    assert page.partial and all(h.article.kind == "News" and h.article.date.year >= 2023
                                for h in page.partial)
    page = judged_engine.search(request(q="women empowerment NOT Uganda"))
    assert page.partial and all("Uganda" not in h.article.title + h.article.summary
                                for h in page.partial)


@pytest.mark.parametrize("params", [
    {"q": "Kenya"},                                   # one word: nothing to leave out
    {"q": '"women\'s empowerment"'},                  # a phrase is one part
    {"q": "women's empowerment", "sort": "newest"},   # only in relevance order
    {"q": "cooperative kenya", "per_page": 5},        # the page is full already
])
def test_no_partial_list_when_it_does_not_apply(judged_engine: Engine,
                                                params: dict[str, object]) -> None:
    assert judged_engine.search(request(**params)).partial == []


# -- odd input never crashes -------------------------------------------------------------

PIECES = ["SSE", "Viet", "Nam", "self", "help", '"', "“", "”", "(", ")", "AND", "OR", "NOT",
          "title:", "kind:", "co-op", "*", "sse*", "Ş", "’s", "e-news", "-", "ILO", "social",
          "and", "solidarity", "economy", "Senagal", "xqzt", "the", "ITC-ILO", "2024", "\u00ad",
          "ʼ", "‘", "'", "ʼsʼ", "women", "empowerment", "Nam-"]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(PIECES), min_size=1, max_size=7),
       exact=st.sampled_from(["", "1"]))
def test_odd_queries_answer_or_say_why(judged_engine: Engine, words: list[str],
                                       exact: str) -> None:
    from search.query.request import InputError

    text = " ".join(words)
    try:
        judged_engine.search(request(q=text, exact=exact))
        judged_engine.explain(request(q=text, exact=exact))
    except InputError as error:
        assert error.message
