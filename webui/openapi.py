"""The JSON API described in OpenAPI 3.1, served at `/openapi.json`.

Built from the same declarations as the API itself: the search parameters and
each facet's parameter, API key and export column come from `search.facets`,
so a facet added there is described here without an edit. A test validates
the document (openapi-spec-validator) and runs schemathesis from it against
the app, which checks that every answer matches its schema. Every JSON route
the app serves must be here (a test lists the app's routes against it).
"""

from __future__ import annotations

from typing import Any

from search import DATES, MAX_PER_PAGE, SORTS, term_facets

JSON = "application/json"
CSVW = "application/csvm+json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str) -> dict[str, Any]:
    return {"type": [kind, "null"]}


def _string_param(name: str, description: str, example: str | None = None) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "query", "required": False,
                             "description": description, "schema": {"type": "string"}}
    if example is not None:
        param["example"] = example
    return param


def search_parameters() -> list[dict[str, Any]]:
    """The parameters every search route takes (the search page's)."""
    params = [
        _string_param("q", "Words in the query syntax (see /help); empty browses everything.",
                      "cooperative"),
        _string_param("from", "Earliest date, inclusive: 2024-02-06, '6 Feb 2024', 2024-02, "
                      "2023 (a partial date covers its whole period).", "2023"),
        _string_param("to", "Latest date, inclusive, in the same forms.", "2024-02"),
        _string_param("exact", "1: literal words only (no stemming, variants or accent "
                      "folding)."),
        _string_param("sort", "Order: " + ", ".join(SORTS) + " (default: relevance with words, "
                      "newest without)."),
        _string_param("seed", "With sort=random: the sample's seed."),
    ]
    for declared in term_facets():
        params.append({"name": declared.name, "in": "query", "required": False,
                       "description": f"Only items with this {declared.label.lower()} "
                       "(repeat for any of several).",
                       "schema": {"type": "array", "items": {"type": "string"}},
                       "style": "form", "explode": True})
    return params


def _paging() -> list[dict[str, Any]]:
    return [
        {"name": "page", "in": "query", "required": False, "description": "1-based page.",
         "schema": {"type": "integer", "minimum": 1}},
        {"name": "per_page", "in": "query", "required": False,
         "description": f"Results per page (1-{MAX_PER_PAGE}, default 20).",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
        _string_param("gen", "The index generation the search was cited with: the answer "
                      "says what changed since (generation_notice)."),
    ]


def _record_properties() -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": {"type": "string", "description": "Stable id: the date and a slug of the title."},
        "title": {"type": "string"}, "date": {"type": "string", "format": "date"},
        "kind": {"type": "string"}, "summary": {"type": "string"},
        "url": {"type": "string", "description": "The original, where it was published "
                "('' when unknown)."},
        "source": {"type": "string", "description": "Where it was read when the index was "
                   "built."},
        "body": {"type": "string", "description": "The full text ('' when the source has none)."},
        "language": {"type": "string", "description": "Primary language subtag ('' when "
                     "unknown)."},
    }
    for declared in term_facets():
        if declared.export:
            record[declared.export] = {"type": "string", "description": f"{declared.label} "
                                       "values, joined by '; '."}
    return record


def _schemas() -> dict[str, Any]:
    span = {"type": "array", "items": {"type": "integer", "minimum": 0},
            "minItems": 2, "maxItems": 2}
    record = _record_properties()
    counts = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
    years, months = DATES.api_keys
    facets = {years: counts, months: counts, **{f.api_key: counts for f in term_facets()}}
    link = {"type": "string", "description": "Absolute on the site's address when it is "
            "known, else relative to the site."}
    hit = {"type": "object", "required": ["id", "title", "date", "href", "title_html",
                                          "summary_html", "title_marks", "summary_marks"],
           "properties": {**record, "score": _nullable("number"),
                          "title_marks": {"type": "array", "items": span},
                          "summary_marks": {"type": "array", "items": span},
                          "title_html": {"type": "string"}, "summary_html": {"type": "string"},
                          "snippet": {"type": "string", "description": "A passage of the "
                                      "full text around the matches ('' when it matched "
                                      "none)."},
                          "snippet_marks": {"type": "array", "items": span},
                          "snippet_html": {"type": "string"},
                          "href": link}}
    generation = {"type": "object", "required": ["id", "built_at", "items"],
                  "properties": {"id": {"type": "string"}, "built_at": {"type": "string"},
                                 "items": {"type": "integer", "minimum": 0}}}
    page = {
        "type": "object",
        "required": ["query", "total", "page", "pages", "per_page", "hits", "facets", "links",
                     "generation"],
        "properties": {
            "query": {"type": "string"}, "from": _nullable("string"), "to": _nullable("string"),
            **{f.api_key: {"type": "array", "items": {"type": "string"}} for f in term_facets()},
            "sort": {"type": "string"}, "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "pages": {"type": "integer", "minimum": 0},
            "total": {"type": "integer", "minimum": 0},
            "hits": {"type": "array", "items": _ref("Hit")},
            "partial": {"type": "array", "items": _ref("Hit")},
            "facets": {"type": "object", "properties": facets},
            "suggestion": _nullable("string"),
            "respelt": {"type": "array", "items": {
                "type": "object", "required": ["typed", "searched"],
                "properties": {"typed": {"type": "string"}, "searched": {"type": "string"}}}},
            "elapsed_ms": {"type": "number", "minimum": 0},
            "generation": _ref("Generation"),
            "generation_notice": _nullable("string"),
            "links": {"type": "object", "required": ["self", "html", "next", "prev"],
                      "properties": {"self": link, "html": link,
                                     "next": {"type": ["string", "null"]},
                                     "prev": {"type": ["string", "null"]}}},
        }}
    item = {"type": "object", "required": ["id", "title", "date", "href", "more_like_this"],
            "properties": {**record, "href": link, "more_like_this": {
                "type": "array", "items": {
                    "type": "object", "required": ["id", "title", "date", "href"],
                    "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                   "date": {"type": "string", "format": "date"},
                                   "href": link}}}}}
    error = {"type": "object", "required": ["error", "param"],
             "properties": {"error": {"type": "string", "minLength": 1},
                            "param": _nullable("string")}}
    table = {"type": "object", "required": ["@context", "url", "tableSchema", "dc:provenance"],
             "properties": {"@context": {"const": "http://www.w3.org/ns/csvw"},
                            "url": {"type": "string"}, "dc:title": {"type": "string"},
                            "dc:provenance": {"type": "object", "required": ["generation",
                                                                             "retrieved"]},
                            "tableSchema": {"type": "object", "required": ["columns"]}}}
    return {"SearchPage": page, "Hit": hit, "Item": item, "Generation": generation,
            "Error": error, "TableMetadata": table}


