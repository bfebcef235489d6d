"""The neighbour rows of hubs: nodes with more than `PER_NODE` relationships in a direction.

Counting a hub's thousands of relationships is what a view spends most on (a province's
纪委监委 with 8,000 acts costs each visit milliseconds), and hubs sit in many views. Rows are
kept under the store's version (``Store.version``), so a write anywhere makes them
unreachable. They are kept as JSON bytes and decoded on each use: the garbage collector does
not track bytes, while the same rows as lists and dicts are objects every full collection walks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import orjson

from jiandu.graph.cache import LRU, FolderCache
from jiandu.graph.ontology import ONTOLOGY
from jiandu.graph.store import Store

PER_NODE = 60  # neighbours shown per node and direction; hubs are summarised by a count
Rows = list[list]
Scope = tuple  # what a hub's rows depend on besides its id


def scope(store: Store, version: str | None, label: str, types: set[str] | None, k: int, own: bool) -> Scope:
    """The graph and its version, the relationship types asked for, how many neighbours are kept,
    and whether the node's own properties came along."""
    return store.url, getattr(store, "graph_name", ""), version, label, tuple(sorted(types or ())), k, own


class HubRows:
    """Hub rows in this process's memory, and optionally in a folder the processes of one server
    share, so that a hub is counted once per graph version, not once per worker."""

    def __init__(self, max_entries: int = 4096, shared: FolderCache | None = None) -> None:
        self.memory: LRU[bytes] = LRU(max_entries)
        self.shared = shared

    def get(self, key: tuple) -> Rows | None:
        data = self.memory.get(key)
        if data is None and self.shared is not None:
            found = self.shared.get(str(key[2]), repr(key))
            if found is not None:
                data = found[0]
                self.memory.put(key, data)
        return None if data is None else orjson.loads(data)

    def remember(self, hub_scope: Scope, rows: Rows, k: int) -> None:
        """Keep the rows of each node in `rows` that has more than `k` relationships in a direction."""
        by_node: dict[str, Rows] = defaultdict(list)
        for row in rows:
            by_node[row[0]].append(row)
        for node_id, node_rows in by_node.items():
            if any(total > k for _, _, _, total, _ in node_rows):
                data = orjson.dumps(node_rows)
                self.memory.put((*hub_scope, node_id), data)
                if self.shared is not None:
                    self.shared.put(str(hub_scope[2]), repr((*hub_scope, node_id)), data, 0)

    def warm(self, store: Store, version: str, neighbours: Callable[..., Rows], batch: int = 50) -> bool:
        """Count every hub's relationships now, for views through all relationship types, so that
        no view pays for it. Finding them scans every relationship once per direction. Returns
        False when a write moved the graph on meanwhile: the rows kept so far belong to a version
        no one asks for any more."""
        k = PER_NODE
        for label in ONTOLOGY.nodes:
            hubs: set[str] = set()
            for pattern in ("(n:{label})-[r]->()", "(n:{label})<-[r]-()"):
                rows = store.run(f"MATCH {pattern.format(label=label)} WITH n, count(r) AS c WHERE c > $k "
                                 "RETURN n.id", {"k": k}, read_only=True).rows
                hubs |= {node_id for (node_id,) in rows}
            ordered = sorted(hubs)
            for start in range(0, len(ordered), batch):
                if store.version() != version:
                    return False
                found = neighbours(store, {label: ordered[start:start + batch]}, None, k)
                self.remember(scope(store, version, label, None, k, False), [row[1:] for row in found], k)
        return store.version() == version
