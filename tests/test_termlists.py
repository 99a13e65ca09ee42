"""Per-item term lists (search.postings.termlists): each item's words and pairs, exactly.

Checked against a plain re-reading of each item: its words through the index's own
analyzer (Whoosh's chain, not the build's fast path), function words left out, and
its pairs of words standing together; then the merge of several segments, an update
(segments made by Whoosh's writer, a replaced item no longer counted), and an index
without term lists.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from answers_support import ITEMS, write_corpus
from tests_support import request

from corpus import Article, ReadResult, read_sources
from corpus.model import fold
from search import build_index, open_engine
from search.build.store import IndexOutdated
from search.postings import segmentlists, termlists
from search.research.terms import term_lists, top_terms
from search.text.analysis import TOKEN_PATTERN
from search.text.schema import build_schema

ANALYZER = build_schema()["summary"].analyzer
STOP = termlists.stopwords()


def _term(raw: str) -> str:
    folded = fold(raw.lower())
    if len(folded) < 2 or not re.search(r"[^\W\d_]", folded) or folded in STOP:
        return ""
    tokens = [t.text for t in ANALYZER(raw, mode="query")]
    return tokens[0] if tokens else ""


FIELDS = [name for name in segmentlists.FIELDS if name in build_schema()]


def _read(article: dict[str, str]) -> tuple[set[str], set[tuple[str, str]]]:
    """An item's words and pairs, read again from its text."""
    words, pairs = set(), set()
    for name in FIELDS:  # the fields this schema searches
        text = article.get(name, "")
        previous, end = "", 0
        for match in TOKEN_PATTERN.finditer(text):
            term = _term(match.group())
            if term:
                words.add(term)
                if previous and re.fullmatch(r"[ \t]+", text[end:match.start()]):
                    pairs.add((previous, term))
            previous, end = term, match.end()
    return words, pairs


def _lists(engine):  # type: ignore[no-untyped-def]
    matches = engine.match(request())
    return matches, term_lists(matches)


def test_each_items_words_and_pairs_are_its_own(answers_engine) -> None:
    matches, lists = _lists(answers_engine)
    by_title = {item["title"]: item for item in ITEMS}
    pair_items: Counter[tuple[str, str]] = Counter()
    word_items: Counter[str] = Counter()
    for docnum in matches.array.tolist():
        stored = matches.view.searcher.stored_fields(docnum)
        title = stored["title"]
        assert title in by_title
        words, pairs = _read({name: str(stored.get(name) or "") for name in FIELDS})
        word_items.update(words)
        pair_items.update(pairs)
        held = {lists.terms[i] for i in lists.words_of(np.array([docnum])).tolist()}
        assert held == words, title
    assert {lists.terms[i]: int(n) for i, n in enumerate(lists.word_df) if n} == \
        dict(word_items)
    kept = {pair: n for pair, n in pair_items.items() if n >= 2}
    stored = {(lists.terms[int(a)], lists.terms[int(b)]): int(n)
              for (a, b), n in zip(lists.pair_words.tolist(), lists.pair_df)}
    assert stored == kept
    assert ("coffe", "cooperative") in stored or ("coffee", "cooperative") in stored
    if "body" in FIELDS:  # the full text counts too: Lebanon is named in a body only
        lebanon = lists.word_id(_term("Lebanon"))
        assert lebanon is not None and lists.word_df[lebanon] == 1


def test_words_are_shown_as_items_write_them(answers_engine) -> None:
    _, lists = _lists(answers_engine)

    def shown(word: str) -> str:
        found = lists.word_id(_term(word))
        assert found is not None, word
        return lists.displays[found]

    assert shown("Kenya") == "Kenya"           # a name keeps its capital
    assert shown("ILO") == "ILO"               # an acronym its capitals
    assert shown("Coffee") == "coffee"         # a word capitalised only in titles does not
    assert shown("cooperatives") == "cooperatives"  # the commonest form of the word
    assert lists.word_id("zebra") is None


