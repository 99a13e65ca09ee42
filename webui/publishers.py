"""Who published an item and where it appeared, for its citations and embedded metadata.

The records carry no publisher, but their source says where they come from:
the original URL's host (`www.ilo.org`), the file they were read from (the
bundled listing), and, when the reader recorded it, the collection (the feed
or the listing's section). `Publishers` holds the rules that name a publisher
for a host or a file (`webui/data/publishers.txt`, then a file of the
operator's own, `NEWS_SEARCH_PUBLISHERS`), and `credit()` combines them with
the settings: the publisher is the first rule that matches the original URL's
host, then the source file, then `NEWS_SEARCH_PUBLISHER`; the author is
`NEWS_SEARCH_AUTHOR`, else the publisher as a corporate author (as APA and
Chicago cite an organisation's unsigned news); the site is the collection,
else the original's host.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from corpus import Article
from webui.settings import SettingError

BUNDLED_RULES = Path(__file__).resolve().parent / "data" / "publishers.txt"


class PublishersError(SettingError):
    """A publishers file cannot be read; the message names the file and the line."""


@dataclass(frozen=True, slots=True)
class Credit:
    """Who an item is by and from: '' for what is not known."""

    author: str
    publisher: str
    site: str   # the website or collection it appeared in


@dataclass(frozen=True, slots=True)
class Publishers:
    """Rules naming the publisher of a web host (and the hosts under it) or a source file."""

    hosts: dict[str, str]
    files: dict[str, str]

    def publisher(self, article: Article) -> str:
        host = (urlsplit(article.url).hostname or "") if article.url else ""
        labels = host.split(".")
        for start in range(len(labels) - 1):
            found = self.hosts.get(".".join(labels[start:]))
            if found:
                return found
        name = article.source.split(", ")[0]
        return self.files.get(name, "")


def _read_rules(path: Path, hosts: dict[str, str], files: dict[str, str]) -> None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise PublishersError(f"cannot read the publishers file {path}: "
                              f"{getattr(error, 'strerror', None) or error}") from None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, name = (part.strip() for part in line.partition("="))
        if not sep or not key or not name:
            raise PublishersError(f"{path}:{number}: write each rule as `ilo.org = "
                                  "International Labour Organization` (a web host or a "
                                  "source file name, '=', the publisher)")
        if key.lower().endswith((".txt", ".jsonl", ".csv", ".html", ".htm", ".rss", ".atom",
                                 ".xml", ".warc", ".gz")):
            files[key] = name
        else:
            hosts[key.lower().removeprefix("www.")] = name


def load_publishers(extra: Path | None = None) -> Publishers:
    """The bundled rules, then `extra`'s (which win)."""
    hosts: dict[str, str] = {}
    files: dict[str, str] = {}
    _read_rules(BUNDLED_RULES, hosts, files)
    if extra is not None:
        _read_rules(extra, hosts, files)
    return Publishers(hosts, files)


def credit(article: Article, rules: Publishers, default_publisher: str = "",
           author: str = "") -> Credit:
    """The author, publisher and site of `article` (see the module's docstring)."""
    publisher = rules.publisher(article) or default_publisher
    collection = str(getattr(article, "collection", "") or "")
    host = (urlsplit(article.url).hostname or "") if article.url else ""
    return Credit(author=author or publisher, publisher=publisher,
                  site=collection or host.removeprefix("www."))
