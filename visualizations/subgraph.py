"""Fetch the subgraphs that pictures show: a leader's neighbourhood, a unit's tree, a case's
links, the people and units behind one named-query result.

Neighbourhoods are expanded one hop per query rather than with variable-length patterns
(FalkorDB's miss nodes reached by two paths), and stop at a node limit; what was left out is
counted, so the picture can say so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import orjson

from graph.cache import LRU, FolderCache
from graph.ontology import ONTOLOGY
from graph.store import Result, Store
from queries.library import QueryError, run_named

Key = tuple[str, str]  # (label, id)
PER_NODE = 60  # neighbours shown per node and direction; hubs are summarised by a count


@dataclass
class Subgraph:
    nodes: dict[Key, dict[str, Any]] = field(default_factory=dict)  # (label, id) -> the node's properties
    edges: dict[tuple[Key, str, Key, str], dict[str, Any]] = field(default_factory=dict)
    highlight: set[Key] = field(default_factory=set)
    left_out: int = 0  # nodes that the limit kept out
    version: str | None = None  # the store's version when reading began (None: nothing is cached)

    def add_node(self, label: str, props: dict[str, Any]) -> Key:
        key = (label, props["id"])
        self.nodes.setdefault(key, props)
        return key

    def as_json(self) -> dict[str, Any]:
        """The API's shape: {nodes: [{id, label, name, properties}], edges: [...]}."""
        return {
            "nodes": [{"id": k[1], "label": k[0], "name": n.get("name"), "properties": n}
                      for k, n in self.nodes.items()],
            "edges": [{"source": s[1], "source_label": s[0], "target": t[1], "target_label": t[0], "type": rtype,
                       "properties": props} for (s, rtype, t, _), props in self.edges.items()],
            "left_out": self.left_out,
        }


def _edge_key(props: dict[str, Any]) -> str:
    return str(props.get("id") or "")


