"""Bad input and errors: a clear message, the input kept, the right status, never a 500."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BAD = [
    # (query string, parameter at fault, words the message must contain)
    ("q=kenya&from=nonsense", "from", "nonsense"),
    ("q=kenya&to=31+Feb+2024", "to", "31 Feb 2024"),
    ("q=kenya&from=2024&to=2023", "from", "after"),
    ("q=kenya&sort=loudest", "sort", "loudest"),
    ("q=kenya&kind=Podcast", "kind", "Podcast"),
    ("q=kenya&page=0", "page", "page"),
    ("q=kenya&page=two", "page", "two"),
    ("q=kenya&page=50", "page", "past the last page"),
    ("q=kenya&per_page=1000", "per_page", "per_page"),
    ("q=(((", "q", "no words"),
    ("q=*", "q", "every item"),
    ("q=a*", "q", "too broad"),
    ("q=" + "x" * 1200, "q", "limit"),
    ("q=kenya&exact=maybe", "exact", "maybe"),
    ("q=kenya&sort=random&seed=-1", "seed", "seed"),
]


@pytest.mark.parametrize("query, param, words", BAD)
def test_bad_parameter_rerenders_the_page(page, query, param, words):
    soup = page(f"/?{query}", status=400)
    error = soup.select_one("#form-error")
    assert error["role"] == "alert"
    message = error.select_one(".message").get_text()
    assert words.lower() in message.lower()
    assert (message[0].isupper() or message[0] == "'") and message.endswith((".", "?"))
    typed = dict(part.split("=", 1) for part in query.split("&"))
    assert soup.select_one("input#q")["value"] == typed["q"].replace("+", " ")
    if param in ("from", "to", "q", "sort", "per_page", "exact"):
        field = soup.select_one(f"#{param}")
        assert field["aria-invalid"] == "true"
        assert "form-error" in field["aria-describedby"]
        if param in ("from", "to"):
            assert field["value"] == typed[param].replace("+", " ")
    if param == "kind":  # the unknown kind stays, checked, so it can be unticked
        box = soup.select_one("input[name=kind][value=Podcast]")
        assert box.has_attr("checked")
    assert soup.select_one("ol.hits") is None
    fixes = [a["href"] for a in error.select("ul.fixes a")]
    assert fixes, "an error says what to try"
    for href in fixes:  # every way out works
        if href.startswith("/?") and param != "q":
            assert f"{param}=" not in href


@pytest.mark.parametrize("query, param, words", BAD)
def test_bad_parameter_in_the_api_is_a_json_400(client, query, param, words):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"error", "param"}
    assert body["param"] == param and words.lower() in body["error"].lower()


@pytest.mark.parametrize("path", ["/export.csv", "/export.jsonl", "/feed.atom"])
def test_bad_parameter_in_exports_is_a_400(client, path):
    response = client.get(f"{path}?q=kenya&from=nonsense")
    assert response.status_code == 400
    if path.endswith(".jsonl"):
        assert response.get_json()["param"] == "from"
    else:
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert "nonsense" in soup.select_one(".error .message").get_text()


def test_unknown_page_is_a_404_page(page):
    soup = page("/no/such/page", status=404)
    assert soup.select_one(".error h1").get_text() == "Not found"
    assert "/no/such/page" in soup.select_one(".error .message").get_text()
    assert soup.select_one(".error a[href='/']") is not None


def test_unknown_item_is_a_404_page(page):
    soup = page("/items/2024-01-01-nothing-like-this", status=404)
    assert "2024-01-01-nothing-like-this" in soup.select_one(".error .message").get_text()
    long = page("/items/" + "a" * 500, status=404)
    assert "…" in long.select_one(".error .message").get_text()


def test_api_errors_are_json(client):
    response = client.get("/api/items/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["param"] == "id"
    response = client.get("/api/nowhere")
    assert response.status_code == 404 and "error" in response.get_json()
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404 and "error" in response.get_json()


def test_wrong_method_is_a_405(client):
    response = client.post("/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "use GET" in soup.select_one(".error .message").get_text()


def test_an_unexpected_failure_is_a_plain_500_page(app, monkeypatch):
    from search import Engine

    def broken(self, request):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(Engine, "search", broken)
    response = app.test_client().get("/?q=kenya")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "secret internal detail" not in text and "Traceback" not in text
    soup = BeautifulSoup(text, "html.parser")
    assert "went wrong" in soup.select_one(".error .message").get_text()


def test_missing_index_explains_how_to_build_one(tmp_path: Path):
    from webui import create_app
    missing = tmp_path / "none"
    client = create_app({"INDEX_DIR": str(missing), "TESTING": True}).test_client()
    for url in ("/", "/items/x", "/export.csv"):
        response = client.get(url)
        assert response.status_code == 503
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        message = soup.select_one(".error .message").get_text()
        assert str(missing) in message and "news-search index" in message
    response = client.get("/api/search?q=kenya")
    assert response.status_code == 503 and "news-search index" in response.get_json()["error"]
    assert client.get("/help").status_code == 200  # pages that need no index still work


def test_index_built_later_is_picked_up_without_restart(tmp_path: Path):
    from corpus import BUNDLED_CORPUS, read_sources
    from search import build_index
    from webui import create_app
    path = tmp_path / "later"
    client = create_app({"INDEX_DIR": str(path), "TESTING": True}).test_client()
    assert client.get("/").status_code == 503
    build_index(read_sources([BUNDLED_CORPUS]), path)
    assert client.get("/?q=kenya").status_code == 200


param_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.fixed_dictionaries({name: param_text for name in (
    "q", "from", "to", "sort", "page", "per_page", "kind", "exact", "seed")}))
def test_nothing_a_user_types_gives_a_500(client, values):
    query = "&".join(f"{name}={quote(value)}" for name, value in values.items()
                     if value.strip())
    for path in ("/", "/api/search", "/export.csv", "/feed.atom"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 302, 400), (path, query, response.status_code)
    item = client.get(f"/items/{quote(values['q'], safe='')}")
    assert item.status_code in (200, 404, 308), (values["q"], item.status_code)


def test_index_removed_while_serving_is_a_503_not_a_500(tmp_path: Path):
    import shutil

    from corpus import BUNDLED_CORPUS, read_sources
    from search import build_index
    from webui import create_app
    path = tmp_path / "index"
    build_index(read_sources([BUNDLED_CORPUS]), path)
    client = create_app({"INDEX_DIR": str(path), "TESTING": True}).test_client()
    assert client.get("/?q=kenya").status_code == 200
    shutil.rmtree(path)
    response = client.get("/?q=kenya")
    assert response.status_code == 503
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "news-search index" in soup.select_one(".error .message").get_text()
    assert client.get("/api/search?q=kenya").status_code == 503


FORMATS = ["%Y", "%Y-%m", "%b%Y", "%b %Y", "%B %Y", "%d %b %Y", "%d/%m/%Y", "%d/%m/%y",
           "%Y-%m-%d", "%d.%m.%Y", "%m/%Y", "%Y/%m"]
typed_dates = st.builds(lambda day, form: day.strftime(form),
                        st.dates(min_value=date(1, 1, 1)), st.sampled_from(FORMATS))


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bound=typed_dates, other=typed_dates, same=st.booleans(),
       q=st.sampled_from(["", "kenya", "cooperative OR news", "kenia"]))
def test_dates_typed_any_way_never_give_a_500(client, bound, other, same, q):
    to = bound if same else other
    for path in ("/", "/api/search", "/feed.atom"):
        response = client.get(path, query_string={"q": q, "from": bound, "to": to})
        assert response.status_code in (200, 302, 400), (path, bound, to, response.status_code)
