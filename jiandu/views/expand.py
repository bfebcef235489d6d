"""One hop of a view: the relationships touching a frontier of nodes, one query for all labels.

Neighbourhoods are expanded one hop per query rather than with variable-length patterns
(FalkorDB's miss nodes reached by two paths), and stop at a node limit; what was left out is
counted, so the picture can say so.
"""

from __future__ import annotations

from collections import defaultdict

from jiandu.graph.store import Store
from jiandu.views.hubs import PER_NODE, HubRows, scope
from jiandu.views.subgraph import Key, Subgraph


def expand(store: Store, sub: Subgraph, frontier: set[Key], types: set[str] | None, limit: int,
           per_node: int | None = PER_NODE, hubs: HubRows | None = None) -> set[Key]:
    """Add the relationships (of `types`, or all) touching `frontier`, at most `per_node` per node
    and direction; returns the new nodes. Frontier nodes not in `sub` yet come with their own
    properties (a seed costs no query of its own), as long as they have a relationship."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for label, node_id in sorted(frontier):
        by_label[label].append(node_id)
    k = per_node or 10**9
    version = sub.version
    own = any(key not in sub.nodes for key in frontier)  # read the frontier's own properties too
    cached = hubs if version is not None else None
    scopes = {label: scope(store, version, label, types, k, own) for label in by_label}
    grouped: dict[str, list] = defaultdict(list)
    todo: dict[str, list[str]] = defaultdict(list)
    for label, ids in by_label.items():
        for node_id in ids:
            known = cached.get((*scopes[label], node_id)) if cached is not None else None
            if known is not None:
                grouped[label] += known
            else:
                todo[label].append(node_id)
    if todo:
        fetched: dict[str, list] = defaultdict(list)
        for label, *row in neighbours(store, todo, types, k, own):
            fetched[label].append(row)
        for label, rows in fetched.items():
            grouped[label] += rows
            if cached is not None:
                cached.remember(scopes[label], rows, k)
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
                sub.edges[(source, rtype, target, str(rprops.get("id") or ""))] = rprops
    return new


def neighbours(store: Store, ids: dict[str, list[str]], types: set[str] | None, k: int,
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
