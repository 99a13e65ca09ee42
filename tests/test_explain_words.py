""""Interpreted as" in the words the user typed: no stems, no repeats, no boilerplate."""

from __future__ import annotations

import re

import pytest
from tests_support import request

from search import Engine
from search.text.analysis import analyze


@pytest.mark.parametrize("query", ["cooperatve", "self-reliant communities", "women woman",
                                   "solidarity economies", "youth-led"])
def test_no_stems_in_the_reading(ilo_engine: Engine, query: str) -> None:
    explanation = ilo_engine.explain(request(q=query))
    text = " ".join(explanation.lines + explanation.notes)
    quoted = re.findall("\u201c([^\u201d]+)\u201d", text)
    typed = {w.lower() for w in re.findall(r"[\w'-]+", query)}
    for word in quoted:
        for part in word.split():
            # Every word quoted is one typed, or one some item writes: never a bare stem
            # such as "cooperativ" or "selfreli" (unless it is also the word as typed).
            stem = analyze(part)
            assert part.lower() in typed or ilo_engine.search(
                request(q=part, exact=1)).total, (part, stem, text)


def test_no_boilerplate_and_no_repeats(ilo_engine: Engine) -> None:
    for query in ("economy", "women woman", "kenya kenya"):
        explanation = ilo_engine.explain(request(q=query))
        assert not any("Word forms count" in line for line in explanation.lines)
        assert len(explanation.lines) == len(set(explanation.lines))
        assert len(explanation.notes) == len(set(explanation.notes))
    assert ilo_engine.explain(request(q="kenya kenya")).lines[0] == \
        "Must contain: \u201ckenya\u201d."


def test_variants_named_are_those_the_items_write(ilo_engine: Engine) -> None:
    lines = ilo_engine.explain(request(q="coops")).lines
    family = next(line for line in lines if line.startswith("\u201ccoops\u201d also matches"))
    named = family.removeprefix("\u201ccoops\u201d also matches ").rstrip(".").split(", ")
    assert "cooperative" in named and "co-op" not in named  # no item writes "co-op"
    for form in named:
        assert ilo_engine.search(request(q=form, exact=1)).total, form
