"""Research tools: compare queries over time (`/compare`) and keyword in context (`/kwic`).

Both take the search page's filters (`from`, `to`, `kind`, `exact`) and keep
their whole state in the URL. `/compare` takes up to four `q` parameters, a
granularity `by` (year, quarter, month), a `measure` (count, or share of all
items in the period) and `baseline=0` to hide the faint bars of all items.
`/kwic` takes one query, a context `width` in words and an `order` (item,
left, right). Each has a CSV twin with the numbers or lines behind the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from search import (
    GRANULARITIES,
    InputError,
    KwicLine,
    SearchRequest,
    Timeline,
    facet,
    kwic,
    parse_request,
    period_bounds,
    term_facets,
    timeline,
)
from search.research.kwic import DEFAULT_WIDTH, MAX_WIDTH
from search.research.timeline import facet_timeline
from webui.chartfiles import png_available, png_file, svg_file
from webui.compare import MEASURES, CompareChart, build_compare_chart
from webui.context import FacetBoxes, make_form, results_chart
from webui.csvresponse import companion, csv_path, csv_response
from webui.engine_ext import get_engine
from webui.errors import WebError
from webui.links import SearchParams
from webui.provenance import provenance
from webui.views.common import facet_values, setting, urls

bp = Blueprint("research", __name__)

ORDERS = (("item", "Item order"), ("left", "Left context"), ("right", "Right context"))


@dataclass(frozen=True, slots=True)
class CompareForm:
    queries: list[str]   # always four boxes
    date_from: str
    date_to: str
    facets: list[FacetBoxes]
    by: str
    measure: str
    baseline: bool
    exact: bool
    each: str = ""                       # a facet: one series per value, the query shared
    eaches: tuple[tuple[str, str], ...] = ()  # (facet name, "each country") choices


def _filters(args: MultiDict[str, str]) -> SearchParams:
    """The shared filters of a research page, as the search page reads them."""
    shared = {"from", "to", "exact", *(f.name for f in term_facets())}
    return SearchParams.from_args(MultiDict([(k, v) for k, v in args.items(multi=True)
                                             if k in shared]))


def _base_request(params: SearchParams) -> SearchRequest:
    return parse_request(params.raw())


def _choice(args: MultiDict[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = (args.getlist(name) or [default])[-1].strip().lower() or default
    if value not in choices:
        raise InputError(f"{name} must be one of {', '.join(choices)}, not '{value[:20]}'", name)
    return value


def _provenance() -> dict[str, object]:
    """A table's provenance: its own URL (without the switches), the generation, the time."""
    return provenance(csv_path(), get_engine().generation)


def _compare(args: MultiDict[str, str]) -> tuple[CompareForm, Timeline | None, str | None,
                                                  str | None]:
    queries = [q.strip() for q in args.getlist("q") if q.strip()]
    params = _filters(args)
    baseline = (args.getlist("baseline") or ["1"])[-1] not in ("0", "off", "false", "no")
    boxes = make_form(params, facet_values(get_engine()), None, max_boxes=None).facets
    each = (args.getlist("each") or [""])[-1].strip().lower()
    form = CompareForm(queries=(queries + ["", "", "", ""])[:max(4, len(queries))],
                       date_from=params.date_from, date_to=params.date_to,
                       facets=boxes, by="year", measure="count",
                       baseline=baseline, exact=bool(params.exact), each=each,
                       eaches=tuple((f.name, f"each {f.label.lower()}")
                                    for f in term_facets()))
    try:
        by = _choice(args, "by", GRANULARITIES, "year")
        measure = _choice(args, "measure", MEASURES, "count")
        form = replace(form, by=by, measure=measure)
        if each:
            # One series per value of a facet, the first query (if any) shared by all.
            base = replace(_base_request(params), query=queries[0] if queries else "")
            return form, facet_timeline(get_engine(), base, each, by), None, None
        if not queries:
            return form, None, None, None
        result = timeline(get_engine(), queries, _base_request(params), by)
    except InputError as error:
        return form, None, error.message, error.param
    return form, result, None, None


