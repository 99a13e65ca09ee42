"""The answers' JSON routes in OpenAPI 3.1: top terms, co-occurrence, the map, collections,
and the JSON twins of compare, keyword in context and "interpreted as".

`webui.openapi.describe` adds these paths and schemas to the document, so the
same checks hold for them: the description is validated, and schemathesis
calls every operation and checks every answer against its schema.
"""

from __future__ import annotations

from typing import Any

from search.research.collection import MAX_IDS
from search.research.terms import MAX_LIMIT
from webui import openapi
from webui.openapi import JSON, _answers, _companion, _ref, _string_param

CSL = "application/vnd.citationstyles.csl+json"


def _integer(name: str, description: str, low: int, high: int) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "integer", "minimum": low, "maximum": high}}


def _array(kind: str) -> dict[str, Any]:
    return {"type": "array", "items": {"type": kind}}


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _get(operation: str, summary: str, parameters: list[dict[str, Any]], schema: str,
         description: str, media: str = JSON) -> dict[str, Any]:
    return {"get": {"operationId": operation, "summary": summary, "parameters": parameters,
                    "responses": _answers(schema, description, media=media)}}


def schemas() -> dict[str, Any]:
    """The answers' schemas, by name."""
    count = {"type": "integer", "minimum": 0}
    request = {"type": "object", "description": "The search parameters, as read."}
    links = {"type": "object", "properties": {"html": {"type": "string"}}}
    key_term = _object(["text", "query", "phrase", "in_set", "in_whole", "g2", "log_ratio"], {
        "text": {"type": "string", "description": "As items most often write it."},
        "query": {"type": "string", "description": "What adding it to a query adds."},
        "phrase": {"type": "boolean"}, "in_set": count, "in_whole": count,
        "g2": {"type": "number", "description": "Log-likelihood against the rest."},
        "log_ratio": {"type": "number"}})
    terms = {"set_items": count, "reference_items": count, "whole_items": count,
             "whole": {"enum": ["corpus", "results"]}, "searched": _array("string"),
             "note": {"type": "string"},
             "words": {"type": "array", "items": _ref("KeyTerm")},
             "phrases": {"type": "array", "items": _ref("KeyTerm")}}
    period = _object(["period", "set_items", "words", "phrases"],
                     {"period": {"type": "string"}, **terms})
    top_terms = _object(["query", "set_items", "words", "phrases", "whole"], {
        "query": {"type": "string"}, "request": request, **terms, "by": {"type": "string"},
        "periods": {"type": "array", "items": period}, "links": links})
    co_term = _object(["text", "with_query", "in_scope", "log_dice"], {
        "text": {"type": "string"}, "query": {"type": "string"}, "with_query": count,
        "in_scope": count, "share": {"type": "number", "minimum": 0, "maximum": 1},
        "log_dice": {"type": "number"}})
    cooccurrence = _object(["query", "set_items", "scope_items", "terms", "table"], {
        "request": request, "query": {"type": "string"}, "set_items": count,
        "scope_items": count, "query_words": _array("string"),
        "terms": {"type": "array", "items": co_term},
        "table": _object(["labels", "counts"], {
            "labels": _array("string"),
            "counts": {"type": "array", "items": {"type": "array", "items": count}}}),
        "links": links})
    place = {"code": {"type": "string"}, "name": {"type": "string"}, "count": count,
             "href": {"type": "string"}}
    map_numbers = _object(["total", "without_country", "countries", "regions"], {
        "request": request, "total": count, "without_country": count,
        "countries": {"type": "array", "items": _object(["code", "name", "count"], place)},
        "regions": {"type": "array", "items": _object(["code", "name", "scheme", "count"], {
            **place, "scheme": {"type": "string"}, "level": {"type": "string"}})}})
    collection = _object(["ids", "found", "missing", "searched", "total", "items"], {
        "request": request, "ids": _array("string"), "found": count,
        "missing": _array("string"), "searched": {"type": "boolean"}, "total": count,
        "items": {"type": "array", "items": _object(["id", "title", "date"], {
            "id": {"type": "string"}, "title": {"type": "string"},
            "date": {"type": "string", "format": "date"}})},
        "links": links})
    csl = {"type": "array", "items": _object(["id", "type", "title", "issued"], {
        "id": {"type": "string"}, "type": {"const": "article-newspaper"},
        "title": {"type": "string"}, "issued": {"type": "object"}})}
    series = _object(["query", "counts", "total", "shares"], {
        "query": {"type": "string"}, "counts": {"type": "array", "items": count},
        "total": count, "shares": {"type": "array", "items": {"type": ["number", "null"]}}})
    timeline = _object(["granularity", "periods", "baseline", "series"], {
        "by": {"type": "string"}, "each": {"type": ["string", "null"]},
        "filters": request, "granularity": {"type": "string"},
        "periods": _array("string"), "baseline": {"type": "array", "items": count},
        "series": {"type": "array", "items": series}})
    kwic = _object(["items", "lines"], {
        "request": request, "order": {"type": "string"}, "width": count, "items": count,
        "note": {"type": ["string", "null"]},
        "lines": {"type": "array", "items": _object(["id", "left", "match", "right"], {
            name: {"type": "string"} for name in
            ("id", "title", "date", "field", "left", "match", "right")})}})
    explain = _object(["lines", "notes"], {"request": request, "lines": _array("string"),
                                           "notes": _array("string")})
    return {"KeyTerm": key_term, "TopTerms": top_terms, "Cooccurrence": cooccurrence,
            "MapNumbers": map_numbers, "Collection": collection, "CslItems": csl,
            "Timeline": timeline, "Kwic": kwic, "Explanation": explain}


