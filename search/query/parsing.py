"""Turn the text a user typed into a Whoosh query, or say why it cannot be searched.

Whoosh's parser never raises on junk: `(((`, a lone `AND` or only common words
parse to `NullQuery`, and `*` parses to `Every`. So the parsed tree is checked
here, not trusted: a query must ask for at least one word, may not be an
"everything" wildcard, and is bounded in size, nesting and wildcard breadth so
that no single request can stall the server.

Syntax (Whoosh's): words are ANDed; `OR`, `NOT`, `AND`; "exact phrases";
`title:`, `summary:`, `kind:`, `body:`; `word*` prefixes. Field weights rank a title
match above a summary-only match. Outside the "exact words" switch, the
checked query is expanded (`query.expansion`): two-word variants closed up,
acronyms and synonyms at a lower weight, and a bonus for plain words that
stand together.
"""

from __future__ import annotations

import copy
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import AndGroup, MultifieldParser
from whoosh.qparser.plugins import BoostPlugin, FieldAliasPlugin, RangePlugin
from whoosh.reading import IndexReader

from search._whoosh import expansion
from search.budget import DEFAULT_BUDGET, Budget
from search.query.expansion import Expansion, expand, join_words, quoted_terms, typed_words
from search.query.lexicon import SPELL_FIELDS, Speller
from search.query.plain import plain_parse
from search.query.related import Key, Related
from search.query.request import MAX_QUERY_CHARS, InputError
from search.query.respelling import corrected, respell_unknown
from search.query.syntax import prepare

SEARCH_FIELDS = ("title", "summary", "kind", "body")
# The full text ranks below the title and the summary, which say what an item is about.
FIELD_BOOSTS = {"title": 3.0, "summary": 1.0, "kind": 0.5, "body": 0.5}
# The "exact words" switch searches literal copies of title and summary; the
# user still writes `title:` and `summary:`.
EXACT_FIELDS = {"title": "title_exact", "summary": "summary_exact", "kind": "kind",
                "body": "body_exact"}
LITERAL = ("title", "summary", "body")  # the fields the exact-words switch searches
MAX_CLAUSES = 64
MAX_DEPTH = 8
MAX_EXPANSION = 2_000
MIN_PREFIX = 2
# Curly double quotes delimit phrases as straight ones do; single quotes stay
# apostrophes (Whoosh's single-quote syntax is not part of ours).
CURLY_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
                              "\u00bb": '"'})
EMPTY_HELP = ("type some words, put a phrase in quotes, or clear the box to browse "
              "everything")


def make_parser(schema: Schema, exact: bool = False) -> MultifieldParser:
    """The query parser: AND by default, title weighted above summary.

    With `exact`, words are matched literally (see `EXACT_FIELDS`) in the title, summary
    and body (`kind:` still names the kind). Only the
    text fields can be named (`title:`, `summary:`, `kind:`, `body:`): the parser sees a
    schema of those alone, so `day:2024` or `id:x` are read as plain words.
    """
    text_fields = (*SEARCH_FIELDS, *EXACT_FIELDS.values())
    schema = Schema(**{name: schema[name] for name in dict.fromkeys(text_fields)
                       if name in schema})
    if exact:
        # Literal words in the title, summary and body only: the kind field is analysed
        # (its words folded to their families), so `co-op` would find "Co-operators" there.
        fields = [EXACT_FIELDS[name] for name in LITERAL]
        boosts = {EXACT_FIELDS[name]: FIELD_BOOSTS[name] for name in LITERAL}
        parser = MultifieldParser(fields, schema, fieldboosts=boosts, group=AndGroup)
        parser.add_plugin(FieldAliasPlugin({EXACT_FIELDS[name]: [name] for name in
                                            ("title", "summary", "body")}))
    else:
        parser = MultifieldParser(list(SEARCH_FIELDS), schema, fieldboosts=FIELD_BOOSTS,
                                  group=AndGroup)
    # Term ranges over text and user boosts are not part of the documented syntax.
    parser.remove_plugin_class(RangePlugin)
    parser.remove_plugin_class(BoostPlugin)
    parser.exact_words = exact  # read_query leaves an exact-words query as typed
    return parser


@dataclass(frozen=True)
class Reading:
    """How one query was read, worked out once: as typed, and as searched.

    `typed` is the checked parse of the text; `searched` what is matched (for
    the exact-words switch, the same query). `expansion` records what each step
    of `query.expansion` did, and which words were respelt
    (`query.respelling`); `respelt` gives (word as typed, word searched
    instead, as the items write it) and `corrected` the query with those
    words replaced. `notes` say what in the syntax was read differently from
    how it was typed (an unclosed quote).
    """

    text: str
    typed: wq.Query
    searched: wq.Query
    expansion: Expansion = field(default_factory=Expansion)
    respelt: tuple[tuple[str, str], ...] = ()
    corrected: str = ""
    notes: tuple[str, ...] = ()