def _each_values(form: CompareForm, result: Timeline | None) -> list[str]:
    """The facet values behind the series of a compare-each chart."""
    chosen = list(_filters(request.args).selected(form.each))
    if chosen or result is None:
        return chosen
    declared = facet(form.each)
    return [v for v in get_engine().values(form.each)
            if declared.display(v) in {s.query for s in result.series}]


def _compare_chart(args: MultiDict[str, str]) -> tuple[CompareForm, CompareChart | None,
                                                    str | None, str | None]:
    form, result, error, param = _compare(args)
    params = _filters(args)
    base = url_for("search.index")

    values = {facet(form.each).display(v): v for v in _each_values(form, result)} \
        if form.each and result is not None else {}

    def href_for(query: str, period: str) -> str:
        start, end = period_bounds(period)
        if form.each:  # a series is a facet value, under the shared query
            shared = (form.queries or [""])[0]
            return SearchParams(q=shared, date_from=start, date_to=end,
                                filters=params.filters, exact=params.exact).with_values(
                form.each, (values.get(query, query),)).url(base)
        return SearchParams(q=query, date_from=start, date_to=end, filters=params.filters,
                            exact=params.exact).url(base)

    chart = build_compare_chart(result, form.measure, form.baseline, href_for) \
        if result is not None else None
    return form, chart, error, param


@bp.get("/compare")
def compare() -> tuple[str, int] | str:
    """Up to four queries on one chart over time, with the numbers as a table."""
    form, chart, error, param = _compare_chart(request.args)
    query = "?" + request.query_string.decode("utf-8", "replace")
    page = render_template(
        "research/compare.html", form=form, chart=chart, error=error, invalid=param,
        csv_href=url_for("research.compare_csv") + query if chart else "",
        svg_href=url_for("research.compare_svg") + query if chart else "",
        png_href=url_for("research.compare_png") + query if chart and png_available() else "",
        granularities=GRANULARITIES, measures=MEASURES,
        page_title=f"Compare over time – {setting('SITE_TITLE')}")
    return (page, 400) if error else page


def _compare_markup() -> str:
    _, chart, error, param = _compare_chart(request.args)
    if error or chart is None:
        raise WebError(error or "give at least one query: /compare.svg?q=kenya&q=senegal", 400,
                       param=param or "q")
    return render_template("research/_compare_svg.html", chart=chart, standalone=True)


@bp.get("/compare.svg")
def compare_svg() -> Response:
    """The compare chart as a standalone SVG file, as on the page."""
    return svg_file(_compare_markup(), "news-search-compare")


def _png(markup: str, name: str, svg: str) -> Response:
    """The chart as PNG, or a 404 that points to its SVG where PNG cannot be made."""
    made = png_file(markup, name)
    if made is None:
        raise WebError("PNG cannot be made on this server (the cairo library is missing): "
                       f"download the SVG instead, {svg} with the same parameters", 404)
    return made


@bp.get("/compare.png")
def compare_png() -> Response:
    """The compare chart as PNG (404 where PNG cannot be made: the SVG can)."""
    return _png(_compare_markup(), "news-search-compare", "/compare.svg")


def _results_markup() -> str:
    params = SearchParams.from_args(request.args)
    page = get_engine().search(parse_request(params.raw()))
    chart = results_chart(params, page, urls())
    if chart is None:
        raise WebError("nothing to draw: the search finds no items", 404)
    return render_template("search/_chart_svg.html", chart=chart, standalone=True)


@bp.get("/chart.svg")
def chart_svg() -> Response:
    """The search page's results-over-time chart as a standalone SVG file."""
    return svg_file(_results_markup(), "news-search-chart")


@bp.get("/chart.png")
def chart_png() -> Response:
    """The results-over-time chart as PNG (404 where PNG cannot be made)."""
    return _png(_results_markup(), "news-search-chart", "/chart.svg")


def _compare_table() -> tuple[Timeline, list[tuple[str, str, str]]]:
    """The comparison a compare CSV holds, and its columns; WebError 400 without one."""
    form, result, error, param = _compare(request.args)
    if error or result is None:
        raise WebError(error or "give at least one query: /compare.csv?q=kenya&q=senegal", 400,
                       param=param or "q")
    columns = [("period", "string", f"the {form.by} (its first day's year, quarter or month)"),
               ("all_items", "integer", "items published in the period, whatever they say")]
    for series in result.series:
        columns += [(series.query, "integer", f"items matching {series.query!r}"),
                    (series.query + " (share)", "decimal",
                     f"the share of the period's items matching {series.query!r}")]
    return result, columns


