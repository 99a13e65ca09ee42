"""One item, one record: copies with small differences merged into one stable id, and
different items never merged (the boundary tested both ways)."""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus import Article, make_id, read_sources, sameitem
from corpus.sameitem import kind_key, title_key
from webui.cli import main


def jsonl(path: Path, *records: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def listing(path: Path, heading: str, *items: tuple[str, str, str, str]) -> Path:
    """A numbered page: items of (kind, title, date, summary)."""
    lines = [heading, ""]
    for number, (kind, title, day, summary) in enumerate(items, start=1):
        lines += [f"  {number}. {kind}".rstrip(), "", f"    {title}", "", f"    {day}", ""]
        if summary:
            lines += [f"    {summary}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("one, other", [
    ("Spotlight Interviews with Co-operators", "Spotlight Interviews with Cooperators"),
    ("Interview with Mr A. Banda and Mr B. Chola", "Interview with A. Banda and B. Chola"),
    ("Interview with Dr. Ana Ruiz", "Interview with Ana Ruiz"),
    ("Labor and cooperatives in Viet Nam", "Labour and co-operatives in Vietnam"),
    ("The ILO\u2019s work on co-ops", "The ILO's work on coops"),
    ("Caf\u00e9 cooperatives in C\u00f4te d'Ivoire", "Cafe Cooperatives in Cote d\u2019Ivoire"),
])
def test_near_duplicate_titles_have_one_key(one: str, other: str) -> None:
    assert title_key(one) == title_key(other)


@pytest.mark.parametrize("one, other", [
    ("Newsletter Issue No. 20, August 2021", "Newsletter Issue No. 21, September 2021"),
    ("Cooperative Principle 3: Participation", "Cooperative Principle 7: Concern for community"),
    ("Mapping the economy in Asia - Spotlight on Malaysia",
     "Mapping the economy in Asia - Spotlight on Japan"),
    ("Cooperatives in Africa", "Cooperatives of Africa"),
    ("Interview with Ana Ruiz", "Interview with Ana Ruis"),
])
def test_different_titles_keep_different_keys(one: str, other: str) -> None:
    assert title_key(one) != title_key(other)


def test_near_duplicate_kinds_are_one_kind_key() -> None:
    assert kind_key("Spotlight Interviews with Co-operators") == \
        kind_key("Spotlight interviews with cooperators")
    assert kind_key("News") != kind_key("Publication")


def snapshots(tmp_path: Path) -> list[Path]:
    a = listing(tmp_path / "a-news.txt", "News, stories and statements on cooperatives",
                ("Spotlight Interviews with Co-operators",
                 "Interview with Mr A. Banda and Mr B. Chola", "5 May 2021",
                 "Two leaders talk about their cooperative."),
                ("News", "A dairy cooperative opens in the valley", "4 May 2021", ""))
    b = listing(tmp_path / "b-region.txt", "ILO's work on cooperatives in the south",
                ("Spotlight Interviews with Cooperators", "Interview with A. Banda and B. Chola",
                 "5 May 2021", "Two leaders talk about their cooperative, and its future."),
                ("News", "A dairy cooperative opens in the valley", "4 May 2021",
                 "Forty farmers joined."))
    return [a, b]


def test_copies_on_two_pages_are_one_item_with_one_stable_id(tmp_path: Path) -> None:
    files = snapshots(tmp_path)
    results = [read_sources(order) for order in itertools.permutations(files)]
    for result in results:
        assert len(result.articles) == 2
        assert (result.duplicates, result.near_duplicates) == (1, 1)
    records = [{a.id: a for a in result.articles} for result in results]
    assert records[0] == records[1]  # the same records whichever file is read first
    interview_id = min(make_id(date(2021, 5, 5), title) for title in (
        "Interview with Mr A. Banda and Mr B. Chola", "Interview with A. Banda and B. Chola"))
    interview = records[0][interview_id]
    assert interview.summary == "Two leaders talk about their cooperative, and its future."
    assert interview.kind in ("Spotlight Interviews with Co-operators",
                              "Spotlight Interviews with Cooperators")
    dairy = records[0][make_id(date(2021, 5, 4),
                               "A dairy cooperative opens in the valley")]
    assert dairy.summary == "Forty farmers joined."  # the missing summary filled in
    [(kept, copy)] = results[0].merged_pairs
    assert {kept.title, copy.title} == {"Interview with A. Banda and B. Chola",
                                        "Interview with Mr A. Banda and Mr B. Chola"}
    assert kept.id == interview_id


