"""A bounded LRU of recent result pages, keyed by request and index version.

Researchers page through results, click a facet and come back, share a link
that others open: the same `SearchRequest` on the same index version comes
back often and always has the same answer. The key is (generation path,
Whoosh reader generation, `request.cache_key()`), so a rebuild (new generation)
or an `--update` (new reader generation) can never serve a stale page: the old
entries are simply never asked for again and age out.

Pages are immutable (`ResultPage` and `Hit` are frozen), so one cached page
can be handed to any number of threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

DEFAULT_PAGES = 512

V = TypeVar("V")


class LRUCache(Generic[V]):
    """A thread-safe least-recently-used map of at most `size` entries (0 = off)."""

    def __init__(self, size: int = DEFAULT_PAGES) -> None:
        if size < 0:
            raise ValueError("cache size must be 0 (off) or more")
        self.size = size
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: V) -> None:
        if not self.size:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get_or_make(self, key: Hashable, make: Callable[[], V | None]) -> V | None:
        """The value for `key`, made (and kept, unless None) when missing."""
        value = self.get(key)
        if value is None:
            value = make()
            if value is not None:
                self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
