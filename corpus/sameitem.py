"""When two records are one item, and what the one record is.

The same item is read more than once: from two snapshots of a page, from the
news page and a regional page, from a listing and a JSON Lines export of it.
The copies differ a little ("Spotlight Interviews with Co-operators" /
"... with Cooperators", "Interview with Mr A and Mr B" / "Interview with A and
B", a summary cut short in one). Two records are **the same item** when

- they have the same id (an id given in a JSON Lines or CSV record is
  authoritative; a derived id is the date and the title's slug), or
- they have the same date and the same *title key*: the title's words after
  folding case, accents, punctuation and the spelling variants of
  `data/variants.txt` together, leaving out the words of
  `data/title-words.txt` (honorifics). Nothing fuzzier: "Issue No. 20" and
  "Issue No. 21", or "Principle 3" and "Principle 7" of one day, stay apart;

unless both have a kind, the kinds differ (by *kind key*, the kind's words
folded the same way) and nothing else says they are one (summaries that are
the same, or one the start of the other; a given id): a "News" item and the
"Publication" it announces, of one day and title, are two items, the second
kept under its own id. A record without a kind joins the one of the kinds its
summary agrees with (or the first).

The merged record is chosen without regard to reading order: its id is the
smallest of the copies' ids (an item seen once keeps exactly its own id),
its title and source those of the fullest copy with that id; of every other
text field the longest (a summary cut short loses to the whole one); its collection the one
most copies name. `resolve` does this for one group of linked records.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from corpus.model import Article, fold, make_id, slugify
from corpus.variants import read_variants, respell

TITLE_WORDS_FILE = Path(__file__).resolve().parent / "data" / "title-words.txt"
_APOSTROPHES = "'\u2019\u2018\u02bc"
_WORD = re.compile(rf"\w+(?:[{_APOSTROPHES}\-\u2010\u2011\u00ad.]\w+)*")
_JOINERS = re.compile(rf"[{_APOSTROPHES}\-\u2010\u2011\u00ad.]")
_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}]s$")


@lru_cache(maxsize=4)
def read_title_words(path: Path = TITLE_WORDS_FILE) -> frozenset[str]:
    """The words of `path` that titles are compared without (see the file's comments)."""
    found: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0]
        found.update(word.strip(".").lower() for word in re.split(r"[,\s]+", line) if word)
    return frozenset(found)


@lru_cache(maxsize=200_000)
def _word(token: str) -> str:
    words = read_variants().words
    token = _POSSESSIVE.sub("", token)
    token = _JOINERS.sub("", token)
    return words.get(respell(token), respell(token))


def words_key(text: str) -> list[str]:
    """The words of `text` as items are compared: folded, joined, respelt, variants to
    their canonical word ('Co-operators' -> 'cooperative', 'Viet Nam' -> 'vietnam')."""
    found = list(map(_word, _WORD.findall(fold(text).lower())))
    joins, firsts = _joins()
    if firsts.isdisjoint(found):  # the usual case, and a quick one
        return found
    joined: list[str] = []
    for word in found:
        if joined and (joined[-1], word) in joins:
            joined[-1] = joins[(joined[-1], word)]
        else:
            joined.append(word)
    return joined


@lru_cache(maxsize=1)
def _joins() -> tuple[dict[tuple[str, str], str], frozenset[str]]:
    joins = read_variants().joins
    return joins, frozenset(first for first, _ in joins)


def kind_key(kind: str) -> str:
    """The key under which near-duplicate kinds are one kind ('' for no kind)."""
    return " ".join(words_key(kind))


def title_key(title: str) -> str:
    """The key under which near-duplicate titles of one day are one item."""
    found = words_key(title)
    ignored = read_title_words()
    if ignored.isdisjoint(found):
        return " ".join(found)
    return " ".join(word for word in found if word not in ignored)


def is_derived(article: Article) -> bool:
    """True when the id is the one derived from date and title (not given by the input)."""
    return article.id == make_id(article.date, article.title)


@dataclass
class Outcome:
    """One item as `resolve` decided it: the record to keep and what was merged into it."""

    article: Article
    first: int                                            # the stage position to emit it at
    name: str                                             # the input the kept record came from
    members: list[int] = field(default_factory=list)      # every position it was read at
    same: list[tuple[Article, str]] = field(default_factory=list)  # copies with its id
    near: list[tuple[Article, str]] = field(default_factory=list)  # copies with another id
    apart_from: str = ""  # the id of an item of the same date and title but another kind


Member = tuple[int, Article, str]  # (stage position, record, the input it was read from)


def resolve(members: list[Member], taken: Callable[[str], bool]) -> list[Outcome]:
    """The items a group of linked records make; `taken(id)` says whether an id is used by
    some record outside the group (a new id must not be)."""
    outcomes = []
    for component in _components(members):
        clusters = _clusters(component)
        used: set[str] = set()
        for cluster in sorted(clusters, key=_cluster_order):
            outcome = _merge(cluster)
            if outcome.article.id in used:
                base = outcome.article.id
                outcome.article = dataclasses.replace(
                    outcome.article, id=_apart_id(base, outcome.article, used, taken))
                outcome.apart_from = base
            used.add(outcome.article.id)
            outcomes.append(outcome)
    return sorted(outcomes, key=lambda outcome: outcome.first)