def test_an_item_without_a_near_duplicate_keeps_exactly_its_id(tmp_path: Path) -> None:
    alone = listing(tmp_path / "alone.txt", "H", ("News", "A single item", "3 March 2022", ""))
    assert [a.id for a in read_sources([alone]).articles] == ["2022-03-03-a-single-item"]
    files = snapshots(tmp_path)
    together = {a.id for a in read_sources([alone, *files]).articles}
    assert "2022-03-03-a-single-item" in together
    for article in read_sources(files[:1]).articles[1:]:  # the dairy item: an exact copy
        assert article.id in together


@pytest.mark.parametrize("one, other", [
    ("Newsletter Issue No. 20, August 2021", "Newsletter Issue No. 21, August 2021"),
    ("Cooperative Principle 3: Participation", "Cooperative Principle 7: Community"),
])
def test_different_items_of_one_day_are_never_merged(tmp_path: Path, one: str,
                                                     other: str) -> None:
    a = listing(tmp_path / "a.txt", "H", ("", one, "8 December 2020", "Same words here."))
    b = listing(tmp_path / "b.txt", "H", ("", other, "8 December 2020", "Same words here."))
    result = read_sources([a, b])
    assert sorted(x.title for x in result.articles) == sorted([one, other])
    assert result.duplicates == result.near_duplicates == 0


def test_the_same_title_on_another_day_is_another_item(tmp_path: Path) -> None:
    a = jsonl(tmp_path / "a.jsonl", {"title": "Message for the Day of Cooperatives",
                                     "date": "2019-07-05"},
              {"title": "Message for the Day of Cooperatives", "date": "2020-07-03"})
    result = read_sources([a])
    assert len(result.articles) == 2 and result.duplicates == result.near_duplicates == 0


def test_items_of_one_day_and_title_but_two_kinds_are_kept_apart(tmp_path: Path) -> None:
    page = listing(tmp_path / "africa.txt", "ILO's work on cooperatives in Africa",
                   ("News", "Advancing the agenda through the social economy", "26 September 2022",
                    "A position paper is out."),
                   ("Publication", "Advancing the agenda through the social economy",
                    "26 September 2022", "The paper examines the contribution of the SSE."))
    ids = []
    for order in ([page], [page, page]):
        result = read_sources(order)
        assert sorted(a.kind for a in result.articles) == ["News", "Publication"]
        ids.append(sorted(a.id for a in result.articles))
    base = "2022-09-26-advancing-the-agenda-through-the-social-economy"
    assert ids[0] == ids[1] == [base, base + "-publication"]
    note = next(p for p in read_sources([page]).problems if p.code == "kept apart")
    assert "another kind" in note.message and not note.fatal_in_strict
    # A copy without a kind joins the one its summary agrees with.
    bare = jsonl(tmp_path / "bare.jsonl", {"title": "Advancing the agenda through the social "
                                           "economy", "date": "2022-09-26",
                                           "summary": "The paper examines the contribution"})
    result = read_sources([page, bare])
    assert len(result.articles) == 2 and result.duplicates == 1


def test_a_given_id_is_one_item_even_with_an_edited_title(tmp_path: Path) -> None:
    old = jsonl(tmp_path / "old.jsonl", {"id": "2021-01-05-the-first-title", "title":
                                         "The first title", "date": "2021-01-05"})
    new = jsonl(tmp_path / "new.jsonl", {"id": "2021-01-05-the-first-title", "title":
                                         "The title, edited later", "date": "2021-01-05",
                                         "summary": "Now with a summary."})
    for order in ([old, new], [new, old]):
        result = read_sources(order)
        assert [(a.id, a.summary) for a in result.articles] == [
            ("2021-01-05-the-first-title", "Now with a summary.")]