def read_query(parser: MultifieldParser, text: str, reader: IndexReader | None = None,
               expand_words: bool = True, budget: Budget = DEFAULT_BUDGET,
               speller: Speller | None = None,
               places: MutableMapping[Key, Any] | None = None) -> Reading:
    """Parse, check and (unless `expand_words` is False: the exact-words switch) expand
    `text`. With a `reader`, refuse prefixes that expand too far in this index; with a
    `speller` too, respell words that no item contains. `budget` bounds the phrase
    distances and the prefixes' words; `places` keeps the related place names worked out
    in this index version (see `query.related`). InputError says what to change."""
    typed, notes = _parsed(parser, text, budget)
    if not expand_words or getattr(parser, "exact_words", False):
        if reader is not None:
            check_expansion(typed, reader, budget)
        return Reading(text, typed, typed, corrected=text, notes=notes)
    analyzer = parser.schema["summary"].analyzer
    exact = quoted_terms(text, analyzer) if '"' in text else frozenset()
    done = Expansion()
    # Joined before respelling: "viet" of "Viet Nam" (which the items may all write
    # "Vietnam") is no unknown word to respell ("view"); `expand` joins nothing twice.
    searched = join_words(typed, done)
    if reader is not None and speller is not None:
        searched = respell_unknown(searched, reader, speller, analyzer,
                                   typed_words(text, analyzer), exact, done.respelt,
                                   done.unknown)
    related = None
    if reader is not None:
        def present(term: str) -> int:
            return max(reader.doc_frequency(name, term) for name in ("title", "summary"))

        def written(word: str) -> int:
            return max(reader.doc_frequency(name, word) for name in SPELL_FIELDS)
        related = Related(present, written, places)
    try:
        searched = expand(searched, exact, done, related)
    except ValueError as error:  # a line of data/synonyms.txt that cannot be read
        raise InputError(f"{error}: fix or remove that line of the synonyms file, or "
                         "search with the exact-words switch meanwhile", "q") from None
    if reader is not None:
        check_expansion(searched, reader, budget)
    return Reading(text, typed, searched, done,
                   tuple((choice.typed, choice.shown) for choice in done.respelt),
                   corrected(text, done.respelt), notes)


def parse_query(parser: MultifieldParser, text: str,
                reader: IndexReader | None = None, expand_words: bool = True) -> wq.Query:
    """The checked Whoosh query for `text` (which must not be blank): `read_query`'s
    `searched` query."""
    return read_query(parser, text, reader, expand_words).searched


def _parsed(parser: MultifieldParser, text: str,
            budget: Budget = DEFAULT_BUDGET) -> tuple[wq.Query, tuple[str, ...]]:
    """The checked, unexpanded query for `text`, and the notes on how it was read."""
    # Checked here too, not only in parse_request: every path to the parser (compare,
    # keyword in context...) is bounded, and Whoosh's tagger is quadratic in a long word.
    if len(text) > MAX_QUERY_CHARS:
        raise InputError(f"the query is {len(text):,} characters long; the limit is "
                         f"{MAX_QUERY_CHARS:,}: shorten it", "q")
    prepared = prepare(text.translate(CURLY_QUOTES))
    try:
        # Plain words (most queries) without the parser's taggers, to the same tree.
        parsed = plain_parse(parser, prepared.text)
        if parsed is None:
            parsed = parser.parse(prepared.text)
    except Exception as error:  # Whoosh raises assorted errors on odd syntax
        raise InputError(f"could not read the query ({error.__class__.__name__}): "
                         "check the quotes and parentheses", "q") from None
    parsed = parsed.normalize()
    if parsed is wq.NullQuery or isinstance(parsed, wq.NullQuery.__class__):
        raise InputError(f"the query '{text[:80]}' has no words to search for (only "
                         f"operators, brackets or very common words): {EMPTY_HELP}", "q")
    parsed = regroup(parsed)
    _check_tree(parsed, text, budget)
    return parsed, prepared.notes


