"""Web fixtures written for the tests, modelled on the shapes real sites use (not copied).

Pages: an ILO-style article saved from a browser (kind-and-date line under
the title), a CMS article with Open Graph and JSON-LD metadata, an ILO-style
listing (kind line, linked title, date line, summary, credit lines), a blog
archive (`<time datetime>`, American dates, "Read more" links), an article
with a "related news" box, and pages that are not articles (a login page, an
empty page, an undated page, a menu). Feeds of each format, and a WARC built
with warcio.
"""

from __future__ import annotations

import io

PARAGRAPH = ("Cooperatives and other social and solidarity economy enterprises met in Geneva "
             "to discuss how they keep workers in decent jobs through the recovery. ")


def article_page(title: str = "An Update on the COOP 100 Interview Series",
                 date_line: str = "News | 25 August 2020",
                 url: str = "https://www.ilo.org/global/topics/cooperatives/news/WCMS_754128/"
                            "lang--en/index.htm",
                 lang: str = "en", body: str = "", extra_head: str = "") -> str:
    """An article as a browser saves it: the saved-from comment, menus, the article, a footer."""
    text = body or (f"<p>{PARAGRAPH * 3}</p><p>The interviews are available as text and "
                    f"video, with a sentence about zanzibarite weavers. {PARAGRAPH}</p>")
    comment = f"<!-- saved from url=({len(url):04d}){url} -->\n" if url else ""
    return f"""<!DOCTYPE html>
{comment}<html lang="{lang}"><head><meta charset="utf-8">
<title>{title} | International Labour Organization</title>{extra_head}
</head><body>
<header><nav><a href="/">Home</a> <a href="/topics">Topics</a> <a href="/login">Sign in</a></nav>
</header>
<main><article>
<h1>{title}</h1>
<p class="standfirst">An oral history initiative with colleagues and partners of the unit.</p>
<p>{date_line}</p>
{text}
</article></main>
<footer><p>Copyright and permissions</p></footer>
</body></html>"""


def cms_article() -> str:
    """A CMS article: canonical link, Open Graph, article:section and published_time,
    JSON-LD; no date in the visible text."""
    return f"""<!DOCTYPE html><html lang="fr-CH"><head><meta charset="utf-8">
<title>Les coopératives face à la crise – Le Journal</title>
<link rel="canonical" href="/2021/05/04/les-cooperatives-face-a-la-crise">
<meta property="og:url" content="https://journal.example.org/wrong-og-url">
<meta property="og:type" content="article">
<meta property="og:title" content="Les coopératives face à la crise">
<meta property="article:published_time" content="2021-05-04T10:00:00+02:00">
<meta property="article:section" content="Économie">
<meta name="description" content="Comment les coopératives ont tenu pendant la crise.">
<base href="https://journal.example.org/">
<script type="application/ld+json">{{"@context": "https://schema.org",
 "@type": "NewsArticle", "headline": "Les coopératives face à la crise"}}</script>
</head><body><div id="menu"><a href="/">Accueil</a> <a href="/eco">Économie</a></div>
<article><h1>Les coopératives face à la crise</h1>
<p>{"Les coopératives de travailleurs ont gardé leurs membres au travail. " * 6}</p>
<p>{"Les banques coopératives ont prêté aux petites entreprises du canton. " * 6}</p>
</article></body></html>"""


