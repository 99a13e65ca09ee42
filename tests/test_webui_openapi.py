"""The API's OpenAPI 3.1 description: valid, complete, and true of the app's answers.

schemathesis generates requests from the description (in-process, against the
Flask app: no port) and checks every answer: no 500, the status documented,
the body matching its schema, the content type declared.
"""

from __future__ import annotations

import pytest


def test_the_description_is_valid_openapi_3_1(client):
    from openapi_spec_validator import validate
    document = client.get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_json_route_is_described(app, client):
    paths = set(client.get("/openapi.json").get_json()["paths"])
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") or rule.rule.endswith(".json"):
            described = rule.rule.replace("<", "{").replace(">", "}")
            assert described in paths, f"{rule.rule} is not in /openapi.json"


def test_the_facets_are_described_from_their_declarations(client):
    from search import term_facets
    document = client.get("/openapi.json").get_json()
    names = {p["name"] for p in document["paths"]["/api/search"]["get"]["parameters"]}
    assert {f.name for f in term_facets()} <= names
    page = document["components"]["schemas"]["SearchPage"]["properties"]
    assert {f.api_key for f in term_facets()} <= set(page)


@pytest.fixture
def api_schema(app):
    import schemathesis
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


@pytest.mark.slow
def test_answers_match_the_description(api_schema):
    """Property-based: requests from every operation, each answer checked against it."""
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import positive_data_acceptance

    for operation in api_schema.get_all_operations():
        operation = operation.ok()

        @settings(max_examples=40, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case) -> None:  # type: ignore[no-untyped-def]
            # The WSGI transport does not decode gzip (tested in test_webui_http). A
            # well-formed value can still be a bad date or a query of no words: those are
            # the documented 400s, so schema-valid input is not required to be accepted.
            case.call_and_validate(headers={"Accept-Encoding": "identity"},
                                   excluded_checks=[positive_data_acceptance])

        given(operation.as_strategy())(check)()