@bp.get("/compare.csv")
def compare_csv() -> Response:
    """The numbers behind the compare chart, one row per period."""
    result, columns = _compare_table()

    def rows() -> Iterator[list[object]]:
        for i, period in enumerate(result.periods):
            row: list[object] = [period, result.baseline[i]]
            for series in result.series:
                share = result.shares(series)[i]
                row += [series.counts[i], "" if share is None else f"{share:.6f}"]
            yield row

    return csv_response("compare", [name for name, _, _ in columns], rows(), _provenance(),
                        "news-search-compare.csv")


@bp.get("/compare.csv.json")
def compare_csv_metadata() -> Response:
    """The compare CSV's columns and provenance (CSVW metadata)."""
    _, columns = _compare_table()
    return companion("Compare over time", columns, _provenance())


@dataclass(frozen=True, slots=True)
class KwicRow:
    left: str
    match: str
    right: str
    field: str
    href: str
    title: str
    date: str


def _kwic(args: MultiDict[str, str]) -> tuple[SearchParams, list[KwicLine], int, str, int,
                                              str]:
    params = SearchParams.from_args(args)
    search_request = parse_request(params.raw())
    width = args.get("width", "").strip()
    try:
        width_value = int(width) if width else DEFAULT_WIDTH
    except ValueError:
        raise InputError(f"width must be a whole number of words from 1 to {MAX_WIDTH}",
                         "width") from None
    order = _choice(args, "order", tuple(o for o, _ in ORDERS), "item")
    found = kwic(get_engine(), search_request, width=width_value, order=order)
    return params, found.lines, found.total, order, width_value, found.note


@bp.get("/kwic")
def kwic_page() -> tuple[str, int] | str:
    """Every match of the query in the result set, with the words around it."""
    error = param = None
    rows: list[KwicRow] = []
    total = 0
    order = request.args.get("order", "item")
    width = request.args.get("width", str(DEFAULT_WIDTH))
    params = SearchParams.from_args(request.args)
    note = ""
    if params.q:
        try:
            params, lines, total, order, width_value, note = _kwic(request.args)
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

    page = render_template("research/kwic.html", params=params, rows=rows, total=total, note=note,
                           order=order, width=width, error=error, invalid=param,
                           orders=[(value, label, sorted_by(value)) for value, label in ORDERS],
                           csv_href=csv_href, search_href=params.url(url_for("search.index")),
                           page_title=f"Keyword in context – {setting('SITE_TITLE')}")
    return (page, 400) if error else page


KWIC_COLUMNS = (("id", "string", "the item's id"), ("date", "date", "the item's date"),
                ("field", "string", "title or summary"),
                ("left", "string", "the words before the match"),
                ("match", "string", "the matched words"),
                ("right", "string", "the words after the match"),
                ("title", "string", "the item's title"))


def _kwic_checked() -> None:
    if not SearchParams.from_args(request.args).q:
        raise WebError("keyword in context needs a query: add ?q=...", 400, param="q")


@bp.get("/kwic.csv")
def kwic_csv() -> Response:
    """The keyword-in-context lines as CSV, in the page's order."""
    _kwic_checked()
    _, lines, _, _, _, _ = _kwic(request.args)
    rows = ([line.item_id, line.date.isoformat(), line.field, line.left, line.match,
             line.right, line.title] for line in lines)
    return csv_response("keyword in context", [name for name, _, _ in KWIC_COLUMNS], rows,
                        _provenance(), "news-search-kwic.csv")


@bp.get("/kwic.csv.json")
def kwic_csv_metadata() -> Response:
    """The keyword-in-context CSV's columns and provenance (CSVW metadata)."""
    _kwic_checked()
    _kwic(request.args)  # checks the parameters as the CSV does
    return companion("Keyword in context", KWIC_COLUMNS, _provenance())