def ilo_listing(with_undated: bool = True) -> str:
    """An ILO-style listing page: kind line, linked title, date line, optional summary."""
    undated = """<li><p class="kind">News</p><h3><a href="WCMS_4/lang--en/index.htm">An item
whose date line was lost</a></h3><p>Its summary.</p></li>""" if with_undated else ""
    return f"""<!DOCTYPE html>
<!-- saved from url=(0064)https://www.ilo.org/global/topics/cooperatives/news/lang--en/index.htm -->
<html lang="en"><head><title>News, stories and statements on cooperatives</title></head>
<body><header><nav><a href="/">Home</a><a href="/about">About the ILO</a>
<a href="/news">News and media</a></nav></header>
<main><h1>News, stories and statements on cooperatives</h1>
<ul class="items">
<li><p class="kind">News</p><h3><a href="WCMS_1/lang--en/index.htm">ILO joins discussion on
cooperative economy and decent work</a></h3><p class="date">06 February 2024</p>
<p>The ILO took part in a panel on the cooperative economy and decent work.</p></li>
<li><p>© ILO/M. Crozet</p><p class="kind">Spotlight Interviews with Co-operators</p>
<h3><a href="WCMS_2/lang--en/index.htm">Providing savings and loans to teachers since
1972</a></h3><p class="date">5 October 2023</p></li>
<li><p class="kind">Statement</p><h3><a href="https://www.ilo.org/global/WCMS_3">International
Day of Cooperatives 2023</a></h3><p class="date">1 July 2023</p>
<p>Cooperatives for sustainable development. <a href="https://www.ilo.org/global/WCMS_3">Read
more</a></p></li>
{undated}
</ul>
<p><a href="index.htm?page=2" rel="next">Next</a></p>
</main><footer><p>Updated 3 March 2024</p></footer></body></html>"""


def blog_archive() -> str:
    """A blog's archive page: `<article>` cards, `<time datetime>`, American dates."""
    posts = [("2024/02/06/worker-coops-in-kenya", "Worker co-ops in Kenya grow again",
              "2024-02-06T09:00:00+03:00", "February 6, 2024", "Kenya"),
             ("2024/01/15/housing-cooperatives", "Housing cooperatives and rents",
              "2024-01-15T12:00:00Z", "January 15, 2024", "Housing"),
             ("2023/12/01/a-year-of-credit-unions", "A year of credit unions",
              "2023-12-01T08:00:00Z", "December 1, 2023", "Finance")]
    cards = "".join(f"""<article class="post"><span class="cat">{cat}</span>
<h2 class="entry-title"><a href="/{slug}/">{title}</a></h2>
<time datetime="{stamp}">{shown}</time>
<div class="excerpt"><p>A short excerpt of the post about {title.lower()}.</p>
<a class="more" href="/{slug}/">Read more »</a></div></article>"""
                    for slug, title, stamp, shown, cat in posts)
    return f"""<!DOCTYPE html><html lang="en-US"><head><title>Archive – Coop Blog</title>
<link rel="canonical" href="https://blog.example.net/archive/">
<meta property="og:type" content="website"></head>
<body><header><a href="/">Coop Blog</a></header><main>{cards}</main>
<aside><h3>Recent</h3><ul><li><a href="/x">Something</a> <span>March 3, 2024</span></li></ul>
</aside></body></html>"""


def article_with_related() -> str:
    """An article whose page ends with three dated links to other news."""
    related = "".join(f"""<li><a href="/news/{n}">Related story number {n} about the
cooperative movement</a> <span>{d}</span></li>""" for n, d in
                      ((1, "3 March 2024"), (2, "1 March 2024"), (3, "27 February 2024")))
    body = f"<p>{PARAGRAPH * 8}</p><p>{PARAGRAPH * 6}</p>"
    return article_page(title="Cooperatives keep workers in decent jobs",
                        date_line="News | 4 March 2024",
                        body=body + f'<div class="related"><h2>Related news</h2><ul>{related}'
                                    '</ul></div>')


def login_page() -> str:
    return """<!DOCTYPE html><html lang="en"><head><title>Sign in</title></head><body>
<h1>Sign in to continue reading</h1><form action="/login" method="post">
<label>Email <input type="email" name="email"></label>
<label>Password <input type="password" name="password"></label>
<button>Sign in</button></form><p>Subscribers only.</p></body></html>"""


def undated_page() -> str:
    return article_page(title="About the cooperatives unit", date_line="Who we are")


def menu_page() -> str:
    links = "".join(f'<li><a href="/s{n}">Section {n}</a></li>' for n in range(12))
    return f"""<!DOCTYPE html><html><head><title>Site map</title></head><body>
<ul>{links}</ul></body></html>"""


# -- feeds --------------------------------------------------------------------------


