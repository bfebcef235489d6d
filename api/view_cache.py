"""Finished view responses, kept until the graph changes.

A relationship view (a neighbourhood, a unit tree, a pattern's subgraph) is a pure function of
the request and the graph. The graph changes only when someone writes through a jiandu store,
and every such write bumps the store's version token (``Store.version``), so a response cached
under the version it was computed at is exact until the next write, then simply never matches
again. One cache per API worker, bounded by bytes, least recently used out first. Stores that
cannot give a version (Neo4j here) are not cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

MAX_BYTES = 64 * 1024 * 1024


class ViewCache:
    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Any, tuple[bytes, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Any) -> tuple[bytes, int] | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Any, body: bytes, count: int) -> None:
        if len(body) > self.max_bytes // 8:
            return  # one huge picture must not flush everything else
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            self._items[key] = (body, count)
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                _, (dropped, _) = self._items.popitem(last=False)
                self._bytes -= len(dropped)