def regroup(node: wq.Query) -> wq.Query:
    """Each word of an OR back in a group of its own: `normalize()` flattens `cocoa OR
    sugar` into one OR of eight field terms, and then `kind:sugar` alone looks like a
    word no item has (respelt, expanded on its own). The groups match and score as the
    flat OR does (a sum of the same terms)."""
    if isinstance(node, wq.Not):
        return wq.Not(regroup(node.query), boost=node.boost)
    if not isinstance(node, wq.CompoundQuery):
        return node
    children = [regroup(child) for child in node.subqueries]
    if type(node) is wq.Or and not getattr(node, "minmatch", None):
        grouped: list[wq.Query] = []
        words: dict[object, list[wq.Term]] = {}
        for child in children:
            if type(child) is wq.Term:
                group = words.get(child.text)
                if group is None:
                    group = words[child.text] = []
                    grouped.append(wq.Or(group))  # filled in as its terms come
                group.append(child)
            else:
                grouped.append(child)
        children = [g.subqueries[0] if isinstance(g, wq.Or) and len(g.subqueries) == 1
                    and type(g.subqueries[0]) is wq.Term else g for g in grouped]
        if len(children) == 1:
            return children[0]
    rebuilt = copy.copy(node)
    rebuilt.subqueries = children
    return rebuilt


def _check_tree(node: wq.Query, text: str, budget: Budget = DEFAULT_BUDGET) -> None:
    clauses = 0
    stack: list[tuple[wq.Query, int]] = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(f"the query nests brackets more than {MAX_DEPTH} deep: "
                             "simplify it", "q")
        if isinstance(current, wq.Every):
            raise InputError(f"'{text[:80]}' would match every item: {EMPTY_HELP}", "q")
        if isinstance(current, (wq.Prefix, wq.Wildcard)):
            literal = current.text.split("*")[0].split("?")[0]
            if len(literal) < MIN_PREFIX:
                raise InputError(f"'{current.text.rstrip('*')}*' is too broad: give at least {MIN_PREFIX} "
                                 "letters before * or ?", "q")
        if isinstance(current, wq.Phrase) and current.slop > budget.slop:
            raise InputError(f"a phrase's distance ~{current.slop:,} is over the limit of "
                             f"{budget.slop} words: write ~{budget.slop} or less", "q")
        if current.is_leaf():
            clauses += 1
        else:
            stack.extend((child, depth + 1) for child in current.children())
    if clauses > MAX_CLAUSES * len(SEARCH_FIELDS):
        raise InputError(f"the query has more than {MAX_CLAUSES} terms: search for fewer "
                         "words at once", "q")


def check_expansion(parsed: wq.Query, reader: IndexReader,
                    budget: Budget = DEFAULT_BUDGET) -> None:
    """Refuse a prefix or wildcard that expands to too many words in this index, or
    prefixes that do together (sixty prefixes of a thousand words each took seconds)."""
    total = 0
    most = budget.expansions
    for node in parsed.leaves():
        if isinstance(node, (wq.Prefix, wq.Wildcard)):
            # (Read no further than either limit: the first one passed is the one said.)
            limit = min(MAX_EXPANSION, most - total)
            words = expansion(node, reader, limit)
            count = len(words) if words is not None else limit + 1
            if count > MAX_EXPANSION:
                raise InputError(f"'{node.text}' matches more than {MAX_EXPANSION:,} "
                                 "different words: type more letters", "q")
            total += count
            if total > most:
                raise InputError(f"the query's prefixes match more than "
                                 f"{most:,} different words together: "
                                 "type more letters, or use fewer prefixes", "q")


def field_terms(parsed: wq.Query, reader: IndexReader, field: str) -> set[str]:
    """The index terms of `field` that the query looks for, prefixes expanded and
    negated parts left out (the words of phrases among them).

    (Whoosh's own `existing_terms` drops all but one field of a multi-field query.)
    """
    terms, phrases = field_patterns(parsed, reader, field)
    return set(terms) | {term for phrase in phrases for term in phrase}


def field_patterns(parsed: wq.Query, reader: IndexReader, field: str
                   ) -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    """What highlighting and keyword in context mark in `field`: the single terms the
    query looks for (prefixes expanded, negated parts left out), and its phrases as
    tuples of terms (a word that is only in a phrase is marked only where the phrase
    stands)."""
    found: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    stack = [parsed]
    while stack:
        node = stack.pop()
        if isinstance(node, wq.Not):
            continue
        if isinstance(node, wq.AndMaybe):
            # The "words stand together" bonus: phrases of words already looked for.
            stack.append(node.a)
            continue
        if not node.is_leaf():
            stack.extend(node.children())
            continue
        if getattr(node, "fieldname", None) != field:
            continue
        if isinstance(node, wq.Phrase):
            words = tuple(str(w) for w in node.words)
            if len(words) == 1:
                found.add(words[0])
            elif words:
                phrases.add(words)
            continue
        if isinstance(node, wq.MultiTerm):  # prefixes, wildcards
            texts = expansion(node, reader) or []
        else:
            texts = node.iter_all_terms()
        for _, text in texts:
            found.add(text.decode("utf-8") if isinstance(text, bytes) else str(text))
    return frozenset(found), frozenset(phrases)
