"""What the search page shows, computed from a `ResultPage`: the templates only print it.

`search_view()` turns the raw parameters, the engine's answer (or the error)
and each facet's values into a `SearchView`: the form as typed, the total line,
hits with their matched words marked (`marks`), the date facet and one panel
per declared facet (`search.facets`), removable chips, the chart, pagination
and the links to the same search elsewhere (API, exports, feed). Every link is
built from `SearchParams`, so it keeps the rest of the search.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from markupsafe import Markup

from corpus import Article

from search import (
    DEFAULT_PER_PAGE,
    PER_PAGE_CHOICES,
    TRUE_WORDS,
    Hit,
    ResultPage,
    facet,
    term_facets,
)
from webui.chart import MONTH_NAMES, Chart, bucket_name, build_chart
from webui.cite import Citation
from webui.links import SearchParams
from webui.marks import to_html

SORT_OPTIONS = (("", "Best first"), ("relevance", "Relevance"),
                ("newest", "Newest first"), ("oldest", "Oldest first"),
                ("random", "Random sample"))
PAGER_RADIUS = 2
TOP_VALUES = 10  # facet values shown before "more"
FORM_MAX_BOXES = 30  # a facet with more values shows only those chosen in the form


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class Checkbox:
    value: str
    dom_id: str
    checked: bool
    label: str = ""  # what the page shows: the facet's display of the value ("Kenya")


@dataclass(frozen=True, slots=True)
class FacetBoxes:
    """One facet's values as checkboxes in the form."""

    name: str       # the parameter
    heading: str
    css: str        # the fieldset's class
    boxes: list[Checkbox]


@dataclass(frozen=True, slots=True)
class Form:
    """The search form as the user filled it in.

    `facets` are each facet's values as checkboxes, for forms that choose among them
    (compare); the search form keeps the values chosen as `hidden` fields instead, and
    its side panel offers the values with their counts.
    """

    q: str
    date_from: str
    date_to: str
    facets: list[FacetBoxes]
    sorts: list[Option]
    per_pages: list[Option]
    exact: bool
    seed: str
    invalid: str | None  # the parameter at fault, to mark its input
    hidden: list[tuple[str, str]] = field(default_factory=list)  # (facet, value) chosen
    untick: FacetBoxes | None = None  # the chosen values of the facet at fault, to untick


@dataclass(frozen=True, slots=True)
class Link:
    """A labelled link, e.g. a facet bucket or a chip; `href` empty when not a link."""

    label: str
    href: str
    count: int = 0
    active: bool = False


@dataclass(frozen=True, slots=True)
class HitView:
    id: str
    href: str
    permalink: str
    title_html: Markup
    summary_html: Markup
    snippet_html: Markup  # a passage of the full text around its matches, or empty
    date_iso: str
    date_text: str
    kind: str
    number: int
    original: str = ""  # where the item was published, when known


@dataclass(frozen=True, slots=True)
class Exports:
    """The same search as a link to copy, JSON, CSV, JSON Lines and an Atom feed."""

    share: str
    api: str
    csv: str
    jsonl: str
    feed: str
    terms: str = ""          # the answer pages of the same search (views.answers)
    cooccurrence: str = ""
    map: str = ""


@dataclass(frozen=True, slots=True)
class Downloads:
    """A chart as files: SVG, and PNG where it can be made here ("" when not)."""

    svg: str
    png: str


@dataclass(frozen=True, slots=True)
class FacetPanel:
    """One facet's counts in the side panel: each value a link that adds or removes it.

    `links` are the first `TOP_VALUES` (the most items first, the chosen ones always
    among them); `more` the rest, shown on request (a `<details>`, no script needed).
    """

    name: str
    heading: str
    links: list[Link]
    more: list[Link] = field(default_factory=list)


