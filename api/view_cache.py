"""Finished view responses, kept until the graph changes.

A relationship view (a neighbourhood, a unit tree, a pattern's subgraph) is a pure function of
the request and the graph. The graph changes only when someone writes through a jiandu store,
and every such write bumps the store's version token (``Store.version``), so a response cached
under the version it was computed at is exact until the next write, then simply never matches
again. One cache per API worker, bounded by bytes, least recently used out first. Stores that
cannot give a version (Neo4j here) are not cached.
"""

from __future__ import annotations

from graph.cache import LRU

MAX_BYTES = 64 * 1024 * 1024


def view_cache(max_bytes: int = MAX_BYTES) -> LRU[tuple[bytes, int]]:
    """Values are (response body, node count); 0 bytes turns caching off."""
    return LRU(max_bytes, size=lambda entry: len(entry[0]))
