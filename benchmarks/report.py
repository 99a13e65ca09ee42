"""The figures of `bench.py`: percentiles, sizes, and the engines side by side.

`per_page_table` prints one line per page of the mix (hits and median/p95 of
every engine, ratios news-search / FTS5 and news-search / tantivy);
`summary_table` prints issue 18's table (median and p95 page, the rare word,
two common words and the three-word OR by relevance, the worst page, build
time and index size, each engine's figure and the ratios, with the targets)
as Markdown, so it can be pasted into benchmarks/README.md as printed.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path

ENGINES = {"ns": "news-search", "fts": "SQLite FTS5", "tan": "tantivy"}
# (row label, page label of the mix); each row also gives the range over the
# page's +dates and +kind variants.
FAMILIES = [("a rare word", "rare relevance"),
            ("two common words, by relevance", "and2 relevance"),
            ("three-word OR, by relevance", "or3 relevance")]
TARGETS = {  # issue 18, at 100k items; ratios in one run
    "median": ("news-search / tantivy <= 1.5", lambda f: f["median_tan"] <= 1.5),
    "p95": ("news-search / tantivy <= 2", lambda f: f["p95_tan"] <= 2.0),
    "worst": ("news-search / tantivy <= 3", lambda f: f["worst_tan"] <= 3.0),
    "rare": ("<= 3 ms", lambda f: f["rare_ms"] <= 3.0),
    "build": ("news-search / FTS5 <= 3", lambda f: f["build_fts"] <= 3.0),
    "size": ("news-search / FTS5 <= 1.5", lambda f: f["size_fts"] <= 1.5),
}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def tree_bytes(path: Path) -> int:
    """The size of a file, or of every file under a directory."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def per_page_table(labels: list[str], times: dict[str, dict[str, list[float]]],
                   totals: dict[str, dict[str, int]]) -> None:
    """One line per page: hits, median and p95 of each engine (ms), and the ratios of
    the medians (below 1.0: news-search is faster)."""
    engines = [name for name in ENGINES if name in times]
    header = f"{'page':34}" + "".join(f" {'hits ' + e:>9}" for e in engines)
    header += "".join(f" {e + ' med':>8} {e + ' p95':>8}" for e in engines)
    header += "".join(f" {'ns/' + e:>7}" for e in engines if e != "ns")
    print(f"\n{header}   (ms)")
    for label in labels:
        line = f"{label:34}" + "".join(f" {totals[e][label]:9,}" for e in engines)
        line += "".join(f" {ms(statistics.median(times[e][label])):>8} "
                        f"{ms(p95(times[e][label])):>8}" for e in engines)
        ours = statistics.median(times["ns"][label])
        line += "".join(f" {ours / statistics.median(times[e][label]):7.2f}"
                        for e in engines if e != "ns")
        print(line)


def _cell(value: float | None, fmt: Callable[[float], str]) -> str:
    return "-" if value is None else fmt(value)


def summary_table(times: dict[str, dict[str, list[float]]], build: dict[str, float],
                  sizes: dict[str, int]) -> dict[str, float]:
    """Issue 18's table, printed as Markdown; returns the ratios it checked."""
    engines = [name for name in ENGINES if name in times]

    def median_of(engine: str, label: str) -> float:
        return statistics.median(times[engine][label]) * 1000

    def variants(label: str) -> list[str]:
        word, sort = label.split(" ")
        return [f"{word}{extra} {sort}" for extra in ("", "+dates", "+kind")]

    rows: list[tuple[str, dict[str, str], str, str, str | None]] = []
    figures: dict[str, float] = {}
    everything = {e: [t for ts in times[e].values() for t in ts] for e in engines}
    for which, name, pick in (("median", "median page", statistics.median),
                              ("p95", "p95 page", p95)):
        values = {e: pick(everything[e]) * 1000 for e in engines}
        rows.append((name, {e: f"{values[e]:.1f} ms" for e in engines},
                     *_ratios(values, figures, which), which))
    for name, label in FAMILIES:
        cells: dict[str, str] = {}
        values = {e: median_of(e, label) for e in engines}
        for e in engines:
            spread = [median_of(e, v) for v in variants(label)]
            cells[e] = f"{values[e]:.1f} ms ({min(spread):.1f}-{max(spread):.1f})"
        ratio_tan, ratio_fts = _ratios(values, figures, label)
        if "tan" in engines:
            spread = [median_of("ns", v) / median_of("tan", v) for v in variants(label)]
            ratio_tan += f" ({min(spread):.1f}-{max(spread):.1f})"
        target = None
        if label.startswith("rare"):
            figures["rare_ms"] = values["ns"]
            target = "rare"
        rows.append((f"{name} (`{label}`; plain, +dates, +kind)", cells, ratio_tan,
                     ratio_fts, target))
    if "tan" in engines:
        worst_label = max(times["ns"], key=lambda lb: median_of("ns", lb) / median_of("tan", lb))
        worst = median_of("ns", worst_label) / median_of("tan", worst_label)
        figures["worst_tan"] = worst
        rows.append((f"worst page (`{worst_label}`)",
                     {e: f"{median_of(e, worst_label):.1f} ms" for e in engines},
                     f"**{worst:.1f}x**", "", "worst"))
    if all(f"{e}_build_seconds" in build for e in engines):
        values = {e: build[f"{e}_build_seconds"] for e in engines}
        rows.append(("build", {e: f"{values[e]:.1f} s" for e in engines},
                     *_ratios(values, figures, "build"), "build"))
    if all(e in sizes for e in engines):
        values = {e: sizes[e] / 1e6 for e in engines}
        rows.append(("index size", {e: f"{values[e]:.0f} MB" for e in engines},
                     *_ratios(values, figures, "size"), "size"))
    print("\n| figure | " + " | ".join(ENGINES[e] for e in engines)
          + " | news-search / tantivy | news-search / FTS5 | target | met |")
    print("|---" * (len(engines) + 5) + "|")
    for name, cells, ratio_tan, ratio_fts, key in rows:
        target, status = "", ""
        if key is not None:
            text, check = TARGETS[key]
            target = text
            try:
                status = "yes" if check(figures) else "**no**"
            except KeyError:  # the figure it checks is missing (no tantivy, --reuse)
                status = "-"
        print(f"| {name} | " + " | ".join(cells[e] for e in engines)
              + f" | {ratio_tan} | {ratio_fts} | {target} | {status} |")
    return figures


def _ratios(values: dict[str, float], figures: dict[str, float], key: str) -> tuple[str, str]:
    """The cells news-search / tantivy and news-search / FTS5, remembered in `figures`
    under `<key>_tan` and `<key>_fts`."""
    cells = []
    for other in ("tan", "fts"):
        if other not in values or not values[other]:
            cells.append("-")
            continue
        ratio = values["ns"] / values[other]
        figures[f"{key}_{other}"] = ratio
        cells.append(f"**{ratio:.1f}x**" if other == "tan" else f"{ratio:.1f}x")
    return cells[0], cells[1]