def expand(store: Store, sub: Subgraph, frontier: set[Key], types: set[str] | None, limit: int,
           per_node: int | None = PER_NODE) -> set[Key]:
    """Add the relationships (of `types`, or all) touching `frontier`, at most `per_node` per node
    and direction; returns the new nodes. Frontier nodes not in `sub` yet come with their own
    properties (a seed costs no query of its own), as long as they have a relationship."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for label, node_id in sorted(frontier):
        by_label[label].append(node_id)
    k = per_node or 10**9
    version = sub.version
    own = any(key not in sub.nodes for key in frontier)  # read the frontier's own properties too
    scopes = {label: _scope(store, version, label, types, k, own) for label in by_label}
    grouped: dict[str, list] = defaultdict(list)
    todo: dict[str, list[str]] = defaultdict(list)
    for label, ids in by_label.items():
        for node_id in ids:
            known = _known_hub((*scopes[label], node_id)) if version is not None else None
            if known is not None:
                grouped[label] += known
            else:
                todo[label].append(node_id)
    if todo:
        fetched: dict[str, list] = defaultdict(list)
        for label, *row in _neighbours(store, todo, types, k, own):
            fetched[label].append(row)
        for label, rows in fetched.items():
            grouped[label] += rows
            if version is not None:
                _remember_hubs(scopes[label], rows, k)
    new: set[Key] = set()
    for label, rows in grouped.items():
        for node_id, out, items, total, props in rows:
            sub.left_out += max(total - len(items), 0)
            here = (label, node_id)
            if props is not None:
                sub.add_node(label, props)
            for rtype, rprops, mlabel, mprops in items:  # only `types`: the query and the hub key say so
                other = (mlabel, mprops["id"])
                if other not in sub.nodes:
                    if len(sub.nodes) >= limit:
                        sub.left_out += 1
                        continue
                    sub.add_node(mlabel, mprops)
                    new.add(other)
                source, target = (here, other) if out else (other, here)
                sub.edges[(source, rtype, target, _edge_key(rprops))] = rprops
    return new


def _neighbours(store: Store, ids: dict[str, list[str]], types: set[str] | None, k: int,
                own: bool = False) -> list[list]:
    """Rows (label, id, outgoing?, first k [type, rel props, label, node props], total, own
    properties or None) per node and direction, for the node ids of each label.

    One round trip for all labels (a UNION ALL of one part per label: each part finds its nodes
    by the label's id index), both directions; a hub (a 纪委 with thousands of acts) shows its
    first k neighbours per direction and the rest is counted. References are collected and
    sliced before properties are read, so a hub's thousands of maps are never built.
    """
    where = " WHERE type(r) IN $types" if types is not None else ""
    props = "properties(n)" if own else "null"
    labels = sorted(ids)
    parts = [f"UNWIND $ids{j} AS i MATCH (n:{label} {{id: i}})-[r]-(m){where} "
             "WITH n, startNode(r) = n AS out, collect([r, m]) AS items "
             "WITH n, out, items[0..$k] AS kept, size(items) AS total "
             f"RETURN '{label}' AS label, n.id AS id, out AS out, [it IN kept | [type(it[0]), properties(it[0]), "
             f"labels(it[1])[0], properties(it[1])]] AS items, total AS total, {props} AS own"
             for j, label in enumerate(labels)]
    params = {f"ids{j}": ids[label] for j, label in enumerate(labels)}
    return store.run(" UNION ALL ".join(parts), {**params, "k": k, "types": sorted(types or ())},
                     read_only=True).rows


# The neighbour rows of hubs, nodes with more than `per_node` relationships in a direction.
# Counting a hub's thousands of relationships is what a view spends most on (a province's
# 纪委监委: 8,357 relationships, 9 ms per visit), and hubs sit in many views. Rows are kept
# under the store's version (``Store.version``), so a write anywhere makes them unreachable.
# They are kept as JSON bytes, decoded on each use: as lists and dicts, a full LRU held a few
# hundred thousand objects that every full garbage collection walks (100-270 ms pauses, the
# API's slowest requests); bytes are not tracked by the collector, and decoding a median hub's
# rows (16 KB) costs about 70 µs.
HUBS: LRU[bytes] = LRU(4096)
# A second tier that several processes share (the API's workers: a folder in the data folder),
# so a hub is counted once per graph version, not once per worker. Set with `share_hubs`.
_SHARED_HUBS: FolderCache | None = None


def share_hubs(cache: FolderCache | None) -> None:
    """Keep hub rows also in `cache`, a folder the processes of one server share."""
    global _SHARED_HUBS
    _SHARED_HUBS = cache


def _scope(store: Store, version: str | None, label: str, types: set[str] | None, k: int, own: bool) -> tuple:
    """What a hub's rows depend on besides its id: the graph and its version, the relationship
    types asked for, how many neighbours are kept, and whether the node's own properties came along."""
    return store.url, getattr(store, "graph_name", ""), version, label, tuple(sorted(types or ())), k, own


def warm_hubs(store: Store, version: str, batch: int = 50) -> bool:
    """Count every hub's relationships now, for views through all relationship types, so that no
    view pays for it (unwarmed, a province's 纪委监委 costs its first view 9 ms, and at a million
    nodes most views reach one of the ~3,000 hubs: an earlier stop measured 348 views/s against
    513 with all of them warm, four processes building views straight from the store). Finding
    them scans every relationship once per direction; with reading their rows, 16.5-16.8 s for
    the 2,940 hubs at scale 100 on an otherwise idle machine. A server does it in the background.
    Returns False when a write moved the graph on meanwhile: the rows kept so far belong to a
    version no one asks for any more."""
    k = PER_NODE
    for label in ONTOLOGY.nodes:
        hubs: set[str] = set()
        for pattern in ("(n:{label})-[r]->()", "(n:{label})<-[r]-()"):
            rows = store.run(f"MATCH {pattern.format(label=label)} WITH n, count(r) AS c WHERE c > $k RETURN n.id",
                             {"k": k}, read_only=True).rows
            hubs |= {node_id for (node_id,) in rows}
        ordered = sorted(hubs)
        for start in range(0, len(ordered), batch):
            if store.version() != version:
                return False
            rows = _neighbours(store, {label: ordered[start:start + batch]}, None, k)
            _remember_hubs(_scope(store, version, label, None, k, False), [row[1:] for row in rows], k)
    return store.version() == version


def _known_hub(key: tuple) -> list | None:
    data = HUBS.get(key)
    if data is None and _SHARED_HUBS is not None:
        found = _SHARED_HUBS.get(str(key[2]), repr(key))
        if found is not None:
            data = found[0]
            HUBS.put(key, data)
    return None if data is None else orjson.loads(data)


def _remember_hubs(scope: tuple, rows: list[list], k: int) -> None:
    by_node: dict[str, list] = defaultdict(list)
    for row in rows:
        by_node[row[0]].append(row)
    for node_id, node_rows in by_node.items():
        if any(total > k for _, _, _, total, _ in node_rows):
            data = orjson.dumps(node_rows)
            HUBS.put((*scope, node_id), data)
            if _SHARED_HUBS is not None:
                _SHARED_HUBS.put(str(scope[2]), repr((*scope, node_id)), data, 0)


def _seed(store: Store, label: str, node_id: str, version: str | None = None) -> Subgraph:
    """The subgraph holding one node; `version` is the store's, when the caller has read it already."""
    row = store.run(f"MATCH (n:{label} {{id: $id}}) RETURN properties(n)", {"id": node_id}, read_only=True).rows
    if not row:
        raise QueryError(f"没有 id 为 {node_id!r} 的 {label} (no {label} with this id)")
    sub = Subgraph(version=version or store.version())
    sub.highlight.add(sub.add_node(label, row[0][0]))
    return sub


def neighbourhood(store: Store, label: str, node_id: str, depth: int = 1, types: set[str] | None = None,
                  limit: int = 500, per_node: int | None = PER_NODE, version: str | None = None) -> Subgraph:
    """A node and everything within `depth` hops (1–3), optionally only through `types`."""
    if not 1 <= depth <= 3:
        raise QueryError("depth 应为 1–3 (depth must be 1 to 3)")
    seed = (label, node_id)
    sub = Subgraph(version=version or store.version())
    frontier = expand(store, sub, {seed}, types, limit, per_node)  # the first hop brings the seed along
    if seed not in sub.nodes:  # no relationships (of `types`), or no such node: the seed alone
        return _seed(store, label, node_id, sub.version)
    sub.highlight.add(seed)
    for _ in range(depth - 1):
        if not frontier:
            break
        frontier = expand(store, sub, frontier, types, limit, per_node)
    return sub


def unit_tree(store: Store, unit_id: str, limit: int = 500, version: str | None = None) -> Subgraph:
    """A unit, its superiors and subordinates (two levels each way), their leaders and overseers."""
    sub = _seed(store, "Unit", unit_id, version)
    units = set(sub.highlight)
    frontier = set(units)
    for _ in range(2):
        frontier = {k for k in expand(store, sub, frontier, {"SUBORDINATE_TO"}, limit) if k[0] == "Unit"}
        units |= frontier
    expand(store, sub, units, {"HOLDS_POST", "OVERSEES"}, limit)
    return sub


def case_view(store: Store, case_id: str, limit: int = 500, version: str | None = None) -> Subgraph:
    """A case, the cases linked to it (case_links), and the people, units and clues of both."""
    sub = _seed(store, "Case", case_id, version)
    linked = run_named("case_links", store, case_id=case_id).records()
    cases = set(sub.highlight) | {("Case", r["other_id"]) for r in linked}
    for key in cases - sub.highlight:
        sub.add_node("Case", store.run("MATCH (c:Case {id: $id}) RETURN properties(c)", {"id": key[1]},
                                       read_only=True).rows[0][0])
    sub.highlight |= cases
    people = expand(store, sub, cases, {"INVOLVED_IN", "CONCERNS", "LED_TO", "HANDLES"}, limit)
    # the posts behind an overlapping-tenure link
    expand(store, sub, {k for k in people if k[0] == "Leader"}, {"HOLDS_POST"}, limit)
    return sub


ID_COLUMNS = {  # result column -> labels its ids may belong to
    "leader_id": ("Leader",), "leader_ids": ("Leader",), "top_leader_ids": ("Leader",),
    "unit_id": ("Unit",), "unit_ids": ("Unit",), "party_id": ("Unit",), "parent_id": ("Unit", "Region"),
    "body_id": ("OversightBody",), "case_id": ("Case",), "case_ids": ("Case",), "other_id": ("Case",),
    "clue_ids": ("Clue",), "finding_ids": ("Finding",), "region_id": ("Region",), "with_id": tuple(ONTOLOGY.nodes),
}


def query_view(store: Store, name: str, params: dict[str, Any], limit: int = 500,
               result: Result | None = None, version: str | None = None) -> tuple[Subgraph, Result]:
    """The nodes a named query's result names (highlighted), with the relationships among and around them.

    Pass `result` when the query has already been run with these parameters.
    """
    result = result or run_named(name, store, **params)
    wanted: dict[str, set[str]] = defaultdict(set)
    for record in result.records():
        for column, labels in ID_COLUMNS.items():
            value = record.get(column)
            for node_id in value if isinstance(value, list) else [value]:
                if node_id is not None:
                    for label in labels:
                        wanted[label].add(node_id)
    sub = Subgraph(version=version or store.version())
    for label, ids in wanted.items():
        rows = store.run(f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN properties(n)", {"ids": sorted(ids)},
                         read_only=True).rows
        for (props,) in rows:
            if len(sub.nodes) >= limit:
                sub.left_out += 1
                continue
            sub.highlight.add(sub.add_node(label, props))
    expand(store, sub, set(sub.highlight), None, limit)
    return sub, result


def path(store: Store, start: Key, end: Key, max_hops: int = 4, limit: int = 5000,
         version: str | None = None) -> Subgraph:
    """A shortest path between two nodes (either direction), found breadth-first hop by hop."""
    seen = _seed(store, *start, version)
    _seed(store, *end, seen.version)  # both must exist
    parent: dict[Key, tuple[Key, tuple] | None] = {start: None}
    frontier = {start}
    for _ in range(max_hops):
        new = expand(store, seen, frontier, None, limit)
        for edge in seen.edges:
            s, _r, t, _ = edge
            for here, there in ((s, t), (t, s)):
                if here in frontier and there in new and there not in parent:
                    parent[there] = (here, edge)
        if end in parent or not new:
            break
        frontier = new
    sub = Subgraph()
    sub.add_node(end[0], seen.nodes.get(end) or {"id": end[1]})
    sub.add_node(start[0], seen.nodes[start])
    sub.highlight = {start, end}
    step = end
    while parent.get(step) is not None:
        previous, edge = parent[step]
        sub.add_node(previous[0], seen.nodes[previous])
        sub.add_node(step[0], seen.nodes[step])
        sub.edges[edge] = seen.edges[edge]
        sub.highlight.add(step)
        step = previous
    return sub