def _components(members: list[Member]) -> list[list[Member]]:
    """Split records into groups linked by the same id or the same date and title key
    (the caller groups by hashes of those keys; this checks the keys themselves)."""
    parent = list(range(len(members)))

    def root(at: int) -> int:
        while parent[at] != at:
            parent[at] = parent[parent[at]]
            at = parent[at]
        return at
    first_of: dict[object, int] = {}
    for at, (_, article, _) in enumerate(members):
        for key in (("id", article.id), ("title", article.date, title_key(article.title))):
            if key in first_of:
                parent[root(at)] = root(first_of[key])
            else:
                first_of[key] = at
    groups: dict[int, list[Member]] = {}
    for at, member in enumerate(members):
        groups.setdefault(root(at), []).append(member)
    return list(groups.values())


def _order(member: Member) -> tuple[object, ...]:
    """A total order on records by content (and input name), never by reading order: by
    id, then the fullest record first."""
    _, a, name = member
    text = sum(len(value) for value in (a.kind, a.summary, a.url, a.collection))
    return (a.id, -text, a.title, a.kind, a.summary, a.url, a.collection, a.source, name)


def _clusters(component: list[Member]) -> list[list[Member]]:
    by_kind: dict[str, list[Member]] = {}
    loose = []
    for member in sorted(component, key=_order):
        key = kind_key(member[1].kind)
        if key:
            by_kind.setdefault(key, []).append(member)
        else:
            loose.append(member)
    clusters = [by_kind[key] for key in sorted(by_kind)]
    if not clusters:
        return [loose]
    # Two kinds are one item when their summaries say so (the same text, or one the start
    # of the other), or when they share a given id (authoritative, whatever the kinds).
    merged: list[list[Member]] = []
    for cluster in clusters:
        given = {a.id for _, a, _ in cluster if not is_derived(a)}
        home = next((other for other in merged
                     if given & {a.id for _, a, _ in other if not is_derived(a)}
                     or any(_summaries_match(a, b) for _, a, _ in cluster for _, b, _ in other)),
                    None)
        if home is None:
            merged.append(list(cluster))
        else:
            home.extend(cluster)
    for member in loose:
        agree = [cluster for cluster in merged
                 if any(_summaries_agree(member[1], other[1]) for other in cluster)]
        (agree[0] if len(agree) == 1 else merged[0]).append(member)
    return merged


def _summaries_match(one: Article, other: Article) -> bool:
    """Both summaries given, and one the same as, or the start of, the other."""
    return bool(one.summary and other.summary) and _summaries_agree(one, other)


def _summaries_agree(one: Article, other: Article) -> bool:
    a, b = " ".join(words_key(one.summary)), " ".join(words_key(other.summary))
    return not a or not b or a.startswith(b) or b.startswith(a)


def _cluster_order(cluster: list[Member]) -> tuple[str, str]:
    kinds = sorted(kind_key(a.kind) for _, a, _ in cluster if a.kind)
    return (kinds[0] if kinds else "", min(a.id for _, a, _ in cluster))


def _merge(cluster: list[Member]) -> Outcome:
    cluster = sorted(cluster, key=_order)
    given = sorted(a.id for _, a, _ in cluster if not is_derived(a))
    kept_id = given[0] if given else min(a.id for _, a, _ in cluster)
    representative = next(member for member in cluster if member[1].id == kept_id)
    rep = representative[1]
    values: dict[str, object] = {}
    for spec in dataclasses.fields(Article):
        name = spec.name
        if name in ("id", "title", "date", "source"):
            continue
        seen = [getattr(article, name) for _, article, _ in cluster]
        if name == "collection":
            counts = Counter(value for value in seen if value)
            values[name] = min(counts, key=lambda value: (-counts[value], value)) if counts else ""
        elif isinstance(getattr(rep, name), str):
            values[name] = max(seen, key=len)  # the first of the longest, in content order
        else:
            values[name] = next((value for value in seen if value is not None), None)
    article = dataclasses.replace(rep, **values)  # type: ignore[arg-type]
    outcome = Outcome(article, min(position for position, _, _ in cluster), representative[2],
                      sorted(position for position, _, _ in cluster))
    for member in cluster:
        if member is representative:
            continue
        (outcome.same if member[1].id == kept_id else outcome.near).append(
            (member[1], member[2]))
    return outcome


def _apart_id(base: str, article: Article, used: set[str], taken: Callable[[str], bool]) -> str:
    """An id for an item that shares its date and title with another of a different kind."""
    candidate = f"{base}-{slugify(article.kind)[:24].strip('-')}" if slugify(article.kind) else ""
    if not candidate or candidate in used or taken(candidate):
        digest = hashlib.sha1(f"{title_key(article.title)}|{kind_key(article.kind)}".encode())
        candidate = f"{base}-{digest.hexdigest()[:6]}"
    return candidate


def kind_forms(counts: Iterable[tuple[str, int]]) -> dict[str, str]:
    """For kinds written more than one way, the form to show: the most used (then the first
    in sort order), so near-duplicate kinds are one kind."""
    by_key: dict[str, Counter[str]] = {}
    for kind, count in counts:
        by_key.setdefault(kind_key(kind), Counter())[kind] += count
    forms = {}
    for variants in by_key.values():
        if len(variants) > 1:
            best = min(variants, key=lambda kind: (-variants[kind], kind))
            forms.update({kind: best for kind in variants if kind != best})
    return forms
