"""The cost model: what one request may spend, declared once, and the meter that counts it.

Every request is answered within a `Budget`. Two kinds of limit keep any one
request from stalling the server for others:

- cheap checks before any work, for what can be known too big from the request
  itself: a phrase's `~` distance, the words a query holds, the words its
  prefixes expand to, the lines a keyword-in-context page may hold, the items
  an export may stream (`query.parsing` and the callers below check them);
- a `Meter` while the work runs: wall time, postings read, positions compared
  (`postings.evaluator` spends them). Work that runs over stops with
  `OverBudget`, which the web layer answers with 503 and `Retry-After`, or, for
  keyword in context, with the lines found so far and a note.

`BUDGET_LIMITS` declares each limit once: its name, default and help; the web
UI's settings (`NEWS_SEARCH_BUDGET_<NAME>`) are made from it, and `Budget`
holds the values in force.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Limit:
    """One limit: its name (a `Budget` field), default, lowest and highest value, help."""

    name: str
    default: float
    low: float
    high: float
    help: str


BUDGET_LIMITS: tuple[Limit, ...] = (
    Limit("seconds", 1.5, 0.05, 600.0,
          "Wall time one search, page or API answer may take before it stops (seconds)."),
    Limit("export_seconds", 300.0, 1.0, 86_400.0,
          "Wall time the matching and ordering of an export may take (seconds); the "
          "streaming itself goes at the client's pace."),
    Limit("postings", 200_000_000, 1_000, 10_000_000_000,
          "Postings one request may read (a posting: one item holding one word)."),
    Limit("positions", 100_000_000, 1_000, 10_000_000_000,
          "Word positions one request may compare when matching phrases."),
    Limit("slop", 200, 1, 10_000,
          "The widest phrase distance a query may ask for ('\"a b\"~N')."),
    Limit("expansions", 5_000, 10, 1_000_000,
          "Words the prefixes and wildcards of one query may expand to, together."),
    Limit("kwic_lines", 5_000, 10, 1_000_000,
          "Lines one keyword-in-context page or CSV may hold."),
    Limit("export_items", 1_000_000, 1, 100_000_000,
          "Items one export or collection may stream."),
)


@dataclass(frozen=True, slots=True)
class Budget:
    """The limits in force; `BUDGET_LIMITS` says what each means and gives its default."""

    seconds: float
    export_seconds: float
    postings: int
    positions: int
    slop: int
    expansions: int
    kwic_lines: int
    export_items: int

    @classmethod
    def defaults(cls, **changed: float) -> Budget:
        """The default budget, with some limits changed (by name)."""
        values: dict[str, float] = {limit.name: limit.default for limit in BUDGET_LIMITS}
        for name in changed:
            if name not in values:
                raise KeyError(name)
        values.update(changed)
        typed: dict[str, Any] = {f.name: float(values[f.name]) if "seconds" in f.name
                                 else int(values[f.name]) for f in fields(cls)}
        return cls(**typed)


DEFAULT_BUDGET = Budget.defaults()


class OverBudget(Exception):
    """A request would cost, or has cost, more than its budget allows.

    `message` says what ran over and what to change; `retry_after` (seconds) is
    set when trying again later may work (the server was busy, not the request
    too big).
    """

    def __init__(self, message: str, param: str | None = "q",
                 retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.retry_after = retry_after


class Meter:
    """Counts what one request spends and stops it when it runs over (not thread-safe:
    one meter per request)."""

    def __init__(self, budget: Budget = DEFAULT_BUDGET, seconds: float | None = None) -> None:
        self.budget = budget
        self.started = time.monotonic()
        self.deadline = self.started + (budget.seconds if seconds is None else seconds)
        self.postings = 0
        self.positions = 0

    def check_time(self) -> None:
        """OverBudget when the request has run past its time."""
        if time.monotonic() > self.deadline:
            spent = time.monotonic() - self.started
            raise OverBudget(f"this search took more than {spent:.1f} s, its time limit: "
                             "narrow it (fewer OR-ed words or prefixes, a date range, "
                             "a facet) or try again in a moment", retry_after=5)

    def read(self, postings: int) -> None:
        """Count postings read."""
        self.postings += postings
        if self.postings > self.budget.postings:
            raise OverBudget(f"this search reads more than {self.budget.postings:,} postings: "
                             "use fewer or rarer words, or fewer prefixes")
        self.check_time()

    def compare(self, positions: int) -> None:
        """Count positions compared for phrases."""
        self.positions += positions
        if self.positions > self.budget.positions:
            raise OverBudget(f"the phrases of this search compare more than "
                             f"{self.budget.positions:,} word positions: use fewer phrases "
                             "or rarer words in them")
        self.check_time()


def unmetered() -> Meter:
    """A meter that never stops anything (for work with no request behind it)."""
    return Meter(Budget.defaults(postings=2**62, positions=2**62), seconds=float("inf"))
