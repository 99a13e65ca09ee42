"""Which countries a text names (corpus/places): the gazetteer read on sentences written
for each kind of case, each both ways (the place is there / the words are something else)."""

from __future__ import annotations

import pytest

from corpus.places import indicators, mentions, places


def found(text: str) -> set[str]:
    return set(places(text))


@pytest.mark.parametrize("text, code", [
    ("Cooperatives in Viet Nam grow", "VN"),
    ("Cooperatives in Vietnam grow", "VN"),
    ("A study tour to the Republic of Korea", "KR"),
    ("Korea's worker cooperatives", "KR"),
    ("Rural cooperatives in Lao PDR", "LA"),
    ("the Lao People's Democratic Republic and the ILO", "LA"),
    ("Women's cooperatives in the occupied Palestinian territory", "PS"),
    ("Refugees and host communities in Türkiye", "TR"),
    ("Refugees and host communities in Turkiye", "TR"),
    ("Cocoa cooperatives of Côte d'Ivoire", "CI"),
    ("Cocoa cooperatives of Cote d’Ivoire", "CI"),      # a curly apostrophe, no accent
    ("Cocoa cooperatives of Ivory Coast", "CI"),
    ("Mining in the Democratic Republic of the Congo", "CD"),
    ("Forestry in the Republic of the Congo", "CG"),
    ("A new law in the Kyrgyz Republic", "KG"),
    ("Handicrafts from Eswatini", "SZ"),
    ("The Plurinational State of Bolivia", "BO"),
    ("UNITED REPUBLIC OF TANZANIA: A NEW COOPERATIVE LAW", "TZ"),   # a shouted title
])
def test_country_names_in_their_common_and_official_forms(text, code):
    assert found(text) == {code}


@pytest.mark.parametrize("text, code", [
    ("Kenyan cooperatives lead the way", "KE"),
    ("Moroccan women in the argan sector", "MA"),
    ("Two Kenyans and a Ugandan", "KE"),
    ("Bangladeshi garment workers organise", "BD"),
    ("Pakistanis abroad send remittances", "PK"),
    ("The Philippine Cooperative Managers' Conference", "PH"),   # an adjective, not a demonym
])
def test_demonyms(text, code):
    assert code in found(text)


@pytest.mark.parametrize("text, code", [
    ("A workshop held in Nairobi", "KE"),
    ("The meeting in Addis Ababa", "ET"),
    ("Dar es Salaam port workers", "TZ"),
    ("Dock workers of Bombay", "IN"),           # a former name, from geonames' other names
    ("Refugees around Jigjiga", "ET"),          # another spelling of Jijiga
    ("Dairy farmers near Mombasa", "KE"),       # not a capital, over 100,000 people
])
def test_capitals_and_large_cities(text, code):
    assert found(text) == {code}


@pytest.mark.parametrize("text, code", [
    ("Livelihoods in Darfur", "SD"),            # shared by North, South, East... Darfur
    ("Value chains in West Kordofan", "SD"),
    ("Recovery in the Tigray Region", "ET"),
    ("Refugees in the Somali Region", "ET"),    # the Ethiopian region, not Somalia
    ("Farmers in Niger State", "NG"),           # the Nigerian state, not Niger
])
def test_subnational_names_place_an_item(text, code):
    assert found(text) == {code}


@pytest.mark.parametrize("text, expected", [
    ("Papua New Guinea", {"PG"}),
    ("Equatorial Guinea and Guinea-Bissau", {"GQ", "GW"}),
    ("Guinea", {"GN"}),
    ("South Sudan", {"SS"}),
    ("Sudan and South Sudan", {"SD", "SS"}),
    ("Niger", {"NE"}),
    ("Nigeria", {"NG"}),
    ("Niger and Nigeria", {"NE", "NG"}),
    ("Dominica", {"DM"}),
    ("Dominican Republic", {"DO"}),
    ("South Africa", {"ZA"}),
])
def test_the_longest_name_wins(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("She moved to Georgia last year.", set()),             # the country or the US state
    ("Georgia and Armenia sign a trade agreement", {"GE", "AM"}),   # a neighbour decides
    ("Peach growers of Atlanta, Georgia", {"US"}),
    ("The Congo basin forests", set()),                     # which Congo?
    ("Kinshasa, Congo", {"CD"}),
    ("Brazzaville, Congo", {"CG"}),
    ("The Timor Sea", set()),
])
def test_names_of_several_places_need_support(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Michael Jordan scored twice", set()),
    ("Syrian refugees in Jordan", {"SY", "JO"}),
    ("Cooperatives in Jordan", {"JO"}),                     # a place word before it
    ("Jordan: cooperatives and refugees in Iraq", {"IQ", "JO"}),   # a neighbour named
    ("Chad Smith plays the drums", set()),
    ("The Republic of Chad", {"TD"}),
    ("A cooperative in Chad", {"TD"}),
])
def test_country_names_that_are_also_peoples_names(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Nice to see so many cooperatives", set()),
    ("A conference held in Nice last week", {"FR"}),
    ("Reading the report takes an hour", set()),
    ("Male and female members vote", set()),
    ("Split the surplus among members", set()),
    ("Of the members, half are women", set()),
    ("Florence Nightingale founded nursing", set()),
    ("Fisheries of Lake Victoria", set()),
    ("A workshop in Florence, Italy", {"IT"}),
    ("Nairobi Declaration on cooperatives", set()),        # a name part, not a place
    ("Director-General Gilbert F. Houngbo", set()),        # a person's name, with an initial
])
def test_city_names_that_are_words_or_peoples_names(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The guide is available in French and Spanish", set()),
    ("French cooperatives and the social economy", {"FR"}),
    ("Spanish version of the report", set()),
    ("A Chinese delegation visits Geneva", {"CN", "CH"}),
    ("Somali refugees in camps", {"SO"}),
    ("The ILO and the Portuguese Minister of Labour", {"PT"}),
    ("The Central Union of Turkish Forest Cooperatives", {"TR"}),
    ("An English Version is available", set()),
    ("Summary in English", set()),
    ("English-speaking Africa", set()),
])
def test_demonyms_that_are_languages(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The US and the UK signed", {"US", "GB"}),
    ("A grant of US$ 5 million", set()),
    ("The International Cooperative Alliance (ICA) met", set()),   # not Ica in Peru
    ("LET US KNOW WHAT YOU THINK", set()),
    ("Latin America and the Caribbean", set()),
    ("Cooperatives across South America", set()),
    ("Cooperatives in America", {"US"}),
    ("Fishing in the Indian Ocean", set()),
    ("Indian cooperatives", {"IN"}),
])
def test_acronyms_and_region_names(text, expected):
    assert found(text) == expected


def test_empty_and_placeless_texts():
    assert places("") == frozenset()
    assert places("the cooperative principles guide members") == frozenset()


def test_mentions_give_the_words_read_and_where_they_are():
    text = "Workers in Nairobi, Kenya, and in Côte d’Ivoire"
    found_mentions = mentions(text)
    assert [(m.name, m.code) for m in found_mentions] == [
        ("Nairobi", "KE"), ("Kenya", "KE"), ("Côte d’Ivoire", "CI")]
    assert all(text[m.start:m.end] == m.name for m in found_mentions)
    assert [m.kind for m in found_mentions] == ["city", "country", "country"]


def test_indicators_list_the_names_of_a_country():
    names = indicators("KE")
    for name in ("Kenya", "Kenyan", "Nairobi", "Mombasa"):
        assert name in names
    assert "Kampala" not in names
    assert indicators("ke") == names
    assert indicators("ZZ") == ()
    assert "Darfur" in indicators("SD")