def test_a_merged_export_reads_back_to_the_same_records(tmp_path: Path) -> None:
    from corpus.jsonl import write_jsonl

    merged = read_sources(snapshots(tmp_path)).articles
    export = tmp_path / "export.jsonl"
    with export.open("w", encoding="utf-8") as out:
        write_jsonl(merged, out)
    again = read_sources([export, *snapshots(tmp_path)])
    assert sorted(a.id for a in again.articles) == sorted(a.id for a in merged)


def test_near_duplicate_kinds_are_shown_as_one_kind(tmp_path: Path) -> None:
    page = listing(tmp_path / "k.txt", "H",
                   ("Spotlight Interviews with Co-operators", "First interview", "3 May 2021", ""),
                   ("Spotlight Interviews with Co-operators", "Second interview", "2 May 2021",
                    ""),
                   ("Spotlight Interviews with Cooperators", "Third interview", "1 May 2021", ""))
    kinds = {a.kind for a in read_sources([page]).articles}
    assert kinds == {"Spotlight Interviews with Co-operators"}  # the form most items use


def test_the_variants_data_can_be_extended(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from corpus import variants

    assert title_key("Women in agro cooperatives") != title_key("Women in agri cooperatives")
    data = tmp_path / "variants.txt"
    data.write_text(variants.VARIANTS_FILE.read_text(encoding="utf-8") + "agri: agro\n",
                    encoding="utf-8")
    monkeypatch.setattr(sameitem, "read_variants", lambda: variants.read_variants(data))
    monkeypatch.setattr(sameitem, "respell", lambda word: variants.respell(word, data))
    sameitem._word.cache_clear()
    sameitem._joins.cache_clear()
    try:
        assert title_key("Women in agro cooperatives") == title_key("Women in agri cooperatives")
    finally:
        sameitem._word.cache_clear()
        sameitem._joins.cache_clear()


def test_the_build_summary_counts_merges_instead_of_a_line_each(tmp_path: Path) -> None:
    records = [{"title": f"Item number {n}", "date": "2020-01-01"} for n in range(40)]
    first = jsonl(tmp_path / "first.jsonl", *records)
    again = jsonl(tmp_path / "again.jsonl", *records)
    near = jsonl(tmp_path / "near.jsonl", {"title": "Interview with Mr A. Banda",
                                           "date": "2020-02-02"},
                 {"title": "Interview with A. Banda", "date": "2020-02-02"})
    result = CliRunner().invoke(main, ["index", str(first), str(again), str(near), "--index",
                                       str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "read 42, indexed 41, skipped 1" not in result.output
    assert "read 82, indexed 41, skipped 41 (40 duplicates, 1 near-duplicates merged)" in \
        result.output
    assert result.output.count("the same item as") == 3
    assert "... and 37 more of this kind (duplicate)" in result.output
    assert "a near-duplicate of" in result.output


def test_records_are_compared_by_content_not_by_reading_order() -> None:
    day = date(2021, 5, 5)
    one = Article.create(title="Interview with Mr A. Banda", date=day, source="a.txt, item 1")
    two = Article.create(title="Interview with A. Banda", date=day, kind="Interview",
                         source="b.txt, item 4", summary="Longer text.")
    results = [sameitem.resolve([(0, x, "x"), (1, y, "y")], lambda _: False)
               for x, y in ((one, two), (two, one))]
    assert results[0][0].article == results[1][0].article
    kept = results[0][0].article
    assert kept.id == min(one.id, two.id)
    assert (kept.kind, kept.summary) == ("Interview", "Longer text.")


def test_two_kinds_with_one_summary_are_one_item(tmp_path: Path) -> None:
    news = listing(tmp_path / "news.txt", "H", ("News", "Dairy farmers form a union",
                                                "1 September 2022", "Twelve cooperatives joined."))
    region = listing(tmp_path / "region.txt", "H",
                     ("Press release", "Dairy farmers form a union", "1 September 2022",
                      "Twelve cooperatives joined. The union will sell milk together."))
    result = read_sources([news, region])
    assert len(result.articles) == 1 and result.duplicates == 1 and result.kept_apart == 0
    assert result.articles[0].summary.endswith("sell milk together.")
