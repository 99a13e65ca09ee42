"""Helpers shared by test modules (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

from search import SearchRequest, parse_request


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
