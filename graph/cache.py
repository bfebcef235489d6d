"""A small thread-safe LRU map bounded by a size of one's choosing (entries, bytes).

Both caches keyed on ``Store.version()`` use it: finished API views (bounded by bytes) and
the neighbour rows of hub nodes (bounded by entries).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LRU(Generic[V]):
    def __init__(self, max_size: int, size: Callable[[V], int] = lambda _: 1) -> None:
        self.max_size = max_size
        self._size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

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
        size = self._size(value)
        if size > self.max_size // 8:
            return  # one huge entry must not flush everything else
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._total -= self._size(old)
            self._items[key] = value
            self._total += size
            while self._total > self.max_size:
                _, dropped = self._items.popitem(last=False)
                self._total -= self._size(dropped)