@dataclass(slots=True)
class SearchView:
    """Everything `search/index.html` prints."""

    form: Form
    error: str | None = None
    summary: str = ""
    elapsed: str = ""
    hits: list[HitView] = field(default_factory=list)
    date_unit: str = "year"
    date_heading: str = "Years"
    date_facets: list[Link] = field(default_factory=list)
    facet_panels: list[FacetPanel] = field(default_factory=list)
    chips: list[Link] = field(default_factory=list)
    clear_href: str = ""
    chart: Chart | None = None
    chart_downloads: Downloads | None = None
    suggestion: Link | None = None
    respelt: list[str] = field(default_factory=list)  # "No item contains ..." sentences
    partial: list[HitView] = field(default_factory=list)  # all but one of the words
    empty: list[Link] = field(default_factory=list)
    pager: list[Link] = field(default_factory=list)
    prev_href: str = ""
    next_href: str = ""
    page_text: str = ""
    exports: Exports | None = None
    page_title: str = ""
    reading: list[str] = field(default_factory=list)        # "Interpreted as" sentences
    reading_notes: list[str] = field(default_factory=list)  # what may surprise
    citations: list[Citation] = field(default_factory=list)  # cite this search
    cite_url: str = ""
    change_notice: str | None = None  # the index changed since a cited generation


@dataclass(frozen=True, slots=True)
class Urls:
    """The bases of the URLs a view links to (from `url_for`, so a prefix is kept)."""

    search: str
    api: str
    csv: str
    jsonl: str
    feed: str
    help: str
    item: Callable[[str], str]
    absolute: Callable[[str], str]  # a path as the link to copy (absolute when it can be)
    chart_svg: str = ""  # the results chart as files ("" when not served)
    chart_png: str = ""


def long_date(day: date) -> str:
    """'6 February 2024'."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def date_text(article: Article) -> str:
    """'6 February 2024', or for an item dated by a range, '1 April 2018 – 31 December
    2019'."""
    if article.date_end and article.date_end != article.date:
        return f"{long_date(article.date)} \u2013 {long_date(article.date_end)}"
    return long_date(article.date)


def sentence(message: str) -> str:
    """'from: ...' -> 'From: ....': a capital first letter and a full stop."""
    text = message.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _span(page: ResultPage) -> str:
    """The dates the results cover: '2019–2024', 'January–February 2024', 'February 2024'."""
    if not page.months:
        return ""
    first, last = page.months[0][0], page.months[-1][0]
    if first[:4] != last[:4]:
        return f"{first[:4]}–{last[:4]}"
    if first == last:
        return bucket_name(first)
    return f"{MONTH_NAMES[int(first[5:]) - 1]}–{bucket_name(last)}"


def _dates_said(date_from: str, date_to: str) -> str:
    """The date filter as the user set it: 'in February 2024', 'from 2019 to 2021'."""
    if date_from and date_from == date_to:
        return f"in {bucket_name(date_from)}"
    if date_from and date_to:
        return f"from {bucket_name(date_from)} to {bucket_name(date_to)}"
    if date_from:
        return f"from {bucket_name(date_from)}"
    if date_to:
        return f"until {bucket_name(date_to)}"
    return ""


def _filters_said(params: SearchParams) -> str:
    """The filters of a search in words, for its heading: 'in February 2024, kind News'."""
    parts = [_dates_said(params.date_from, params.date_to)]
    for name, values in params.filters:
        declared = facet(name)
        shown = " or ".join(declared.display(v) for v in values)
        parts.append(f"{declared.label.lower()} {shown}")
    said = [part for part in parts if part]
    if not said:
        return ""
    return (said[0] if said[0].startswith(("in ", "from ", "until ")) else f"({said[0]})") \
        + "".join(f", {part}" for part in said[1:])