def paths() -> dict[str, Any]:
    """The answers' paths."""
    search = openapi.search_parameters()
    limit = _integer("limit", "How many terms (1-200).", 1, MAX_LIMIT)
    ids = {"name": "id", "in": "query", "required": False,
           "description": f"An item's id (repeat for each; at most {MAX_IDS:,}).",
           "schema": {"type": "array", "items": {"type": "string"}, "maxItems": MAX_IDS},
           "style": "form", "explode": True}
    co = [*search, limit, _integer("table", "Words in the table besides the query's (1-30).",
                                   1, 30)]
    compare = [{"name": "q", "in": "query", "required": False,
                "description": "A query (repeat for up to four; with `each`, the first is "
                               "shared).",
                "schema": {"type": "array", "items": {"type": "string"}},
                "style": "form", "explode": True},
               *[p for p in search if p["name"] not in ("q", "sort", "seed")],
               _string_param("each", "A facet: one series per value chosen (country, "
                             "region, kind)."),
               _string_param("by", "year, quarter or month."),
               _string_param("measure", "count, or share of all items in the period.")]
    kwic = [*search, _string_param("width", "Words of context on each side."),
            _string_param("order", "item, left or right.")]
    return {
        "/api/terms": _get("terms", "Top terms of the result set", [
            *search, limit, _integer("min", "Items a term needs (default 2 or 3).", 0,
                                     1_000_000),
            _string_param("by", "year, quarter or month: the same per period.")],
            "TopTerms", "The words and phrases the set holds more than the rest."),
        "/api/cooccurrence": _get("cooccurrence", "Words in the same items as the query", co,
                                  "Cooccurrence", "The co-occurring words and their table."),
        "/cooccurrence.csv.json": _companion("/cooccurrence.csv", "a co-occurrence table",
                                             co),
        "/api/map": _get("map", "Items per country and region of the result set", search,
                         "MapNumbers", "The map's numbers."),
        "/api/collection": _get("collection", "A collection of items, by id", [ids, *search],
                                "Collection", "The items found, and the ids missing."),
        "/collection.csl.json": _get("collection_csl", "A collection's citations as CSL-JSON",
                                     [ids], "CslItems", "One CSL item per item found.",
                                     media=CSL),
        "/collection.csv.json": _companion("/collection.csv", "a collection", [ids]),
        "/api/compare": _get("compare", "Counts per period of queries or facet values",
                             compare, "Timeline", "The periods, each series, the baseline."),
        "/api/kwic": _get("kwic", "Keyword in context", kwic, "Kwic", "The lines."),
        "/api/explain": _get("explain", "How a query is read (Interpreted as)", search,
                             "Explanation", "The reading, in sentences."),
    }
