"""The shared `search.Engine`, opened once per app and kept in `app.extensions`.

The engine keeps a searcher per thread and refreshes it when the index on disk
changes, so one engine serves every request. When there is no index yet, each
request checks again (cheaply), so building one makes the site work without a
restart; until then pages say how to build it (503), never a 500.

An engine belongs to the process that opened it: its open files (and their
read offsets) and its locks must not be shared with a forked child. A holder
used in a process that did not open its engine opens its own (a gunicorn
worker forked from a master that had one, say).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import Flask, current_app

from search import Budget, Engine, IndexMissing, open_engine, resolve_index_dir
from search.build.store import IndexOutdated
from webui.errors import WebError
from webui.settings import budget_of

KEY = "news_search"


class EngineHolder:
    """Opens the engine once, on first use or at start, and hands out the shared one."""

    def __init__(self, index_dir: Path, page_cache: int, budget: Budget) -> None:
        self.index_dir = index_dir
        self.page_cache = page_cache
        self.budget = budget
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def get(self) -> Engine:
        """The engine; WebError(503) with what to do when there is no index."""
        if self._pid != os.getpid():
            # Forked since: the parent's engine (its open files and their offsets, its
            # locks) stays the parent's; this process opens its own.
            self._engine, self._lock, self._pid = None, threading.Lock(), os.getpid()
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    try:
                        self._engine = open_engine(self.index_dir, self.page_cache,
                                                   self.budget)
                    except IndexOutdated as error:
                        raise WebError(f"{error} Then reload this page.", 503) from None
                    except IndexMissing:
                        raise WebError(
                            f"There is no search index at {self.index_dir} yet. Build one "
                            "with `news-search index` (the bundled corpus) or start the "
                            "site with `news-search serve`, which builds it first; then "
                            "reload this page.", 503) from None
        return self._engine


def init_app(app: Flask) -> None:
    """Resolve the index directory and try to open the engine now."""
    configured = app.config.get("INDEX_DIR")
    holder = EngineHolder(resolve_index_dir(Path(configured) if configured else None),
                          int(app.config["PAGE_CACHE"]), budget_of(app.config))
    app.extensions[KEY] = holder
    try:
        holder.get()
    except WebError:
        app.logger.warning("no index at %s yet: pages will say how to build one",
                           holder.index_dir)


def get_engine() -> Engine:
    """The current app's shared engine (WebError 503 when there is no index)."""
    holder: EngineHolder = current_app.extensions[KEY]
    return holder.get()