def _facet_boxes(params: SearchParams, name: str, values: list[str],
                 max_boxes: int | None = FORM_MAX_BOXES) -> FacetBoxes:
    declared = facet(name)
    key = declared.key
    wanted = {key(v) for v in params.selected(name)}
    have = {key(v) for v in values}
    known = list(values) + [v for v in params.selected(name) if key(v) not in have]
    if max_boxes is not None and len(known) > max_boxes:
        # Too many to tick through (countries, regions): the form keeps the ones chosen,
        # so they can be unticked; the side panel offers the others, with counts.
        known = [v for v in known if key(v) in wanted]
    boxes = [Checkbox(value=v, dom_id=f"{name}-{i}", checked=key(v) in wanted,
                      label=declared.display(v))
             for i, v in enumerate(known)]
    return FacetBoxes(name, declared.heading, declared.api_key, boxes)


def make_form(params: SearchParams, values: dict[str, list[str]], invalid: str | None,
              max_boxes: int | None = FORM_MAX_BOXES) -> Form:
    """The form as filled in; `values` gives each facet's values in the index. A facet
    with more than `max_boxes` values (None: no limit) gets boxes for those chosen only."""
    boxes = [_facet_boxes(params, f.name, values.get(f.name, []), max_boxes)
             for f in term_facets()]
    sorts = [Option(v, label, params.sort == v) for v, label in SORT_OPTIONS]
    if params.sort and params.sort not in {v for v, _ in SORT_OPTIONS}:
        sorts.append(Option(params.sort, params.sort, True))
    per_pages = [Option("", f"{DEFAULT_PER_PAGE} (default)", not params.per_page)]
    per_pages += [Option(str(n), str(n), params.per_page == str(n))
                  for n in PER_PAGE_CHOICES if n != DEFAULT_PER_PAGE]
    if params.per_page and params.per_page not in {o.value for o in per_pages}:
        per_pages.append(Option(params.per_page, params.per_page, True))
    return Form(q=params.q, date_from=params.date_from, date_to=params.date_to,
                facets=[b for b in boxes if b.boxes],
                sorts=sorts, per_pages=per_pages, exact=params.exact.lower() in TRUE_WORDS,
                seed=params.seed, invalid=invalid,
                hidden=[(name, value) for name, values in params.filters for value in values
                        if name != invalid],
                untick=next((FacetBoxes(b.name, b.heading, b.css,
                                        [box for box in b.boxes if box.checked])
                             for b in boxes if b.name == invalid), None))


def _chips(params: SearchParams, urls: Urls) -> list[Link]:
    chips = []
    if params.q:
        chips.append(Link(f"Words: {params.q}", params.with_query("").url(urls.search)))
    if params.exact and params.exact.lower() in TRUE_WORDS:
        chips.append(Link("Exact words only", replace(params, exact="", page="").url(urls.search)))
    if params.date_from and params.date_from == params.date_to:
        chips.append(Link(f"Dates: {bucket_name(params.date_from)}",
                          params.with_dates("", "").url(urls.search)))
    else:
        if params.date_from:
            chips.append(Link(f"From: {params.date_from}",
                              params.with_dates("", params.date_to).url(urls.search)))
        if params.date_to:
            chips.append(Link(f"To: {params.date_to}",
                              params.with_dates(params.date_from, "").url(urls.search)))
    for name, values in params.filters:
        declared = facet(name)
        for value in values:
            chips.append(Link(f"{declared.label}: {declared.display(value)}",
                              params.removing(name, value).url(urls.search)))
    return chips


def _pager(params: SearchParams, page: ResultPage, urls: Urls) -> list[Link]:
    current, last = page.request.page, page.pages
    if last <= 1:
        return []
    shown = {1, last, *range(max(1, current - PAGER_RADIUS), min(last, current + PAGER_RADIUS) + 1)}
    links: list[Link] = []
    previous = 0
    for number in sorted(shown):
        if number - previous > 1:
            links.append(Link("…", ""))
        links.append(Link(str(number), params.with_page(number).url(urls.search),
                          active=number == current))
        previous = number
    return links


