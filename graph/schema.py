"""Indexes and constraints for each backend, and a readable description, all from the ontology."""

from __future__ import annotations

from jiandu.graph.ontology import ONTOLOGY, Ontology


def falkordb_indexes(onto: Ontology = ONTOLOGY) -> list[str]:
    """Range indexes: ``id`` on every label (MERGE looks nodes up by it) plus declared ones."""
    stmts = []
    for label, node in onto.nodes.items():
        for prop in ("id", *node.indexes):
            stmts.append(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
    return stmts


def falkordb_constraints(onto: Ontology = ONTOLOGY) -> list[list[str]]:
    """Arguments for ``GRAPH.CONSTRAINT CREATE <graph> …``: ``id`` unique per label."""
    return [["UNIQUE", "NODE", label, "PROPERTIES", "1", "id"] for label in onto.nodes]


def neo4j_statements(onto: Ontology = ONTOLOGY) -> list[str]:
    stmts = []
    for label, node in onto.nodes.items():
        stmts.append(
            f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        )
        for prop in node.indexes:
            stmts.append(f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})")
    # No index on relationship ids: MERGE finds a relationship from its two ends (Expand Into);
    # with an index, a plan made while the type is still empty seeks it for every row instead
    # (docs/design.md). Graphs made by earlier versions lose the index here.
    for rtype in onto.relationships:
        stmts.append(f"DROP INDEX {rtype.lower()}_id IF EXISTS")
    return stmts


def describe(onto: Ontology = ONTOLOGY) -> str:
    """The ontology as readable text (``jiandu schema``)."""
    lines = ["节点 (nodes)", "============"]
    for label, node in onto.nodes.items():
        lines.append(f"{label} · {node.zh} — {node.en}")
        lines.append("    id: str (必填 required, 唯一 unique)")
        for p in node.properties.values():
            lines.append(_prop_line(p))
    lines += ["", "关系 (relationships)", "===================="]
    for rtype, rel in onto.relationships.items():
        ends = f"({'|'.join(rel.sources)})-[:{rtype}]->({'|'.join(rel.targets)})"
        lines.append(f"{ends} · {rel.zh}" + (f" — {rel.en}" if rel.en != rtype else ""))
        if rel.key:
            lines.append(f"    标识 (identity): from, to, {', '.join(rel.key)} (or an explicit id)")
        for p in rel.properties.values():
            lines.append(_prop_line(p))
    lines += ["", "来源 (provenance, on every node and relationship)"]
    lines += [_prop_line(p) for p in onto.provenance.values()]
    return "\n".join(lines)


def _prop_line(p) -> str:
    flags = " (必填 required)" if p.required else ""
    if p.derived:
        flags += f" (派生 derived from {p.derived}, kept by jiandu)"
    allowed = f" ∈ {{{', '.join(p.values)}}}" if p.values else ""
    return f"    {p.name}: {p.type}{flags} · {p.zh}{allowed}"
