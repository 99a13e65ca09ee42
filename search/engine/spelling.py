"""'Did you mean': a respelling of the query's unknown words that finds at least as much.

Words that no item contains are respelt to the nearest words the items write
(`query.expansion.nearest_word` over the literal-word fields, the same
mechanism the query-time respelling uses); the respelt query is offered when it
finds something, and no fewer items than the query as typed.
"""

from __future__ import annotations

import re

from search.engine.handle import View
from search.query.expansion import nearest_word
from search.query.parsing import parse_query
from search.query.request import InputError

# "Did you mean" suggests words as the items write them: the literal fields' words.
SPELL_FIELDS = ("summary_exact", "title_exact")
WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")


def suggest(view: View, text: str, total: int) -> str | None:
    """A respelling of the query's unknown words that finds something, or None."""
    reader = view.reader
    analyzer = view.analyzer("summary")
    changed = False

    def respell(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(0)
        followed_by = text[match.end():match.end() + 1]
        if word in ("AND", "OR", "NOT") or followed_by in (":", "*", "?"):
            return word
        forms = [token.text for token in analyzer(word, mode="query")]
        if not forms or any(reader.doc_frequency(field, form)
                            for form in forms for field in ("summary", "title")):
            return word
        suggestion = nearest_word(reader, SPELL_FIELDS, word.lower())
        if suggestion is None:
            return word
        changed = True
        return suggestion

    corrected = WORD.sub(respell, text)
    if not changed:
        return None
    try:
        better = parse_query(view.parser(False), corrected)
    except InputError:
        return None
    count = sum(1 for _ in view.searcher.docs_for_query(better))
    return corrected if count and count >= total else None