def _empty_tips(params: SearchParams, urls: Urls) -> list[Link]:
    tips = []
    if params.date_from or params.date_to:
        tips.append(Link("Search all dates", params.with_dates("", "").url(urls.search)))
    for name, _ in params.filters:
        tips.append(Link(f"Search all {facet(name).heading.lower()}",
                         params.with_values(name, ()).url(urls.search)))
    # Lower-case and/or/not were read as (common) words, not operators: leave them out.
    words = [w for w in params.q.split() if w not in ("and", "or", "not")]
    if len(words) > 1 and not {"OR", "AND", "NOT"} & set(words) and '"' not in params.q:
        either = " OR ".join(words)
        tips.append(Link(f"Find any of the words: {either}",
                         params.with_query(either).url(urls.search)))
    if params.q:
        tips.append(Link("Browse everything", params.with_query("").url(urls.search)))
    tips.append(Link("Check the spelling, try fewer words or the start of a word with * "
                     "(cooperat*): see the query syntax", urls.help))
    return tips


def error_view(params: SearchParams, values: dict[str, list[str]], message: str,
               param: str | None, site: str, urls: Urls) -> SearchView:
    """The page re-rendered with the input kept, the message shown and a way out."""
    fixes = {
        "page": [Link("Go to the first page", params.first_page().url(urls.search))],
        "per_page": [Link("Use the default page size",
                          replace(params, per_page="", page="").url(urls.search))],
        "from": [Link("Search all dates", params.with_dates("", "").url(urls.search))],
        "to": [Link("Search all dates", params.with_dates("", "").url(urls.search))],
        **{f.name: [Link(f"Search all {f.heading.lower()}",
                         params.with_values(f.name, ()).url(urls.search))]
           for f in term_facets()},
        "sort": [Link("Use the default order", replace(params, sort="", page="").url(urls.search))],
        "exact": [Link("Match word forms too", replace(params, exact="", page="").url(urls.search))],
        "seed": [Link("Use the default seed", replace(params, seed="", page="").url(urls.search))],
        "q": [Link("See the query syntax", urls.help)],
    }
    return SearchView(form=make_form(params, values, param), error=sentence(message),
                      empty=fixes.get(param or "", []), page_title=f"Search error – {site}")


def _facet_panel(params: SearchParams, page: ResultPage, name: str, urls: Urls) -> FacetPanel:
    declared = facet(name)
    key = declared.key
    chosen = {key(v) for v in params.selected(name)}
    links = []
    for value, count in page.facet_counts(name):
        active = key(value) in chosen
        href = "" if not value else (params.removing(name, value) if active
                                     else params.adding(name, value)).url(urls.search)
        links.append(Link(declared.display(value) if value else declared.empty_label, href,
                          count, active))
    top = links[:TOP_VALUES]
    top += [link for link in links[TOP_VALUES:] if link.active]
    return FacetPanel(name, declared.heading, top,
                      [link for link in links[TOP_VALUES:] if not link.active])


def chart_buckets(page: ResultPage) -> tuple[str, list[tuple[str, int]]]:
    """The unit of the date facets and the chart (months inside one year, else years) and
    its buckets."""
    unit = "month" if len(page.years) == 1 else "year"
    return unit, page.months if unit == "month" else page.years


def results_chart(params: SearchParams, page: ResultPage, urls: Urls) -> Chart | None:
    """The results-over-time chart of a page (None when nothing was found)."""
    unit, buckets = chart_buckets(page)
    query = page.request.query
    what = f"results for '{respelt_query(query, page.respelt)}'" if query else "items"
    return build_chart(buckets, unit, lambda key: params.with_dates(key, key).url(urls.search),
                       what)


