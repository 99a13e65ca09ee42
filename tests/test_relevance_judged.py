"""The judged query set: the engine must stay well ahead of plain Whoosh.

Runs the same evaluation as `benchmarks/relevance.py` (imported from there) on
the test corpus and judged queries in tests/relevance/, for the engine and for
plain Whoosh defaults, and fails if the engine's mean nDCG@10 falls below the
baseline's plus 0.10.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

MARGIN = 0.10
BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "relevance.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("relevance_benchmark", BENCHMARK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_judged_set_is_big_enough_and_well_formed(bench: ModuleType) -> None:
    articles = bench.load_articles()
    queries = bench.load_queries(list(articles))  # exits on an unknown item ref
    assert len(articles) >= 150 and len(queries) >= 40
    assert {q.family for q in queries} >= {"place", "theme", "org", "acronym", "variant",
                                           "person", "phrase", "misspelling", "kind"}
    assert all(q.grades and set(q.grades.values()) <= {1, 2} for q in queries)


def test_metrics_on_known_rankings(bench: ModuleType) -> None:
    grades = {"a": 2, "b": 1}
    assert bench.ndcg(["a", "b"], grades) == pytest.approx(1.0)
    assert bench.ndcg(["x", "a"], grades) < bench.ndcg(["a", "x"], grades)
    assert bench.recall(["x", "b"], grades) == 0.5
    assert bench.reciprocal_rank(["x", "y", "b"], grades) == pytest.approx(1 / 3)


def test_engine_beats_plain_whoosh_by_the_margin(bench: ModuleType, tmp_path: Path) -> None:
    articles = bench.load_articles()
    queries = bench.load_queries(list(articles))
    engine = bench.evaluate(bench.engine_search(articles, tmp_path), queries)
    whoosh = bench.evaluate(bench.whoosh_search(articles, tmp_path), queries)
    engine_ndcg = bench.mean([row[1] for row in engine])
    whoosh_ndcg = bench.mean([row[1] for row in whoosh])
    assert engine_ndcg >= whoosh_ndcg + MARGIN, (
        f"nDCG@10 engine {engine_ndcg:.3f} vs plain Whoosh {whoosh_ndcg:.3f}: "
        f"below the required margin of {MARGIN}")