def rss20(items: list[dict[str, str]] | None = None, language: str = "en-gb") -> str:
    items = items if items is not None else [
        {"title": "Cooperatives &amp; the green transition", "link": "https://news.example.org/a1",
         "date": "Tue, 06 Feb 2024 23:30:00 -0500", "category": "News",
         "description": "&lt;p&gt;How &lt;b&gt;cooperatives&lt;/b&gt; invest.&lt;/p&gt;",
         "content": "<p>Full text of the first story.</p><p>It mentions zanzibarite.</p>"},
        {"title": "Credit unions report growth", "link": "https://news.example.org/a2",
         "date": "Wed, 07 Feb 2024 10:00:00 GMT", "category": "Finance",
         "description": "Plain summary of the second story."}]
    entries = "".join(
        f"""<item><title>{i['title']}</title><link>{i['link']}</link>"""
        + (f"<pubDate>{i['date']}</pubDate>" if i.get("date") else "")
        + (f"<category>{i['category']}</category>" if i.get("category") else "")
        + f"<description>{i.get('description', '')}</description>"
        + (f"<content:encoded><![CDATA[{i['content']}]]></content:encoded>"
           if i.get("content") else "") + "</item>\n"
        for i in items)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Example news</title><link>https://news.example.org/</link><language>{language}</language>
<description>News</description>
{entries}</channel></rss>
"""


RSS10 = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.example.org/"><title>RDF news</title>
<link>https://rdf.example.org/</link><description>d</description></channel>
<item rdf:about="https://rdf.example.org/p1"><title>Une politique publique pour l'ESS</title>
<link>https://rdf.example.org/p1</link><description>Résumé de la politique.</description>
<dc:date>2023-05-04T18:00:00+02:00</dc:date><dc:subject>Politique</dc:subject>
<dc:language>fr</dc:language></item>
</rdf:RDF>
"""

RSS092 = """<?xml version="1.0"?>
<rss version="0.92"><channel><title>Old news</title><link>https://old.example.org/</link>
<description>d</description>
<item><title>Old item with a date</title><link>https://old.example.org/1</link>
<pubDate>Mon, 05 Jan 2004 10:00:00 GMT</pubDate><description>An old summary.</description></item>
<item><title>Old item without a date</title><link>https://old.example.org/2</link>
<description>No date here.</description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="es">
<title>Noticias</title><id>https://atom.example.org/</id><updated>2024-02-06T00:00:00Z</updated>
<entry><title type="html">Las &lt;em&gt;cooperativas&lt;/em&gt; en Colombia</title>
<id>tag:atom.example.org,2024:1</id>
<published>2024-02-05T22:00:00-05:00</published><updated>2024-02-06T09:00:00Z</updated>
<link rel="alternate" type="text/html" href="/noticias/1"/>
<link rel="via" href="https://original.example.com/story-1"/>
<category term="Noticia"/>
<summary>Resumen breve.</summary>
<content type="html">&lt;p&gt;Texto completo.&lt;/p&gt;&lt;p&gt;Segundo párrafo.&lt;/p&gt;</content>
</entry>
</feed>
"""


# -- web archives ---------------------------------------------------------------------


def make_warc(records: list[tuple[str, str, bytes, str, str]], gzip: bool = True) -> bytes:
    """A WARC built with warcio: each record is (type, uri, payload, content type, status);
    "response" records carry HTTP headers, "request" and "metadata" records do not."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    for kind, uri, payload, content_type, status in records:
        headers = {"WARC-Date": "2024-03-05T10:00:00Z"}
        if kind == "response":
            http = StatusAndHeaders(status, [("Content-Type", content_type)],
                                    protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, kind, payload=io.BytesIO(payload),
                                               length=len(payload), http_headers=http,
                                               warc_headers_dict=headers)
        else:
            record = writer.create_warc_record(uri, kind, payload=io.BytesIO(payload),
                                               length=len(payload),
                                               warc_content_type=content_type,
                                               warc_headers_dict=headers)
        writer.write_record(record)
    return out.getvalue()
