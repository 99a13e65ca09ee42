"""RSS and Atom feeds (corpus.web.feeds), and news-search's own /feed.atom read back."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import webpages as w

from corpus import Article, Problem, read_sources
from corpus.web.feeds import read_feed


def read(xml: str | bytes, name: str = "feed.xml") -> tuple[list[Article], list[Problem]]:
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    entries = list(read_feed(data, Path(name)))
    return ([e for e in entries if isinstance(e, Article)],
            [e for e in entries if isinstance(e, Problem)])


def test_rss2_entries_with_content_categories_and_language() -> None:
    (first, second), problems = read(w.rss20())
    assert not problems
    assert first.title == "Cooperatives & the green transition"
    # 23:30 at UTC-5 is the 6th where it was published (the 7th in UTC).
    assert first.date == date(2024, 2, 6)
    assert first.summary == "How cooperatives invest."  # markup taken out
    assert first.body == "Full text of the first story.\n\nIt mentions zanzibarite."
    assert first.kind == "News" and first.url == "https://news.example.org/a1"
    assert first.language == "en" and first.source == "feed.xml, entry 1"
    assert second.body == "" and second.kind == "Finance" and second.date == date(2024, 2, 7)


def test_rss1_rdf_entry() -> None:
    [entry], problems = read(w.RSS10)
    assert not problems
    assert (entry.title, entry.date, entry.kind, entry.language) == (
        "Une politique publique pour l'ESS", date(2023, 5, 4), "Politique", "fr")
    assert entry.url == "https://rdf.example.org/p1" and entry.summary == "Résumé de la politique."


def test_rss092_entry_without_a_date_is_reported() -> None:
    [entry], [problem] = read(w.RSS092, "old.rss")
    assert entry.title == "Old item with a date" and entry.date == date(2004, 1, 5)
    assert str(problem) == ("old.rss: entry 2 ('Old item without a date'): no date (no "
                            "<pubDate>, <published>, <updated> or <dc:date>); entry skipped")
    assert problem.lost_item


def test_atom_entry_prefers_its_via_link_and_reads_html_titles() -> None:
    [entry], problems = read(w.ATOM)
    assert not problems
    assert entry.title == "Las cooperativas en Colombia"
    assert entry.url == "https://original.example.com/story-1"
    assert entry.date == date(2024, 2, 5)  # published, as written (UTC-5)
    assert entry.summary == "Resumen breve."
    assert entry.body == "Texto completo.\n\nSegundo párrafo."
    assert entry.kind == "Noticia" and entry.language == "es"


def test_relative_links_resolve_against_the_saved_from_address() -> None:
    feed = w.ATOM.replace('<link rel="via" href="https://original.example.com/story-1"/>', "")
    saved = feed.replace('<?xml version="1.0" encoding="utf-8"?>',
                         '<?xml version="1.0" encoding="utf-8"?>\n<!-- saved from '
                         'url=(0034)https://atom.example.org/feed.atom -->')
    [entry], _ = read(saved)
    assert entry.url == "https://atom.example.org/noticias/1"
    [unresolved], _ = read(feed)
    assert unresolved.url == ""  # a relative link with no address to resolve it against


def test_a_feed_cut_short_keeps_the_entries_before_the_break() -> None:
    items = [{"title": f"Story {n}", "link": f"https://news.example.org/{n}",
              "date": f"Mon, 0{n} Jan 2024 10:00:00 GMT", "description": f"Summary {n}."}
             for n in range(1, 5)]
    text = w.rss20(items)
    cut = text[:text.index("<description>Summary 3.")] + "<descr"
    articles, problems = read(cut, "cut.rss")
    assert [a.title for a in articles] == ["Story 1", "Story 2"]
    broken, skipped = problems
    assert broken.line == cut.count("\n") + 1
    assert "the feed is not well-formed XML here" in broken.message
    assert "read 2 entries as far as the XML goes, 1 left unfinished by the break" in broken.message
    assert broken.fatal_in_strict
    assert str(skipped) == ("cut.rss: entry 3 ('Story 3'): cut off by the break in the XML; "
                            "entry skipped")


def test_a_broken_entity_mid_feed_keeps_every_entry() -> None:
    text = w.rss20().replace("Plain summary of the second story.", "Plain&nbsp;summary.")
    articles, [problem] = read(text)
    assert len(articles) == 2
    assert "not well-formed" in problem.message and "left unfinished" not in problem.message


@pytest.mark.parametrize("data, says", [
    ((b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
      b"<url><loc>https://a.example/</loc></url></urlset>"),
     "not an RSS or Atom feed (its first element is <urlset>)"),
    (b"<html><body><p>A page saved as .xml</p></body></html>", "not an RSS or Atom feed"),
])
def test_a_file_that_is_not_a_feed(data: bytes, says: str) -> None:
    articles, [problem] = read(data, "x.xml")
    assert articles == [] and says in str(problem)
    assert not problem.fatal_in_strict  # any XML may be named .xml
    _, [claimed] = read(data, "x.rss")
    assert claimed.fatal_in_strict  # .rss claims to be a feed


def test_feed_files_are_read_by_extension(tmp_path: Path) -> None:
    (tmp_path / "news.rss").write_text(w.rss20(), encoding="utf-8")
    (tmp_path / "noticias.atom").write_text(w.ATOM, encoding="utf-8")
    (tmp_path / "rdf.xml").write_text(w.RSS10, encoding="utf-8")
    result = read_sources([tmp_path])
    assert not result.problems
    assert len(result.articles) == 4


ROUND_TRIP = [
    {"title": "Cooperatives in Kenya grow", "date": "2024-02-06", "kind": "News",
     "summary": "Savings and credit cooperatives & their members.",
     "url": "https://www.ilo.org/kenya-coops"},
    {"title": "A statement on the International Day", "date": "2023-07-01", "kind": "Statement",
     "summary": ""},
    {"title": "Ünïcode, <markup> & quotes “here”", "date": "2022-12-31", "kind": "",
     "summary": "Text with <b>tags</b> as text.", "url": "https://example.org/x?a=1&b=2"},
]


def test_news_search_feed_reads_back_to_the_same_items(tmp_path: Path) -> None:
    from search import build_index
    from webui import create_app

    source = tmp_path / "items.jsonl"
    source.write_text("".join(json.dumps(item) + "\n" for item in ROUND_TRIP), encoding="utf-8")
    originals = read_sources([source]).articles
    build_index(read_sources([source]), tmp_path / "index")
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True}).test_client()
    response = client.get("/feed.atom")
    assert response.status_code == 200
    saved = tmp_path / "feed.atom"
    saved.write_bytes(response.data)
    result = read_sources([saved])
    assert not result.problems
    back = {article.id: article for article in result.articles}
    assert set(back) == {article.id for article in originals}
    for original in originals:
        read_back = back[original.id]
        assert (read_back.title, read_back.date, read_back.kind, read_back.summary) == (
            original.title, original.date, original.kind, original.summary)
        # The original link when the item has one, else its permalink on the server.
        assert read_back.url == (original.url or f"http://localhost/items/{original.id}")
