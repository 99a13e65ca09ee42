"""Research tools: compare queries over time (`/compare`) and keyword in context (`/kwic`).

Both take the search page's filters (`from`, `to`, `kind`, `exact`) and keep
their whole state in the URL. `/compare` takes up to four `q` parameters, a
granularity `by` (year, quarter, month), a `measure` (count, or share of all
items in the period) and `baseline=0` to hide the faint bars of all items.
`/kwic` takes one query, a context `width` in words and an `order` (item,
left, right). Each has a CSV twin with the numbers or lines behind the page.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from search import InputError, SearchRequest, parse_request
from search.research.kwic import DEFAULT_WIDTH, KwicLine, kwic
from search.research.timeline import GRANULARITIES, Timeline, timeline
from webui.compare import MEASURES, build_compare_chart
from webui.engine_ext import get_engine
from webui.errors import WebError
from webui.links import SearchParams
from webui.views.common import setting
from webui.views.exports import neutralise

bp = Blueprint("research", __name__)

MAX_WIDTH = 20
ORDERS = (("item", "Item order"), ("left", "Left context"), ("right", "Right context"))


@dataclass(frozen=True, slots=True)
class CompareForm:
    queries: list[str]   # always four boxes
    date_from: str
    date_to: str
    kinds: list[str]
    by: str
    measure: str
    baseline: bool
    exact: bool


def _filters(args: MultiDict[str, str]) -> SearchParams:
    """The shared filters of a research page, as the search page reads them."""
    return SearchParams.from_args(MultiDict([(k, v) for k, v in args.items(multi=True)
                                             if k in ("from", "to", "kind", "exact")]))


def _base_request(params: SearchParams) -> SearchRequest:
    return parse_request(params.raw())


def _choice(args: MultiDict[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = (args.getlist(name) or [default])[-1].strip().lower() or default
    if value not in choices:
        raise InputError(f"{name} must be one of {', '.join(choices)}, not '{value[:20]}'", name)
    return value


def _provenance(what: str) -> list[str]:
    engine = get_engine()
    generation = engine.generation
    return [f"# news-search {what}: {request.url}",
            f"# index generation {generation.id}, built {generation.built_at}; "
            f"retrieved {datetime.now(UTC).isoformat(timespec='seconds')}"]


def _compare(args: MultiDict[str, str]) -> tuple[CompareForm, Timeline | None, str | None,
                                                  str | None]:
    queries = [q.strip() for q in args.getlist("q") if q.strip()]
    params = _filters(args)
    baseline = (args.getlist("baseline") or ["1"])[-1] not in ("0", "off", "false", "no")
    form = CompareForm(queries=(queries + ["", "", "", ""])[:max(4, len(queries))],
                       date_from=params.date_from, date_to=params.date_to,
                       kinds=list(params.kinds), by="year", measure="count",
                       baseline=baseline, exact=bool(params.exact))
    try:
        by = _choice(args, "by", GRANULARITIES, "year")
        measure = _choice(args, "measure", MEASURES, "count")
        form = replace(form, by=by, measure=measure)
        if not queries:
            return form, None, None, None
        result = timeline(get_engine(), queries, _base_request(params), by)
    except InputError as error:
        return form, None, error.message, error.param
    return form, result, None, None


@bp.get("/compare")
def compare() -> tuple[str, int] | str:
    """Up to four queries on one chart over time, with the numbers as a table."""
    form, result, error, param = _compare(request.args)
    params = _filters(request.args)
    base = url_for("search.index")

    def href_for(query: str, period: str) -> str:
        start, end = _period_bounds(period)
        return SearchParams(q=query, date_from=start, date_to=end, kinds=params.kinds,
                            exact=params.exact).url(base)

    chart = build_compare_chart(result, form.measure, form.baseline, href_for) \
        if result is not None else None
    csv_href = url_for("research.compare_csv") + "?" + request.query_string.decode(
        "utf-8", "replace") if result is not None else ""
    page = render_template("research/compare.html", form=form, chart=chart, error=error,
                           invalid=param, csv_href=csv_href, kinds=get_engine().kinds(),
                           granularities=GRANULARITIES, measures=MEASURES,
                           page_title=f"Compare over time – {setting('SITE_TITLE')}")
    return (page, 400) if error else page


def _period_bounds(period: str) -> tuple[str, str]:
    """The from/to values of a period: '2024' -> 2024..2024, '2024-Q2' -> 2024-04..2024-06."""
    if "-Q" in period:
        year, quarter = period.split("-Q")
        first = (int(quarter) - 1) * 3 + 1
        return f"{year}-{first:02d}", f"{year}-{first + 2:02d}"
    return period, period


@bp.get("/compare.csv")
def compare_csv() -> Response:
    """The numbers behind the compare chart, one row per period."""
    form, result, error, param = _compare(request.args)
    if error or result is None:
        raise WebError(error or "give at least one query: /compare.csv?q=kenya&q=senegal", 400,
                       param=param or "q")
    out = io.StringIO()
    out.write("\r\n".join(_provenance("compare")) + "\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["period", "all_items"]
    for series in result.series:
        header += [neutralise(series.query), neutralise(series.query) + " (share)"]
    writer.writerow(header)
    for i, period in enumerate(result.periods):
        row: list[object] = [period, result.baseline[i]]
        for series in result.series:
            share = result.shares(series)[i]
            row += [series.counts[i], "" if share is None else f"{share:.6f}"]
        writer.writerow(row)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="news-search-compare.csv"',
                             "X-Index-Generation": get_engine().generation.id})


@dataclass(frozen=True, slots=True)
class KwicRow:
    left: str
    match: str
    right: str
    field: str
    href: str
    title: str
    date: str


def _kwic(args: MultiDict[str, str]) -> tuple[SearchParams, list[KwicLine], int, str, int]:
    params = SearchParams.from_args(args)
    search_request = parse_request(params.raw())
    width = args.get("width", "").strip()
    if width:
        try:
            width_value = int(width)
        except ValueError:
            raise InputError(f"width must be a whole number of words from 1 to {MAX_WIDTH}",
                             "width") from None
        if not 1 <= width_value <= MAX_WIDTH:
            raise InputError(f"width must be from 1 to {MAX_WIDTH} words", "width")
    else:
        width_value = DEFAULT_WIDTH
    order = _choice(args, "order", tuple(o for o, _ in ORDERS), "item")
    lines, total = kwic(get_engine(), search_request, width=width_value)
    if order == "left":
        lines.sort(key=lambda line: [w.lower() for w in reversed(line.left.split())])
    elif order == "right":
        lines.sort(key=lambda line: [w.lower() for w in line.right.split()])
    return params, lines, total, order, width_value


@bp.get("/kwic")
def kwic_page() -> tuple[str, int] | str:
    """Every match of the query in the result set, with the words around it."""
    error = param = None
    rows: list[KwicRow] = []
    total = 0
    order = request.args.get("order", "item")
    width = request.args.get("width", str(DEFAULT_WIDTH))
    params = SearchParams.from_args(request.args)
    if params.q:
        try:
            params, lines, total, order, width_value = _kwic(request.args)
            width = str(width_value)
            rows = [KwicRow(line.left, line.match, line.right, line.field,
                            url_for("items.item", item_id=line.item_id), line.title,
                            line.date.isoformat()) for line in lines]
        except InputError as failure:
            error, param = failure.message, failure.param
    csv_href = url_for("research.kwic_csv") + "?" + request.query_string.decode(
        "utf-8", "replace")

    def sorted_by(value: str) -> str:
        pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "order"]
        pairs.append(("order", value))
        return url_for("research.kwic_page") + "?" + urlencode(pairs)

    page = render_template("research/kwic.html", params=params, rows=rows, total=total,
                           order=order, width=width, error=error, invalid=param,
                           orders=[(value, label, sorted_by(value)) for value, label in ORDERS],
                           csv_href=csv_href, search_href=params.url(url_for("search.index")),
                           page_title=f"Keyword in context – {setting('SITE_TITLE')}")
    return (page, 400) if error else page


@bp.get("/kwic.csv")
def kwic_csv() -> Response:
    """The keyword-in-context lines as CSV, in the page's order."""
    if not SearchParams.from_args(request.args).q:
        raise WebError("keyword in context needs a query: add ?q=...", 400, param="q")
    try:
        _, lines, _, _, _ = _kwic(request.args)
    except InputError as error:
        raise WebError(error.message, 400, param=error.param) from None
    out = io.StringIO()
    out.write("\r\n".join(_provenance("keyword in context")) + "\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "date", "field", "left", "match", "right", "title"])
    for line in lines:
        writer.writerow([neutralise(str(v)) for v in (line.item_id, line.date.isoformat(),
                                                      line.field, line.left, line.match,
                                                      line.right, line.title)])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="news-search-kwic.csv"',
                             "X-Index-Generation": get_engine().generation.id})
