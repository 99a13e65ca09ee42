"""A bounded, thread-safe LRU map: the one cache shape news-search uses.

It keeps recent result pages (keyed by request and index version), parsed
queries, posting lists (`postings.termcache`, bounded by postings as
well as entries), mapped files and highlighter memos.

Result pages are the reason it exists: researchers page through results,
click a facet and come back, share a link that others open, so the same
`SearchRequest` on the same index version comes back often and always has the
same answer. Their key is (generation path, the generation's table of contents
number, `request.cache_key()`), so a rebuild or an `--update` (each a new
generation) can never serve a stale page: the old entries are simply
never asked for again and age out. Cached values are immutable (`ResultPage`
and `Hit` are frozen), so one value can be handed to any number of threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

DEFAULT_PAGES = 512

V = TypeVar("V")


class LRUCache(Generic[V]):
    """A thread-safe least-recently-used map of at most `size` entries (0 = off).

    With `weigh` and `max_weight`, also at most `max_weight` in all, each value
    weighing `weigh(value)`; a value heavier than a quarter of that is not kept.
    """

    def __init__(self, size: int = DEFAULT_PAGES, *, max_weight: int | None = None,
                 weigh: Callable[[V], int] | None = None) -> None:
        if size < 0:
            raise ValueError("cache size must be 0 (off) or more")
        self.size = size
        self.hits = 0
        self.misses = 0
        self.max_weight = max_weight
        self._weigh = weigh
        self._weight = 0
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

    def _weight_of(self, value: V) -> int:
        return self._weigh(value) if self._weigh is not None else 0

    def put(self, key: Hashable, value: V) -> None:
        if not self.size:
            return
        weight = self._weight_of(value)
        if self.max_weight is not None and weight > self.max_weight // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._weight -= self._weight_of(old)
            self._items[key] = value
            self._weight += weight
            while len(self._items) > self.size or (
                    self.max_weight is not None and self._weight > self.max_weight):
                _, dropped = self._items.popitem(last=False)
                self._weight -= self._weight_of(dropped)

    def get_or_make(self, key: Hashable, make: Callable[[], V | None]) -> V | None:
        """The value for `key`, made (and kept, unless None) when missing."""
        value = self.get(key)
        if value is None:
            value = make()
            if value is not None:
                self.put(key, value)
        return value

    def discard_where(self, test: Callable[[Hashable], bool]) -> None:
        """Drop every entry whose key passes `test`."""
        with self._lock:
            for key in [key for key in self._items if test(key)]:
                self._weight -= self._weight_of(self._items.pop(key))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0

    def __len__(self) -> int:
        return len(self._items)
