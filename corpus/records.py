"""Turn one record of a structured file (a JSON object, a CSV row) into an Article.

JSON Lines and CSV share the field names of the record: `title` and `date`
are required; `kind`, `summary`, `url`, `id`, `body` (the full text),
`language` (a tag such as `en` or `fr-CH`), `source` (where the item was
first read, as news-search's exports write it: kept through a round trip),
`collection` and `date_end` are optional. A body longer than `MAX_BODY_CHARS`
is cut there, with a warning: the item is worth more than its last pages. An
`id` that is given is kept (so a permalink survives an edited title); a
malformed one is replaced by the derived id, with a warning. `date_end` (ISO)
ends an item dated by a range; one that is unreadable or before `date` is
dropped with a warning, the item kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from corpus.dates import DateError, check_plausible, parse_strict_date
from corpus.model import ID_PATTERN, Article, Problem, language_code

if TYPE_CHECKING:
    from corpus.inputs import Source

FIELDS = ("id", "title", "date", "kind", "summary", "url", "body", "language", "source",
          "collection", "date_end")
MAX_FIELD_CHARS = 100_000
MAX_BODY_CHARS = 1_000_000  # a long report's full text; the other fields are far shorter
WEB_LINK = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$", re.IGNORECASE)
MAX_SOURCE_CHARS = 500
MAX_TITLE_CHARS = 2_000  # a longer "title" is a summary or a whole page in the wrong place


def article_from_fields(fields: Mapping[str, object], source: Source,
                        line: int) -> tuple[Article | None, list[Problem]]:
    """The Article of one record, or None with the problems that say why it was skipped."""
    problems: list[Problem] = []
    path = source.name

    def fail(message: str) -> tuple[None, list[Problem]]:
        problems.append(Problem(path, line, f"{message}; record skipped", lost_item=True))
        return None, problems

    values: dict[str, str] = {}
    for name in FIELDS:
        value = fields.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            return fail(f"field {name!r} must be text, not {type(value).__name__}")
        if name == "body" and len(value) > MAX_BODY_CHARS:
            problems.append(Problem(str(path), line, f"body is {len(value):,} characters long; "
                                    f"kept its first {MAX_BODY_CHARS:,}", fatal_in_strict=False))
            value = value[:MAX_BODY_CHARS]
        elif name != "body" and len(value) > MAX_FIELD_CHARS:
            return fail(f"field {name!r} is {len(value):,} characters long, over the "
                        f"{MAX_FIELD_CHARS:,} limit")
        values[name] = value
    if not values["title"].strip():
        return fail("missing title")
    if len(values["title"]) > MAX_TITLE_CHARS:
        return fail(f"title is {len(values['title']):,} characters long, over the "
                    f"{MAX_TITLE_CHARS:,} limit (is another field in the title?)")
    if not values["date"].strip():
        return fail("missing date (write it as '2024-02-21')")
    try:
        day = parse_strict_date(values["date"])
        check_plausible(day)
    except DateError as error:
        return fail(str(error))
    given_id = values["id"].strip()
    if given_id and not ID_PATTERN.match(given_id):
        problems.append(Problem(path, line, f"id {given_id[:80]!r} is not a valid id "
                                "(a date, then lower-case words joined by hyphens); "
                                "used the id derived from date and title", fatal_in_strict=False))
        given_id = ""
    url = values["url"].strip()
    if url and not WEB_LINK.match(url):
        # A javascript: or data: link would run in the reader's browser from an item page.
        problems.append(Problem(path, line, f"url {url[:80]!r} is not an http(s) link; "
                                "item kept without it", fatal_in_strict=False))
        url = ""
    language = values["language"].strip()
    if language and not language_code(language):
        problems.append(Problem(path, line, f"language {language[:40]!r} is not a language "
                                "tag such as 'en' or 'fr-CH'; item kept without it",
                                fatal_in_strict=False))
        language = ""
    end = None
    if values["date_end"].strip():
        try:
            end = parse_strict_date(values["date_end"])
            if end < day:
                raise DateError(f"date_end {end.isoformat()} is before the date "
                                f"{day.isoformat()}")
        except DateError as error:
            problems.append(Problem(path, line, f"{error}; item kept without an end date",
                                    fatal_in_strict=False))
            end = None
    article = Article.create(id=given_id, title=values["title"], date=day, kind=values["kind"],
                             summary=values["summary"], url=url, body=values["body"],
                             language=language,
                             source=" ".join(values["source"].split())[:MAX_SOURCE_CHARS]
                             or f"{source.label}, line {line}",
                             collection=values["collection"], date_end=end)
    return article, problems