def search_view(params: SearchParams, page: ResultPage, values: dict[str, list[str]],
                urls: Urls, site: str) -> SearchView:
    """The full context of a results page."""
    request = page.request
    searched = respelt_query(request.query, page.respelt)
    summary = f"{_plural(page.total, 'result')} for '{searched}'" if request.query \
        else _plural(page.total, "item")
    within = _filters_said(params)
    span = _span(page)
    if within:
        summary += f" {within}"
    elif span:
        summary += f", {span}"
    elapsed = f"{page.elapsed_ms:.1f} ms" if page.elapsed_ms < 10 else f"{page.elapsed_ms:.0f} ms"
    hits = [_hit_view(hit, number, urls) for number, hit in enumerate(page.hits, start=page.first)]
    unit, buckets = chart_buckets(page)

    def bucket_href(key: str) -> str:
        return params.with_dates(key, key).url(urls.search)

    date_facets = [Link(bucket_name(key), bucket_href(key), count,
                        active=params.date_from == key and params.date_to == key)
                   for key, count in buckets]
    panels = [_facet_panel(params, page, f.name, urls) for f in term_facets()]
    chart = results_chart(params, page, urls)
    downloads = None
    if chart is not None and urls.chart_svg:
        suffix = params.for_export().query_string()
        downloads = Downloads(f"{urls.chart_svg}?{suffix}".rstrip("?"),
                              f"{urls.chart_png}?{suffix}".rstrip("?") if urls.chart_png
                              else "")
    suggestion = None
    if page.suggestion and not page.respelt:
        suggestion = Link(page.suggestion, params.with_query(page.suggestion).url(urls.search))
    chips = _chips(params, urls)
    query = params.first_page().query_string()
    suffix = f"?{query}" if query else ""
    export_suffix = f"?{params.for_export().query_string()}".rstrip("?")
    exports = Exports(share=urls.absolute(params.url(urls.search)),
                      api=urls.api + suffix, csv=urls.csv + export_suffix,
                      jsonl=urls.jsonl + export_suffix, feed=urls.feed + export_suffix)
    title = f"{request.query} – {site}" if request.query else f"Browse – {site}"
    return SearchView(
        form=make_form(params, values, None), summary=summary, elapsed=elapsed, hits=hits,
        date_unit=unit, date_heading="Months" if unit == "month" else "Years",
        date_facets=date_facets, facet_panels=[p for p in panels if p.links], chips=chips,
        clear_href=SearchParams(sort=params.sort, per_page=params.per_page,
                                seed=params.seed).url(urls.search)
        if chips else "",
        chart=chart, chart_downloads=downloads, suggestion=suggestion,
        respelt=_respelt_note(request.query, page.respelt),
        partial=[_hit_view(hit, number, urls)
                 for number, hit in enumerate(page.partial, start=page.last + 1)],
        empty=_empty_tips(params, urls) if not page.total else [],
        pager=_pager(params, page, urls),
        prev_href=params.with_page(request.page - 1).url(urls.search) if request.page > 1 else "",
        next_href=params.with_page(request.page + 1).url(urls.search)
        if request.page < page.pages else "",
        page_text=f"Results {page.first:,}–{page.last:,} of {page.total:,}" if page.hits else "",
        exports=exports, page_title=title)


def respelt_query(query: str, respelt: list[tuple[str, str]]) -> str:
    """The query with each word that no item contains replaced by the word searched."""
    for typed, used in respelt:
        query = re.sub(rf"(?<![\w'\u2019-]){re.escape(typed)}(?![\w'\u2019-])", used, query,
                       count=1)
    return query


def _respelt_note(query: str, respelt: list[tuple[str, str]]) -> list[str]:
    """One sentence for every respelt word of the query: what was searched instead."""
    if not respelt:
        return []
    typed = " or ".join(f"\u201c{word}\u201d" for word, _ in respelt)
    return [(f"No item contains {typed}: showing results for "
            f"\u201c{respelt_query(query, respelt)}\u201d.")]


def _hit_view(hit: Hit, number: int, urls: Urls) -> HitView:
    article = hit.article
    href = urls.item(article.id)
    return HitView(id=article.id, href=href, permalink=urls.absolute(href),
                   title_html=to_html(article.title, hit.title_spans),
                   summary_html=to_html(article.summary, hit.summary_spans),
                   snippet_html=to_html(hit.snippet, hit.snippet_spans),
                   date_iso=article.date.isoformat(), date_text=date_text(article),
                   kind=article.kind, number=number, original=article.url)
