"""The graph in formats others read: JSON Lines (jiandu's own, re-ingestible), GraphML and GEXF
(Gephi, networkx, yEd) and the CSV of `neo4j-admin database import`.

Every writer takes the same two streams, nodes as (label, properties) and relationships as
`Edge`s, so the whole graph and a named query's subgraph leave alike. Property types come from
the ontology: lists stay lists where the format has them (JSON Lines, Neo4j's ``string[]``) and
are joined with "|" where it has not (GraphML, GEXF), as in jiandu's own CSV.
"""

from __future__ import annotations

import csv
import json
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jiandu.graph.ontology import ONTOLOGY, Ontology
from jiandu.graph.store import Store

FORMATS = ("jsonl", "graphml", "gexf", "neo4j-csv")
PAGE = 10_000
LIST_SEPARATOR = "|"
NEO4J_TYPES = {"str": "string", "int": "long", "float": "double", "bool": "boolean", "date": "date",
               "list": "string[]"}


@dataclass(frozen=True)
class Edge:
    type: str
    source: tuple[str, str]  # (label, id)
    target: tuple[str, str]
    properties: dict[str, Any]


def _paged(store: Store, cypher: str) -> Iterator[list]:
    """The rows of `cypher` (first column: the id it pages on, `$after`), PAGE at a time."""
    after = ""
    while True:
        rows = store.run(cypher, {"after": after, "page": PAGE}, read_only=True).rows
        yield from rows
        if len(rows) < PAGE:
            return
        after = rows[-1][0]


def whole_graph(store: Store, onto: Ontology = ONTOLOGY) -> tuple[Iterator[tuple[str, dict]], Iterator[Edge]]:
    """Every node and relationship the ontology names, read a page at a time in id order."""
    nodes = ((label, props) for label in onto.nodes for _, props in _paged(
        store, f"MATCH (n:{label}) WHERE n.id > $after RETURN n.id, properties(n) ORDER BY n.id LIMIT $page"))
    edges = (Edge(rtype, (sl, sid), (tl, tid), props) for rtype in onto.relationships
             for _, sl, sid, tl, tid, props in _paged(
                 store, f"MATCH (a)-[r:{rtype}]->(b) WHERE r.id > $after RETURN r.id, labels(a)[0], a.id, "
                        "labels(b)[0], b.id, properties(r) ORDER BY r.id LIMIT $page"))
    return nodes, edges


def write(fmt: str, out: Path, nodes: Iterable[tuple[str, dict]], edges: Iterable[Edge],
          onto: Ontology = ONTOLOGY) -> list[Path]:
    """Write the graph into folder `out` in format `fmt`; returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"未知格式 (unknown format) {fmt!r}; 可用 (known): {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        return _jsonl(out, nodes, edges)
    if fmt == "neo4j-csv":
        return _neo4j_csv(out, nodes, edges, onto)
    return [_networkx(fmt, out, nodes, edges)]


def _jsonl(out: Path, nodes: Iterable[tuple[str, dict]], edges: Iterable[Edge]) -> list[Path]:
    # nodes and relationships in files of their own: the loader reads every file's nodes first
    # anyway, and a reader of the export finds each kind in one place
    with open(out / "nodes.jsonl", "w", encoding="utf-8") as fh:
        for label, props in nodes:
            fh.write(json.dumps({"label": label, **props}, ensure_ascii=False) + "\n")
    with open(out / "relationships.jsonl", "w", encoding="utf-8") as fh:
        for e in edges:
            fh.write(json.dumps({"type": e.type, "from": e.source[1], "from_label": e.source[0], "to": e.target[1],
                                 "to_label": e.target[0], **e.properties}, ensure_ascii=False) + "\n")
    return [out / "nodes.jsonl", out / "relationships.jsonl"]


def _flat(value: Any) -> Any:
    return LIST_SEPARATOR.join(map(str, value)) if isinstance(value, list) else value


def _attributes(props: dict[str, Any], id_name: str) -> dict[str, Any]:
    # GEXF takes an `id` attribute for the element's own id; ours is kept as node_id / rel_id
    return {(id_name if k == "id" else k): _flat(v) for k, v in props.items()}


def _networkx(fmt: str, out: Path, nodes: Iterable[tuple[str, dict]], edges: Iterable[Edge]) -> Path:
    """Node keys are "Label:id" (ids are unique per label only); `label` is the label or the
    relationship type (what Gephi shows; GEXF keeps `type` for itself)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for label, props in nodes:
        graph.add_node(f"{label}:{props['id']}", label=label, **_attributes(props, "node_id"))
    for e in edges:
        graph.add_edge(f"{e.source[0]}:{e.source[1]}", f"{e.target[0]}:{e.target[1]}", key=e.properties.get("id"),
                       label=e.type, **_attributes(e.properties, "rel_id"))
    path = out / f"graph.{fmt}"
    (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(graph, path)
    return path


def _neo4j_csv(out: Path, nodes: Iterable[tuple[str, dict]], edges: Iterable[Edge], onto: Ontology) -> list[Path]:
    """One file per label and per (type, source label, target label), with typed headers; ids are
    unique per label, so each label is its own id space."""
    files: dict[tuple, tuple[Any, csv.writer, list[str]]] = {}

    def writer(key: tuple, name: str, header: list[str], columns: list[str]):
        if key not in files:
            fh = open(out / name, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
            w = csv.writer(fh)
            w.writerow(header)
            files[key] = (fh, w, columns)
        return files[key][1:]

    def cell(value: Any) -> Any:
        if value is None:
            return ""
        return ("true" if value else "false") if isinstance(value, bool) else _flat(value)

    try:
        for label, props in nodes:
            spec = onto.node(label)
            names = [n for n in spec.properties if n != "name"]
            header = [f"id:ID({label})", "name", *(f"{n}:{NEO4J_TYPES[spec.properties[n].type]}" for n in names),
                      "sources:string[]", ":LABEL"]
            w, columns = writer(("n", label), f"nodes_{label}.csv", header, ["id", "name", *names, "sources"])
            w.writerow([cell(props.get(c)) for c in columns] + [label])
        for e in edges:
            spec = onto.relationship(e.type)
            names = list(spec.properties)
            header = [f":START_ID({e.source[0]})", f":END_ID({e.target[0]})", "id",
                      *(f"{n}:{NEO4J_TYPES[spec.properties[n].type]}" for n in names), "sources:string[]", ":TYPE"]
            w, columns = writer(("r", e.type, e.source[0], e.target[0]),
                                f"relationships_{e.type}_{e.source[0]}_{e.target[0]}.csv", header,
                                ["id", *names, "sources"])
            w.writerow([e.source[1], e.target[1], *(cell(e.properties.get(c)) for c in columns), e.type])
    finally:
        for fh, _, _ in files.values():
            fh.close()
    written = sorted(Path(fh.name) for fh, _, _ in files.values())
    # the database name first: the file options take every word after them
    command = ["neo4j-admin", "database", "import", "full", "neo4j", *import_arguments(Path(p.name) for p in written)]
    (out / "import.txt").write_text(shlex.join(command) + "\n", encoding="utf-8")
    return [*written, out / "import.txt"]


def import_arguments(files: Iterable[Path]) -> list[str]:
    """The `neo4j-admin database import full` options for the files `_neo4j_csv` wrote."""
    files = list(files)
    return ([f"--array-delimiter={LIST_SEPARATOR}"]
            + [f"--nodes={p}" for p in files if p.name.startswith("nodes_")]
            + [f"--relationships={p}" for p in files if p.name.startswith("relationships_")])