def _answers(ok: str, description: str, *, media: str = JSON,
             cached: bool = True) -> dict[str, Any]:
    def error(why: str) -> dict[str, Any]:
        return {"description": why, "content": {JSON: {"schema": _ref("Error")}}}

    validators = {"ETag": {"description": "Weak tag of this answer on the index generation.",
                           "schema": {"type": "string"}},
                  "Last-Modified": {"description": "When the index generation was built.",
                                    "schema": {"type": "string"}}}
    answers: dict[str, Any] = {
        "200": {"description": description, "content": {media: {"schema": _ref(ok)}},
                **({"headers": validators} if cached else {})},
        "400": error("A parameter is wrong; `param` names it."),
        "404": error("No such item or page."),
        "503": error("There is no index to search yet."),
    }
    if cached:
        answers["304"] = {"description": "Not modified since the tag or date the request "
                          "gave.", "headers": validators}
    return answers


def _companion(path: str, what: str, extra: list[dict[str, Any]]) -> dict[str, Any]:
    return {"get": {
        "operationId": f"{path.strip('/').replace('.', '_')}_metadata",
        "summary": f"Columns and provenance of {what} (CSVW metadata)",
        "parameters": extra, "responses": _answers("TableMetadata",
                                                    f"The metadata of {path}.", media=CSVW)}}


def describe(server: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document, with `server` as the base of the paths."""
    # The answers' routes are described beside their views (it imports this module).
    from webui.answers_openapi import paths as answer_paths
    from webui.answers_openapi import schemas as answer_schemas

    search = search_parameters()
    compare = [{"name": "q", "in": "query", "required": True,
                "description": "A query (repeat for up to four).",
                "schema": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                "style": "form", "explode": True},
               *[p for p in search if p["name"] not in ("q", "sort", "seed")],
               _string_param("by", "year, quarter or month."),
               _string_param("measure", "count, or share of all items in the period."),
               _string_param("baseline", "0 hides the column of all items.")]
    kwic = [*search, _string_param("width", "Words of context on each side."),
            _string_param("order", "item, left or right.")]
    return {
        "openapi": "3.1.0",
        "info": {"title": "news-search API", "version": "1",
                 "description": "Full-text search over news items. Every search is a URL: "
                 "the API takes the search page's parameters. Answers carry ETag and "
                 "Last-Modified from the index generation; errors are "
                 '{"error": ..., "param": ...}.'},
        "servers": [{"url": server}],
        "paths": {
            "/api/search": {"get": {
                "operationId": "search", "summary": "One page of results",
                "parameters": [*search, *_paging()],
                "responses": _answers("SearchPage", "The page of results.")}},
            "/api/items/{item_id}": {"get": {
                "operationId": "item", "summary": "One item, with similar items",
                "parameters": [{"name": "item_id", "in": "path", "required": True,
                                "schema": {"type": "string"},
                                "example": "2024-02-06-ilo-joins-discussion-on-cooperative-"
                                           "economy-and-1d5b6b"}],
                "responses": _answers("Item", "The item.")}},
            "/export.csv.json": _companion("/export.csv", "an export", search),
            "/compare.csv.json": _companion("/compare.csv", "a comparison over time", compare),
            "/kwic.csv.json": _companion("/kwic.csv", "keyword-in-context lines", kwic),
            **answer_paths(),
            "/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This description",
                "responses": {"200": {"description": "OpenAPI 3.1",
                                      "content": {JSON: {"schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": {**_schemas(), **answer_schemas()}},
    }
