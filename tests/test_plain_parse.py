"""Plain queries read without Whoosh's parser give the parser's own tree, and only
those are read that way (search/query/plain.py)."""

from __future__ import annotations

import random

import pytest
from whoosh import query as wq

from search.query.parsing import make_parser, read_query
from search.query.plain import plain_parse
from search.text.schema import build_schema

WORDS = ["coffee", "Cocoa", "tea", "SUGAR", "workers", "women", "cooperative", "finance",
         "fisheries", "2019", "café", "Ünïcode", "日本", "viet", "nam", "ILO", "x", "the", "a",
         "and", "or", "of", "OR", "AND", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "co-op",
         "fin*", "title:kenya", "don't", "U.S.", "(tea", "tea)", '"tea', "e_mail", "co–op"]
SPACES = [" ", "  ", "\t", " \u00a0", "\n"]


@pytest.fixture(scope="module", params=[False, True], ids=["analysed", "exact"])
def parser(request):
    return make_parser(build_schema(), exact=request.param)


def _same(fast: wq.Query, slow: wq.Query) -> bool:
    """Equal trees, every attribute of every node (where each word stands too)."""
    if type(fast) is not type(slow):
        return False
    mine, theirs = dict(vars(fast)), dict(vars(slow))
    below, below_theirs = mine.pop("subqueries", None), theirs.pop("subqueries", None)
    if mine != theirs:
        return False
    if below is None or below_theirs is None:
        return below is below_theirs
    return len(below) == len(below_theirs) and all(map(_same, below, below_theirs))


def _queries(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 5))]
        joiner = " OR " if rng.random() < 0.5 else rng.choice(SPACES)
        text = joiner.join(words)
        if rng.random() < 0.2:
            text = rng.choice(SPACES) + text + rng.choice(SPACES)
        out.append(text)
    return out


@pytest.mark.parametrize("text", ["cooperative", "coffee OR cocoa", "tea OR sugar OR cotton",
                                  "women cooperative finance", "  café\t2019 ", "日本",
                                  "Workers OR ILO"])
def test_plain_queries_are_read_without_the_parser_to_its_tree(parser, text):
    fast = plain_parse(parser, text)
    assert fast is not None
    assert _same(fast, parser.parse(text))


@pytest.mark.parametrize("text", [
    "the", "tea the", "tea OR the", "tea AND sugar", "NOT tea", "tea OR", "OR tea",
    "tea OR OR sugar", "tea sugar OR cocoa", "tea OR sugar cocoa", "co-op", "fin*",
    "title:kenya", '"tea sugar"', "(tea OR sugar)", "tea tea", "tea OR tea", "e_mail",
    "", "   "])
def test_anything_else_is_left_to_the_parser(text):
    # (a stop word, operators other than OR between every two words, OR mixed with
    # ANDed words, punctuation, fields, phrases, brackets, a word twice, nothing)
    assert plain_parse(make_parser(build_schema()), text) is None


def test_random_queries_give_the_parsers_tree_whenever_read_plainly(parser):
    read = 0
    for text in _queries(18, 1500):
        fast = plain_parse(parser, text)
        if fast is None:
            continue
        read += 1
        assert _same(fast, parser.parse(text)), text
    assert read > 150  # the plain reading was exercised, not skipped


def test_a_reading_is_the_same_either_way(monkeypatch):
    parser = make_parser(build_schema())
    texts = ["women cooperative finance", "coffee OR cocoa", "the cooperative", "co-op workers"]
    fast = [read_query(parser, text) for text in texts]
    monkeypatch.setattr("search.query.parsing.plain_parse", lambda parser, text: None)
    slow = [read_query(parser, text) for text in texts]
    for one, other in zip(fast, slow):
        assert one.typed == other.typed and one.searched == other.searched
        assert one.expansion == other.expansion and one.notes == other.notes
