"""Check raw records against the ontology and turn them into rows ready for writing.

A record is a node when it has (or its file names) a label, a relationship when it has
(or its file names) a relationship type. Every problem raises ``FieldError`` naming the
field, so the user sees file, line and field together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from jiandu.graph.ontology import ONTOLOGY, FieldError, NodeType, Ontology, RelType, coerce

# `sources` in a record is provenance carried over from elsewhere (a `jiandu export --format jsonl`
# read back): kept as given, in place of the file and line the record was read from
NODE_RESERVED = ("label", "id", "sources")
REL_RESERVED = ("type", "id", "from", "to", "from_label", "to_label", "sources")


@dataclass(frozen=True)
class NodeRow:
    label: str
    row: dict[str, Any]


@dataclass(frozen=True)
class RelRow:
    type: str
    source_label: str
    target_label: str
    row: dict[str, Any]


def kind_of(record: dict[str, Any], hint: str | None, onto: Ontology = ONTOLOGY) -> str | None:
    """'node', 'rel' or None (neither a label nor a type can be found)."""
    if "label" in record or (hint in onto.nodes and "type" not in record):
        return "node"
    if "type" in record or hint in onto.relationships:
        return "rel"
    return None


def _text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if type(value) is str:
        return value.strip() or None
    if isinstance(value, (dict, list, bool)):
        raise FieldError(key, f"应为文本 (expected a string), 实为 {type(value).__name__}")
    text = str(value).strip()
    return text or None


def _properties(kind: NodeType | RelType, record: dict[str, Any], reserved: tuple[str, ...]) -> tuple[dict, dict]:
    """Split the record into plain properties and date properties, coerced and checked."""
    unknown = [k for k in record.keys() - kind.names if k not in reserved]
    if unknown:
        unknown = [k for k in record if k in unknown]  # name the first in the record's order
        name = getattr(kind, "label", None) or kind.type
        allowed = ", ".join((*reserved, *kind.properties))
        raise FieldError(unknown[0], f"{name} 没有这个字段 (unknown field); 允许的字段 (allowed): {allowed}")
    props, dates = {}, {}
    for prop in kind.written:  # a derived property is recomputed from the graph after every write
        name = prop.name
        raw = record.get(name)
        value = None if raw is None else prop.coerce(raw)
        if value is None or value == []:
            if prop.required:
                raise FieldError(name, "必填字段为空 (required field is missing)")
            if prop.type == "date":
                dates["d_" + name] = None
            continue
        if prop.type == "date":
            dates["d_" + name] = value
        else:
            props[name] = value
    return props, dates


def _kind_name(record: Any, key: str, hint: str | None, known: dict[str, Any], what: str) -> str:
    """The record's label or type (from the record, else from its file name), checked."""
    if not isinstance(record, dict):
        raise FieldError("record", f"记录应为对象 (a record must be an object), 实为 {type(record).__name__}")
    name = _text(record, key) or hint
    if name not in known:
        raise FieldError(key, f"{what} {name!r}; 可用 (known): {', '.join(known)}")
    return name


def node_row(record: dict[str, Any], hint: str | None, line: int, onto: Ontology = ONTOLOGY) -> NodeRow:
    label = _kind_name(record, "label", hint, onto.nodes, "未知的节点类型 (unknown label)")
    node_id = _text(record, "id")
    if not node_id:
        raise FieldError("id", "缺少 id (missing id)")
    props, dates = _properties(onto.node(label), record, NODE_RESERVED)
    return NodeRow(label, {"id": node_id, "p": props, "line": line, **dates, **_carried(record)})


def _carried(record: dict[str, Any]) -> dict[str, list[str]]:
    """{"sources": […]} when the record carries its provenance, else nothing."""
    if record.get("sources") in (None, "", []):
        return {}
    return {"sources": coerce("list", "sources", record["sources"])}


def _endpoint(rel: RelType, record: dict[str, Any], end: str) -> tuple[str, str]:
    allowed = rel.sources if end == "from" else rel.targets
    node_id = _text(record, end)
    if not node_id:
        raise FieldError(end, f"缺少关系端点 (missing endpoint id) '{end}'")
    label = _text(record, f"{end}_label")
    if label is None:
        if len(allowed) != 1:
            raise FieldError(f"{end}_label", f"{rel.type} 的端点可以是 {'/'.join(allowed)}，请给出 {end}_label "
                             f"({end}_label is required when the endpoint may have several labels)")
        label = allowed[0]
    elif label not in allowed:
        raise FieldError(f"{end}_label", f"{rel.type} 的端点不能是 {label} (allowed: {'/'.join(allowed)})")
    return label, node_id


def rel_row(record: dict[str, Any], hint: str | None, line: int, onto: Ontology = ONTOLOGY) -> RelRow:
    rtype = _kind_name(record, "type", hint, onto.relationships, "未知的关系类型 (unknown relationship type)")
    rel = onto.relationship(rtype)
    source_label, source = _endpoint(rel, record, "from")
    target_label, target = _endpoint(rel, record, "to")
    if rel.hierarchy and (source_label, source) == (target_label, target):
        raise FieldError("to", f"{rel.type} 不能指向自身 (a {rel.type} hierarchy cannot point a node at itself)")
    props, dates = _properties(rel, record, REL_RESERVED)
    rel_id = _text(record, "id") or identity(rel, source, target, {**props, **{k[2:]: v for k, v in dates.items()}})
    row = {"id": rel_id, "from": source, "to": target, "p": props, "line": line, **dates, **_carried(record)}
    return RelRow(rtype, source_label, target_label, row)


def identity(rel: RelType, source: str, target: str, values: dict[str, Any]) -> str:
    """A stable id for a relationship record that has none, from its type, ends and key properties.

    A short digest rather than the readable key: it is sent with every row of every batch.
    """
    key = "\x1f".join([rel.type, source, target, *("" if values.get(k) is None else str(values[k]) for k in rel.key)])
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