def test_segments_merge_into_one_lexicon(tmp_path: Path) -> None:
    schema = build_schema()
    articles = read_sources([write_corpus(tmp_path)]).articles
    whole = termlists.SegmentLists(schema)
    halves = [termlists.SegmentLists(schema), termlists.SegmentLists(schema)]
    for number, article in enumerate(articles):
        whole.add(article)
        halves[number % 2].add(article)
    paths = []
    for number, lists in enumerate([whole, *halves]):
        path = tmp_path / f"MAIN_{number}.nsf"
        lists.write(path)
        paths.append(termlists._map(path))
    one = _merged([("a", paths[0], len(articles))])
    two = _merged([("b", paths[1], (len(articles) + 1) // 2), ("c", paths[2], len(articles) // 2)])
    order = [n for n in range(len(articles)) if n % 2 == 0] + \
        [n for n in range(len(articles)) if n % 2 == 1]
    assert one.terms == two.terms  # one sorted lexicon, whatever the segments
    for position, number in enumerate(order):
        assert one.words(number) == two.words(position)
        assert one.pairs(number) == two.pairs(position)
    assert one.word_df.tolist() == two.word_df.tolist()


class _Merged:
    def __init__(self, header: dict, arrays: dict[str, np.ndarray | list[np.ndarray]]) -> None:
        # The largest arrays come in their segments' pieces (written one after another).
        self.arrays = {name: np.concatenate(values) if isinstance(values, list) else values
                       for name, values in arrays.items()}
        self.terms = list(termlists._Strings(arrays["terms"]))
        self.word_df = arrays["word_df"]
        words = arrays["pair_words"].reshape(-1, 2)
        self.pair_terms = [(self.terms[a], self.terms[b]) for a, b in words.tolist()]

    def words(self, doc: int) -> set[str]:
        offsets = self.arrays["word_offsets"]
        return {self.terms[i] for i in self.arrays["word_ids"][offsets[doc]:offsets[doc + 1]]}

    def pairs(self, doc: int) -> set[tuple[str, str]]:
        offsets = self.arrays["pair_offsets"]
        return {self.pair_terms[i]
                for i in self.arrays["pair_ids"][offsets[doc]:offsets[doc + 1]]}


def _merged(parts) -> _Merged:  # type: ignore[no-untyped-def]
    return _Merged(*termlists._merged([(mapped, np.ones(docs, bool))
                                       for _, mapped, docs in parts],
                                      [(name, docs) for name, _, docs in parts]))


def test_an_update_counts_only_live_items(tmp_path: Path) -> None:
    articles = read_sources([write_corpus(tmp_path)]).articles
    index = tmp_path / "index"
    build_index(ReadResult(articles=articles[:6]), index)
    changed = articles[0]
    replaced = Article.create(title=changed.title, date=changed.date, kind=changed.kind,
                              summary="Replaced: a summary about zebras.", id=changed.id)
    build_index(ReadResult(articles=[*articles[6:], replaced]), index, update=True)
    engine = open_engine(index, page_cache=0)
    try:
        matches, lists = _lists(engine)
        assert lists.live == len(articles) == matches.total
        zebra = lists.word_id(_term("zebras"))
        assert zebra is not None and lists.word_df[zebra] == 1
        # The replaced summary's words are gone: "Nyeri" was only in it.
        nyeri = lists.word_id(_term("Nyeri"))
        assert nyeri is None or lists.word_df[nyeri] == 0
        found = top_terms(engine, request(q="zebras"))
        assert found.set_items == 1 and found.searched == ["zebras"]
    finally:
        engine.close()


def test_an_index_without_term_lists_says_to_rebuild(tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index(read_sources([write_corpus(tmp_path)]), index)
    engine = open_engine(index, page_cache=0)
    try:
        (engine.generation.path / termlists.GENERATION_FILE).unlink()
        with pytest.raises(IndexOutdated, match="rebuild it"):
            top_terms(engine, request())
        from webui import create_app

        client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
        response = client.get("/api/terms")
        assert response.status_code == 503 and "rebuild" in response.get_json()["error"]
    finally:
        engine.close()


@pytest.mark.parametrize("groups", [
    [["coop", "Kenya"], ["Côte d’Ivoire", "naïve", "x"]],
    [[], ["only", "the", "second"], []],
    [["a" * 13], ["b" * 3, "ççç"], ["🌍", "z"]],
    [[], []],
])
def test_strings_arrays_joined_hold_every_string_in_order(groups) -> None:
    joined = termlists._joined_strings([segmentlists.strings_array(group) for group in groups])
    everything = [text for group in groups for text in group]
    assert np.array_equal(joined, segmentlists.strings_array(everything))
    assert list(termlists._Strings(joined)) == everything
    assert termlists._Strings(joined).encoded() == [text.encode() for text in everything]
