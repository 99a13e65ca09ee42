"""Helpers shared by test modules (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from corpus import read_sources
from search import SearchRequest, build_index, parse_request


def small_segments(monkeypatch: Any, items: int, *, merge_from: int | None = None,
                   merged_items: int | None = None) -> None:
    """Builds in segments of `items`, written by worker processes even for a small corpus,
    and the merge's thresholds (`search.build.merge`) where given."""
    from search.build import merge, parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 0)
    monkeypatch.setattr(parallel, "SEGMENT_MIN_ITEMS", 0)
    monkeypatch.setattr(parallel, "CHUNK_ITEMS", items)
    if merge_from is not None:
        monkeypatch.setattr(merge, "MERGE_FROM", merge_from)
    if merged_items is not None:
        monkeypatch.setattr(merge, "MERGED_ITEMS", merged_items)


def index_of(items: Iterable[dict[str, object]], folder: Path) -> Path:
    """An index of `items` (records as in a JSON Lines file) built in `folder/index`."""
    source = folder / "items.jsonl"
    source.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    build_index(read_sources([source]), folder / "index")
    return folder / "index"


def request(**params: object) -> SearchRequest:
    """A SearchRequest from keyword parameters, as a URL would give them.

    `date_from`/`date_to` stand for the URL's `from`/`to`; a list gives a
    repeated parameter (`kind=["News", "Statement"]`).
    """
    raw: dict[str, list[str]] = {}
    for name, value in params.items():
        key = {"date_from": "from", "date_to": "to"}.get(name, name)
        raw[key] = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
    return parse_request(raw)


def csv_provenance(client, url: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The provenance of the CSV at `url`, from its companion (`<path>.json?<query>`), which
    its `Link` header names."""
    response = client.get(url)
    link = response.headers["Link"]
    assert link.endswith('rel="describedby"; type="application/csvm+json"'), link
    companion = link.partition(">")[0].lstrip("<")
    path, _, query = url.partition("?")
    assert companion == f"{path}.json" + (f"?{query}" if query else ""), companion
    metadata = client.get(companion)
    assert metadata.status_code == 200 and metadata.mimetype == "application/csvm+json"
    return metadata.get_json()["dc:provenance"]


def split_export(text: str, kind: str) -> tuple[dict[str, object], str]:
    """An export's provenance (its first line) and the rest of its text.

    CSV with `provenance=1` starts with `# news-search export: {json}`; JSON Lines
    with `{"_provenance": {...}}`.
    """
    import json

    first, _, rest = text.partition("\n")
    if kind == "csv":
        prefix = "# news-search export: "
        assert first.startswith(prefix), first
        return json.loads(first[len(prefix):]), rest
    record = json.loads(first)
    assert set(record) == {"_provenance"}, first
    return record["_provenance"], rest


def make_synthetic(items: int, seed: int, path: Path) -> Path:
    """The deterministic synthetic corpus of benchmarks/make_corpus.py (clearly labelled
    synthetic), `items` items written to `path`."""
    import importlib.util

    source = Path(__file__).resolve().parent.parent / "benchmarks" / "make_corpus.py"
    spec = importlib.util.spec_from_file_location("make_corpus", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_corpus(items, seed=seed, path=path)


def title_html(hit) -> str:  # type: ignore[no-untyped-def]
    """A hit's title with its matched words marked, as the web UI shows it."""
    from webui.marks import to_html

    return str(to_html(hit.article.title, hit.title_spans))


def summary_html(hit) -> str:  # type: ignore[no-untyped-def]
    """A hit's summary with its matched words marked, as the web UI shows it."""
    from webui.marks import to_html

    return str(to_html(hit.article.summary, hit.summary_spans))
