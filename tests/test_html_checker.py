"""Every page passes the Nu HTML Checker (vnu.jar, the W3C validator's engine) with no error.

The checker needs Java and the jar: `.ci/run` installs both (Debian's
`default-jre-headless`, and `npm install --prefix .ci/tools vnu-jar`). The test
finds the jar at `$NEWS_SEARCH_VNU_JAR`, else at
`.ci/tools/node_modules/vnu-jar/build/dist/vnu.jar`, and is skipped, saying
which is missing, when Java or the jar is not there. All pages are checked in
one run of the checker (one JVM start).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
JAR = Path(os.environ.get("NEWS_SEARCH_VNU_JAR")
           or REPO / ".ci" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")


def checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("the Nu HTML Checker needs Java (apt-get install default-jre-headless)")
    if not JAR.is_file():
        pytest.skip(f"no Nu HTML Checker at {JAR} (npm install --prefix .ci/tools vnu-jar, "
                    "or set NEWS_SEARCH_VNU_JAR)")
    return [java, "-Xss8m", "-jar", str(JAR)]


def pages(client, engine) -> dict[str, str]:
    from tests_support import request
    item = engine.search(request(q="kenya")).hits[0].article.id
    urls = ["/", "/?q=kenya", "/?q=cooperative&per_page=2&page=2", "/?from=2024-02&to=2024-02",
            "/?q=kenia", "/?q=zebra", "/?q=kenya&from=nonsense", "/?q=kenya&gen=20000101T0-x",
            "/help", f"/items/{item}", "/items/no-such-item", "/no/such/page",
            "/compare", "/compare?q=kenya&q=sse&measure=share", "/compare?q=kenya&by=decade",
            "/kwic", "/kwic?q=cooperative", "/kwic?q=kenya&width=99",
            "/?q=kenya&kind=Podcast", "/compare?q=kenya&kind=News", "/?q=solidarty+economy",
            "/terms", "/terms?q=cooperative&by=year", "/terms?by=week",
            "/cooccurrence", "/cooccurrence?q=cooperative", "/map", "/map?q=kenya",
            "/map?country=Kenia", "/compare?each=country",
            "/collection", f"/collection?id={item}&id=gone-item&add=kenya",
            f"/collection?id={item}&q=kenya"]
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.mimetype == "text/html", url
        found[url] = response.get_data(as_text=True)
    return found


@pytest.mark.slow
def test_every_page_has_no_html_error(client, engine, tmp_path: Path) -> None:
    command = checker()
    files = {}
    for number, (url, html) in enumerate(pages(client, engine).items()):
        path = tmp_path / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = url
    run = subprocess.run([*command, "--format", "json", "--exit-zero-always", *files],
                         check=False, capture_output=True, text=True, timeout=300)
    report = json.loads(run.stderr or run.stdout)
    errors = [f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: "
              f"line {m.get('lastLine')}: {m['message']}"
              for m in report["messages"] if m["type"] in ("error", "non-document-error")
              or m.get("subType") == "fatal"]
    assert not errors, "\n".join(errors)
