"""The subgraph a view or a picture shows: nodes and relationships with their properties."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jiandu.graph.ontology import ONTOLOGY

Key = tuple[str, str]  # (label, id)
EdgeKey = tuple[Key, str, Key, str]  # (source, type, target, the relationship's own id or "")
# derived properties serve queries (a view shows the relationships they come from), bulky ones are quoted
_UNVIEWED = {label: ONTOLOGY.unviewed_names(label) for label in ONTOLOGY.nodes}


@dataclass
class Subgraph:
    nodes: dict[Key, dict[str, Any]] = field(default_factory=dict)  # (label, id) -> the node's properties
    edges: dict[EdgeKey, dict[str, Any]] = field(default_factory=dict)
    highlight: set[Key] = field(default_factory=set)
    left_out: int = 0  # nodes that the limit kept out
    version: str | None = None  # the store's version when reading began (None: nothing is cached)
    as_of: str | None = None  # the reference date of the answer it shows, for a pattern's picture

    def add_node(self, label: str, props: dict[str, Any]) -> Key:
        key = (label, props["id"])
        hidden = _UNVIEWED.get(label)
        self.nodes.setdefault(key, {k: v for k, v in props.items() if k not in hidden} if hidden else props)
        return key

    def as_json(self) -> dict[str, Any]:
        """The API's shape: {nodes: [{id, label, name, properties}], edges: [...], left_out}."""
        return {
            "nodes": [{"id": k[1], "label": k[0], "name": n.get("name"), "properties": n}
                      for k, n in self.nodes.items()],
            "edges": [{"source": s[1], "source_label": s[0], "target": t[1], "target_label": t[0], "type": rtype,
                       "properties": props} for (s, rtype, t, _), props in self.edges.items()],
            "left_out": self.left_out,
            "as_of": self.as_of,
        }
