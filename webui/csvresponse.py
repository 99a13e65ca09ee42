"""Every CSV the site sends (exports, `/compare.csv`, `/kwic.csv`), by the same rules.

A spreadsheet or `pandas.read_csv(url)` opens it as it is: the header row
first, CRLF line ends, UTF-8, formula-like cells quoted (`corpus.csvfile`'s
rules, which `news-search index` undoes). The provenance (the search, the
index generation, the time) is in the response headers (`X-Index-Generation`,
`X-Retrieved-At`) and in a companion JSON document at the same URL with
`.json` added (`/export.csv.json?q=...`), linked by a `Link: <...>;
rel="describedby"` header as CSV on the Web (CSVW) metadata is: the columns,
the dialect and the provenance. Two switches: `provenance=1` puts the
provenance first as a `# news-search ...: {json}` line, for those who want one
file (news-search's reader skips it; pandas needs `skiprows=1`); `bom=1`
starts the file with a UTF-8 byte-order mark, which Excel needs to read
UTF-8 (without it "ILO’s" shows as "ILOâ€™s").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import urlencode

from flask import Response, jsonify, request

from corpus.csvfile import csv_lines, spreadsheet_safe
from search import TRUE_WORDS
from webui.baseurl import absolute

SWITCHES = ("provenance", "bom")
COMPANION = ".json"


def _switch(name: str) -> bool:
    return (request.args.getlist(name) or [""])[-1].strip().lower() in TRUE_WORDS


def csv_path() -> str:
    """The CSV's own path and query (for the companion: without `.json` and the
    switches), absolute when the site's address is known."""
    path = request.path.removesuffix(COMPANION)
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k not in SWITCHES]
    query = urlencode(pairs)
    return absolute(request.script_root + path + (f"?{query}" if query else ""))


def provenance_line(what: str, record: dict[str, object]) -> str:
    """The provenance as a first line (`provenance=1`); news-search's reader skips it."""
    text = json.dumps(record, ensure_ascii=False).replace("\r", " ").replace("\n", " ")
    return f"# news-search {what}: {text}\r\n"


def _headers(record: dict[str, object], filename: str) -> dict[str, str]:
    query = request.query_string.decode("utf-8", "replace")
    companion = request.script_root + request.path + COMPANION + (f"?{query}" if query else "")
    return {"Content-Disposition": f'attachment; filename="{filename}"',
            "X-Index-Generation": str(record["generation"]),
            "X-Retrieved-At": str(record["retrieved"]),
            "Link": f'<{companion}>; rel="describedby"; type="application/csvm+json"'}


def csv_response(what: str, header: Sequence[str], rows: Iterable[Iterable[object]],
                 record: dict[str, object], filename: str) -> Response:
    """A streamed CSV response by the shared rules, its provenance in the headers."""

    # Read now: the body is streamed after the request context has gone.
    first = ("\ufeff" if _switch("bom") else "") + \
        (provenance_line(what, record) if _switch("provenance") else "")

    def text() -> Iterator[str]:
        if first:
            yield first
        yield from csv_lines(header, rows)

    response = Response(text(), headers=_headers(record, filename))
    # RFC 4180's header parameter: the first line names the columns.
    response.headers["Content-Type"] = "text/csv; charset=utf-8; header=present"
    return response


def _names(titles: Sequence[str]) -> list[str]:
    """CSVW column names (letters, digits, `_`; unique) for the header's titles."""
    names: list[str] = []
    for number, title in enumerate(titles, start=1):
        name = re.sub(r"[^A-Za-z0-9_]+", "_", title).strip("_") or f"column{number}"
        while name in names:
            name += "_"
        names.append(name)
    return names


def companion(title: str, columns: Sequence[tuple[str, str, str]],
              record: dict[str, object]) -> Response:
    """The CSV's metadata as CSVW: its URL, title, dialect, columns (header text, datatype,
    description) and the provenance (`dc:provenance`)."""
    titles = [spreadsheet_safe(column[0]) for column in columns]
    names = _names(titles)
    body = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_path(),
        "dc:title": title,
        "dc:created": record["retrieved"],
        "dc:source": record.get("search_url", ""),
        "dc:provenance": record,
        "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\r\n"]},
        "tableSchema": {"columns": [{"name": name, "titles": heading, "datatype": datatype,
                                     "dc:description": description}
                                    for name, heading, (_, datatype, description)
                                    in zip(names, titles, columns)]},
    }
    response = jsonify(body)
    response.mimetype = "application/csvm+json"
    return response
